package vodemu

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Image is one stored image: what GetImageInfo answers (ImageInfo, messages.go), plus what only
// SearchMedia returns. It is also the format of a data file's entries (DataFileFormat).
type Image struct {
	ImageInfo

	// ModificationTime is returned by SearchMedia only, when Fields asks: the model of
	// SearchMedia's Image has it, GetImageInfo's ImageInfo has not [Models].
	ModificationTime string `json:"ModificationTime,omitempty"`

	// OSSSignatureVersion, "v1" or "v4", is how the emulator signs this image's OSS URLs
	// (overriding Options.OSSBucketSignatureVersions and OSSSignatureVersion); no API returns it.
	OSSSignatureVersion string `json:"OSSSignatureVersion,omitempty"`
}

func (img Image) clone() Image {
	if img.Mezzanine != nil {
		m := *img.Mezzanine
		img.Mezzanine = &m
	}
	return img
}

// LoadImages reads a data file: a JSON array of ImageInfo-shaped objects
// (DataFileFormat). Unknown fields are errors, so that a misspelt field name
// does not silently vanish; the entries are then checked as New checks
// Options.Images, and New fills what they leave out.
//
// A data file may also be an object with Images and Categories (LoadDataFile); LoadImages then
// returns its images only.
func LoadImages(path string) ([]Image, error) {
	df, err := LoadDataFile(path)
	return df.Images, err
}

// decodeImages decodes and checks a data file's image entries.
func decodeImages(path string, raws []json.RawMessage) ([]Image, error) {
	imgs := make([]Image, len(raws))
	for i, raw := range raws {
		// Each entry on its own, so that an error names the image it is about. Ext and Type,
		// which the old monolithic SDK's shared Image struct has and earlier data files carried,
		// are accepted and dropped: no action of this API returns them [Models].
		var e struct {
			Image
			Ext  json.RawMessage `json:"Ext"`
			Type json.RawMessage `json:"Type"`
		}
		ed := json.NewDecoder(bytes.NewReader(raw))
		ed.DisallowUnknownFields()
		if err := ed.Decode(&e); err != nil {
			return nil, fmt.Errorf("load images from %s: image %d%s: %s", path, i+1, idOf(raw), entryError(err))
		}
		imgs[i] = e.Image
	}
	if err := validateImages(imgs); err != nil {
		return nil, fmt.Errorf("load images from %s: %w", path, err)
	}
	return imgs, nil
}

// idOf names an entry by its ImageId, when it has a string one, for errors.
func idOf(raw json.RawMessage) string {
	var e struct{ ImageId any }
	if json.Unmarshal(raw, &e) == nil {
		if id, ok := e.ImageId.(string); ok && id != "" {
			return fmt.Sprintf(" (ImageId %q)", id)
		}
	}
	return ""
}

// entryError says which field has the wrong JSON type and which type it needs (the API's: Tags is
// one comma-separated string, CateId a number, and so on), rather than Go's struct path, which
// names the embedded structs too (Image.ImageInfo.Tags).
func entryError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		field := strings.TrimPrefix(strings.TrimPrefix(te.Field, "Image."), "ImageInfo.")
		return fmt.Sprintf("field %s is a JSON %s, want a %s (see the data file format: vodemu -h)",
			field, te.Value, jsonTypeOfKind(te.Type.Kind().String()))
	}
	return err.Error()
}

// jsonTypeOfKind names a Go kind as the JSON type it decodes from.
func jsonTypeOfKind(kind string) string {
	switch {
	case kind == "string":
		return "string"
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "slice":
		return "array"
	}
	return "object"
}

// Values New gives the fields GetImageInfo always returns when an image
// leaves them out. AppId app-1000000 is VOD's default application; the
// image type is [GetImage]'s example value.
const (
	DefaultAppID     = "app-1000000"
	DefaultImageType = "NormalSnapshot"
	DefaultStatus    = "Normal"
)

// imageStatuses are the values of Status [GetImage].
var imageStatuses = []string{"Uploading", "Normal", "UploadFail"}

// DataFileFormat describes a data file, for the command's help and the README.
const DataFileFormat = `A data file is a JSON array of images, each shaped like GetImageInfo's ImageInfo
(field names are case-sensitive; unknown fields are errors). Minimal example:

  [
    {
      "ImageId": "3e34733b40b9a96ccf5c1ff6f69a0001",
      "URL": "https://outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com/image/default/cover.jpg",
      "CreationTime": "2024-03-01T08:15:00Z",
      "Title": "Spring cover"
    }
  ]

Required: ImageId (no comma) and URL (http(s), with the object's path). A URL
whose host does not end in .aliyuncs.com means the image has a CDN domain
(cdn URLs are signed for it); the object key is always the URL's path.
Filled when absent, because GetImageInfo always returns them:
  StorageLocation  the OSS host of URL or Mezzanine.FileURL (required if neither is one)
  CreationTime     the emulator's start time (yyyy-MM-ddTHH:mm:ssZ, UTC)
  Status           Normal (else Uploading, Normal or UploadFail)
  ImageType        NormalSnapshot
  AppId            app-1000000
Optional: any other field of GetImageInfo's ImageInfo, named and typed as the
API sends it (Title, Description, Tags as one comma-separated string, CateId,
CateName, Mezzanine with the source file's FileURL, OriginalFileName, Width,
Height and so on; Mezzanine.FileSize may be a string or a number of bytes), and
ModificationTime, which only SearchMedia returns.
OSSSignatureVersion ("v1" or "v4", never returned) signs this image's OSS URLs
with that version, overriding -oss-signature.
Ext and Type, which no API returns, are accepted and ignored.

The file may instead be an object, {"Categories": [...], "Images": [...]} (both
optional), to seed the category tree. A category is shaped like AddCategory's
Category: CateId (a positive number) and CateName (1-64 bytes) are required;
ParentId (absent, 0 or -1: a level-1 category) names a category listed before
it; Type is default (the default; 3 levels) or material (2 levels; level-1
material categories are the built-in ones, two named "vodemu material N" when
the list has none); Level, if given, must agree with the parent; at most 100
subcategories each. Example:

  {"Categories": [{"CateId": 11, "CateName": "covers"},
                  {"CateId": 12, "CateName": "2024", "ParentId": 11}],
   "Images": [{"ImageId": "3e34733b40b9a96ccf5c1ff6f69a0002", "CateId": 12,
               "URL": "https://outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com/image/default/c.jpg"}]}

An image's CateName is its category's current name. An image whose CateId is
not listed (or every image, in the array form) makes that CateId a level-1
default category named by the image's CateName; images naming one category
must agree on its name.

The object may also hold "Upload", what CreateUploadImage and the uploads it
starts do (each field optional; the -upload-* flags override them):

  "Upload": {"StorageLocation": "outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com",
             "CredentialLifetimeSeconds": 60,
             "Completion": {"AfterReads": 2, "DelaySeconds": 30, "Fail": false}}

StorageLocation is the bucket host uploads go to without a StorageLocation
parameter (default: outin-5f0d1c2b3a4e4f6a8b9c0d1e2f3a4b5c.oss-<region>.aliyuncs.com);
CredentialLifetimeSeconds how long an upload credential works (default 3000, as
documented); Completion keeps an uploaded image Uploading for AfterReads reads
of it and DelaySeconds after its object is complete (default: at once, which VOD
does not document) and, with Fail, ends it UploadFail instead of Normal.`

// validateImages checks images as validateImage does, and that no two share an ImageId.
func validateImages(imgs []Image) error {
	seen := map[string]bool{}
	for i, img := range imgs {
		if err := validateImage(img); err != nil {
			return fmt.Errorf("image #%d (%q): %w", i, img.ImageID, err)
		}
		if seen[img.ImageID] {
			return fmt.Errorf("image #%d: duplicate ImageId %q", i, img.ImageID)
		}
		seen[img.ImageID] = true
	}
	return nil
}

// validateImage checks an image before it is stored: ImageId (without a comma, which
// GetImageInfos' ImageIds separates) and URL are required, times are yyyy-MM-ddTHH:mm:ssZ, Status
// is one of [GetImage]'s values, and StorageLocation is known or can be taken from an OSS URL.
func validateImage(img Image) error {
	if img.ImageID == "" {
		return errors.New("ImageId is missing: GetImageInfo always returns it")
	}
	if strings.Contains(img.ImageID, ",") {
		return errors.New("ImageId must not contain a comma")
	}
	if img.URL == "" {
		return errors.New(`URL is missing: GetImageInfo always returns it; add one such as "URL": "https://outin-xxx.oss-cn-shanghai.aliyuncs.com/image/default/x.jpg"`)
	}
	for _, f := range []struct{ name, value string }{{"CreationTime", img.CreationTime}, {"ModificationTime", img.ModificationTime}} {
		if f.value != "" {
			if _, ok := parseStrictTime(f.value); !ok {
				return fmt.Errorf("%s %q is not yyyy-MM-ddTHH:mm:ssZ", f.name, f.value)
			}
		}
	}
	if err := validateOSSSignatureVersion("OSSSignatureVersion", img.OSSSignatureVersion); err != nil {
		return err
	}
	if img.Status != "" && !slices.Contains(imageStatuses, img.Status) {
		return fmt.Errorf("the image status %q (Status) is not one of %s", img.Status, strings.Join(imageStatuses, ", "))
	}
	if loc := img.StorageLocation; loc != "" && (strings.ContainsAny(loc, "/:") || !strings.Contains(loc, ".")) {
		return fmt.Errorf("StorageLocation %q must be a bucket host such as outin-xxx.oss-cn-shanghai.aliyuncs.com", loc)
	}
	if err := validateURL("URL", img.URL); err != nil {
		return err
	}
	if img.Mezzanine != nil {
		if err := validateURL("Mezzanine.FileURL", img.Mezzanine.FileURL); err != nil {
			return err
		}
		if size := img.Mezzanine.FileSize.Bytes; size != "" && !isDigits(size) {
			return fmt.Errorf("Mezzanine.FileSize %q is not a whole number", size)
		}
	}
	_, host := objectLocation(img)
	if host == "" {
		return errors.New("StorageLocation is missing and neither URL nor Mezzanine.FileURL is an OSS URL to take it from; " +
			`add one such as "StorageLocation": "outin-xxx.oss-cn-shanghai.aliyuncs.com"`)
	}
	if err := validateBucketName(host); err != nil {
		return fmt.Errorf("StorageLocation (or the OSS host of URL or Mezzanine.FileURL) %w", err)
	}
	return nil
}

// completeImages completes each image (complete); imgs have passed validateImages.
func completeImages(imgs []Image, now time.Time) []Image {
	out := make([]Image, len(imgs))
	for i, img := range imgs {
		out[i] = img.complete(now)
	}
	return out
}

// complete fills the fields GetImageInfo always returns that img leaves
// out (see DataFileFormat); img has passed validateImage. StorageLocation
// comes from the OSS host of URL or Mezzanine.FileURL, CreationTime is now
// (when New or PutImage stores it), Status Normal, ImageType NormalSnapshot
// and AppId app-1000000. Filling rather than rejecting is a deliberate
// choice: a file that names only what matters to a test still yields
// complete, realistic answers, never an empty URL.
func (img Image) complete(now time.Time) Image {
	if img.StorageLocation == "" {
		_, img.StorageLocation = objectLocation(img)
	}
	if img.CreationTime == "" {
		img.CreationTime = now.UTC().Format(timestampLayout)
	}
	if img.Status == "" {
		img.Status = DefaultStatus
	}
	if img.ImageType == "" {
		img.ImageType = DefaultImageType
	}
	if img.AppID == "" {
		img.AppID = DefaultAppID
	}
	return img
}

func validateURL(name, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(u.Path) < 2 {
		return fmt.Errorf("%s %q must be an absolute http(s) URL with an object path", name, raw)
	}
	return nil
}

// maxImageIDs is GetImageInfos' documented limit [RPC].
const maxImageIDs = 20

// getImageInfo answers GetImageInfo [GetImage]: the stored image's ImageInfo, URLs signed as
// OutputType and AuthTimeout ask (signImage), or NoSuchResource.
func (s *Server) getImageInfo(requestID string, p map[string]string) (any, *apiError) {
	id := p["ImageId"]
	if id == "" {
		return nil, errMissing("ImageId")
	}
	opts, aerr := parseURLOptions(p)
	if aerr != nil {
		return nil, aerr
	}
	s.settleUpload(id, true)
	img, ok := s.store.image(id)
	if !ok {
		return nil, errNoSuchResource()
	}
	out, aerr := s.signImage(img, opts)
	if aerr != nil {
		return nil, aerr
	}
	return getImageInfoResponse{RequestID: requestID, ImageInfo: out.ImageInfo}, nil
}

// getImageInfos answers GetImageInfos: up to maxImageIDs comma-separated ImageIds, each found as
// GetImageInfo would find it or listed in NonExistImageIds. Empty and repeated IDs are ignored
// (undocumented: a trailing comma or a repeat names no other image).
func (s *Server) getImageInfos(requestID string, p map[string]string) (any, *apiError) {
	var ids []string
	seen := map[string]bool{}
	for _, id := range strings.Split(p["ImageIds"], ",") {
		if id = strings.TrimSpace(id); id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, errMissing("ImageIds")
	}
	if len(ids) > maxImageIDs {
		return nil, errInvalid("ImageIds", "At most "+strconv.Itoa(maxImageIDs)+" image IDs are allowed.")
	}
	opts, aerr := parseURLOptions(p)
	if aerr != nil {
		return nil, aerr
	}
	resp := getImageInfosResponse{RequestID: requestID, ImageInfo: []ImageInfo{}, NonExistImageIDs: []string{}}
	for _, id := range ids {
		s.settleUpload(id, true)
		img, ok := s.store.image(id)
		if !ok {
			resp.NonExistImageIDs = append(resp.NonExistImageIDs, id)
			continue
		}
		out, aerr := s.signImage(img, opts)
		if aerr != nil {
			return nil, aerr
		}
		resp.ImageInfo = append(resp.ImageInfo, out.ImageInfo)
	}
	return resp, nil
}
