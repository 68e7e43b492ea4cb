package vodemu

import (
	"bytes"
	"crypto/md5" //nolint:gosec // G501: OSS ETags and Content-MD5 are MD5 by protocol
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"hash"
	"hash/crc64"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The OSS endpoint's writes: PutObject and the multipart calls the OSS SDKs use
// (InitiateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts),
// made with an upload credential from CreateUploadImage, which may write its one object only.
// Bodies are streamed: hashed and measured as they arrive, never held whole (ossObject says what
// is kept). Sources (keys listed in README.md):
//
//	[OSSUpload] the project's oss-upload.md: PutObject (5 GB at most, Content-MD5 checked,
//	            InvalidDigest, ETag the quoted upper-case MD5, x-oss-hash-crc64ecma), the multipart
//	            calls (part numbers 1 to 10,000, parts of 100 KB to 5 GB but the last, EntityTooSmall
//	            EC 0042-00000213 at Complete, ascending part numbers with gaps allowed,
//	            InvalidPartOrder, InvalidPart, NoSuchUpload 404, Abort 204), the XML bodies.
//	[OSSEC]     OSS error pages by EC: 0002-00000007 (temporary credential expired:
//	            SecurityTokenExpired, 403, "The security token you provided has expired.").
//	[STSErrors] "Common errors when you access OSS by using STS" (doc 42775).

// OSS size limits [OSSUpload].
const (
	ossMaxObjectSize = 5 << 30 // PutObject and each part: 5 GB
	ossMinPartSize   = 100 << 10
	ossMaxPartNumber = 10000
	// maxCompleteBody bounds CompleteMultipartUpload's XML: 10,000 parts of about 100 bytes each.
	maxCompleteBody = 2 << 20
)

// ossOperation names an OSS request's operation as the OSS API reference does, from its method
// and subresources [OSSUpload]; "" for one the emulator does not serve.
func ossOperation(r *http.Request) string {
	q := r.URL.Query()
	switch r.Method {
	case http.MethodGet:
		if q.Has("uploadId") {
			return "ListParts"
		}
		return "GetObject"
	case http.MethodHead:
		return "HeadObject"
	case http.MethodPut:
		if q.Has("partNumber") || q.Has("uploadId") {
			return "UploadPart"
		}
		return "PutObject"
	case http.MethodPost:
		switch {
		case q.Has("uploads"):
			return "InitiateMultipartUpload"
		case q.Has("uploadId"):
			return "CompleteMultipartUpload"
		}
	case http.MethodDelete:
		if q.Has("uploadId") {
			return "AbortMultipartUpload"
		}
	}
	return ""
}

// ossWrites are the operations an upload credential allows: writing its object. VOD does not
// publish the policy of the credentials it issues [UploadURLs says only that one credential
// serves one file]; reading the object back with it is refused (AccessDenied), an undocumented
// choice that keeps a client from relying on it.
var ossWrites = []string{"PutObject", "InitiateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts"}

// Errors of the write path [OSSUpload, Errors; OSSEC]. Statuses marked "usual" are not confirmed
// in the stored copies (oss-upload.md lists them as such).

func errOSSTokenExpired() *ossError {
	return &ossError{Status: http.StatusForbidden, Code: "SecurityTokenExpired", Message: "The security token you provided has expired.", EC: "0002-00000007"}
}

// errOSSNotThisObject is a write outside the upload credential's object, or a read with it.
func errOSSNotThisObject() *ossError {
	return errOSSAccessDenied("You have no right to access this object: the upload credential allows writing its own object only.", "")
}

func errOSSNoSuchUpload(id string) *ossError { // 404, usual
	return &ossError{Status: http.StatusNotFound, Code: "NoSuchUpload",
		Message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
		Extra:   []ossErrorField{{"UploadId", id}}}
}

func errOSSTooLarge(size int64) *ossError {
	return &ossError{Status: http.StatusBadRequest, Code: "EntityTooLarge", Message: "Your proposed upload exceeds the maximum allowed size.",
		Extra: []ossErrorField{{"ProposedSize", strconv.FormatInt(size, 10)}, {"MaxSizeAllowed", strconv.FormatInt(ossMaxObjectSize, 10)}}}
}

func errOSSMissingContentLength() *ossError { // 411, usual
	return &ossError{Status: http.StatusLengthRequired, Code: "MissingContentLength", Message: "You must provide the Content-Length HTTP header."}
}

// errOSSInvalidDigest is a body whose MD5 is not its Content-MD5 [OSSUpload], or whose SHA-256
// is not the V4 x-oss-content-sha256 it was signed with (undocumented which code OSS gives then;
// the same, as both say the body is not what was declared). 400, usual.
func errOSSInvalidDigest(header string) *ossError {
	return &ossError{Status: http.StatusBadRequest, Code: "InvalidDigest",
		Message: "The " + header + " you specified did not match what we received."}
}

// errOSSIncompleteBody is a body shorter than its Content-Length (the client went away);
// undocumented code, named after what happened.
func errOSSIncompleteBody() *ossError {
	return &ossError{Status: http.StatusBadRequest, Code: "IncompleteBody", Message: "You did not provide the number of bytes specified by the Content-Length HTTP header."}
}

func errOSSMalformedXML(why string) *ossError { // 400, usual
	return &ossError{Status: http.StatusBadRequest, Code: "MalformedXML", Message: "The XML you provided was not well-formed or did not validate: " + why}
}

func errOSSInvalidPartOrder() *ossError {
	return &ossError{Status: http.StatusBadRequest, Code: "InvalidPartOrder", Message: "The list of parts was not in ascending order. Parts must be ordered by part number."}
}

func errOSSInvalidPart(n int) *ossError {
	return &ossError{Status: http.StatusBadRequest, Code: "InvalidPart",
		Message: "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
		Extra:   []ossErrorField{{"PartNumber", strconv.Itoa(n)}}}
}

func errOSSEntityTooSmall(n int) *ossError {
	return &ossError{Status: http.StatusBadRequest, Code: "EntityTooSmall", EC: "0042-00000213",
		Message: "Your proposed upload is smaller than the minimum allowed size: every part but the last must be at least 100 KB.",
		Extra:   []ossErrorField{{"PartNumber", strconv.Itoa(n)}}}
}

// ossDigest is what streaming a body gives: its size, MD5, CRC-64 (ECMA, as x-oss-hash-crc64ecma)
// and first bytes.
type ossDigest struct {
	size  int64
	md5   [16]byte
	crc64 uint64
	head  []byte
}

var crc64Table = crc64.MakeTable(crc64.ECMA)

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	buf []byte
	max int
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.max - len(h.buf); room > 0 {
		h.buf = append(h.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// streamBody reads r's body to its end, measuring and hashing it; keepHead is how many leading
// bytes to keep. It checks Content-Length (required, at most ossMaxObjectSize [OSSUpload]), the
// bytes against it, Content-MD5 and, for a V4 request signed with the payload's hash, that hash.
func streamBody(r *http.Request, signedSHA256 string, keepHead int) (ossDigest, *ossError) {
	if r.ContentLength < 0 {
		return ossDigest{}, errOSSMissingContentLength()
	}
	if r.ContentLength > ossMaxObjectSize {
		return ossDigest{}, errOSSTooLarge(r.ContentLength)
	}
	m := md5.New() //nolint:gosec // G401: OSS's Content-MD5 and ETag
	c := crc64.New(crc64Table)
	head := &headWriter{max: keepHead}
	writers := []io.Writer{m, c, head}
	var sha hash.Hash
	if signedSHA256 != "" {
		sha = sha256.New()
		writers = append(writers, sha)
	}
	n, err := io.Copy(io.MultiWriter(writers...), r.Body)
	if err != nil || n != r.ContentLength {
		return ossDigest{}, errOSSIncompleteBody()
	}
	var d ossDigest
	d.size, d.crc64, d.head = n, c.Sum64(), head.buf
	copy(d.md5[:], m.Sum(nil))
	if want := r.Header.Get("Content-MD5"); want != "" && want != base64.StdEncoding.EncodeToString(d.md5[:]) {
		return ossDigest{}, errOSSInvalidDigest("Content-MD5")
	}
	if sha != nil && !strings.EqualFold(signedSHA256, hex.EncodeToString(sha.Sum(nil))) {
		return ossDigest{}, errOSSInvalidDigest("x-oss-content-sha256")
	}
	return d, nil
}

// setDigestHeaders writes the headers OSS answers a write with: ETag, Content-MD5 and
// x-oss-hash-crc64ecma [OSSUpload, PutObject].
func setDigestHeaders(h http.Header, etag string, sum *[16]byte, crc uint64) {
	h.Set("ETag", etag)
	if sum != nil {
		h.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	}
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(crc, 10))
}

// serveOSSWrite answers a write with an upload credential, op being one of ossWrites and ref the
// credential's object (the request's, checked by the caller).
func (s *Server) serveOSSWrite(w http.ResponseWriter, r *http.Request, op string, ref objectRef, auth ossAuth, requestID string) *ossError {
	h := w.Header()
	h.Set("x-oss-request-id", requestID)
	switch op {
	case "PutObject":
		d, oerr := streamBody(r, auth.PayloadSHA256, maxImageHead)
		if oerr != nil {
			return oerr
		}
		obj := d.object(md5ETag(d.md5), s.opts.Now())
		s.objectComplete(ref, obj)
		setDigestHeaders(h, obj.etag, &d.md5, d.crc64)
		w.WriteHeader(http.StatusOK)
	case "InitiateMultipartUpload":
		id := newUploadID()
		s.uploads.mu.Lock()
		s.uploads.multiparts[id] = &multipartState{ref: ref, initiated: s.opts.Now(), parts: map[int]ossPart{}}
		s.uploads.mu.Unlock()
		writeOSSXML(w, struct {
			XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
			Bucket   string
			Key      string
			UploadID string `xml:"UploadId"`
		}{Bucket: ref.bucket, Key: ref.key, UploadID: id})
	case "UploadPart":
		return s.uploadPart(w, r, ref, auth)
	case "CompleteMultipartUpload":
		return s.completeMultipart(w, r, ref)
	case "AbortMultipartUpload":
		id := r.URL.Query().Get("uploadId")
		s.uploads.mu.Lock()
		m := s.uploads.multiparts[id]
		if m != nil && m.ref == ref {
			delete(s.uploads.multiparts, id)
		}
		s.uploads.mu.Unlock()
		if m == nil || m.ref != ref {
			return errOSSNoSuchUpload(id)
		}
		w.WriteHeader(http.StatusNoContent)
	case "ListParts":
		return s.listParts(w, r, ref)
	}
	return nil
}

// checkMultipart checks that id is an upload in progress of ref: NoSuchUpload for another
// object's, as for an unknown one.
func (s *Server) checkMultipart(id string, ref objectRef) *ossError {
	s.uploads.mu.Lock()
	defer s.uploads.mu.Unlock()
	if m := s.uploads.multiparts[id]; m == nil || m.ref != ref {
		return errOSSNoSuchUpload(id)
	}
	return nil
}

// uploadPart answers UploadPart: partNumber 1 to 10,000 (else 400 InvalidArgument), an upload
// in progress, the body streamed; a part sent again replaces the earlier one [OSSUpload].
func (s *Server) uploadPart(w http.ResponseWriter, r *http.Request, ref objectRef, auth ossAuth) *ossError {
	q := r.URL.Query()
	n, err := strconv.Atoi(q.Get("partNumber"))
	if err != nil || n < 1 || n > ossMaxPartNumber {
		return errOSSInvalidArgument("partNumber", q.Get("partNumber"), "Part number must be an integer between 1 and 10000, inclusive.")
	}
	id := q.Get("uploadId")
	if oerr := s.checkMultipart(id, ref); oerr != nil {
		return oerr
	}
	keep := 0
	if n == 1 {
		keep = maxImageHead
	}
	d, oerr := streamBody(r, auth.PayloadSHA256, keep)
	if oerr != nil {
		return oerr
	}
	s.uploads.mu.Lock()
	m := s.uploads.multiparts[id]
	if m == nil { // aborted or completed while the part arrived
		s.uploads.mu.Unlock()
		return errOSSNoSuchUpload(id)
	}
	m.parts[n] = ossPart{size: d.size, md5: d.md5, crc64: d.crc64, modified: s.opts.Now()}
	if n == 1 {
		m.head = d.head
	}
	s.uploads.mu.Unlock()
	setDigestHeaders(w.Header(), md5ETag(d.md5), &d.md5, d.crc64)
	w.WriteHeader(http.StatusOK)
	return nil
}

// completeMultipart answers CompleteMultipartUpload [OSSUpload]: the XML list of parts, in
// ascending order (gaps allowed; else InvalidPartOrder), each uploaded with that ETag (else
// InvalidPart), each but the last at least 100 KB (else EntityTooSmall). The object is the parts
// in order; its ETag is multipartETag's and its CRC-64 the parts' combined. The image's
// dimensions come from part 1's first bytes (none without part 1).
func (s *Server) completeMultipart(w http.ResponseWriter, r *http.Request, ref objectRef) *ossError {
	id := r.URL.Query().Get("uploadId")
	if oerr := s.checkMultipart(id, ref); oerr != nil {
		return oerr
	}
	var body struct {
		XMLName xml.Name `xml:"CompleteMultipartUpload"`
		Parts   []struct {
			PartNumber int
			ETag       string
		} `xml:"Part"`
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxCompleteBody))
	if err != nil {
		return errOSSMalformedXML("the body could not be read or is larger than 2 MiB.")
	}
	if err := xml.Unmarshal(raw, &body); err != nil {
		return errOSSMalformedXML(err.Error())
	}
	if len(body.Parts) == 0 {
		return errOSSMalformedXML("no Part is listed.")
	}
	s.uploads.mu.Lock()
	m := s.uploads.multiparts[id]
	if m == nil || m.ref != ref {
		s.uploads.mu.Unlock()
		return errOSSNoSuchUpload(id)
	}
	var (
		size int64
		crc  uint64
		md5s [][16]byte
	)
	for i, p := range body.Parts { // the order first: it is about the list as a whole
		if i > 0 && p.PartNumber <= body.Parts[i-1].PartNumber {
			s.uploads.mu.Unlock()
			return errOSSInvalidPartOrder()
		}
	}
	for i, p := range body.Parts {
		part, ok := m.parts[p.PartNumber]
		if !ok || !strings.EqualFold(strings.Trim(p.ETag, `" `), strings.Trim(md5ETag(part.md5), `"`)) {
			s.uploads.mu.Unlock()
			return errOSSInvalidPart(p.PartNumber)
		}
		if i < len(body.Parts)-1 && part.size < ossMinPartSize {
			s.uploads.mu.Unlock()
			return errOSSEntityTooSmall(p.PartNumber)
		}
		size += part.size
		crc = crc64Combine(crc, part.crc64, part.size)
		md5s = append(md5s, part.md5)
	}
	var head []byte
	if body.Parts[0].PartNumber == 1 {
		head = m.head
	}
	delete(s.uploads.multiparts, id)
	s.uploads.mu.Unlock()

	d := ossDigest{size: size, crc64: crc, head: head}
	obj := d.object(multipartETag(md5s), s.opts.Now())
	s.objectComplete(ref, obj)
	setDigestHeaders(w.Header(), obj.etag, nil, crc)
	writeOSSXML(w, struct {
		XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
		Location string
		Bucket   string
		Key      string
		ETag     string
	}{Location: "https://" + s.bucketHost(ref.bucket) + "/" + ref.key, Bucket: ref.bucket, Key: ref.key, ETag: obj.etag})
	return nil
}

// listParts answers ListParts with every part uploaded so far, by part number (no paging: the
// emulator lists them all, IsTruncated false; max-parts and part-number-marker are ignored).
func (s *Server) listParts(w http.ResponseWriter, r *http.Request, ref objectRef) *ossError {
	id := r.URL.Query().Get("uploadId")
	type part struct {
		PartNumber   int
		LastModified string
		ETag         string
		Size         int64
	}
	s.uploads.mu.Lock()
	m := s.uploads.multiparts[id]
	if m == nil || m.ref != ref {
		s.uploads.mu.Unlock()
		return errOSSNoSuchUpload(id)
	}
	nums := make([]int, 0, len(m.parts))
	for n := range m.parts {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	parts := make([]part, len(nums))
	for i, n := range nums {
		p := m.parts[n]
		parts[i] = part{PartNumber: n, LastModified: p.modified.UTC().Format("2006-01-02T15:04:05.000Z"), ETag: md5ETag(p.md5), Size: p.size}
	}
	s.uploads.mu.Unlock()
	next := 0
	if len(nums) > 0 {
		next = nums[len(nums)-1]
	}
	writeOSSXML(w, struct {
		XMLName              xml.Name `xml:"ListPartsResult"`
		Bucket               string
		Key                  string
		UploadID             string `xml:"UploadId"`
		PartNumberMarker     int
		NextPartNumberMarker int
		MaxParts             int
		IsTruncated          bool
		Part                 []part
	}{Bucket: ref.bucket, Key: ref.key, UploadID: id, NextPartNumberMarker: next, MaxParts: 1000, Part: parts})
	return nil
}

// object is the ossObject a digest describes.
func (d ossDigest) object(etag string, now time.Time) *ossObject {
	w, h := imageDimensions(d.head)
	return &ossObject{size: d.size, md5: d.md5, crc64: d.crc64, etag: etag, width: w, height: h, modified: now}
}

// writeOSSXML writes a 200 XML answer.
func writeOSSXML(w http.ResponseWriter, v any) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		http.Error(w, "vodemu: XML encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}

// newUploadID is 32 upper-case hex digits (an UploadId's form is undocumented).
func newUploadID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// crc64Combine is the CRC-64 (ECMA, reflected, as hash/crc64 computes it) of A followed by B, from
// crcA, crcB and B's length: the zero-operator method (multiplying crcA by x^(8·lenB) in GF(2) with
// the polynomial's matrix, by repeated squaring), then xor crcB. The OSS SDKs combine the parts'
// CRCs this way to check CompleteMultipartUpload's x-oss-hash-crc64ecma.
func crc64Combine(crcA, crcB uint64, lenB int64) uint64 {
	if lenB <= 0 {
		return crcA
	}
	var odd, even [64]uint64
	odd[0] = crc64.ECMA // the reflected polynomial: one zero bit
	row := uint64(1)
	for i := 1; i < 64; i++ {
		odd[i] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	for {
		gf2Square(&even, &odd) // one zero byte, then 4, 16, ...
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

// gf2Times multiplies the vector v by the 64×64 GF(2) matrix m (columns as words).
func gf2Times(m *[64]uint64, v uint64) uint64 {
	var sum uint64
	for i := 0; v != 0; i, v = i+1, v>>1 {
		if v&1 != 0 {
			sum ^= m[i]
		}
	}
	return sum
}

// gf2Square sets sq to m·m.
func gf2Square(sq, m *[64]uint64) {
	for i := range m {
		sq[i] = gf2Times(m, m[i])
	}
}

// bucketHost is a bucket's host: the one uploads went to, else the StorageLocation of a stored
// image in it, else "" (no such bucket).
func (s *Server) bucketHost(bucket string) string {
	if h := s.knownBucket(bucket); h != "" {
		return h
	}
	var host string
	s.store.eachImage(func(img Image) {
		if host == "" && bucketOf(img.StorageLocation) == bucket {
			host = img.StorageLocation
		}
	})
	return host
}

// pathStyleTarget tells a path-style OSS request sent to the emulator's own address (what an OSS
// SDK sends to an IP endpoint, or with path style on: http://127.0.0.1:PORT/<bucket>/<key>) from
// an RPC call: its first path segment names a bucket the emulator has, and it is signed as OSS
// requests are (Authorization OSS or OSS4-HMAC-SHA256, or a presigned query) or uses a method
// RPC calls never use (PUT, DELETE, HEAD). The V4 region is the bucket's host's. Undocumented:
// real OSS serves path style on its own host names only (oss.go's ossTarget); this lets tests use
// the listener's address without DNS or a proxy.
func (s *Server) pathStyleTarget(r *http.Request) (bucket, key, region string, ok bool) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ = strings.Cut(path, "/")
	if bucket == "" || strings.HasPrefix(r.URL.Path, "/_emulator/") {
		return "", "", "", false
	}
	authz, q := r.Header.Get("Authorization"), r.URL.Query()
	signed := strings.HasPrefix(authz, "OSS ") || strings.HasPrefix(authz, ossV4Algorithm+" ") ||
		q.Has("OSSAccessKeyId") || q.Has("x-oss-signature-version")
	if !signed && r.Method != http.MethodPut && r.Method != http.MethodDelete && r.Method != http.MethodHead {
		return "", "", "", false
	}
	host := s.bucketHost(bucket)
	if host == "" {
		return "", "", "", false
	}
	return bucket, key, s.ossRegion(host), true
}

// ossLookup finds an access key for the OSS endpoint: the emulator's own (the one it signs URLs
// with), or an upload credential, expired or not (the caller checks expiry after the signature,
// so that a client hears SecurityTokenExpired only for a request it made right).
func (s *Server) ossLookup(id string) (ossCredential, bool) {
	if c, ok := s.ossCredentials(id); ok {
		return c, true
	}
	c, _, _, ok := s.uploadCredential(id)
	return c, ok
}
