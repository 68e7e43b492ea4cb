package vodemu

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"hash/crc64"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscred "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
)

// These tests upload with Alibaba's OSS Go SDK v2, so that the emulator's verification of V1 and
// V4 signatures and its answers meet the official client (the emulator's own code imports no SDK:
// imports_test.go). The SDK stamps requests with the real time, so the emulator's clock is the
// real time plus an offset the tests move (offsetClock).

// noisePNG is a w×h PNG of seeded random pixels: incompressible, so its size is about 4·w·h bytes.
func noisePNG(t *testing.T, w, h int, seed uint64) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.UintN(256))
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadHarness is an emulator on the offset clock, with one category.
func uploadHarness(t *testing.T, mutate func(*Options)) (*harness, *offsetClock) {
	t.Helper()
	clock := &offsetClock{}
	h := newHarness(t, func(o *Options) {
		o.Now = clock.Now
		if mutate != nil {
			mutate(o)
		}
	})
	return h, clock
}

// createUploadNow is createUpload for a harness on the offset clock (whose RPC timestamps must be
// near the real time).
func (h *harness) createUploadNow(clock *offsetClock, params map[string]string) ticket {
	h.t.Helper()
	saved := h.clock.Now()
	h.clock.Set(clock.Now())
	defer h.clock.Set(saved)
	return h.createUpload(params)
}

// getImageNow is getImage on the offset clock.
func (h *harness) getImageNow(clock *offsetClock, id string) ImageInfo {
	h.t.Helper()
	saved := h.clock.Now()
	h.clock.Set(clock.Now())
	defer h.clock.Set(saved)
	return h.getImage(id)
}

// ossSDK is an OSS client for tk's credential on the emulator's address, path style (the SDK's
// choice for an IP endpoint), signing with V1 or V4.
func ossSDK(t *testing.T, h *harness, tk ticket, v1 bool, mutate func(*oss.Config)) *oss.Client {
	t.Helper()
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(osscred.NewStaticCredentialsProvider(tk.Auth.AccessKeyID, tk.Auth.AccessKeySecret, tk.Auth.SecurityToken)).
		WithRegion("cn-shanghai").WithEndpoint(h.run.URL).WithUsePathStyle(true).WithDisableSSL(true).WithRetryMaxAttempts(1)
	if v1 {
		cfg = cfg.WithSignatureVersion(oss.SignatureVersionV1)
	}
	if mutate != nil {
		mutate(cfg)
	}
	return oss.NewClient(cfg)
}

// ossCode is the OSS error code of err, "" if it is none.
func ossCode(err error) string {
	var se *oss.ServiceError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

func TestOSSPutObjectCompletesTheImage(t *testing.T) {
	t.Parallel()
	for _, v1 := range []bool{false, true} {
		h, clock := uploadHarness(t, nil)
		tk := h.createUploadNow(clock, map[string]string{"OriginalFileName": "cover.png", "Title": "before"})
		body := noisePNG(t, 40, 30, 1)
		c := ossSDK(t, h, tk, v1, nil)
		res, err := c.PutObject(context.Background(), &oss.PutObjectRequest{Bucket: oss.Ptr(tk.Address.Bucket),
			Key: oss.Ptr(tk.Address.FileName), Body: bytes.NewReader(body), ContentType: oss.Ptr("image/png")})
		if err != nil {
			t.Fatalf("v1=%v PutObject: %v", v1, err)
		}
		if want := md5ETag(md5Of(body)); oss.ToString(res.ETag) != want || res.Headers.Get("x-oss-hash-crc64ecma") == "" {
			t.Errorf("ETag %q, want %q; headers %v", oss.ToString(res.ETag), want, res.Headers)
		}
		img := h.getImageNow(clock, tk.ImageID)
		m := img.Mezzanine
		if img.Status != "Normal" || m == nil || m.Width != 40 || m.Height != 30 || m.FileSize.Bytes != strconv.Itoa(len(body)) ||
			m.OriginalFileName != "cover.png" {
			t.Fatalf("v1=%v image after PutObject: %+v %+v", v1, img, m)
		}
		if err := VerifyOSSURL(m.FileURL, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, clock.Now()); err != nil {
			t.Errorf("FileURL: %v", err)
		}
		// The object is there for the emulator's own key, as a stored image's is.
		resp, err := http.Get(strings.Replace(img.URL, "https://"+img.StorageLocation, h.run.URL+"/"+tk.Address.Bucket, 1))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET of the uploaded object: %d", resp.StatusCode)
		}
		if st := h.run.Server.Stats(); st.OSSByOperation["PutObject"] != 1 || st.OSSByCode["OK"] < 1 {
			t.Errorf("stats %+v", st)
		}
	}
}

func md5Of(b []byte) [16]byte {
	d, _ := streamBody(&http.Request{ContentLength: int64(len(b)), Body: io.NopCloser(bytes.NewReader(b)), Header: http.Header{}}, "", 0)
	return d.md5
}

func TestOSSMultipartUpload(t *testing.T) {
	t.Parallel()
	for _, v1 := range []bool{false, true} {
		h, clock := uploadHarness(t, nil)
		tk := h.createUploadNow(clock, nil)
		body := noisePNG(t, 180, 170, 2) // about 120 KB: two parts of 100 KB and the rest
		if len(body) < 2*ossMinPartSize+1 {
			body = noisePNG(t, 260, 250, 2)
		}
		c := ossSDK(t, h, tk, v1, nil)
		u := oss.NewUploader(c, func(o *oss.UploaderOptions) { o.PartSize = ossMinPartSize; o.ParallelNum = 2 })
		res, err := u.UploadFrom(context.Background(), &oss.PutObjectRequest{Bucket: oss.Ptr(tk.Address.Bucket),
			Key: oss.Ptr(tk.Address.FileName)}, bytes.NewReader(body))
		if err != nil {
			t.Fatalf("v1=%v upload: %v", v1, err)
		}
		parts := (len(body) + ossMinPartSize - 1) / ossMinPartSize
		if st := h.run.Server.Stats(); st.OSSByOperation["InitiateMultipartUpload"] != 1 || st.OSSByOperation["UploadPart"] != int64(parts) ||
			st.OSSByOperation["CompleteMultipartUpload"] != 1 {
			t.Errorf("v1=%v operations %v, want %d parts", v1, st.OSSByOperation, parts)
		}
		if !strings.HasSuffix(oss.ToString(res.ETag), "-"+strconv.Itoa(parts)+`"`) {
			t.Errorf("ETag %q", oss.ToString(res.ETag))
		}
		img := h.getImageNow(clock, tk.ImageID)
		if m := img.Mezzanine; img.Status != "Normal" || m == nil || m.Width != 260 && m.Width != 180 || m.FileSize.Bytes != strconv.Itoa(len(body)) {
			t.Fatalf("v1=%v image %+v %+v", v1, img, img.Mezzanine)
		}
	}
}

func TestCRC64Combine(t *testing.T) {
	t.Parallel()
	data := noisePNG(t, 50, 50, 3)
	tab := crc64.MakeTable(crc64.ECMA)
	for _, cut := range []int{0, 1, 7, 100, len(data) - 1, len(data)} {
		a, b := data[:cut], data[cut:]
		if got, want := crc64Combine(crc64.Checksum(a, tab), crc64.Checksum(b, tab), int64(len(b))), crc64.Checksum(data, tab); got != want {
			t.Errorf("cut %d: %x, want %x", cut, got, want)
		}
	}
}

func TestImageDimensions(t *testing.T) {
	t.Parallel()
	img := image.NewPaletted(image.Rect(0, 0, 7, 5), []color.Color{color.Black, color.White})
	var j, g bytes.Buffer
	if err := jpeg.Encode(&j, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&g, img, nil); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		b    []byte
		w, h int64
	}{"png": {noisePNG(t, 3, 2, 1), 3, 2}, "jpeg": {j.Bytes(), 7, 5}, "gif": {g.Bytes(), 7, 5},
		"text": {[]byte("not an image"), 0, 0}, "cut png": {noisePNG(t, 3, 2, 1)[:12], 0, 0}} {
		if w, h := imageDimensions(c.b); w != c.w || h != c.h {
			t.Errorf("%s: %d×%d, want %d×%d", name, w, h, c.w, c.h)
		}
	}
}

func TestOSSUploadCredentialScope(t *testing.T) {
	t.Parallel()
	h, clock := uploadHarness(t, func(o *Options) { o.Upload.CredentialLifetime = time.Minute })
	tk := h.createUploadNow(clock, nil)
	other := h.createUploadNow(clock, nil)
	c := ossSDK(t, h, tk, false, nil)
	ctx := context.Background()
	put := func(c *oss.Client, key string, body []byte) error {
		_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(tk.Address.Bucket), Key: oss.Ptr(key), Body: bytes.NewReader(body)})
		return err
	}
	// Another image's object, another key in the bucket, reading its own object: AccessDenied.
	for _, key := range []string{other.Address.FileName, "image/default/elsewhere.png"} {
		if err := put(c, key, []byte("x")); ossCode(err) != "AccessDenied" {
			t.Errorf("PutObject %s: %v, want AccessDenied", key, err)
		}
	}
	if _, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(tk.Address.Bucket), Key: oss.Ptr(tk.Address.FileName)}); ossCode(err) != "AccessDenied" {
		t.Errorf("GetObject with the upload credential: %v, want AccessDenied", err)
	}
	// A wrong token, a wrong secret.
	bad := tk
	bad.Auth.SecurityToken = other.Auth.SecurityToken
	if err := put(ossSDK(t, h, bad, false, nil), tk.Address.FileName, []byte("x")); ossCode(err) != "AccessKeyIdAndSecurityTokenNotMatch" {
		t.Errorf("other token: %v", err)
	}
	bad = tk
	bad.Auth.AccessKeySecret = "wrong"
	if err := put(ossSDK(t, h, bad, true, nil), tk.Address.FileName, []byte("x")); ossCode(err) != "SignatureDoesNotMatch" {
		t.Errorf("wrong secret: %v", err)
	}
	// Content-MD5 that is not the body's.
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(tk.Address.Bucket), Key: oss.Ptr(tk.Address.FileName),
		Body: strings.NewReader("abc"), ContentMD5: oss.Ptr("1B2M2Y8AsgTpgAmY7PhCfg==")})
	if ossCode(err) != "InvalidDigest" {
		t.Errorf("Content-MD5 mismatch: %v", err)
	}
	if img := h.getImageNow(clock, tk.ImageID); img.Status != "Uploading" {
		t.Errorf("after refused writes the image is %s", img.Status)
	}
	// The credential expires on the emulator's clock.
	clock.Advance(time.Minute + time.Second)
	if err := put(c, tk.Address.FileName, []byte("x")); ossCode(err) != "SecurityTokenExpired" {
		t.Errorf("expired credential: %v", err)
	}
	if st := h.run.Server.Stats(); st.OSSByCode["SecurityTokenExpired"] != 1 {
		t.Errorf("stats %v", st.OSSByCode)
	}
}

// rawOSS sends one OSS request signed V1 with tk's credential, path style, and returns the status
// and body.
func rawOSS(t *testing.T, h *harness, clock *offsetClock, tk ticket, method, query string, body []byte) (int, []byte) {
	t.Helper()
	u := h.run.URL + "/" + tk.Address.Bucket + "/" + tk.Address.FileName
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	date := clock.Now().UTC().Format(http.TimeFormat)
	req.Header.Set("Date", date)
	req.Header.Set(ossV4SecurityToken, tk.Auth.SecurityToken)
	q, _ := url.ParseQuery(query)
	sts := ossV1StringToSign(method, req.Header, date, tk.Address.Bucket, tk.Address.FileName, q)
	req.Header.Set("Authorization", "OSS "+tk.Auth.AccessKeyID+":"+ossV1Signature(tk.Auth.AccessKeySecret, sts))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestOSSMultipartErrors(t *testing.T) {
	t.Parallel()
	h, clock := uploadHarness(t, nil)
	tk := h.createUploadNow(clock, nil)
	c := ossSDK(t, h, tk, false, nil)
	ctx := context.Background()
	bucket, key := oss.Ptr(tk.Address.Bucket), oss.Ptr(tk.Address.FileName)
	init, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	part := func(n int32, size int) string {
		t.Helper()
		res, err := c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: bucket, Key: key, UploadId: init.UploadId, PartNumber: n,
			Body: bytes.NewReader(bytes.Repeat([]byte{byte(n)}, size))})
		if err != nil {
			t.Fatalf("part %d: %v", n, err)
		}
		return oss.ToString(res.ETag)
	}
	e1, e2, e3 := part(1, ossMinPartSize), part(2, 10), part(3, 10)
	list, err := c.ListParts(ctx, &oss.ListPartsRequest{Bucket: bucket, Key: key, UploadId: init.UploadId})
	if err != nil || len(list.Parts) != 3 || list.Parts[1].PartNumber != 2 || list.Parts[1].Size != 10 || oss.ToString(list.Parts[2].ETag) != e3 {
		t.Fatalf("ListParts: %+v %v", list, err)
	}
	complete := func(parts ...oss.UploadPart) error {
		_, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{Bucket: bucket, Key: key, UploadId: init.UploadId,
			CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts}})
		return err
	}
	p := func(n int32, etag string) oss.UploadPart { return oss.UploadPart{PartNumber: n, ETag: oss.Ptr(etag)} }
	for name, c := range map[string]struct {
		parts []oss.UploadPart
		code  string
	}{
		"etag":      {[]oss.UploadPart{p(1, e2)}, "InvalidPart"},
		"missing":   {[]oss.UploadPart{p(1, e1), p(4, e3)}, "InvalidPart"},
		"too small": {[]oss.UploadPart{p(1, e1), p(2, e2), p(3, e3)}, "EntityTooSmall"},
	} {
		if err := complete(c.parts...); ossCode(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	// The SDK sorts the parts it is given; a raw request sends them out of order.
	order := "<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>" + e2 + "</ETag></Part>" +
		"<Part><PartNumber>1</PartNumber><ETag>" + e1 + "</ETag></Part></CompleteMultipartUpload>"
	if status, body := rawOSS(t, h, clock, tk, http.MethodPost, "uploadId="+oss.ToString(init.UploadId), []byte(order)); status != 400 ||
		!bytes.Contains(body, []byte("<Code>InvalidPartOrder</Code>")) {
		t.Errorf("parts out of order: %d %s", status, body)
	}
	if status, body := rawOSS(t, h, clock, tk, http.MethodPut, "partNumber=10001&uploadId="+oss.ToString(init.UploadId), []byte("x")); status != 400 ||
		!bytes.Contains(body, []byte("<Code>InvalidArgument</Code>")) {
		t.Errorf("part 10001: %d %s", status, body)
	}
	// Gaps are allowed: parts 1 and 3.
	if err := complete(p(1, e1), p(3, e3)); err != nil {
		t.Fatalf("complete 1,3: %v", err)
	}
	if err := complete(p(1, e1)); ossCode(err) != "NoSuchUpload" {
		t.Errorf("complete twice: %v", err)
	}
	if m := h.getImageNow(clock, tk.ImageID).Mezzanine; m == nil || m.FileSize.Bytes != strconv.Itoa(ossMinPartSize+10) {
		t.Errorf("mezzanine %+v", m)
	}
	// Abort: 204, then the upload is gone.
	init2, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: bucket, Key: key, UploadId: init2.UploadId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: bucket, Key: key, UploadId: init2.UploadId, PartNumber: 1,
		Body: strings.NewReader("x")}); ossCode(err) != "NoSuchUpload" {
		t.Errorf("part after abort: %v", err)
	}
}

func TestOSSVirtualHostedThroughProxy(t *testing.T) {
	t.Parallel()
	clock := &offsetClock{}
	r := startTLS(t, func(o *Options) { o.Now = clock.Now })
	h := &harness{t: t, run: r, clock: &fixedClock{t: clock.Now()}}
	tk := h.createUpload(nil)
	proxy, _ := url.Parse(r.URL)
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: testCA.CertPool(), MinVersion: tls.VersionTLS12}}}
	for _, v1 := range []bool{false, true} {
		c := ossSDK(t, h, tk, v1, func(cfg *oss.Config) {
			cfg.WithEndpoint(tk.Address.Endpoint).WithUsePathStyle(false).WithDisableSSL(false).WithHttpClient(hc)
		})
		if _, err := c.PutObject(context.Background(), &oss.PutObjectRequest{Bucket: oss.Ptr(tk.Address.Bucket), Key: oss.Ptr(tk.Address.FileName),
			Body: bytes.NewReader(noisePNG(t, 4, 4, 9))}); err != nil {
			t.Fatalf("v1=%v PutObject through the proxy: %v", v1, err)
		}
	}
	if st := r.Server.Stats(); st.ProxyConnects < 1 || st.OSSByOperation["PutObject"] != 2 {
		t.Errorf("stats %+v", st)
	}
}
