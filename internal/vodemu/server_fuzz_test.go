package vodemu

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The fuzz target of the request path (pipeline.go, auth.go): FuzzRequestParsing. The shared
// harness is in fuzz_test.go.

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
