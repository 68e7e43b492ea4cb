package vodemu

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"log"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// Native fuzz targets (go test -fuzz): FuzzRequestParsing in server_fuzz_test.go,
// FuzzV1Canonicalisation and FuzzV3Canonicalisation in signature_fuzz_test.go, FuzzLoadImages in
// images_fuzz_test.go, FuzzMatch in match_test.go; this file is their shared harness. Each target
// checks the emulator
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

// fuzzStatuses are the statuses errors.go answers with, without faults and
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
