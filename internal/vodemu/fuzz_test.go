package vodemu

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"log"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// Native fuzz targets (go test -fuzz). Each target checks the emulator
// against the independent test client of helpers_test.go, never against
// itself. The seed corpora (f.Add and testdata/fuzz/<Target>/) run as
// ordinary tests under go test.
//
// Every request goes to a fresh Server (fixed keys, fixed clock, no faults)
// through ServeHTTP and an httptest.ResponseRecorder. serveRPC recovers from
// panics and answers InternalError, so a recovered panic would hide a bug:
// fuzzServer.serve fails when the log shows one or Stats counts an
// InternalError (no fault is injected, so nothing else produces it), and
// replays the request through the unrecovered inner handler to get a stack.

// fuzzTimestamp is testNow in the only accepted Timestamp form.
var fuzzTimestamp = testNow.Format("2006-01-02T15:04:05Z")

const formType = "application/x-www-form-urlencoded"

// ---- fuzz bytes <-> name/value pairs ----

const maxFuzzPairs = 64

// decodePairs reads name/value pairs, each string a uvarint length then its
// bytes; a length past the end takes what is left, a trailing name gets an
// empty value. Any byte string decodes.
func decodePairs(data []byte) []kv {
	next := func() (string, bool) {
		if len(data) == 0 {
			return "", false
		}
		n, w := binary.Uvarint(data)
		if w <= 0 { // truncated or overflowing varint: one byte of length
			n, w = uint64(data[0]&0x7f), 1
		}
		data = data[w:]
		n = min(n, uint64(len(data)))
		s := string(data[:n])
		data = data[n:]
		return s, true
	}
	var out []kv
	for len(out) < maxFuzzPairs {
		name, ok := next()
		if !ok {
			break
		}
		value, _ := next()
		out = append(out, kv{name, value})
	}
	return out
}

// encodePairs is decodePairs' inverse, for seeds: name, value, name, value...
func encodePairs(nv ...string) []byte {
	var b []byte
	for _, s := range nv {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// ---- server and response checks ----

type fuzzServer struct {
	*Server
	images []Image
	log    *bytes.Buffer
}

func newFuzzServer(t testing.TB, images []Image) *fuzzServer {
	t.Helper()
	buf := &bytes.Buffer{}
	s, err := New(Options{
		AccessKeyID: testAK, AccessKeySecret: testSecret, Images: images,
		Now: func() time.Time { return testNow }, STS: testSTS(), Logger: log.New(buf, "", 0),
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &fuzzServer{Server: s, images: images, log: buf}
}

var recoveredPanic = regexp.MustCompile(`(?m)^request=[0-9A-F-]+ panic: `)

// fuzzStatuses are the statuses doc.go documents without faults and
// without Options.CA.
var fuzzStatuses = map[int]bool{200: true, 400: true, 401: true, 403: true, 404: true, 413: true}

type fuzzResp struct {
	status        int
	code, message string // empty for 200
	body          []byte
}

// serve sends build() through ServeHTTP and checks the answer's shape and
// the counters.
func (fs *fuzzServer) serve(t *testing.T, build func() *http.Request) fuzzResp {
	t.Helper()
	before := fs.Stats()
	rec := httptest.NewRecorder()
	fs.ServeHTTP(rec, build())
	after := fs.Stats()
	if logged := fs.log.String(); recoveredPanic.MatchString(logged) || after.ByCode["InternalError"] != 0 {
		replayUnrecovered(t, fs.images, build) // panics with the real stack if it reproduces
		t.Fatalf("ServeHTTP recovered from a panic (InternalError without a fault): %s", logged)
	}
	fs.log.Reset()
	res := checkFuzzResponse(t, rec)
	counted := res.code
	if res.status == http.StatusOK {
		counted = "OK"
	}
	if after.Requests != before.Requests+1 || after.ByCode[counted] != before.ByCode[counted]+1 {
		t.Fatalf("stats do not count the answer %q: before %+v after %+v", counted, before, after)
	}
	return res
}

// replayUnrecovered runs the RPC path of serveRPC on a fresh server without
// its recover, so that a panic surfaces with its stack.
func replayUnrecovered(t *testing.T, images []Image, build func() *http.Request) {
	t.Helper()
	s := newFuzzServer(t, images).Server
	r := build()
	req, aerr := readRequest(r)
	if aerr != nil {
		return
	}
	const id = "00000000-0000-4000-8000-000000000000"
	body, aerr := s.handle(r, req, requestedAction(r, req), id)
	if aerr == nil {
		s.writeJSON(httptest.NewRecorder(), id, http.StatusOK, body)
	}
}

// checkFuzzResponse checks what every RPC answer must be: a documented
// status, JSON whose first field is RequestId (also in x-acs-request-id),
// and for errors exactly RequestId, HostId, Code, Message and Recommend.
func checkFuzzResponse(t *testing.T, rec *httptest.ResponseRecorder) fuzzResp {
	t.Helper()
	res := fuzzResp{status: rec.Code, body: rec.Body.Bytes()}
	if !fuzzStatuses[res.status] {
		t.Fatalf("undocumented status %d: %s", res.status, res.body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json;charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	id := rec.Header().Get("x-acs-request-id")
	if !requestIDPattern.MatchString(id) {
		t.Fatalf("x-acs-request-id %q", id)
	}
	dec := json.NewDecoder(bytes.NewReader(res.body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("body is not a JSON object (%v): %q", err, res.body)
	}
	if tok, err := dec.Token(); err != nil || tok != "RequestId" {
		t.Fatalf("first field is %v (%v), want RequestId: %q", tok, err, res.body)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(res.body, &fields); err != nil {
		t.Fatalf("body is not valid JSON: %v: %q", err, res.body)
	}
	str := func(name string) string {
		var s string
		if err := json.Unmarshal(fields[name], &s); err != nil {
			t.Fatalf("%s is not a string: %s", name, fields[name])
		}
		return s
	}
	if got := str("RequestId"); got != id {
		t.Fatalf("RequestId %q, header %q", got, id)
	}
	if res.status < 400 {
		if _, ok := fields["Code"]; ok {
			t.Fatalf("status %d with a Code: %s", res.status, res.body)
		}
		return res
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got := strings.Join(keys, ","); got != "Code,HostId,Message,Recommend,RequestId" {
		t.Fatalf("error fields %s: %s", got, res.body)
	}
	res.code, res.message = str("Code"), str("Message")
	if res.code == "" || res.message == "" {
		t.Fatalf("empty Code or Message: %s", res.body)
	}
	product := map[string]string{"vod.cn-shanghai.aliyuncs.com": "Vod", "sts.aliyuncs.com": "Sts"}[str("HostId")]
	if product == "" {
		t.Fatalf("HostId %q", str("HostId"))
	}
	if want := "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(res.code) + "&product=" + product +
		"&requestId=" + id; str("Recommend") != want {
		t.Fatalf("Recommend %q, want %q", str("Recommend"), want)
	}
	return res
}

func isFormType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == formType
}

// receivedParams is what a client sent: the query string, then a form body.
func receivedParams(r *http.Request, body []byte) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	if len(body) > 0 && isFormType(r.Header.Get("Content-Type")) {
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, vs := range f {
			q[k] = append(q[k], vs...)
		}
	}
	return q, nil
}

// ---- FuzzRequestParsing ----

// fuzzV1Query is a V1 query string (without Signature) for action.
func fuzzV1Query(action, version, nonce string, extra ...string) string {
	v := url.Values{
		"Action": {action}, "Version": {version}, "Format": {"JSON"}, "AccessKeyId": {testAK},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "SignatureNonce": {nonce},
		"Timestamp": {fuzzTimestamp},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Add(extra[i], extra[i+1])
	}
	return v.Encode()
}

func FuzzRequestParsing(f *testing.F) {
	const host = "vod.cn-shanghai.aliyuncs.com"
	emptySHA := hex.EncodeToString(func() []byte { s := sha256.Sum256(nil); return s[:] }())
	getImage := fuzzV1Query("GetImageInfo", APIVersion, "n1", "ImageId", "img-cdn")
	oidc := url.Values{
		"Action": {"AssumeRoleWithOIDC"}, "Version": {STSVersion}, "Format": {"JSON"}, "RoleArn": {testRoleArn},
		"OIDCProviderArn": {testOIDCProvider}, "OIDCToken": {testOIDCToken}, "RoleSessionName": {"fuzz-session"},
	}.Encode()
	form := []byte("ImageIds=img-cdn%2Cimg-oss%2Cnope&OutputType=oss&AuthTimeout=600")
	formSHA := hex.EncodeToString(func() []byte { s := sha256.Sum256(form); return s[:] }())
	long := strings.Repeat("a", 4096)
	// method, query, content type, body, Authorization, x-acs-action,
	// x-acs-version, x-acs-date, x-acs-content-sha256,
	// x-acs-signature-nonce, x-acs-security-token, Host, sign (0 none,
	// 1 V1, 2 V3: the target signs what it built with the test client).
	f.Add("GET", getImage, "", []byte{}, "", "", "", "", "", "", "", host, uint8(1))
	f.Add("GET", getImage+"&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D", "", []byte{}, "", "", "", "", "", "", "", host, uint8(0))
	f.Add("POST", "", formType, []byte(fuzzV1Query("GetImageInfos", APIVersion, "n2", "ImageIds", "img-cdn,img-oss", "OutputType", "cdn")), "", "", "", "", "", "", "", host, uint8(1))
	f.Add("POST", fuzzV1Query("AssumeRole", STSVersion, "n3"), formType+"; charset=utf-8", []byte("RoleArn="+url.QueryEscape(testRoleArn)+"&RoleSessionName=s1&DurationSeconds=900"), "", "", "", "", "", "", "", host, uint8(1))
	f.Add("POST", oidc, "", []byte{}, "", "", "", "", "", "", "", "sts.aliyuncs.com", uint8(0))
	f.Add("POST", "ImageId=img-oss&OutputType=oss", "", []byte{}, "", "GetImageInfo", APIVersion, fuzzTimestamp, emptySHA, "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "", host, uint8(2))
	f.Add("POST", "", formType, form, "", "GetImageInfos", APIVersion, fuzzTimestamp, formSHA, "v3-nonce", "CAIStoken+/=", host, uint8(2))
	f.Add("POST", "", "", []byte{}, "ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,Signature=4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3", "GetImageInfo", APIVersion, fuzzTimestamp, emptySHA, "n", "", host, uint8(0))
	f.Add("POST", "", "", []byte{}, "ACS3-HMAC-SHA256 Credential="+testAK+",SignedHeaders=host;x-acs-action,Signature=00", "AssumeRoleWithOIDC", STSVersion, "", "", "", "", host, uint8(0))
	f.Add("", "", "", []byte{}, "", "", "", "", "", "", "", "", uint8(0))
	f.Add("PUT", getImage, "", []byte{}, "", "", "", "", "", "", "", host, uint8(1))
	f.Add("CONNECT", "", "", []byte{}, "", "", "", "", "", "", "", "vod.cn-shanghai.aliyuncs.com:443", uint8(0))
	f.Add("GET", fuzzV1Query("GetImageInfo", APIVersion, "n4", "ImageId", "中文-图片", "Title", "é ü"), "", []byte{}, "", "", "", "", "", "", "", "vod.例え.jp", uint8(1))
	f.Add("GET", fuzzV1Query("GetImageInfo", APIVersion, "n5", "ImageId", long, "Extra", long), "", []byte{}, "", "", "", "", "", "", "", host, uint8(1))
	f.Add("GET", "Action=GetImageInfo&Action=GetImageInfos&Signature=x", "", []byte{}, "", "", "", "", "", "", "", host, uint8(0))
	f.Add("POST", "ImageId=a", formType, []byte("ImageId=b"), "", "", "", "", "", "", "", host, uint8(1))
	f.Add("GET", "a=%zz&b=%&c=%2&d=%E4%B8", "", []byte{}, "", "", "", "", "", "", "", host, uint8(1))
	f.Add("GET", "a=1;b=2", "", []byte("x"), "", "", "", "", "", "", "", host, uint8(0))
	f.Add("GET", fuzzV1Query("GetImageInfo", APIVersion, "n6", "ImageId", "a+b*c~d e%41"), "", []byte{}, "", "", "", "", "", "", "", host, uint8(1))
	f.Add("GET", fuzzV1Query("DescribeRegions", APIVersion, "n7"), "", []byte{}, "", "", "", "", "", "", "", host, uint8(1))
	f.Add("GET", fuzzV1Query("GetImageInfo", APIVersion, "n8", "ImageId", "img-cdn", "AuthTimeout", "9223372036854775807"), "", []byte{}, "", "", "", "", "", "", "", host, uint8(1))
	f.Add("POST", "", "application/json", []byte(`{"ImageId":"img-cdn"}`), "Basic dXNlcjpwYXNz", "GetImageInfo", APIVersion, fuzzTimestamp, emptySHA, "n", "", host, uint8(0))
	f.Add("POST", "", "multipart/form-data; boundary=x", []byte("--x--"), "ACS3-HMAC-SHA256 ", "", "", "", "", "", "", host, uint8(0))
	f.Add("POST", "", formType+"; charset", []byte("a=b"), "", "", "", "", "", "", "", host, uint8(1))

	f.Fuzz(func(t *testing.T, method, rawQuery, contentType string, body []byte, authorization, action, version,
		date, contentSHA, nonce, token, host string, sign uint8) {
		build := func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/", bytes.NewReader(body))
			r.Method, r.URL.RawQuery, r.Host = method, rawQuery, host
			for _, h := range [][2]string{{"Content-Type", contentType}, {"Authorization", authorization},
				{"x-acs-action", action}, {"x-acs-version", version}, {"x-acs-date", date},
				{"x-acs-content-sha256", contentSHA}, {"x-acs-signature-nonce", nonce},
				{"x-acs-security-token", token}} {
				if h[1] != "" {
					r.Header.Set(h[0], h[1])
				}
			}
			switch sign % 3 {
			case 1: // V1 over whatever parameters were built
				vals, err := receivedParams(r, body)
				if err != nil {
					vals = url.Values{}
				}
				if r.URL.RawQuery != "" {
					r.URL.RawQuery += "&"
				}
				r.URL.RawQuery += "Signature=" + url.QueryEscape(testV1Sign(r.Method, testSecret, vals))
			case 2: // V3 over the host and every header built
				q, _ := url.ParseQuery(r.URL.RawQuery)
				hdr := map[string]string{"host": r.Host}
				for name := range r.Header {
					if l := strings.ToLower(name); l != "authorization" {
						hdr[l] = r.Header.Get(name)
					}
				}
				r.Header.Set("Authorization", testV3Authorization(r.Method, q, hdr, testAK, testSecret))
			}
			return r
		}
		fs := newFuzzServer(t, testImages())
		if res := fs.serve(t, build); res.status == http.StatusOK {
			checkAuthorised(t, build(), body)
		}
	})
}

// checkAuthorised fails unless a request answered 200 was entitled to it:
// an AssumeRoleWithOIDC with the right provider and token (never signed),
// or a V3 or V1 request whose signature the test client recomputes.
func checkAuthorised(t *testing.T, r *http.Request, body []byte) {
	t.Helper()
	params, err := receivedParams(r, body)
	if err != nil {
		t.Fatalf("200 for unparsable parameters: %v", err)
	}
	for k, vs := range params {
		if len(vs) != 1 {
			t.Fatalf("200 for parameter %q sent %d times", k, len(vs))
		}
	}
	auth := r.Header.Get("Authorization")
	action := r.Header.Get("x-acs-action")
	if _, ok := params["Action"]; ok && auth == "" {
		action = params.Get("Action")
	}
	if action == "AssumeRoleWithOIDC" {
		if params.Get("OIDCToken") != testOIDCToken || params.Get("OIDCProviderArn") != testOIDCProvider {
			t.Fatalf("200 for AssumeRoleWithOIDC without the provider's token: %v", params)
		}
		return
	}
	if auth != "" {
		rest, ok := strings.CutPrefix(auth, "ACS3-HMAC-SHA256 ")
		if !ok {
			t.Fatalf("200 for Authorization %q", auth)
		}
		fields := map[string]string{}
		for _, part := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			fields[k] = v
		}
		if fields["Credential"] != testAK {
			t.Fatalf("200 for Credential %q", fields["Credential"])
		}
		hdr := map[string]string{}
		for _, name := range strings.Split(fields["SignedHeaders"], ";") {
			if name = strings.ToLower(name); name == "host" {
				hdr[name] = r.Host
			} else {
				hdr[name] = r.Header.Get(name)
			}
		}
		q, _ := url.ParseQuery(r.URL.RawQuery)
		want := testV3Authorization(r.Method, q, hdr, testAK, testSecret)
		if _, wantSig, _ := strings.Cut(want, ",Signature="); !strings.EqualFold(fields["Signature"], wantSig) {
			t.Fatalf("200 for V3 signature %q; the test client signs %q", fields["Signature"], wantSig)
		}
		sum := sha256.Sum256(body)
		if !strings.EqualFold(r.Header.Get("x-acs-content-sha256"), hex.EncodeToString(sum[:])) {
			t.Fatalf("200 for x-acs-content-sha256 %q of a body hashing to %x", r.Header.Get("x-acs-content-sha256"), sum)
		}
		return
	}
	if params.Get("AccessKeyId") != testAK {
		t.Fatalf("200 for AccessKeyId %q", params.Get("AccessKeyId"))
	}
	if want := testV1Sign(r.Method, testSecret, params); params.Get("Signature") != want {
		t.Fatalf("200 for V1 signature %q; the test client signs %q", params.Get("Signature"), want)
	}
}

// ---- FuzzV1Canonicalisation ----

func fuzzUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~", c) >= 0
}

func isUpperHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }

// checkPercentEncoding checks percentEncode(s): only unreserved bytes and
// %XX (upper-case hex), decodes back to s, and agrees with the test
// client's url.QueryEscape-based encoding.
func checkPercentEncoding(t *testing.T, s string) {
	t.Helper()
	enc := percentEncode(s)
	for i := 0; i < len(enc); i++ {
		switch c := enc[i]; {
		case fuzzUnreserved(c):
		case c == '%' && i+2 < len(enc) && isUpperHex(enc[i+1]) && isUpperHex(enc[i+2]):
			i += 2
		default:
			t.Fatalf("percentEncode(%q) = %q: byte %q at %d", s, enc, c, i)
		}
	}
	if dec, err := url.PathUnescape(enc); err != nil || dec != s {
		t.Fatalf("percentEncode(%q) = %q decodes to %q, %v", s, enc, dec, err)
	}
	if pop := popEncode(s); pop != enc {
		t.Fatalf("percentEncode(%q) = %q, the test client encodes %q", s, enc, pop)
	}
}

func sortedPairs(pairs []kv) []kv {
	out := slices.Clone(pairs)
	sort.Slice(out, func(i, j int) bool {
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].value < out[j].value
	})
	return out
}

// encodeQuery renders pairs, in order, as a query string or form body.
func encodeQuery(pairs []kv) string {
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = url.QueryEscape(p.name) + "=" + url.QueryEscape(p.value)
	}
	return strings.Join(parts, "&")
}

// v1Common are the common V1 parameters of a GetImageInfo call.
func v1Common(nonce string) []kv {
	return []kv{{"Action", "GetImageInfo"}, {"Version", APIVersion}, {"Format", "JSON"}, {"AccessKeyId", testAK},
		{"SignatureMethod", "HMAC-SHA1"}, {"SignatureVersion", "1.0"}, {"SignatureNonce", nonce},
		{"Timestamp", fuzzTimestamp}}
}

// signV1Pairs signs pairs with the test client.
func signV1Pairs(method string, pairs []kv) string {
	vals := url.Values{}
	for _, p := range pairs {
		vals.Add(p.name, p.value)
	}
	return testV1Sign(method, testSecret, vals)
}

// v1Builder sends pairs (the first inQuery in the query string, the rest in
// a form body) and then Signature=sig in the query string.
func v1Builder(method string, pairs []kv, inQuery int, sig string) func() *http.Request {
	inQuery = min(inQuery, len(pairs))
	query := encodeQuery(append(slices.Clone(pairs[:inQuery]), kv{"Signature", sig}))
	body := encodeQuery(pairs[inQuery:])
	return func() *http.Request {
		r := httptest.NewRequest(method, "/", strings.NewReader(body))
		r.URL.RawQuery = query
		r.Host = "vod.cn-shanghai.aliyuncs.com"
		if body != "" {
			r.Header.Set("Content-Type", formType)
		}
		return r
	}
}

// postAuthCodes are the answers GetImageInfo can give once authenticated.
var postAuthCodes = map[string]bool{"": true, "MissingParameter": true, "InvalidParameter": true, "NoSuchResource": true}

var v1CommonNames = map[string]bool{"Action": true, "Version": true, "Format": true, "AccessKeyId": true,
	"SignatureMethod": true, "SignatureVersion": true, "SignatureNonce": true, "Timestamp": true, "Signature": true}

func FuzzV1Canonicalisation(f *testing.F) {
	// The ECS documentation's vector (also TestV1SignatureVector).
	f.Add(encodePairs("AccessKeyId", "testid", "Action", "DescribeRegions", "Format", "XML",
		"SignatureMethod", "HMAC-SHA1", "SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
		"SignatureVersion", "1.0", "Timestamp", "2016-02-23T12:46:24Z", "Version", "2014-05-26"), false, uint8(0))
	f.Add(encodePairs("ImageId", "img-cdn", "OutputType", "cdn", "AuthTimeout", "600"), true, uint8(1))
	f.Add(encodePairs("ImageId", "img-oss", "SignatureType", "", "RegionId", "cn-shanghai"), true, uint8(2))
	f.Add([]byte{}, false, uint8(0))
	f.Add(encodePairs("", ""), true, uint8(0))
	f.Add(encodePairs("ImageId", "中文 图片", "Title", "é\u00a0ü\U0001F600", "Ключ", "значение"), false, uint8(0))
	f.Add(encodePairs("ImageId", "img-cdn", "Long", strings.Repeat("x~*+ ", 2000)), true, uint8(1))
	f.Add(encodePairs("ImageId", "a", "ImageId", "b"), false, uint8(0))
	f.Add(encodePairs("ImageId", "img-cdn", "Dup", "2", "Dup", "1"), true, uint8(2))
	f.Add(encodePairs("ImageId", "%41%zz%", "%20", "%2B", "Pct", "100%"), false, uint8(0))
	f.Add(encodePairs("ImageId", "a+b", "Plus+", "+", "Star*", "*", "Tilde~", "~", "Space", " "), true, uint8(3))
	f.Add(encodePairs("a~", "1", "a\x80", "2", "a", "3", "a b", "4", "a_b", "5", "A", "6"), false, uint8(0))
	f.Add(encodePairs("ImageId", "\x00\xff\xfe", "k=v&x", "=&?#;"), true, uint8(1))
	f.Add(encodePairs("Signature", "forged", "ImageId", "img-oss"), false, uint8(0))

	f.Fuzz(func(t *testing.T, data []byte, post bool, split uint8) {
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		pairs := decodePairs(data)
		for _, p := range pairs {
			checkPercentEncoding(t, p.name)
			checkPercentEncoding(t, p.value)
		}

		// The string to sign: order-independent, Signature excluded, and
		// it decodes back to the sorted parameters.
		sts := v1StringToSign(method, pairs)
		rev := slices.Clone(pairs)
		slices.Reverse(rev)
		rot := append(slices.Clone(pairs[int(split)%max(1, len(pairs)):]), pairs[:int(split)%max(1, len(pairs))]...)
		for _, other := range [][]kv{rev, rot, append(slices.Clone(pairs), kv{"Signature", "sig"})} {
			if got := v1StringToSign(method, other); got != sts {
				t.Fatalf("string to sign depends on order or Signature:\n%q\n%q", sts, got)
			}
		}
		var signed []kv
		for _, p := range pairs {
			if p.name != "Signature" {
				signed = append(signed, p)
			}
		}
		enc, ok := strings.CutPrefix(sts, method+"&%2F&")
		if !ok {
			t.Fatalf("string to sign %q", sts)
		}
		canon, err := url.PathUnescape(enc)
		if err != nil || canon != canonicalPairs(signed) {
			t.Fatalf("string to sign %q does not encode canonicalPairs %q (%v)", sts, canonicalPairs(signed), err)
		}
		var back []kv
		if canon != "" {
			for _, part := range strings.Split(canon, "&") {
				n, v, ok := strings.Cut(part, "=")
				dn, err1 := url.PathUnescape(n)
				dv, err2 := url.PathUnescape(v)
				if !ok || err1 != nil || err2 != nil {
					t.Fatalf("canonical part %q", part)
				}
				back = append(back, kv{dn, dv})
			}
		}
		if want := sortedPairs(signed); len(back) != len(want) || len(want) > 0 && !reflect.DeepEqual(back, want) {
			t.Fatalf("canonical %q decodes to %q, want %q", canon, back, want)
		}

		// The emulator's signature of unique parameters is the test client's.
		var unique []kv
		seen := map[string]bool{}
		for _, p := range signed {
			if !seen[p.name] {
				seen[p.name] = true
				unique = append(unique, p)
			}
		}
		if got, want := v1Sign(testSecret, v1StringToSign(method, unique)), signV1Pairs(method, unique); got != want {
			t.Fatalf("emulator signs %q, test client %q", got, want)
		}

		// End to end: the parameters on a GetImageInfo call, signed by the
		// test client, verify; the same with one signature byte flipped
		// does not. A name sent twice is rejected before either.
		all := v1Common("fuzz-nonce")
		dup := false
		seen = map[string]bool{}
		for _, p := range pairs {
			if !v1CommonNames[p.name] {
				dup = dup || seen[p.name]
				seen[p.name] = true
				all = append(all, p)
			}
		}
		inQuery := len(all)
		if post {
			inQuery = int(split) % (len(all) + 1)
		}
		sig := signV1Pairs(method, all)
		fs := newFuzzServer(t, testImages())
		res := fs.serve(t, v1Builder(method, all, inQuery, sig))
		switch {
		case dup:
			if res.code != "InvalidParameter" || !strings.Contains(res.message, "more than once") {
				t.Fatalf("duplicate parameter answered %d %s %s", res.status, res.code, res.message)
			}
		case !postAuthCodes[res.code]:
			t.Fatalf("signed request answered %d %s: %s", res.status, res.code, res.message)
		case res.code == "MissingParameter" && !strings.Contains(res.message, `"ImageId"`):
			t.Fatalf("signed request answered %s: %s", res.code, res.message)
		}
		flipped := []byte(sig)
		flipped[int(split)%len(flipped)] ^= 0x01
		res = fs.serve(t, v1Builder(method, all, inQuery, string(flipped)))
		if want := map[bool]string{true: "InvalidParameter", false: "SignatureDoesNotMatch"}[dup]; res.code != want {
			t.Fatalf("signature %q flipped to %q: answered %d %s, want %s", sig, flipped, res.status, res.code, want)
		}
		if !dup && !strings.HasSuffix(res.message, "server string to sign is:"+v1StringToSign(method, all)) {
			t.Fatalf("SignatureDoesNotMatch message %q", res.message)
		}
	})
}

// ---- FuzzV3Canonicalisation ----

// isTokenName reports whether s is an HTTP header name (RFC 9110 token).
func isTokenName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenByte(s[i]) {
			return false
		}
	}
	return true
}

// isTokenByte reports whether c is a tchar of RFC 9110.
func isTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// v3Fixed are the headers the target sets itself.
var v3Fixed = map[string]bool{"host": true, "authorization": true, "content-type": true, "x-acs-action": true,
	"x-acs-version": true, "x-acs-date": true, "x-acs-signature-nonce": true, "x-acs-content-sha256": true}

// flipString changes one byte of s (or makes "x" of ""), so that s is
// different; with trim, also after strings.TrimSpace.
func flipString(s string, i int, trim bool) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	b[i%len(b)] ^= 0x01
	if out := string(b); !trim || strings.TrimSpace(out) != strings.TrimSpace(s) {
		return out
	}
	return s + "!"
}

// verifyDirect runs the emulator's request reading and credential parsing
// on r, and its signature check with the test secret if they pass.
func verifyDirect(r *http.Request) (reached, ok bool, aerr *apiError) {
	req, aerr := readRequest(r)
	if aerr != nil {
		return false, false, aerr
	}
	c, aerr := parseCredentials(r, req)
	if aerr != nil {
		return false, false, aerr
	}
	ok, _ = c.verify(testSecret)
	return true, ok, nil
}

func FuzzV3Canonicalisation(f *testing.F) {
	// query pairs, extra header pairs, Host, body, form body, mutation
	// selector (bit 7: GET instead of POST).
	f.Add(encodePairs("ImageId", "img-oss", "OutputType", "oss"), []byte{}, "vod.cn-shanghai.aliyuncs.com", []byte{}, false, uint8(0))
	// darabonba's vector: query {test: ok, empty: ""}, x-acs-test header.
	f.Add(encodePairs("test", "ok", "empty", ""), encodePairs("x-acs-test", "http"), "vod.cn-shanghai.aliyuncs.com", []byte{}, false, uint8(1))
	f.Add([]byte{}, encodePairs("x-acs-security-token", "CAIS+/=token", "User-Agent", "AlibabaCloud (linux; amd64) Go/1.26 Core/0.01 TeaDSL/1"),
		"vod.cn-shanghai.aliyuncs.com", []byte("ImageId=img-cdn&AuthTimeout=60"), true, uint8(2))
	f.Add([]byte{}, []byte{}, "", []byte{}, false, uint8(0x80))
	f.Add(encodePairs("ImageId", "中文", "名前", "値 ü"), encodePairs("x-acs-meta", "é\u00a0", "X-Upper", "  padded\t"), "vod.例え.jp:8443", []byte("{\"json\":true}"), false, uint8(3))
	f.Add(encodePairs("ImageId", strings.Repeat("L", 3000)), encodePairs("x-acs-long", strings.Repeat("v ", 3000)), "h", bytes.Repeat([]byte{0xff}, 5000), false, uint8(4))
	f.Add(encodePairs("ImageId", "a", "ImageId", "b"), encodePairs("x-acs-dup", "1", "X-ACS-DUP", "2"), "h", []byte{}, false, uint8(5))
	f.Add(encodePairs("%41", "%zz", "p", "100%"), encodePairs("x-pct", "%2F"), "h", []byte("a=%zz"), true, uint8(6))
	f.Add(encodePairs("plus+", "a+b", "star*", "*", "tilde~", "~", "sp ace", " "), encodePairs("x-acs-sym", "+*~ "), "h", []byte("ImageId=a+b"), true, uint8(7))
	f.Add(encodePairs("Format", "xml"), encodePairs("bad name", "v", "x;y", "z"), "h", []byte("ImageId=x&ImageId=y"), true, uint8(8))
	f.Add(encodePairs("ImageId", "img-cdn"), encodePairs("x-acs-empty", "", "x-acs-ws", " \n"), "", []byte("ImageId=img-cdn"), true, uint8(9))

	f.Fuzz(func(t *testing.T, query, headers []byte, host string, body []byte, form bool, mutate uint8) {
		q := url.Values{}
		for _, p := range decodePairs(query) {
			if _, dup := q[p.name]; !dup {
				q.Set(p.name, p.value)
			}
		}
		sum := sha256.Sum256(body)
		hdr := map[string]string{
			"host":                  host,
			"x-acs-action":          "GetImageInfo",
			"x-acs-version":         APIVersion,
			"x-acs-date":            fuzzTimestamp,
			"x-acs-signature-nonce": "fuzz-nonce",
			"x-acs-content-sha256":  hex.EncodeToString(sum[:]),
		}
		if form {
			hdr["content-type"] = formType
		}
		mutable := []string{"host", "x-acs-signature-nonce"}
		for _, p := range decodePairs(headers) {
			name := strings.ToLower(p.name)
			if isTokenName(name) && !v3Fixed[name] {
				if _, ok := hdr[name]; !ok {
					mutable = append(mutable, name)
				}
				hdr[name] = p.value
			}
		}
		method := http.MethodPost
		if mutate&0x80 != 0 {
			method = http.MethodGet
		}
		auth := testV3Authorization(method, q, hdr, testAK, testSecret)
		builder := func(q url.Values, hdr map[string]string, body []byte) func() *http.Request {
			return func() *http.Request {
				r := httptest.NewRequest(method, "/", bytes.NewReader(body))
				r.URL.RawQuery = q.Encode()
				for k, v := range hdr {
					if k == "host" {
						r.Host = v
					} else {
						r.Header.Set(k, v)
					}
				}
				r.Header.Set("Authorization", auth)
				return r
			}
		}
		fs := newFuzzServer(t, testImages())

		// As signed: verifies, unless a parameter is rejected first
		// (InvalidParameter: form body encoding, duplicates, Format).
		reached, ok, aerr := verifyDirect(builder(q, hdr, body)())
		res := fs.serve(t, builder(q, hdr, body))
		switch {
		case reached && !ok:
			t.Fatalf("signed V3 request does not verify; Authorization %q", auth)
		case reached && !postAuthCodes[res.code]:
			t.Fatalf("signed V3 request answered %d %s: %s", res.status, res.code, res.message)
		case !reached && (aerr.code != "InvalidParameter" || res.code != "InvalidParameter"):
			t.Fatalf("signed V3 request rejected before its signature: %v / %s: %s", aerr, res.code, res.message)
		}

		// Changed after signing: never verifies.
		rejected := func(what string, build func() *http.Request, sigReachable bool) {
			t.Helper()
			reached, ok, aerr := verifyDirect(build())
			res := fs.serve(t, build)
			switch {
			case reached && (ok || !sigReachable):
				t.Fatalf("%s: reached signature check, verified %v", what, ok)
			case reached && res.code != "SignatureDoesNotMatch":
				t.Fatalf("%s: answered %d %s, want SignatureDoesNotMatch", what, res.status, res.code)
			case !reached && (aerr.code != "InvalidParameter" || res.code != "InvalidParameter"):
				t.Fatalf("%s: rejected with %v / %s: %s", what, aerr, res.code, res.message)
			}
		}
		name := mutable[int(mutate)%len(mutable)]
		h2 := map[string]string{}
		for k, v := range hdr {
			h2[k] = v
		}
		h2[name] = flipString(hdr[name], int(mutate), true)
		rejected("signed header "+name+" changed", builder(q, h2, body), true)

		if keys := slices.Sorted(func(yield func(string) bool) {
			for k := range q {
				if !yield(k) {
					return
				}
			}
		}); len(keys) > 0 {
			k := keys[int(mutate)%len(keys)]
			q2 := url.Values{}
			for kk, vs := range q {
				q2[kk] = vs
			}
			q2[k] = []string{flipString(q.Get(k), int(mutate), false)}
			rejected("query value "+k+" changed", builder(q2, hdr, body), true)
		}

		b2 := []byte(flipString(string(body), int(mutate), false))
		rejected("body changed", builder(q, hdr, b2), false) // x-acs-content-sha256 no longer matches
		sum2 := sha256.Sum256(b2)
		h3 := map[string]string{}
		for k, v := range hdr {
			h3[k] = v
		}
		h3["x-acs-content-sha256"] = hex.EncodeToString(sum2[:])
		rejected("body and its hash changed", builder(q, h3, b2), true)
	})
}

// ---- FuzzLoadImages ----

// checkSignedURL checks a returned URL that differs from the stored one:
// it must be a CDN or OSS URL that verifies, and not be expired, at testNow.
func checkSignedURL(t *testing.T, what, got, stored string) {
	t.Helper()
	if got == stored {
		return // left as stored: nothing to sign it with
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatalf("%s %q: %v", what, got, err)
	}
	switch q := u.Query(); {
	case q.Has("auth_key"):
		err = VerifyCDNURL(got, DefaultCDNPrivateKey, 0, testNow)
	case q.Has("OSSAccessKeyId"):
		err = VerifyOSSURL(got, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, testNow)
	default:
		t.Fatalf("%s %q (stored %q) is neither a CDN nor an OSS signed URL", what, got, stored)
	}
	if err != nil {
		t.Fatalf("%s %q (stored %q): %v", what, got, stored, err)
	}
}

func FuzzLoadImages(f *testing.F) {
	all, err := json.Marshal(testImages())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(all, "", "")
	f.Add(all, "oss", "2592000")
	f.Add(all, "cdn", "60")
	f.Add(all, "cdn", "9223372036854775807") // expiry past int64
	if demo, err := os.ReadFile(filepath.Join("..", "..", "examples", "demo", "images.json")); err == nil {
		f.Add(demo, "", "3600")
	}
	f.Add([]byte(`[]`), "", "")
	f.Add([]byte(`null`), "", "")
	f.Add([]byte(``), "", "")
	f.Add([]byte(`[{"ImageId":"a","Title":"A","Mezzanine":{"FileURL":"https://outin-x.oss-cn-shanghai.aliyuncs.com/a.png","Width":1,"Height":2,"FileSize":"10"}},{"ImageId":"b","Mezzanine":{"FileSize":20}},{"ImageId":"c"}]`), "", "")
	f.Add([]byte(`[{"ImageId":"图片 1","URL":"https://cdn.example.com/a%20b/%E4%B8%AD.png?x=1#f","StorageLocation":"outin-x.oss-cn-beijing.aliyuncs.com"}]`), "cdn", "1")
	f.Add([]byte(`[{"ImageId":"u","URL":"https://my-bucket.oss-cn-shanghai.aliyuncs.com//deep/path/+*~.gif"}]`), "oss", "129600")
	f.Add([]byte(`[{"ImageId":"a","Mezzanine":{"FileURL":"http://cdn.example.com:8080/k.png","FileSize":18446744073709551616}}]`), "oss", "")
	f.Add([]byte(`[{"imageid":"lower","mezzanine":{"filesize":"1"}}]`), "", "")
	f.Add([]byte(`[{"ImageId":"a","CreationTime":"2024-02-30T00:00:00Z"}]`), "", "")
	f.Add([]byte(`[{"ImageId":"a","Name":"x"}] `), "", "")
	f.Add([]byte(`[{"ImageId":" ","URL":"https://c.example.com/k"}] []`), "bogus", "abc")
	f.Add([]byte("[{\"ImageId\":\"\xff\xfe\",\"Title\":\"\\ud800\"}]"), "", "-1")

	// One directory for all inputs: a worker runs its inputs one at a time.
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, outputType, authTimeout string) {
		path := filepath.Join(dir, "images.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		imgs, err := LoadImages(path)
		if err != nil {
			if imgs != nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("LoadImages: %d images with error %v", len(imgs), err)
			}
			return
		}
		// What LoadImages accepts, New accepts, and it survives a round trip.
		fs := newFuzzServer(t, imgs)
		again, err := json.Marshal(imgs)
		if err != nil {
			t.Fatalf("marshal loaded images: %v", err)
		}
		path2 := filepath.Join(dir, "again.json")
		if err := os.WriteFile(path2, again, 0o600); err != nil {
			t.Fatal(err)
		}
		if imgs2, err := LoadImages(path2); err != nil || !reflect.DeepEqual(imgs, imgs2) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, imgs, imgs2)
		}

		// Every loaded image is served, with URLs that verify.
		call := func(action, nonce string, extra ...kv) fuzzResp {
			pairs := append(v1Common(nonce), extra...)
			pairs[0].value = action
			if outputType != "" {
				pairs = append(pairs, kv{"OutputType", outputType})
			}
			if authTimeout != "" {
				pairs = append(pairs, kv{"AuthTimeout", authTimeout})
			}
			res := fs.serve(t, v1Builder(http.MethodGet, pairs, len(pairs), signV1Pairs(http.MethodGet, pairs)))
			switch {
			case res.status == http.StatusOK:
			case res.code == "InvalidParameter" &&
				(strings.Contains(res.message, `"OutputType"`) || strings.Contains(res.message, `"AuthTimeout"`)):
			case action == "GetImageInfos" && res.code == "MissingParameter": // IDs of blanks only
			default:
				t.Fatalf("%s %v: answered %d %s: %s", action, extra, res.status, res.code, res.message)
			}
			return res
		}
		byID := map[string]Image{}
		var ids []string
		for i, img := range imgs {
			byID[img.ImageId] = img
			ids = append(ids, img.ImageId)
			if i >= 8 {
				continue
			}
			res := call("GetImageInfo", "n"+string(rune('a'+i)), kv{"ImageId", img.ImageId})
			if res.status != http.StatusOK {
				continue
			}
			var out struct{ ImageInfo Image }
			if err := json.Unmarshal(res.body, &out); err != nil || out.ImageInfo.ImageId != img.ImageId {
				t.Fatalf("GetImageInfo %q: %v: %s", img.ImageId, err, res.body)
			}
			checkImageURLs(t, out.ImageInfo, img)
		}
		if len(ids) == 0 || len(ids) > maxImageIDs {
			return
		}
		res := call("GetImageInfos", "infos", kv{"ImageIds", strings.Join(ids, ",")})
		if res.status != http.StatusOK {
			return
		}
		var out struct{ ImageInfo []Image }
		if err := json.Unmarshal(res.body, &out); err != nil {
			t.Fatalf("GetImageInfos: %v: %s", err, res.body)
		}
		for _, got := range out.ImageInfo {
			stored, ok := byID[got.ImageId]
			if !ok {
				t.Fatalf("GetImageInfos returned unknown image %q", got.ImageId)
			}
			checkImageURLs(t, got, stored)
		}
	})
}

func checkImageURLs(t *testing.T, got, stored Image) {
	t.Helper()
	checkSignedURL(t, "URL", got.URL, stored.URL)
	if (got.Mezzanine == nil) != (stored.Mezzanine == nil) {
		t.Fatalf("Mezzanine %+v, stored %+v", got.Mezzanine, stored.Mezzanine)
	}
	if got.Mezzanine != nil {
		checkSignedURL(t, "Mezzanine.FileURL", got.Mezzanine.FileURL, stored.Mezzanine.FileURL)
	}
}
