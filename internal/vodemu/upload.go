package vodemu

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// CreateUploadImage and the life of an uploaded image: the upload address and credential it
// issues, the image it stores with status Uploading, and the change to Normal (or UploadFail)
// once its object is complete in OSS (ossupload.go). Sources (keys listed in README.md):
//
//	[Models]        models.json's CreateUploadImage: parameters, limits, UploadAddress.decoded,
//	                UploadAuth.decoded, credential (3,000 s, not refreshable, one file), qpsPerAccount.
//	[CreateUpload]  "CreateUploadImage" API reference (api-vod-2017-03-21-createuploadimage;
//	                doc-detail/55619): ImageType default|cover, ImageExt png (default)|jpg|jpeg|gif,
//	                Title 128 bytes, Tags 16 × 32 bytes, AppId default app-1000000, OriginalFileName
//	                with an extension, UserData JSON, "by default ... valid for 3,000 seconds".
//	[UploadURLs]    "Upload URLs and credentials" (doc-detail/55397): the base64 JSON of
//	                UploadAddress and UploadAuth, "the initial status of the media file is
//	                Uploading", one URL and credential per media file.
//	[GetImage]      Status: Uploading (the initial status), Normal, UploadFail.

// DefaultUploadCredentialLifetime is how long an upload credential lasts: "By default, the
// validity period of an image upload credential is 3,000 seconds" [CreateUpload; Models credential].
const DefaultUploadCredentialLifetime = 3000 * time.Second

// DefaultUploadBucket is the bucket CreateUploadImage uploads to without StorageLocation (VOD's
// own storage, "outin-" and 32 hex digits, as [GetImage]'s example bucket is named); its host is
// DefaultUploadBucket.oss-<Region>.aliyuncs.com.
const DefaultUploadBucket = "outin-5f0d1c2b3a4e4f6a8b9c0d1e2f3a4b5c"

// UploadOptions configures CreateUploadImage and what happens after an upload.
type UploadOptions struct {
	// CredentialLifetime is how long an upload credential works, on Options.Now's clock; zero
	// means DefaultUploadCredentialLifetime. Tests shorten it to see expiry.
	CredentialLifetime time.Duration
	// StorageLocation is the default storage (a bucket host such as
	// outin-xxx.oss-cn-shanghai.aliyuncs.com); empty means DefaultUploadBucket in Region.
	StorageLocation string
	// Completion says when an image whose object is complete leaves Uploading; see
	// UploadCompletion. Server.SetUploadCompletion changes it at run time.
	Completion UploadCompletion
}

// UploadCompletion delays or fails the change of an uploaded image from Uploading. VOD documents
// the statuses only [GetImage]: how long the change takes is undocumented (the emulator's default
// is at once), and these exist so that a client's waiting and its handling of UploadFail can be
// tested.
type UploadCompletion struct {
	// AfterReads keeps the image Uploading for this many GetImageInfo or GetImageInfos reads of
	// it after its object is complete.
	AfterReads int `json:"after_reads"`
	// Delay keeps it Uploading until Options.Now is this long past the object's completion.
	Delay time.Duration `json:"-"`
	// Fail makes it end UploadFail instead of Normal.
	Fail bool `json:"fail"`
}

// CreateUploadImage's documented values [CreateUpload; Models limits].
var (
	uploadImageTypes = []string{"default", "cover"}
	uploadImageExts  = []string{"png", "jpg", "jpeg", "gif"}
)

// The metadata limits [CreateUpload: bytes; UpdateImageInfos UpdateContent table: bytes]. models.json
// says characters where the references say bytes; the emulator counts bytes, the stricter reading.
const (
	maxTitleBytes       = 128
	maxDescriptionBytes = 1024
	maxTags             = 16
	maxTagBytes         = 32
	defaultImageExt     = "png"
)

// pendingUpload is an image created by CreateUploadImage, from its creation until it has settled
// (Normal or UploadFail).
type pendingUpload struct {
	imageID, bucket, key string
	originalFileName     string
	object               *ossObject // nil until the object is complete
	completedAt          time.Time
	readsLeft            int
	delay                time.Duration
	fail                 bool
}

// uploadState is what the emulator keeps about uploads: the credentials' scope, the images not
// yet settled, the complete objects, the multipart uploads in progress, and the completion rule.
// Its lock is taken before the store's, never after.
type uploadState struct {
	keys *tempKeys // the upload credentials (tempkeys.go): issued, expiring, pruned as STS keys are

	mu         sync.Mutex
	scope      map[string]objectRef       // credential AccessKeyId → the one object it may write
	pending    map[string]*pendingUpload  // ImageId → not yet settled
	objects    map[objectRef]*ossObject   // complete objects written through the OSS endpoint
	multiparts map[string]*multipartState // UploadId → in progress
	buckets    map[string]string          // bucket → its host, for every bucket uploads went to
	completion UploadCompletion
	failNext   int
}

// objectRef names an object.
type objectRef struct{ bucket, key string }

func newUploadState(c UploadCompletion) *uploadState {
	return &uploadState{keys: newTempKeys(), scope: map[string]objectRef{}, pending: map[string]*pendingUpload{},
		objects: map[objectRef]*ossObject{}, multiparts: map[string]*multipartState{}, buckets: map[string]string{}, completion: c}
}

// SetUploadCompletion changes when uploaded images leave Uploading (UploadCompletion), for images
// whose objects complete from now on.
func (s *Server) SetUploadCompletion(c UploadCompletion) {
	s.uploads.mu.Lock()
	defer s.uploads.mu.Unlock()
	s.uploads.completion = c
}

// FailNextUploads makes the next n images whose objects complete end UploadFail.
func (s *Server) FailNextUploads(n int) {
	s.uploads.mu.Lock()
	defer s.uploads.mu.Unlock()
	s.uploads.failNext = max(0, n)
}

// uploadLifetime is the credential lifetime in whole seconds, rounded up.
func (s *Server) uploadLifetime() int64 {
	d := s.opts.Upload.CredentialLifetime
	if d <= 0 {
		d = DefaultUploadCredentialLifetime
	}
	return int64(math.Ceil(d.Seconds()))
}

// uploadStorageLocation is the default storage's host.
func (s *Server) uploadStorageLocation() string {
	if s.opts.Upload.StorageLocation != "" {
		return s.opts.Upload.StorageLocation
	}
	return DefaultUploadBucket + ".oss-" + s.opts.Region + ".aliyuncs.com"
}

// validateStorageLocation accepts an OSS bucket host, <bucket>.oss-<region>[-internal].aliyuncs.com,
// whose bucket name OSS allows (validateBucketName).
func validateStorageLocation(loc string) error {
	labels := strings.Split(strings.ToLower(loc), ".")
	if len(labels) != 4 || labels[0] == "" || !strings.HasPrefix(labels[1], "oss-") || len(labels[1]) == len("oss-") ||
		labels[2] != "aliyuncs" || labels[3] != "com" || strings.ContainsAny(loc, "/: ") {
		return fmt.Errorf("storage location %q is not an OSS bucket host such as outin-xxx.oss-cn-shanghai.aliyuncs.com", loc)
	}
	return validateBucketName(loc)
}

// validateBucketName checks the bucket name that begins the OSS host host (up to its first dot)
// against OSS's naming rules: 3 to 63 characters, lowercase letters, digits and hyphens only,
// beginning and ending with a letter or digit [OSSBucket; OSS refuses other names with
// InvalidBucketName, 0015-00000001]. No such bucket exists, and the emulator
// would otherwise sign URLs for a host that its own OSS path, which compares hosts in lower case,
// then refuses.
func validateBucketName(host string) error {
	name, _, _ := strings.Cut(host, ".")
	ok := len(name) >= 3 && len(name) <= 63 && name[0] != '-' && name[len(name)-1] != '-'
	for _, r := range name {
		ok = ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}
	if !ok {
		return fmt.Errorf("%q: the bucket name %q is not one OSS allows (3 to 63 lowercase letters, digits and hyphens, "+
			"beginning and ending with a letter or digit)", host, name)
	}
	return nil
}

// createUploadImageResponse is CreateUploadImage's answer [Models].
type createUploadImageResponse struct {
	RequestID     string `json:"RequestId"`
	FileURL       string `json:"FileURL"`
	ImageID       string `json:"ImageId"`
	ImageURL      string `json:"ImageURL"`
	UploadAddress string `json:"UploadAddress"`
	UploadAuth    string `json:"UploadAuth"`
}

// uploadAddress is UploadAddress before base64: Endpoint, Bucket, FileName [Models
// UploadAddress.decoded; UploadURLs].
type uploadAddress struct {
	Endpoint string `json:"Endpoint"`
	Bucket   string `json:"Bucket"`
	FileName string `json:"FileName"`
}

// uploadAuth is UploadAuth before base64: the STS triple and Expiration, documented as the
// validity period and sent as a count of seconds ("3000"), which public clients have met [Models
// UploadAuth.decoded notes]; and ExpireUTCTime, the absolute expiry, which only public client code
// shows ([Models] fieldsSeenOnlyInPublicClientCode): it is sent so that a client may use it, and a
// client must not need it.
type uploadAuth struct {
	AccessKeyID     string `json:"AccessKeyId"`
	AccessKeySecret string `json:"AccessKeySecret"`
	SecurityToken   string `json:"SecurityToken"`
	Expiration      string `json:"Expiration"`
	ExpireUTCTime   string `json:"ExpireUTCTime"`
}

// checkTitle, checkDescription and checkTags apply the documented limits [CreateUpload;
// UpdateImageInfos]: UTF-8, Title 128 bytes, Description 1,024 bytes, Tags at most 16
// comma-separated tags of at most 32 bytes. An empty tag between commas is refused
// (undocumented: it names no tag, and a client sending one has joined an empty value).
func checkTitle(name, v string) *apiError {
	if !utf8.ValidString(v) {
		return errInvalid(name, "It must be UTF-8.")
	}
	if len(v) > maxTitleBytes {
		return errInvalid(name, fmt.Sprintf("It is %d bytes long; the maximum is %d bytes.", len(v), maxTitleBytes))
	}
	return nil
}

func checkDescription(name, v string) *apiError {
	if !utf8.ValidString(v) {
		return errInvalid(name, "It must be UTF-8.")
	}
	if len(v) > maxDescriptionBytes {
		return errInvalid(name, fmt.Sprintf("It is %d bytes long; the maximum is %d bytes.", len(v), maxDescriptionBytes))
	}
	return nil
}

func checkTags(name, v string) *apiError {
	if v == "" {
		return nil
	}
	if !utf8.ValidString(v) {
		return errInvalid(name, "It must be UTF-8.")
	}
	tags := strings.Split(v, ",")
	if len(tags) > maxTags {
		return errInvalid(name, fmt.Sprintf("It has %d tags; the maximum is %d.", len(tags), maxTags))
	}
	for _, t := range tags {
		switch {
		case strings.TrimSpace(t) == "":
			return errInvalid(name, "It has an empty tag.")
		case len(t) > maxTagBytes:
			return errInvalid(name, fmt.Sprintf("The tag %q is %d bytes long; the maximum is %d bytes.", t, len(t), maxTagBytes))
		}
	}
	return nil
}

// checkCateID reads a CateId and checks that the category exists. An unknown one is 404
// InvalidCateId.NotFound: neither CreateUploadImage's nor UpdateImageInfos' reference lists an
// error for it ([Models] errors.note), and this is the code VOD documents for an unknown CateId in
// the category actions [GetCategories; DeleteCategory]; a silent success would file the image
// nowhere.
func (s *Server) checkCateID(name, raw string) (int64, *apiError) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, errInvalid(name, "It must be the positive ID of a category.")
	}
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	if s.store.cats == nil || s.store.cats.nodes[id] == nil {
		return 0, errCateNotFound()
	}
	return id, nil
}

// createUploadImage answers CreateUploadImage [CreateUpload; Models]: it checks the parameters,
// stores the image with status Uploading [UploadURLs; GetImage], and returns its URLs, the base64
// UploadAddress and the base64 UploadAuth, a temporary credential that may write only this
// image's object and expires after UploadOptions.CredentialLifetime [Models credential].
//
// Undocumented choices, each for the reason given:
//   - ImageExt is matched without regard to case and stored lower-case: the references list the
//     values in lower case and say nothing of case.
//   - StorageLocation must be an OSS bucket host; the emulator creates the bucket on first use
//     (real accounts list their storage locations in the console).
//   - AppId must start with "app-" ([CreateUpload]: "in app-xxxxxxx format").
//   - UserData must be a JSON object [CreateUpload: "a JSON-formatted string"]; it is not kept
//     (no callbacks are emulated).
//   - The object key is image/<ImageType>/<ImageId in upper case>.<ext>, like the
//     image/default/<hex>.png keys of [GetImage]'s example.
//   - ImageURL and FileURL are the object's unsigned OSS URL (the image has no CDN domain);
//     GetImageInfo signs them as it signs every image's.
//   - ImageType is stored as sent (default or cover), and GetImageInfo returns it so: the
//     snapshot types [GetImage] lists are a video's.
func (s *Server) createUploadImage(requestID string, p map[string]string) (any, *apiError) {
	imageType := p["ImageType"]
	if imageType == "" {
		return nil, errMissing("ImageType")
	}
	if !slices.Contains(uploadImageTypes, imageType) {
		return nil, errInvalid("ImageType", "Valid values are default and cover.")
	}
	ext := strings.ToLower(p["ImageExt"])
	if ext == "" {
		ext = defaultImageExt
	}
	if !slices.Contains(uploadImageExts, ext) {
		return nil, errInvalid("ImageExt", "Valid values are png, jpg, jpeg and gif.")
	}
	for _, check := range []*apiError{checkTitle("Title", p["Title"]), checkDescription("Description", p["Description"]), checkTags("Tags", p["Tags"])} {
		if check != nil {
			return nil, check
		}
	}
	var cateID int64
	if raw := p["CateId"]; raw != "" {
		id, aerr := s.checkCateID("CateId", raw)
		if aerr != nil {
			return nil, aerr
		}
		cateID = id
	}
	location := p["StorageLocation"]
	if location == "" {
		location = s.uploadStorageLocation()
	} else if err := validateStorageLocation(location); err != nil {
		return nil, errInvalid("StorageLocation", "It must be a storage location's bucket host, such as outin-xxx.oss-cn-shanghai.aliyuncs.com.")
	}
	location = strings.ToLower(location)
	appID := p["AppId"]
	if appID == "" {
		appID = DefaultAppID
	} else if !strings.HasPrefix(appID, "app-") || len(appID) == len("app-") {
		return nil, errInvalid("AppId", "It must be an application ID such as app-1000000.")
	}
	original := p["OriginalFileName"]
	if original != "" && (path.Ext(path.Base(strings.ReplaceAll(original, `\`, "/"))) == "" || !utf8.ValidString(original)) {
		return nil, errInvalid("OriginalFileName", "The file name must have an extension.")
	}
	if raw := p["UserData"]; raw != "" {
		var obj map[string]any
		if json.Unmarshal([]byte(raw), &obj) != nil {
			return nil, errInvalid("UserData", "It must be a JSON object.")
		}
	}

	id := newImageID()
	bucket := bucketOf(location)
	key := "image/" + imageType + "/" + strings.ToUpper(id) + "." + ext
	if original == "" {
		original = path.Base(key)
	}
	objectURL := "https://" + location + "/" + key
	now := s.opts.Now()
	stamp := now.UTC().Format(timestampLayout)
	img := Image{
		ImageInfo: ImageInfo{
			CreationTime: stamp, StorageLocation: location, Status: "Uploading", CateID: cateID, Tags: p["Tags"],
			ImageType: imageType, Description: p["Description"], AppID: appID, URL: objectURL, Title: p["Title"], ImageID: id,
		},
		ModificationTime: stamp,
	}
	lifetime := s.uploadLifetime()
	expiry := now.Add(time.Duration(lifetime) * time.Second)
	keyID, cred := s.uploads.keys.issue(now, expiry)

	s.uploads.mu.Lock()
	s.uploads.scope[keyID] = objectRef{bucket, key}
	s.uploads.pending[id] = &pendingUpload{imageID: id, bucket: bucket, key: key, originalFileName: original}
	s.uploads.buckets[bucket] = location
	s.uploads.mu.Unlock()
	s.store.putFiledImage(img, now)

	addr, _ := json.Marshal(uploadAddress{Endpoint: "https://" + strings.TrimPrefix(location, bucket+"."), Bucket: bucket, FileName: key})
	auth, _ := json.Marshal(uploadAuth{AccessKeyID: keyID, AccessKeySecret: cred.secret, SecurityToken: cred.token,
		Expiration: strconv.FormatInt(lifetime, 10), ExpireUTCTime: expiry.UTC().Format(timestampLayout)})
	return createUploadImageResponse{
		RequestID: requestID, FileURL: objectURL, ImageID: id, ImageURL: objectURL,
		UploadAddress: base64.StdEncoding.EncodeToString(addr), UploadAuth: base64.StdEncoding.EncodeToString(auth),
	}, nil
}

// newImageID is 32 lower-case hex digits, as VOD's ImageIds are (the references' examples).
func newImageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// uploadCredential finds an upload credential for the OSS endpoint: its key, and the object it may
// write.
func (s *Server) uploadCredential(id string) (ossCredential, tempKey, objectRef, bool) {
	k, ok := s.uploads.keys.get(id)
	if !ok {
		return ossCredential{}, tempKey{}, objectRef{}, false
	}
	s.uploads.mu.Lock()
	ref := s.uploads.scope[id]
	s.uploads.mu.Unlock()
	return ossCredential{ID: id, Secret: k.secret, Token: k.token}, k, ref, true
}

// knownBucket is the host of a bucket an upload went to, "" if none did.
func (s *Server) knownBucket(bucket string) string {
	s.uploads.mu.Lock()
	defer s.uploads.mu.Unlock()
	return s.uploads.buckets[bucket]
}

// objectComplete records that an object is complete (PutObject or CompleteMultipartUpload) and,
// if it is a pending image's, starts the image's change from Uploading under the completion rule
// in force. An image already settled gets its source file's new size and dimensions (an
// overwrite; undocumented what VOD does then).
func (s *Server) objectComplete(ref objectRef, obj *ossObject) {
	now := s.opts.Now()
	s.uploads.mu.Lock()
	s.uploads.objects[ref] = obj
	for _, p := range s.uploads.pending {
		if p.bucket == ref.bucket && p.key == ref.key {
			c := s.uploads.completion
			p.object, p.completedAt, p.readsLeft, p.delay, p.fail = obj, now, c.AfterReads, c.Delay, c.Fail
			if s.uploads.failNext > 0 {
				s.uploads.failNext--
				p.fail = true
			}
		}
	}
	s.uploads.mu.Unlock()
	s.store.updateMezzanine(ref, obj)
	s.settleUploads(false)
}

// settleUpload moves one image out of Uploading when its object is complete and the completion
// rule allows; read says a GetImageInfo(s) read of it is being answered, which counts against
// UploadCompletion.AfterReads.
func (s *Server) settleUpload(id string, read bool) {
	s.uploads.mu.Lock()
	p := s.uploads.pending[id]
	if p == nil || p.object == nil {
		s.uploads.mu.Unlock()
		return
	}
	if read && p.readsLeft > 0 {
		p.readsLeft--
		s.uploads.mu.Unlock()
		return
	}
	if p.readsLeft > 0 || s.opts.Now().Before(p.completedAt.Add(p.delay)) {
		s.uploads.mu.Unlock()
		return
	}
	delete(s.uploads.pending, id)
	s.uploads.mu.Unlock()
	s.store.settle(p, s.opts.Now())
}

// settleUploads settles every pending image that may be (settleUpload without counting a read).
func (s *Server) settleUploads(read bool) {
	s.uploads.mu.Lock()
	ids := make([]string, 0, len(s.uploads.pending))
	for id, p := range s.uploads.pending {
		if p.object != nil {
			ids = append(ids, id)
		}
	}
	s.uploads.mu.Unlock()
	for _, id := range ids {
		s.settleUpload(id, read)
	}
}

// forgetUpload drops what is kept about a deleted image's upload: it no longer settles, and its
// object is gone with it.
func (s *Server) forgetUpload(img Image) {
	s.uploads.mu.Lock()
	defer s.uploads.mu.Unlock()
	delete(s.uploads.pending, img.ImageID)
	if key, host := objectLocation(img); key != "" {
		delete(s.uploads.objects, objectRef{bucketOf(host), key})
	}
}

// settle gives a pending image its final status, Normal or UploadFail [GetImage], and its source
// file (Mezzanine: the object's URL, the OriginalFileName sent, or the object's name, and the
// size and dimensions read from the bytes), unless it was deleted meanwhile.
func (st *store) settle(p *pendingUpload, now time.Time) {
	st.lock()
	defer st.mu.Unlock()
	img, ok := st.images[p.imageID]
	if !ok {
		return
	}
	img = img.clone()
	img.Status = "Normal"
	if p.fail {
		img.Status = "UploadFail"
	}
	img.Mezzanine = p.object.mezzanine(img.URL, p.originalFileName)
	img.ModificationTime = now.UTC().Format(timestampLayout)
	st.images[p.imageID] = img
}

// updateMezzanine gives settled images whose source file is ref the new object's size and
// dimensions.
func (st *store) updateMezzanine(ref objectRef, obj *ossObject) {
	st.lock()
	defer st.mu.Unlock()
	for id, img := range st.images {
		if img.Mezzanine == nil || img.Status == "Uploading" {
			continue
		}
		key, host := objectLocation(img)
		if key != ref.key || bucketOf(host) != ref.bucket {
			continue
		}
		img = img.clone()
		img.Mezzanine = obj.mezzanine(img.URL, img.Mezzanine.OriginalFileName)
		st.images[id] = img
	}
}

// multipartState is a multipart upload in progress (ossupload.go).
type multipartState struct {
	ref       objectRef
	initiated time.Time
	parts     map[int]ossPart
	head      []byte // the first bytes of part 1, for the image's dimensions
}

// ossPart is one uploaded part: its size, MD5 and CRC-64.
type ossPart struct {
	size     int64
	md5      [16]byte
	crc64    uint64
	modified time.Time
}
