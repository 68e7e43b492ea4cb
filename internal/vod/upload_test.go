package vod

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ossRequest is one request an ossDouble received.
type ossRequest struct {
	Method, Path string
	Query        map[string][]string
	Header       http.Header
	BodyLen      int
}

// op names the OSS operation of a request, as the OSS API reference does.
func (r ossRequest) op() string {
	_, uploads := r.Query["uploads"]
	_, uploadID := r.Query["uploadId"]
	_, part := r.Query["partNumber"]
	switch {
	case r.Method == http.MethodPost && uploads:
		return "InitiateMultipartUpload"
	case r.Method == http.MethodPut && part:
		return "UploadPart"
	case r.Method == http.MethodPost && uploadID:
		return "CompleteMultipartUpload"
	case r.Method == http.MethodDelete && uploadID:
		return "AbortMultipartUpload"
	case r.Method == http.MethodPut:
		return "PutObject"
	}
	return r.Method
}

// ossFailure is an OSS XML error answer (oss-upload.md, "Errors").
type ossFailure struct {
	Status          int
	Code, Message   string
	EC              string
	StringToSign    string // SignatureDoesNotMatch quotes it
	OSSAccessKeyID  string
	SecurityToken   string // seen quoted in some answers' extra elements
	SignatureProvid string
}

// ossDouble is a small OSS endpoint for Client.Upload's tests: path-style PutObject and the
// multipart calls (oss-upload.md: InitiateMultipartUpload, UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload), recording every request. It checks the request's shape (the security
// token header, a V4 Authorization with its scope), not the signature: the emulator verifies
// signatures from the documentation. fail, if set, may answer a request with an error instead.
type ossDouble struct {
	*httptest.Server
	fail func(r ossRequest, n int) *ossFailure // n counts requests of the same op from 1
	// block, if set, holds UploadPart requests until it is closed (cancellation tests).
	block chan struct{}

	mu       sync.Mutex
	requests []ossRequest
	counts   map[string]int
	parts    map[int]int // part number → size
}

func newOSSDouble(t *testing.T) *ossDouble {
	t.Helper()
	d := &ossDouble{counts: map[string]int{}, parts: map[int]int{}}
	d.Server = httptest.NewServer(http.HandlerFunc(d.serve))
	t.Cleanup(d.Close)
	return d
}

func (d *ossDouble) serve(w http.ResponseWriter, r *http.Request) {
	n, _ := io.Copy(io.Discard, r.Body)
	req := ossRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), BodyLen: int(n)}
	d.mu.Lock()
	d.requests = append(d.requests, req)
	d.counts[req.op()]++
	count := d.counts[req.op()]
	d.mu.Unlock()
	w.Header().Set("x-oss-request-id", fmt.Sprintf("OSSREQ-%s-%d", req.op(), count))
	if d.block != nil && req.op() == "UploadPart" {
		select {
		case <-d.block:
		case <-r.Context().Done():
			return
		}
	}
	if d.fail != nil {
		if f := d.fail(req, count); f != nil {
			w.Header().Set("Content-Type", "application/xml")
			if f.EC != "" {
				w.Header().Set("x-oss-ec", f.EC)
			}
			w.WriteHeader(f.Status)
			_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>%s</Code><Message>%s</Message><RequestId>OSSREQ-%s-%d</RequestId><HostId>b.oss-cn-shanghai.aliyuncs.com</HostId><EC>%s</EC><StringToSign>%s</StringToSign><OSSAccessKeyId>%s</OSSAccessKeyId><SecurityToken>%s</SecurityToken></Error>`,
				f.Code, xmlEscape(f.Message), req.op(), count, f.EC, xmlEscape(f.StringToSign), f.OSSAccessKeyID, f.SecurityToken)
			return
		}
	}
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)
	bucket, key := parts[0], ""
	if len(parts) == 2 {
		key = parts[1]
	}
	switch req.op() {
	case "PutObject":
		w.Header().Set("ETag", `"D41D8CD98F00B204E9800998ECF8427E"`)
	case "InitiateMultipartUpload":
		w.Header().Set("Content-Type", "application/xml")
		_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><UploadId>UPLOAD-1</UploadId></InitiateMultipartUploadResult>`, bucket, key)
	case "UploadPart":
		num, _ := strconv.Atoi(req.Query["partNumber"][0])
		d.mu.Lock()
		d.parts[num] = req.BodyLen
		d.mu.Unlock()
		w.Header().Set("ETag", fmt.Sprintf(`"ETAG-%d"`, num))
	case "CompleteMultipartUpload":
		w.Header().Set("Content-Type", "application/xml")
		_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Location>http://x/%s</Location><Bucket>%s</Bucket><Key>%s</Key><ETag>"MULTI-ETAG-3"</ETag></CompleteMultipartUploadResult>`, key, bucket, key)
	case "AbortMultipartUpload":
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (d *ossDouble) Requests() []ossRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]ossRequest(nil), d.requests...)
}

func (d *ossDouble) ops() []string {
	var ops []string
	for _, r := range d.Requests() {
		ops = append(ops, r.op())
	}
	return ops
}

// uploadTicket is a ticket as CreateUploadImage gives it, its credential issued now, for an
// address whose endpoint names region cn-beijing.
func uploadTicket(t *testing.T, issued time.Time) *UploadTicket {
	t.Helper()
	auth, err := decodeUploadAuth(b64(uploadAuthJSON("3000")), issued)
	if err != nil {
		t.Fatal(err)
	}
	return &UploadTicket{ImageID: "img-upload-1", Auth: auth,
		Address: UploadAddress{Endpoint: "https://oss-cn-beijing.aliyuncs.com", Bucket: "outin-bucket", FileName: "image/default/ABC.png"}}
}

// uploadClient is a client whose uploads go to d (the endpoint override), in parts of partSize.
func uploadClient(t *testing.T, d *ossDouble, partSize int64) *Client {
	t.Helper()
	c, err := New(Config{Endpoint: "http://127.0.0.1:1", RegionID: "cn-shanghai", Credential: testCredential(t, testSecret),
		Upload: UploadConfig{Endpoint: d.URL, PathStyle: true, PartSize: partSize, Parallel: 2, MaxAttempts: 2}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// noSecret fails if err's text, or anything errors.Unwrap reaches, holds the credential.
func noSecret(t *testing.T, err error) {
	t.Helper()
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, s := range []string{authSecret, authToken} {
			if strings.Contains(e.Error(), s) || strings.Contains(fmt.Sprintf("%+v", e), s) {
				t.Errorf("a secret shows in the error: %v", e)
			}
		}
	}
}

// Below the part size, one PutObject to the address's bucket and key, path-style at the override
// endpoint, with the security token and a V4 signature scoped to the address's region.
func TestUploadSinglePut(t *testing.T) {
	d := newOSSDouble(t)
	c := uploadClient(t, d, 256<<10)
	content := randomBytes(t, 1000)
	out, err := c.Upload(context.Background(), UploadInput{Ticket: uploadTicket(t, time.Now()), Body: bytes.NewReader(content), Size: int64(len(content)), ContentType: "image/png"})
	if err != nil {
		t.Fatal(err)
	}
	reqs := d.Requests()
	if len(reqs) != 1 || reqs[0].op() != "PutObject" {
		t.Fatalf("requests %v, want one PutObject", d.ops())
	}
	r := reqs[0]
	if r.Path != "/outin-bucket/image/default/ABC.png" || r.BodyLen != len(content) || r.Header.Get("Content-Type") != "image/png" {
		t.Errorf("PutObject %s of %d bytes (%s), want the ticket's bucket/key and the content", r.Path, r.BodyLen, r.Header.Get("Content-Type"))
	}
	if r.Header.Get("x-oss-security-token") != authToken {
		t.Errorf("x-oss-security-token is %q, want the ticket's token", r.Header.Get("x-oss-security-token"))
	}
	authz := r.Header.Get("Authorization")
	if !strings.HasPrefix(authz, "OSS4-HMAC-SHA256 Credential=STS.NUxyzAbc123/") || !strings.Contains(authz, "/cn-beijing/oss/aliyun_v4_request") {
		t.Errorf("Authorization %q, want V4 with the ticket's key and the address's region", authz)
	}
	if r.Header.Get("x-oss-date") == "" || r.Header.Get("x-oss-content-sha256") != "UNSIGNED-PAYLOAD" {
		t.Errorf("V4 headers missing: %v", r.Header)
	}
	if out.Multipart || out.RequestID != "OSSREQ-PutObject-1" {
		t.Errorf("output %+v", out)
	}
}

// From the part size up, a multipart upload streamed from a file: initiate, every part (the last
// one short), complete.
func TestUploadMultipartFromFile(t *testing.T) {
	d := newOSSDouble(t)
	const partSize = 100 << 10 // OSS's smallest part
	c := uploadClient(t, d, partSize)
	path := filepath.Join(t.TempDir(), "big.png")
	if err := os.WriteFile(path, randomBytes(t, 2*partSize+123), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	out, err := c.Upload(context.Background(), UploadInput{Ticket: uploadTicket(t, time.Now()), Body: f, Size: -1})
	if err != nil {
		t.Fatal(err)
	}
	ops := d.ops()
	slices.Sort(ops[1 : len(ops)-1]) // parts go in parallel
	want := []string{"InitiateMultipartUpload", "UploadPart", "UploadPart", "UploadPart", "CompleteMultipartUpload"}
	if !slices.Equal(ops, want) {
		t.Errorf("requests %v, want %v", ops, want)
	}
	d.mu.Lock()
	parts := fmt.Sprint(d.parts)
	d.mu.Unlock()
	if parts != fmt.Sprint(map[int]int{1: partSize, 2: partSize, 3: 123}) {
		t.Errorf("parts %s", parts)
	}
	for _, r := range d.Requests() {
		if r.Header.Get("x-oss-security-token") != authToken {
			t.Errorf("%s without the security token", r.op())
		}
	}
	if !out.Multipart {
		t.Errorf("output %+v, want multipart", out)
	}
}

// A reader of unknown size (not a file) goes multipart too, in bounded buffers.
func TestUploadMultipartFromReader(t *testing.T) {
	d := newOSSDouble(t)
	c := uploadClient(t, d, 100<<10)
	content := randomBytes(t, 250<<10)
	if _, err := c.Upload(context.Background(), UploadInput{Ticket: uploadTicket(t, time.Now()), Body: io.MultiReader(bytes.NewReader(content)), Size: -1}); err != nil {
		t.Fatal(err)
	}
	if ops := d.ops(); len(ops) != 5 || ops[0] != "InitiateMultipartUpload" || ops[4] != "CompleteMultipartUpload" {
		t.Errorf("requests %v", ops)
	}
}

// A part that fails aborts the multipart upload: no parts are left behind. The error names the
// operation, OSS's code and request ID, and holds no credential, even though OSS's answer quotes
// them.
func TestUploadPartFailureAborts(t *testing.T) {
	d := newOSSDouble(t)
	d.fail = func(r ossRequest, n int) *ossFailure {
		if r.op() == "UploadPart" && r.Query["partNumber"][0] == "2" {
			return &ossFailure{Status: 400, Code: "InvalidArgument", Message: "Part number must be an integer between 1 and 10000, inclusive. " + authSecret,
				EC: "0042-00000001", StringToSign: "PUT\n\n\nx-oss-security-token:" + authToken, SecurityToken: authToken}
		}
		return nil
	}
	c := uploadClient(t, d, 100<<10)
	_, err := c.Upload(context.Background(), UploadInput{Ticket: uploadTicket(t, time.Now()), Body: bytes.NewReader(randomBytes(t, 250<<10)), Size: 250 << 10})
	var upErr *UploadError
	if !errors.As(err, &upErr) {
		t.Fatalf("err = %v, want *UploadError", err)
	}
	if upErr.Kind != UploadRejected || upErr.Code != "InvalidArgument" || upErr.Op != "UploadPart" || !strings.HasPrefix(upErr.RequestID, "OSSREQ-UploadPart-") || upErr.EC != "0042-00000001" {
		t.Errorf("error %+v", upErr)
	}
	for _, want := range []string{"img-upload-1", "outin-bucket", "UploadPart", "InvalidArgument", "request ID OSSREQ-UploadPart-"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	noSecret(t, err)
	if ops := d.ops(); ops[len(ops)-1] != "AbortMultipartUpload" || slices.Contains(ops, "CompleteMultipartUpload") {
		t.Errorf("requests %v, want the upload aborted", ops)
	}
	for _, r := range d.Requests() {
		if r.op() == "AbortMultipartUpload" && r.Query["uploadId"][0] != "UPLOAD-1" {
			t.Errorf("aborted upload %v", r.Query["uploadId"])
		}
	}
}

// A cancelled upload returns context.Canceled and still aborts its multipart upload, with a
// context of its own.
func TestUploadCancelledAborts(t *testing.T) {
	d := newOSSDouble(t)
	d.block = make(chan struct{})
	c := uploadClient(t, d, 100<<10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Upload(ctx, UploadInput{Ticket: uploadTicket(t, time.Now()), Body: bytes.NewReader(randomBytes(t, 250<<10)), Size: 250 << 10})
		done <- err
	}()
	waitFor(func() bool { return slices.Contains(d.ops(), "UploadPart") })
	cancel()
	err := <-done
	close(d.block)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var upErr *UploadError
	if !errors.As(err, &upErr) || upErr.Kind != UploadCancelled {
		t.Errorf("err = %#v", err)
	}
	if ops := d.ops(); ops[len(ops)-1] != "AbortMultipartUpload" {
		t.Errorf("requests %v, want the upload aborted", ops)
	}
}

// An expired credential is its own kind: from OSS's answer (by code, EC or message), and before
// any request when the ticket's expiry has passed.
func TestUploadCredentialExpired(t *testing.T) {
	for name, f := range map[string]*ossFailure{
		"message": {Status: 403, Code: "InvalidSecurityToken", Message: "The security token you provided has expired."},
		"EC":      {Status: 403, Code: "AccessDenied", Message: "Access denied.", EC: expiredEC},
		"code":    {Status: 403, Code: "SecurityTokenExpired", Message: "SecurityTokenExpired"},
	} {
		t.Run(name, func(t *testing.T) {
			d := newOSSDouble(t)
			d.fail = func(ossRequest, int) *ossFailure { return f }
			c := uploadClient(t, d, 1<<20)
			_, err := c.Upload(context.Background(), UploadInput{Ticket: uploadTicket(t, time.Now()), Body: strings.NewReader("x"), Size: 1})
			if !IsUploadCredentialExpired(err) {
				t.Fatalf("err = %v, want an expired credential", err)
			}
			if !strings.Contains(err.Error(), "CreateUploadImage") || !strings.Contains(err.Error(), "OSSREQ-PutObject-1") {
				t.Errorf("error %q does not say what to do or the request ID", err)
			}
			if n := len(d.Requests()); n != 1 {
				t.Errorf("%d requests: a 403 is not retried", n)
			}
			noSecret(t, err)
		})
	}
	t.Run("before sending", func(t *testing.T) {
		d := newOSSDouble(t)
		c := uploadClient(t, d, 1<<20)
		_, err := c.Upload(context.Background(), UploadInput{Ticket: uploadTicket(t, time.Now().Add(-time.Hour)), Body: strings.NewReader("x"), Size: 1})
		if !IsUploadCredentialExpired(err) || len(d.Requests()) != 0 {
			t.Errorf("err = %v after %d requests, want expired before any", err, len(d.Requests()))
		}
	})
	t.Run("refused, not expired", func(t *testing.T) {
		d := newOSSDouble(t)
		d.fail = func(ossRequest, int) *ossFailure {
			return &ossFailure{Status: 403, Code: "SignatureDoesNotMatch", Message: "The request signature we calculated does not match the signature you provided.",
				StringToSign: "PUT\n\nimage/png\n\nx-oss-security-token:" + authToken + "\n/outin-bucket/k", OSSAccessKeyID: "STS.NUxyzAbc123"}
		}
		c := uploadClient(t, d, 1<<20)
		_, err := c.Upload(context.Background(), UploadInput{Ticket: uploadTicket(t, time.Now()), Body: strings.NewReader("x"), Size: 1})
		var upErr *UploadError
		if !errors.As(err, &upErr) || upErr.Kind != UploadCredentialRefused || IsUploadCredentialExpired(err) {
			t.Errorf("err = %v, want a refused credential", err)
		}
		noSecret(t, err)
	})
}

// OSS failing is retried, at most MaxAttempts times in all; the error says it failed on OSS's side.
func TestUploadRetriesBounded(t *testing.T) {
	d := newOSSDouble(t)
	d.fail = func(ossRequest, int) *ossFailure {
		return &ossFailure{Status: 503, Code: "ServiceUnavailable", Message: "busy"}
	}
	c := uploadClient(t, d, 1<<20)
	_, err := c.Upload(context.Background(), UploadInput{Ticket: uploadTicket(t, time.Now()), Body: strings.NewReader("abc"), Size: 3})
	var upErr *UploadError
	if !errors.As(err, &upErr) || upErr.Kind != UploadServerFailed || upErr.HTTPStatus != 503 {
		t.Errorf("err = %v, want OSS failed", err)
	}
	if n := len(d.Requests()); n != 2 {
		t.Errorf("%d requests, want MaxAttempts = 2", n)
	}
}

// An endpoint that cannot be reached is its own kind, its text without credentials.
func TestUploadUnreachable(t *testing.T) {
	d := newOSSDouble(t)
	c := uploadClient(t, d, 1<<20)
	d.Close()
	_, err := c.Upload(context.Background(), UploadInput{Ticket: uploadTicket(t, time.Now()), Body: strings.NewReader("abc"), Size: 3})
	var upErr *UploadError
	if !errors.As(err, &upErr) || upErr.Kind != UploadUnreachable {
		t.Errorf("err = %v, want unreachable", err)
	}
	noSecret(t, err)
}

// The region for V4 comes from the address's endpoint, else UploadConfig.Region, else the client's.
func TestOSSRegion(t *testing.T) {
	for endpoint, want := range map[string]string{
		"https://oss-cn-shanghai.aliyuncs.com":             "cn-shanghai",
		"oss-ap-southeast-1.aliyuncs.com":                  "ap-southeast-1",
		"https://oss-cn-hangzhou-internal.aliyuncs.com":    "cn-hangzhou",
		"https://bucket.oss-eu-central-1.aliyuncs.com:443": "eu-central-1",
		"https://oss-accelerate.aliyuncs.com":              "",
		"http://127.0.0.1:8080":                            "",
	} {
		if got := ossRegion(endpoint); got != want {
			t.Errorf("ossRegion(%q) = %q, want %q", endpoint, got, want)
		}
	}
	d := newOSSDouble(t)
	c := uploadClient(t, d, 1<<20)
	tk := uploadTicket(t, time.Now())
	tk.Address.Endpoint = d.URL // names no region: the client's is used
	if _, err := c.Upload(context.Background(), UploadInput{Ticket: tk, Body: strings.NewReader("a"), Size: 1}); err != nil {
		t.Fatal(err)
	}
	if authz := d.Requests()[0].Header.Get("Authorization"); !strings.Contains(authz, "/cn-shanghai/oss/") {
		t.Errorf("Authorization %q, want the client's region", authz)
	}
}

// UploadConfig.SignatureV1 signs with OSS's V1 signature, the security token still in its header.
func TestUploadSignatureV1(t *testing.T) {
	d := newOSSDouble(t)
	c, err := New(Config{Endpoint: "http://127.0.0.1:1", RegionID: "cn-shanghai", Credential: testCredential(t, testSecret),
		Upload: UploadConfig{Endpoint: d.URL, SignatureV1: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(context.Background(), UploadInput{Ticket: uploadTicket(t, time.Now()), Body: strings.NewReader("a"), Size: 1}); err != nil {
		t.Fatal(err)
	}
	r := d.Requests()[0]
	if authz := r.Header.Get("Authorization"); !strings.HasPrefix(authz, "OSS STS.NUxyzAbc123:") || r.Header.Get("x-oss-security-token") != authToken {
		t.Errorf("Authorization %q, token header %q: want V1 with the token", authz, r.Header.Get("x-oss-security-token"))
	}
	if r.Path != "/outin-bucket/image/default/ABC.png" {
		t.Errorf("path %s: an IP endpoint is path-style without PathStyle", r.Path)
	}
}
