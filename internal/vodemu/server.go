package vodemu

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"strings"
	"sync"
	"time"
)

// APIVersion is the only VOD API version the emulator accepts.
const APIVersion = "2017-03-21"

// MaxBodyBytes bounds a request body; real RPC calls are tiny.
const MaxBodyBytes = 1 << 20

// Defaults for the material the emulator signs its returned URLs with. They
// belong to the "storage" and "CDN" side, never to the API caller.
const (
	DefaultOSSAccessKeyID     = "LTAI5tVodEmuOSSKeyId00"
	DefaultOSSAccessKeySecret = "vodemu-oss-secret-not-for-production" //nolint:gosec // G101: the emulator's published default, no secret
	DefaultCDNPrivateKey      = "vodemucdnkey1234"
)

// Server is the emulator as an http.Handler.
type Server struct {
	opts   Options
	hostID string // VOD's HostId; STS errors use stsHostID

	store    *store      // the images
	searches searchCache // SearchMedia's sorted hits while the store is unchanged (search.go)

	nonces *nonceCache
	temp   *tempKeys
	// uploads holds upload credentials, images not yet settled, objects and multipart uploads
	// (upload.go, ossupload.go).
	uploads *uploadState
	faults  *faultState
	limit   *rateLimiter // nil without Options.QPS

	// tunnel hands a CONNECT tunnel's TLS connection to the http.Server
	// that serves this handler. StartOn sets it (with Options.CA) before
	// serving; without it CONNECT is answered 501.
	tunnel func(net.Conn) error

	statsMu sync.Mutex
	stats   Stats
}

// actionFunc answers one operation; the body it returns must carry requestID
// as its first field, as the real API's bodies do.
type actionFunc func(s *Server, requestID string, p map[string]string) (any, *apiError)

// Products name HostId and the Recommend link of an error.
const (
	productVOD = "Vod"
	productSTS = "Sts"
	stsHostID  = "sts.aliyuncs.com"
)

// operation is one action the emulator implements.
type operation struct {
	fn        actionFunc
	version   string
	product   string
	anonymous bool // not signed: AssumeRoleWithOIDC
}

// operations are the actions the emulator implements, VOD and STS on the
// same endpoint; Version tells them apart as the real gateways do.
var operations = map[string]operation{
	"GetImageInfo":       {(*Server).getImageInfo, APIVersion, productVOD, false},
	"GetImageInfos":      {(*Server).getImageInfos, APIVersion, productVOD, false},
	"SearchMedia":        {(*Server).searchMedia, APIVersion, productVOD, false},
	"AddCategory":        {(*Server).addCategory, APIVersion, productVOD, false},
	"UpdateCategory":     {(*Server).updateCategory, APIVersion, productVOD, false},
	"DeleteCategory":     {(*Server).deleteCategory, APIVersion, productVOD, false},
	"GetCategories":      {(*Server).getCategories, APIVersion, productVOD, false},
	"CreateUploadImage":  {(*Server).createUploadImage, APIVersion, productVOD, false},
	"UpdateImageInfos":   {(*Server).updateImageInfos, APIVersion, productVOD, false},
	"DeleteImage":        {(*Server).deleteImage, APIVersion, productVOD, false},
	"AssumeRole":         {(*Server).assumeRole, STSVersion, productSTS, false},
	"AssumeRoleWithOIDC": {(*Server).assumeRoleWithOIDC, STSVersion, productSTS, true},
}

// New validates opts and returns a Server.
func New(opts Options) (*Server, error) {
	if opts.AccessKeyID == "" || opts.AccessKeySecret == "" {
		return nil, errors.New("vodemu: AccessKeyID and AccessKeySecret are required")
	}
	if opts.Region == "" {
		opts.Region = "cn-shanghai"
	}
	if strings.ContainsAny(opts.Region, "/ ") {
		return nil, fmt.Errorf("vodemu: invalid region %q", opts.Region)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.OSSAccessKeyID == "" {
		opts.OSSAccessKeyID = DefaultOSSAccessKeyID
	}
	if opts.OSSAccessKeySecret == "" {
		opts.OSSAccessKeySecret = DefaultOSSAccessKeySecret
	}
	if opts.CDNPrivateKey == "" {
		opts.CDNPrivateKey = DefaultCDNPrivateKey
	}
	if opts.Faults.SlowDelay <= 0 {
		opts.Faults.SlowDelay = DefaultSlowDelay
	}
	if opts.QPS < 0 || math.IsNaN(opts.QPS) || math.IsInf(opts.QPS, 0) {
		return nil, fmt.Errorf("vodemu: invalid QPS %v", opts.QPS)
	}
	if err := validateRateLimits(opts.QPS, opts.ActionQPS); err != nil {
		return nil, err
	}
	if err := validateImages(opts.Images); err != nil {
		return nil, fmt.Errorf("vodemu: %w", err)
	}
	if err := validateCategories(opts.Categories, opts.Images); err != nil {
		return nil, fmt.Errorf("vodemu: %w", err)
	}
	if opts.CDNURLValidity < 0 || opts.CDNURLValidity%time.Second != 0 {
		return nil, fmt.Errorf("vodemu: CDN URL validity %v is not a whole number of seconds", opts.CDNURLValidity)
	}
	if err := validateOSSSignatureVersion("vodemu: OSS signature version", opts.OSSSignatureVersion); err != nil {
		return nil, err
	}
	for bucket, v := range opts.OSSBucketSignatureVersions {
		if err := validateOSSSignatureVersion("vodemu: OSS signature version of bucket "+bucket, v); err != nil {
			return nil, err
		}
	}
	if loc := opts.Upload.StorageLocation; loc != "" {
		if err := validateStorageLocation(loc); err != nil {
			return nil, fmt.Errorf("vodemu: upload %w", err)
		}
	}
	if opts.Upload.CredentialLifetime < 0 || opts.Upload.Completion.AfterReads < 0 || opts.Upload.Completion.Delay < 0 {
		return nil, errors.New("vodemu: upload credential lifetime, completion reads and delay must not be negative")
	}
	if err := validateSTS(opts.STS); err != nil {
		return nil, fmt.Errorf("vodemu: %w", err)
	}
	opts.STS.Roles = append([]Role(nil), opts.STS.Roles...)
	opts.OSSBucketSignatureVersions = maps.Clone(opts.OSSBucketSignatureVersions)
	s := &Server{
		opts:    opts,
		hostID:  "vod." + opts.Region + ".aliyuncs.com",
		store:   newStore(completeImages(opts.Images, opts.Now())),
		nonces:  newNonceCache(),
		temp:    newTempKeys(),
		uploads: newUploadState(opts.Upload.Completion),
		faults:  newFaultState(opts.FaultSeed),
		limit:   newRateLimiter(opts.QPS, opts.ActionQPS),
		stats: Stats{ByAction: map[string]int64{}, ByCode: map[string]int64{}, ByFault: map[string]int64{},
			OSSByOperation: map[string]int64{}, OSSByCode: map[string]int64{}},
	}
	if err := s.store.seedCategories(opts.Categories, opts.Now()); err != nil {
		return nil, fmt.Errorf("vodemu: %w", err)
	}
	s.opts.Images, s.opts.Categories = nil, nil // the store is the source of truth
	return s, nil
}

// PutImage adds or replaces an image at runtime, checked and completed as
// New does with Options.Images.
func (s *Server) PutImage(img Image) error {
	if err := validateImage(img); err != nil {
		return fmt.Errorf("vodemu: image %q: %w", img.ImageID, err)
	}
	s.store.putFiledImage(img.complete(s.opts.Now()), s.opts.Now())
	return nil
}

// DeleteImage removes an image at runtime, as deleting it in VOD (DeleteImage) would: later reads
// answer NoSuchResource. It reports whether the image existed.
func (s *Server) DeleteImage(id string) bool {
	img, ok := s.store.image(id)
	if !ok {
		return false
	}
	s.forgetUpload(img)
	return s.store.deleteImage(id)
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return s.stats.clone()
}

// count records one answered RPC request; fault is "" when none was injected.
func (s *Server) count(action, code, fault string) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.Requests++
	s.stats.ByAction[action]++
	s.stats.ByCode[code]++
	if fault != "" {
		s.stats.ByFault[fault]++
	}
}

// countOSS records one answered OSS request; fault is "" when none was injected.
func (s *Server) countOSS(op, code, fault string) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.OSSByOperation[op]++
	s.stats.OSSByCode[code]++
	if fault != "" {
		s.stats.ByFault[fault]++
	}
}

func (s *Server) countProxy(accepted bool) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	if accepted {
		s.stats.ProxyConnects++
	} else {
		s.stats.ProxyRefused++
	}
}
