package vodemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestErrors(t *testing.T) {
	h := newHarness(t, nil)
	get := func(action string, extra map[string]string) url.Values {
		p := v1Params(action, testNow)
		for k, v := range extra {
			if v == "<delete>" {
				p.Del(k)
			} else {
				p.Set(k, v)
			}
		}
		return p
	}
	img := func(extra map[string]string) url.Values {
		if extra == nil {
			extra = map[string]string{}
		}
		if _, ok := extra["ImageId"]; !ok {
			extra["ImageId"] = "img-cdn"
		}
		return get("GetImageInfo", extra)
	}
	cases := []struct {
		name       string
		params     url.Values
		secret     string
		status     int
		code       string
		msgContain string
	}{
		{"unknown access key", img(map[string]string{"AccessKeyId": "LTAIunknown"}), testSecret, 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."},
		{"wrong secret", img(nil), "wrong", 400, "SignatureDoesNotMatch", "server string to sign is:"},
		{"stale timestamp", img(map[string]string{"Timestamp": testNow.Add(-16 * time.Minute).Format(timestampLayout)}), testSecret, 400, "InvalidTimeStamp.Expired", "expired"},
		{"future timestamp", img(map[string]string{"Timestamp": testNow.Add(16 * time.Minute).Format(timestampLayout)}), testSecret, 400, "InvalidTimeStamp.Expired", "expired"},
		{"malformed timestamp", img(map[string]string{"Timestamp": "2024-06-01 12:00:00"}), testSecret, 400, "InvalidTimeStamp.Format", "not well formatted"},
		{"missing timestamp", img(map[string]string{"Timestamp": "<delete>"}), testSecret, 400, "MissingTimestamp", "Timestamp is mandatory for this action."},
		{"missing ImageId", img(map[string]string{"ImageId": "<delete>"}), testSecret, 400, "MissingParameter", `The input parameter "ImageId" that is mandatory for processing this request is not supplied.`},
		{"empty ImageId", img(map[string]string{"ImageId": ""}), testSecret, 400, "MissingParameter", `"ImageId"`},
		{"bad OutputType", img(map[string]string{"OutputType": "http"}), testSecret, 400, "InvalidParameter", `"OutputType"`},
		{"AuthTimeout 0", img(map[string]string{"AuthTimeout": "0"}), testSecret, 400, "InvalidParameter", `"AuthTimeout"`},
		{"AuthTimeout -1", img(map[string]string{"AuthTimeout": "-1"}), testSecret, 400, "InvalidParameter", `"AuthTimeout"`},
		{"AuthTimeout abc", img(map[string]string{"AuthTimeout": "abc"}), testSecret, 400, "InvalidParameter", `"AuthTimeout"`},
		{"AuthTimeout above VOD bucket max", img(map[string]string{"OutputType": "oss", "AuthTimeout": "2592001"}), testSecret, 400, "InvalidParameter", "2592000"},
		{"AuthTimeout above user bucket max", img(map[string]string{"ImageId": "img-userbucket", "AuthTimeout": "129601"}), testSecret, 400, "InvalidParameter", "129600"},
		{"unknown image", img(map[string]string{"ImageId": "nope"}), testSecret, 404, "NoSuchResource", "The specified resource does not exist."},
		{"unknown action", get("DeleteVideo", nil), testSecret, 404, "InvalidAction.NotFound", "Specified api is not found"},
		{"wrong version", img(map[string]string{"Version": "2014-05-26"}), testSecret, 400, "InvalidVersion", "Version"},
		{"missing action", img(map[string]string{"Action": "<delete>"}), testSecret, 400, "MissingAction", "Action is mandatory for this action."},
		{"missing nonce", img(map[string]string{"SignatureNonce": "<delete>"}), testSecret, 400, "MissingSignatureNonce", "SignatureNonce is mandatory for this action."},
		{"missing access key", img(map[string]string{"AccessKeyId": "<delete>"}), testSecret, 400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action."},
		{"sha256 method", img(map[string]string{"SignatureMethod": "HMAC-SHA256"}), testSecret, 400, "InvalidParameter", `"SignatureMethod"`},
		{"signature version", img(map[string]string{"SignatureVersion": "2.0"}), testSecret, 400, "InvalidParameter", `"SignatureVersion"`},
		{"XML format", img(map[string]string{"Format": "xml"}), testSecret, 400, "InvalidParameter", `"Format"`},
		{"no format means XML", img(map[string]string{"Format": "<delete>"}), testSecret, 400, "InvalidParameter", `"Format"`},
		{"bad format", img(map[string]string{"Format": "yaml"}), testSecret, 400, "InvalidParameter", `"Format"`},
		{"GetImageInfos missing ids", get("GetImageInfos", map[string]string{"ImageIds": " , "}), testSecret, 400, "MissingParameter", `"ImageIds"`},
		{"GetImageInfos bad timeout", get("GetImageInfos", map[string]string{"ImageIds": "img-oss", "AuthTimeout": "2592001"}), testSecret, 400, "InvalidParameter", `"AuthTimeout"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				p := url.Values{}
				for k, v := range tc.params {
					p[k] = v
				}
				p.Set("SignatureNonce", randomNonce())
				if tc.params.Get("SignatureNonce") == "" {
					p.Del("SignatureNonce")
				}
				status, hdr, body := h.callV1(method, tc.secret, p)
				msg := checkError(t, status, hdr, body, tc.status, tc.code)
				if tc.code == "SignatureDoesNotMatch" && !strings.Contains(msg, "is:"+method+"&%2F&AccessKeyId%3D") {
					t.Errorf("%s: string to sign not in message: %q", method, msg)
				}
				if !strings.Contains(msg, tc.msgContain) {
					t.Errorf("%s: message %q does not contain %q", method, msg, tc.msgContain)
				}
			}
		})
	}
}

func TestGetImageInfosTooManyDistinct(t *testing.T) {
	h := newHarness(t, nil)
	ids := make([]string, 21)
	for i := range ids {
		ids[i] = "id" + string(rune('a'+i))
	}
	p := v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", strings.Join(ids, ","))
	status, hdr, body := h.callV1(http.MethodGet, testSecret, p)
	checkError(t, status, hdr, body, 400, "InvalidParameter")
	p = v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", strings.Join(ids[:20], ","))
	if status, _, body := h.callV1(http.MethodGet, testSecret, p); status != 200 {
		t.Fatalf("20 ids: %d %s", status, body)
	}
}

func TestReplayedNonce(t *testing.T) {
	h := newHarness(t, nil)
	p := v1Params("GetImageInfo", testNow)
	p.Set("ImageId", "img-cdn")
	if status, _, body := h.callV1(http.MethodGet, testSecret, p); status != 200 {
		t.Fatalf("first: %d %s", status, body)
	}
	status, hdr, body := h.callV1(http.MethodGet, testSecret, p)
	checkError(t, status, hdr, body, 400, "SignatureNonceUsed")

	// A failed signature does not burn the nonce...
	q := v1Params("GetImageInfo", testNow)
	q.Set("ImageId", "img-cdn")
	status, hdr, body = h.callV1(http.MethodGet, "wrong", q)
	checkError(t, status, hdr, body, 400, "SignatureDoesNotMatch")
	if status, _, body := h.callV1(http.MethodGet, testSecret, q); status != 200 {
		t.Fatalf("after bad signature: %d %s", status, body)
	}
	// ...and nonces are forgotten once their timestamp is too old anyway.
	h.clock.Set(testNow.Add(20 * time.Minute))
	p.Set("Timestamp", h.clock.Now().Format(timestampLayout))
	if status, _, body := h.callV1(http.MethodGet, testSecret, p); status != 200 {
		t.Fatalf("nonce after expiry: %d %s", status, body)
	}
}

func TestSecurityToken(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.SecurityToken = "sts-token-123" })
	for _, tc := range []struct {
		name, token string
		set         bool
		status      int
		code        string
	}{
		{"missing", "", false, 400, "MissingSecurityToken"},
		{"empty", "", true, 400, "MissingSecurityToken"},
		{"wrong", "other", true, 400, "InvalidSecurityToken.MismatchWithAccessKey"},
		{"right", "sts-token-123", true, 200, ""},
	} {
		t.Run("v1 "+tc.name, func(t *testing.T) {
			p := v1Params("GetImageInfo", testNow)
			p.Set("ImageId", "img-cdn")
			if tc.set {
				p.Set("SecurityToken", tc.token)
			}
			status, hdr, body := h.callV1(http.MethodPost, testSecret, p)
			if tc.status == 200 {
				if status != 200 {
					t.Fatalf("%d %s", status, body)
				}
				return
			}
			checkError(t, status, hdr, body, tc.status, tc.code)
		})
		t.Run("v3 "+tc.name, func(t *testing.T) {
			v := v3Request{action: "GetImageInfo", query: url.Values{"ImageId": {"img-cdn"}}}
			if tc.set {
				v.headers = map[string]string{"x-acs-security-token": tc.token}
			}
			status, hdr, body := h.callV3(v)
			if tc.status == 200 {
				if status != 200 {
					t.Fatalf("%d %s", status, body)
				}
				return
			}
			checkError(t, status, hdr, body, tc.status, tc.code)
		})
	}
	// Without a configured token, a token is ignored.
	h2 := newHarness(t, nil)
	p := v1Params("GetImageInfo", testNow)
	p.Set("ImageId", "img-cdn")
	p.Set("SecurityToken", "anything")
	if status, _, body := h2.callV1(http.MethodGet, testSecret, p); status != 200 {
		t.Fatalf("token without configured token: %d %s", status, body)
	}
}

func TestV3Requests(t *testing.T) {
	h := newHarness(t, nil)
	ok := []v3Request{
		{action: "GetImageInfo", query: url.Values{"ImageId": {"img-cdn"}}},
		{method: http.MethodGet, action: "GetImageInfo", query: url.Values{"ImageId": {"img-cdn"}, "OutputType": {"oss"}}},
		{action: "GetImageInfo", body: []byte("ImageId=img-oss&AuthTimeout=60")},
		{action: "GetImageInfo", query: url.Values{"ImageId": {"img-cdn"}, "Empty": {""}, "Sp": {"a b*~"}}},
	}
	for i, v := range ok {
		if status, _, body := h.callV3(v); status != 200 {
			t.Errorf("case %d: %d %s", i, status, body)
		}
	}
	bad := []struct {
		name   string
		v      v3Request
		status int
		code   string
		msg    string
	}{
		{"wrong secret", v3Request{action: "GetImageInfo", secret: "wrong", query: url.Values{"ImageId": {"img-cdn"}}}, 400, "SignatureDoesNotMatch", "server string to sign is:ACS3-HMAC-SHA256\n"},
		{"unknown key", v3Request{action: "GetImageInfo", ak: "nobody", query: url.Values{"ImageId": {"img-cdn"}}}, 404, "InvalidAccessKeyId.NotFound", "access key"},
		{"body hash mismatch", v3Request{action: "GetImageInfo", body: []byte("ImageId=img-oss"), afterSign: func(r *http.Request) {
			r.Header.Set("x-acs-content-sha256", strings.Repeat("0", 64))
		}}, 400, "InvalidParameter", "x-acs-content-sha256"},
		{"query tampered", v3Request{action: "GetImageInfo", query: url.Values{"ImageId": {"img-cdn"}}, afterSign: func(r *http.Request) {
			r.URL.RawQuery = "ImageId=img-oss"
		}}, 400, "SignatureDoesNotMatch", "string to sign"},
		{"unsigned x-acs header", v3Request{action: "GetImageInfo", query: url.Values{"ImageId": {"img-cdn"}}, afterSign: func(r *http.Request) {
			r.Header.Set("x-acs-extra", "1")
		}}, 400, "IncompleteSignature", "x-acs-extra"},
		{"malformed authorization", v3Request{action: "GetImageInfo", afterSign: func(r *http.Request) {
			r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Signature=abc")
		}}, 400, "IncompleteSignature", "Credential="},
		{"other algorithm", v3Request{action: "GetImageInfo", afterSign: func(r *http.Request) {
			r.Header.Set("Authorization", "ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=ab")
		}}, 400, "IncompleteSignature", "ACS3-HMAC-SHA256"},
		{"missing nonce", v3Request{action: "GetImageInfo", afterSign: func(r *http.Request) {
			r.Header.Del("x-acs-signature-nonce")
		}}, 400, "MissingSignatureNonce", "SignatureNonce is mandatory for this action."},
		{"stale date", v3Request{action: "GetImageInfo", headers: map[string]string{"x-acs-date": testNow.Add(-time.Hour).Format(timestampLayout)}}, 400, "InvalidTimeStamp.Expired", "expired"},
		{"bad date", v3Request{action: "GetImageInfo", headers: map[string]string{"x-acs-date": "yesterday"}}, 400, "InvalidTimeStamp.Format", "formatted"},
		{"wrong version", v3Request{action: "GetImageInfo", headers: map[string]string{"x-acs-version": "2020-01-01"}}, 400, "InvalidVersion", "Version"},
		{"unknown action", v3Request{action: "DeleteVideo"}, 404, "InvalidAction.NotFound", "api"},
		{"missing ImageId", v3Request{action: "GetImageInfo"}, 400, "MissingParameter", `"ImageId"`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			status, hdr, body := h.callV3(tc.v)
			msg := checkError(t, status, hdr, body, tc.status, tc.code)
			if !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q does not contain %q", msg, tc.msg)
			}
		})
	}
	// The same nonce twice.
	var nonce string
	v := v3Request{action: "GetImageInfo", query: url.Values{"ImageId": {"img-cdn"}}, afterSign: func(r *http.Request) { nonce = r.Header.Get("x-acs-signature-nonce") }}
	if status, _, body := h.callV3(v); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	v.headers = map[string]string{"x-acs-signature-nonce": nonce}
	status, hdr, body := h.callV3(v)
	checkError(t, status, hdr, body, 400, "SignatureNonceUsed")
}

func TestRequestShapeErrors(t *testing.T) {
	h := newHarness(t, nil)
	do := func(method, target, contentType string, body io.Reader) (int, http.Header, []byte) {
		req, err := http.NewRequest(method, h.run.URL+target, body)
		if err != nil {
			t.Fatal(err)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		return h.do(req)
	}
	status, hdr, body := do(http.MethodGet, "/?Action=GetImageInfo&ImageId=x", "", nil)
	if msg := checkError(t, status, hdr, body, 400, "MissingSignature"); msg != "Signature is mandatory for this action." {
		t.Errorf("message %q", msg)
	}
	status, hdr, body = do(http.MethodPut, "/", "", nil)
	checkError(t, status, hdr, body, 403, "UnsupportedHTTPMethod")
	status, hdr, body = do(http.MethodPost, "/", "application/x-www-form-urlencoded", strings.NewReader("a="+strings.Repeat("x", MaxBodyBytes)))
	checkError(t, status, hdr, body, 413, "InvalidParameter")
	status, hdr, body = do(http.MethodGet, "/?a=%zz", "", nil)
	checkError(t, status, hdr, body, 400, "InvalidParameter")

	// The same parameter in the query and the body.
	p := v1Params("GetImageInfo", testNow)
	p.Set("ImageId", "img-cdn")
	p.Set("Signature", testV1Sign(http.MethodPost, testSecret, p))
	status, hdr, body = do(http.MethodPost, "/?ImageId=img-oss", "application/x-www-form-urlencoded", strings.NewReader(p.Encode()))
	checkError(t, status, hdr, body, 400, "InvalidParameter")

	// Query and form are merged, and both are signed.
	q := v1Params("GetImageInfo", testNow)
	form := url.Values{"ImageId": {"img-cdn"}, "OutputType": {"oss"}}
	all := url.Values{}
	for k, v := range q {
		all[k] = v
	}
	for k, v := range form {
		all[k] = v
	}
	q.Set("Signature", testV1Sign(http.MethodPost, testSecret, all))
	status, _, body = do(http.MethodPost, "/some/path?"+q.Encode(), "application/x-www-form-urlencoded; charset=utf-8", strings.NewReader(form.Encode()))
	if status != 200 || !strings.Contains(string(body), "OSSAccessKeyId") {
		t.Fatalf("merged: %d %s", status, body)
	}
}

func TestNoPanicOnOddInput(t *testing.T) {
	h := newHarness(t, nil)
	for _, target := range []string{"/?Signature", "/?Signature=&AccessKeyId=", "/%00", "/?Signature=x&Action=GetImageInfo&Version=2017-03-21&AccessKeyId=" + testAK + "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=1&Format=JSON"} {
		req, _ := http.NewRequest(http.MethodGet, h.run.URL, nil)
		req.URL.RawQuery = strings.TrimPrefix(target, "/?")
		status, _, body := h.do(req)
		if status < 400 || status >= 500 {
			t.Errorf("%s: %d %s", target, status, body)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, h.run.URL+"/", nil)
	req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+testAK+",SignedHeaders=host,Signature=00")
	status, _, body := h.do(req)
	if status != 400 {
		t.Errorf("bare V3: %d %s", status, body)
	}
}

func TestStatsAndHealth(t *testing.T) {
	h := newHarness(t, nil)
	p := v1Params("GetImageInfo", testNow)
	p.Set("ImageId", "img-cdn")
	h.callV1(http.MethodGet, testSecret, p)
	p = v1Params("GetImageInfo", testNow)
	p.Set("ImageId", "nope")
	h.callV1(http.MethodGet, testSecret, p)
	h.callV1(http.MethodGet, testSecret, v1Params("Nope", testNow))
	p = v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", "img-cdn")
	h.callV1(http.MethodGet, "bad", p)

	for _, path := range []string{"/_emulator/health", "/_emulator/stats"} {
		resp, err := http.Get(h.run.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if path == "/_emulator/health" {
			if string(b) != "ok" {
				t.Fatalf("health = %q", b)
			}
			continue
		}
		var st Stats
		if err := json.Unmarshal(b, &st); err != nil {
			t.Fatal(err)
		}
		if st.Requests != 4 || st.ByAction["GetImageInfo"] != 2 || st.ByAction[""] != 1 || st.ByAction["GetImageInfos"] != 1 ||
			st.ByCode["OK"] != 1 || st.ByCode["NoSuchResource"] != 1 || st.ByCode["InvalidAction.NotFound"] != 1 || st.ByCode["SignatureDoesNotMatch"] != 1 {
			t.Fatalf("stats = %+v", st)
		}
		if !strings.Contains(string(b), `"by_action"`) || !strings.Contains(string(b), `"by_code"`) {
			t.Fatalf("stats JSON = %s", b)
		}
	}
	if got := h.run.Server.Stats(); got.Requests != 4 {
		t.Fatalf("Stats() = %+v", got)
	}
	resp, err := http.Get(h.run.URL + "/_emulator/other")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("unknown control path: %d", resp.StatusCode)
	}
}

func TestConcurrentRequests(t *testing.T) {
	h := newHarness(t, nil)
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%2 == 0 {
				if err := h.run.Server.PutImage(Image{ImageInfo: ImageInfo{ImageID: "dyn", URL: "https://cdn.example.com/x/y.png", StorageLocation: "outin-a.oss-cn-shanghai.aliyuncs.com"}}); err != nil {
					t.Error(err)
				}
			}
			p := v1Params("GetImageInfo", testNow)
			p.Set("ImageId", "img-cdn")
			if status, _, body := h.callV1(http.MethodGet, testSecret, p); status != 200 {
				t.Errorf("%d %s", status, body)
			}
			_ = h.run.Server.Stats()
		}(i)
	}
	wg.Wait()
	if st := h.run.Server.Stats(); st.ByCode["OK"] != 16 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestNewValidates(t *testing.T) {
	for _, o := range []Options{
		{},
		{AccessKeyID: "a"},
		{AccessKeySecret: "s"},
		{AccessKeyID: "a", AccessKeySecret: "s", Images: []Image{{ImageInfo: ImageInfo{Title: "no id"}}}},
		{AccessKeyID: "a", AccessKeySecret: "s", Images: []Image{{ImageInfo: ImageInfo{ImageID: "x"}}, {ImageInfo: ImageInfo{ImageID: "x"}}}},
		{AccessKeyID: "a", AccessKeySecret: "s", Images: []Image{{ImageInfo: ImageInfo{ImageID: "x", URL: "not a url"}}}},
		{AccessKeyID: "a", AccessKeySecret: "s", Region: "cn shanghai"},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
	s, err := New(Options{AccessKeyID: "a", AccessKeySecret: "s", Region: "ap-southeast-1"})
	if err != nil || s.hostID != "vod.ap-southeast-1.aliyuncs.com" {
		t.Fatalf("%v %v", s, err)
	}
}

func TestRunningClose(t *testing.T) {
	r, err := Start(Options{AccessKeyID: "a", AccessKeySecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.URL, "http://127.0.0.1:") || r.URL != "http://"+r.Addr {
		t.Fatalf("URL %q Addr %q", r.URL, r.Addr)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := http.Get(r.URL + "/_emulator/health"); err == nil {
		t.Fatal("still serving after Close")
	}
	if _, err := StartOn("256.0.0.1:0", Options{AccessKeyID: "a", AccessKeySecret: "s"}); err == nil {
		t.Fatal("bad address accepted")
	}
}
