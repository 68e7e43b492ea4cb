package vodemu

import (
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The OSS endpoint: requests whose host is an OSS one (<bucket>.oss-<region>.aliyuncs.com, or
// oss-<region>.aliyuncs.com/<bucket>/<key>) are OSS requests. It verifies their signatures
// (osssig.go) and serves the objects of the stored images (GET and HEAD; the emulator stores no
// image bytes, so an object's body is empty), with OSS's XML errors. Sources: osssig.go's keys.

// ossError is an OSS error answer: <Error><Code/><Message/><RequestId/><HostId/>...<EC/></Error>
// with Content-Type application/xml and headers x-oss-request-id and x-oss-ec [OSSEC]. Extra are
// the error's own elements (ArgumentName, StringToSign, OSSAccessKeyId, ...), in order.
type ossError struct {
	Status        int
	Code, Message string
	EC            string // fine-grained code; "" when no EC page was found for the case
	Extra         []ossErrorField
}

type ossErrorField struct{ Name, Value string }

func (e *ossError) Error() string { return e.Code + ": " + e.Message }

// The error constructors. 403 AccessDenied, InvalidAccessKeyId, InvalidSecurityToken and
// AccessKeyIdAndSecurityTokenNotMatch and 400 InvalidArgument are in OSS's error tables;
// SignatureDoesNotMatch (403), NoSuchBucket and NoSuchKey (404) are their usual statuses, not
// confirmed in the copies read (oss-upload.md, Errors). Messages are OSS's usual wording.

func errOSSAccessDenied(msg, ec string) *ossError {
	return &ossError{Status: http.StatusForbidden, Code: "AccessDenied", Message: msg, EC: ec}
}

// errOSSAnonymous is an unsigned request to a private bucket.
func errOSSAnonymous() *ossError {
	return errOSSAccessDenied("You have no right to access this object because of bucket acl.", "")
}

// errOSSExpired is a presigned URL used after its expiry [OSSEC 0002-00000069].
func errOSSExpired(expiry, now time.Time) *ossError {
	e := errOSSAccessDenied("Request has expired.", "0002-00000069")
	e.Extra = []ossErrorField{{"Expires", expiry.UTC().Format(time.RFC3339)}, {"ServerTime", now.UTC().Format(time.RFC3339)}}
	return e
}

func errOSSInvalidArgument(name, value, msg string) *ossError {
	return &ossError{Status: http.StatusBadRequest, Code: "InvalidArgument", Message: msg,
		Extra: []ossErrorField{{"ArgumentName", name}, {"ArgumentValue", value}}}
}

func errOSSInvalidAccessKeyID(id string) *ossError {
	return &ossError{Status: http.StatusForbidden, Code: "InvalidAccessKeyId",
		Message: "The OSS Access Key Id you provided does not exist in our records.",
		Extra:   []ossErrorField{{"OSSAccessKeyId", id}}}
}

func errOSSInvalidSecurityToken() *ossError {
	return &ossError{Status: http.StatusForbidden, Code: "InvalidSecurityToken", Message: "The security token you provided is invalid."}
}

func errOSSTokenMismatch() *ossError {
	return &ossError{Status: http.StatusForbidden, Code: "AccessKeyIdAndSecurityTokenNotMatch",
		Message: "The access key ID and the security token you provided do not match."}
}

// errOSSSignatureDoesNotMatch carries the server's string to sign, as OSS's does, so that a
// client's author can compare it with theirs.
func errOSSSignatureDoesNotMatch(stringToSign, provided, id string) *ossError {
	return &ossError{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch",
		Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		Extra:   []ossErrorField{{"StringToSign", stringToSign}, {"SignatureProvided", provided}, {"OSSAccessKeyId", id}}}
}

func errOSSNoSuchBucket(bucket string) *ossError {
	return &ossError{Status: http.StatusNotFound, Code: "NoSuchBucket", Message: "The specified bucket does not exist.",
		Extra: []ossErrorField{{"BucketName", bucket}}}
}

func errOSSNoSuchKey(key string) *ossError {
	return &ossError{Status: http.StatusNotFound, Code: "NoSuchKey", Message: "The specified key does not exist.",
		Extra: []ossErrorField{{"Key", key}}}
}

func errOSSMethodNotAllowed(method string) *ossError {
	return &ossError{Status: http.StatusMethodNotAllowed, Code: "MethodNotAllowed",
		Message: "The specified method is not allowed against this resource: the emulator's OSS endpoint serves GET and HEAD, and writes with an upload credential.",
		Extra:   []ossErrorField{{"Method", method}}}
}

// writeOSSError writes e as OSS does. A HEAD answer has no body, as OSS's has not.
func writeOSSError(w http.ResponseWriter, r *http.Request, requestID, hostID string, e *ossError) {
	var b strings.Builder
	b.WriteString(xml.Header + "<Error>\n")
	elem := func(name, value string) {
		b.WriteString("  <" + name + ">")
		_ = xml.EscapeText(&b, []byte(value))
		b.WriteString("</" + name + ">\n")
	}
	elem("Code", e.Code)
	elem("Message", e.Message)
	elem("RequestId", requestID)
	elem("HostId", hostID)
	for _, f := range e.Extra {
		elem(f.Name, f.Value)
	}
	if e.EC != "" {
		elem("EC", e.EC)
	}
	b.WriteString("</Error>\n")
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("x-oss-request-id", requestID)
	if e.EC != "" {
		h.Set("x-oss-ec", e.EC)
	}
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(b.String()))
	}
}

// ossTarget tells an OSS request by its host: <bucket>.oss-<region>[-internal].aliyuncs.com
// (virtual-hosted, the documented request syntax) or oss-<region>[-internal].aliyuncs.com with
// /<bucket>/<key> (path style, an SDK option) [oss-upload.md, PutObject]. region is the bare ID
// the V4 scope names.
func ossTarget(r *http.Request) (bucket, key, region string, ok bool) {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	const suffix = ".aliyuncs.com"
	if !strings.HasSuffix(host, suffix) {
		return "", "", "", false
	}
	labels := strings.Split(strings.TrimSuffix(host, suffix), ".")
	path := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case len(labels) == 2 && strings.HasPrefix(labels[1], "oss-") && labels[0] != "":
		bucket, key, region = labels[0], path, labels[1]
	case len(labels) == 1 && strings.HasPrefix(labels[0], "oss-"):
		bucket, key, _ = strings.Cut(path, "/")
		region = labels[0]
	default:
		return "", "", "", false
	}
	region = strings.TrimSuffix(strings.TrimPrefix(region, "oss-"), "-internal")
	return bucket, key, region, region != ""
}

// ossRegion is the region of an OSS host for V4 scopes: the "oss-<region>" label's, else the
// emulator's Region (a StorageLocation that is no OSS host name).
func (s *Server) ossRegion(host string) string {
	for _, label := range strings.Split(strings.ToLower(host), ".") {
		if r := strings.TrimSuffix(strings.TrimPrefix(label, "oss-"), "-internal"); r != label && r != "" {
			return r
		}
	}
	return s.opts.Region
}

// ossCredentials looks up the emulator's OSS key (the one it signs URLs with).
func (s *Server) ossCredentials(id string) (ossCredential, bool) {
	if id != s.opts.OSSAccessKeyID {
		return ossCredential{}, false
	}
	return ossCredential{ID: id, Secret: s.opts.OSSAccessKeySecret, Token: s.opts.OSSSecurityToken}, true
}

// serveOSS answers one OSS request. The checks run in this order (undocumented; each as soon as
// it can be made):
//
//  1. an injected fault, for the operations a fault names (ossFault);
//  2. NoSuchBucket for a bucket neither a stored image nor an upload is in (the bucket is looked
//     up to know whose keys apply);
//  3. the signature (osssig.go), against the emulator's own key or an upload credential;
//  4. with an upload credential: SecurityTokenExpired once it has expired [OSSEC 0002-00000007],
//     AccessDenied for anything but writing its own object (ossWrites), then the write
//     (ossupload.go);
//  5. with the emulator's key: GET and HEAD only (MethodNotAllowed), NoSuchKey for a key that is
//     no stored image's URL or source file, or whose upload is not complete. An object answers
//     200 with an empty body and Content-Length 0 (no bytes are stored: ossobject.go).
func (s *Server) serveOSS(w http.ResponseWriter, r *http.Request, bucket, key, region string) {
	requestID := strings.ReplaceAll(newRequestID(), "-", "")[:24]
	hostID := r.Host
	op := ossOperation(r)
	code, fault := "OK", ""
	defer func() {
		s.countOSS(op, code, fault)
		if s.opts.Logger != nil {
			s.opts.Logger.Printf("oss request=%s method=%s op=%s bucket=%q code=%s fault=%q", requestID, r.Method, op, bucket, code, fault)
		}
	}()
	fail := func(e *ossError) {
		code = e.Code
		writeOSSError(w, r, requestID, hostID, e)
	}
	if kind, ok := s.faults.decideOSS(op); ok {
		fault, code = string(kind), "fault:"+string(kind)
		fw, oerr, done := s.injectOSSFault(w, r, requestID, kind)
		if oerr != nil {
			fail(oerr)
			return
		}
		if done {
			return
		}
		w, code = fw, "OK"
	}
	objects := s.ossObjects(bucket)
	if objects == nil && s.knownBucket(bucket) == "" {
		fail(errOSSNoSuchBucket(bucket))
		return
	}
	now := s.opts.Now()
	auth, oerr := verifyOSSRequest(r, bucket, key, region, now, s.ossLookup)
	if oerr != nil {
		fail(oerr)
		return
	}
	if _, k, ref, ok := s.uploadCredential(auth.AccessKeyID); ok && auth.AccessKeyID != s.opts.OSSAccessKeyID {
		switch {
		case now.After(k.expiry):
			fail(errOSSTokenExpired())
		case !slices.Contains(ossWrites, op) || ref != (objectRef{bucket, key}):
			fail(errOSSNotThisObject())
		default:
			if oerr := s.serveOSSWrite(w, r, op, ref, auth, requestID); oerr != nil {
				fail(oerr)
			}
		}
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		fail(errOSSMethodNotAllowed(r.Method))
		return
	}
	if !objects[key] {
		fail(errOSSNoSuchKey(key))
		return
	}
	h := w.Header()
	h.Set("x-oss-request-id", requestID)
	h.Set("Content-Length", "0")
	h.Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
}

// ossObjects is the set of object keys stored in bucket (the keys of the images' URLs and source
// files whose OSS host is that bucket's, but not those of images whose upload has not completed),
// nil if no image is stored there.
func (s *Server) ossObjects(bucket string) map[string]bool {
	s.uploads.mu.Lock()
	incomplete := map[string]bool{}
	for id, p := range s.uploads.pending {
		if p.object == nil {
			incomplete[id] = true
		}
	}
	s.uploads.mu.Unlock()
	var out map[string]bool
	s.store.eachImage(func(img Image) {
		if bucketOf(img.StorageLocation) != bucket {
			return
		}
		if out == nil {
			out = map[string]bool{}
		}
		if incomplete[img.ImageID] {
			return
		}
		for _, k := range imageObjectKeys(img) {
			out[k] = true
		}
	})
	return out
}

// imageObjectKeys are the object keys of an image's URL and source file.
func imageObjectKeys(img Image) []string {
	var keys []string
	for _, raw := range []string{img.URL, mezzanineURL(img)} {
		if k := objectKey(raw); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// ossSignatureVersion is the version the emulator signs an image's OSS URLs in bucket with: the
// image's own OSSSignatureVersion, else the bucket's in Options.OSSBucketSignatureVersions, else
// Options.OSSSignatureVersion, else V1.
func (s *Server) ossSignatureVersion(img Image, bucket string) string {
	for _, v := range []string{img.OSSSignatureVersion, s.opts.OSSBucketSignatureVersions[bucket], s.opts.OSSSignatureVersion} {
		if v != "" {
			return v
		}
	}
	return OSSSignatureV1
}

func validateOSSSignatureVersion(what, v string) error {
	if v != "" && v != OSSSignatureV1 && v != OSSSignatureV4 {
		return fmt.Errorf("%s %q is not %s or %s", what, v, OSSSignatureV1, OSSSignatureV4)
	}
	return nil
}

// OSSSignatureVersions is what ParseOSSSignatureVersions reads: Options.OSSSignatureVersion and
// Options.OSSBucketSignatureVersions.
type OSSSignatureVersions struct {
	Default  string
	ByBucket map[string]string
}

// ParseOSSSignatureVersions parses the command's -oss-signature: comma-separated items, each a
// version ("v1" or "v4") for every bucket or BUCKET=VERSION for one, later items overriding
// (e.g. "v4,outin-old=v1").
func ParseOSSSignatureVersions(spec string) (OSSSignatureVersions, error) {
	var out OSSSignatureVersions
	if strings.TrimSpace(spec) == "" {
		return out, nil
	}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		bucket, version, perBucket := strings.Cut(item, "=")
		if !perBucket {
			version, bucket = bucket, ""
		}
		if version != OSSSignatureV1 && version != OSSSignatureV4 {
			return out, fmt.Errorf("%q: want v1, v4 or BUCKET=v1|v4", item)
		}
		if !perBucket {
			out.Default = version
			continue
		}
		if bucket == "" || strings.ContainsAny(bucket, "./: ") {
			return out, fmt.Errorf("%q: %q is not a bucket name (the first label of the bucket's host)", item, bucket)
		}
		if out.ByBucket == nil {
			out.ByBucket = map[string]string{}
		}
		out.ByBucket[bucket] = version
	}
	return out, nil
}
