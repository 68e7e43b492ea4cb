package vodemu

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The test vectors are the reference OSS SDK's signer tests, as oss-upload.md records them: the
// algorithms here are written from the documentation, and these check them against an
// independent implementation's output.

func TestOSSV1HeaderVector(t *testing.T) {
	h := http.Header{}
	h.Set("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw==")
	h.Set("Content-Type", "text/html")
	h.Set("Date", "Wed, 28 Dec 2022 10:27:41 GMT")
	h.Set("x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT")
	h.Set("x-oss-meta-author", "alice")
	h.Set("x-oss-meta-magic", "abracadabra")
	sts := ossV1StringToSign(http.MethodPut, h, h.Get("Date"), "examplebucket", "nelson", url.Values{})
	if got := "OSS ak:" + ossV1Signature("sk", sts); got != "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=" {
		t.Fatalf("Authorization = %s; string to sign:\n%s", got, sts)
	}

	// The same request verified as the OSS endpoint receives it, and refused once changed.
	r, _ := http.NewRequest(http.MethodPut, "http://examplebucket.oss-cn-hangzhou.aliyuncs.com/nelson", nil)
	r.Header = h.Clone()
	r.Header.Set("Authorization", "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=")
	now := time.Date(2022, 12, 28, 10, 30, 0, 0, time.UTC)
	if _, oerr := verifyOSSRequest(r, "examplebucket", "nelson", "cn-hangzhou", now, akSK("")); oerr != nil {
		t.Fatal(oerr)
	}
	r.Header.Set("x-oss-meta-author", "mallory")
	if _, oerr := verifyOSSRequest(r, "examplebucket", "nelson", "cn-hangzhou", now, akSK("")); oerr == nil || oerr.Code != "SignatureDoesNotMatch" {
		t.Fatalf("changed header: %v", oerr)
	}
	r.Header.Set("x-oss-meta-author", "alice")
	if _, oerr := verifyOSSRequest(r, "examplebucket", "nelson", "cn-hangzhou", now.Add(16*time.Minute), akSK("")); oerr == nil || oerr.Code != "RequestTimeTooSkewed" {
		t.Fatalf("skewed: %v", oerr)
	}
}

// akSK is the vectors' key pair, with token as its security token.
func akSK(token string) ossKeyLookup {
	return func(id string) (ossCredential, bool) {
		return ossCredential{ID: "ak", Secret: "sk", Token: token}, id == "ak"
	}
}

func TestOSSV1QueryVector(t *testing.T) {
	// GET http://bucket.oss-cn-hangzhou.aliyuncs.com/key%2B123?versionId=versionId, token "token",
	// signed at Sun, 12 Nov 2023 16:56:44 GMT with the SDK's default 15 minutes.
	q := url.Values{"versionId": {"versionId"}, "security-token": {"token"}}
	expires := "1699808204"
	sig := ossV1Signature("sk", ossV1StringToSign(http.MethodGet, http.Header{}, expires, "bucket", "key+123", q))
	q.Set("Expires", expires)
	q.Set("OSSAccessKeyId", "ak")
	q.Set("Signature", sig)
	want := "Expires=1699808204&OSSAccessKeyId=ak&Signature=jzKYRrM5y6Br0dRFPaTGOsbrDhY%3D&security-token=token&versionId=versionId"
	if got := ossQueryString(q); got != want {
		t.Fatalf("query = %s\nwant    %s", got, want)
	}

	raw := "http://bucket.oss-cn-hangzhou.aliyuncs.com/key%2B123?" + want
	r, _ := http.NewRequest(http.MethodGet, raw, nil)
	bucket, key, region, ok := ossTarget(r)
	if !ok || bucket != "bucket" || key != "key+123" || region != "cn-hangzhou" {
		t.Fatalf("ossTarget = %q %q %q %v", bucket, key, region, ok)
	}
	at := time.Unix(1699808204, 0)
	for _, tc := range []struct {
		name   string
		url    string
		now    time.Time
		lookup ossKeyLookup
		code   string
	}{
		{"valid to the second", raw, at, akSK("token"), ""},
		{"expired", raw, at.Add(time.Second), akSK("token"), "AccessDenied"},
		{"other token", raw, at, akSK("other"), "AccessKeyIdAndSecurityTokenNotMatch"},
		{"token missing", strings.Replace(raw, "&security-token=token", "", 1), at, akSK("token"), "InvalidSecurityToken"},
		{"unknown key", strings.Replace(raw, "OSSAccessKeyId=ak", "OSSAccessKeyId=ak2", 1), at, akSK("token"), "InvalidAccessKeyId"},
		{"other object", strings.Replace(raw, "key%2B123", "key%2B124", 1), at, akSK("token"), "SignatureDoesNotMatch"},
		{"other version", strings.Replace(raw, "versionId=versionId", "versionId=v2", 1), at, akSK("token"), "SignatureDoesNotMatch"},
		{"no Expires", strings.Replace(raw, "Expires=1699808204&", "", 1), at, akSK("token"), "AccessDenied"},
		{"blank Expires", strings.Replace(raw, "Expires=1699808204", "Expires=", 1), at, akSK("token"), "AccessDenied"},
		{"unsigned", "http://bucket.oss-cn-hangzhou.aliyuncs.com/key%2B123", at, akSK(""), "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, tc.url, nil)
			bucket, key, region, _ := ossTarget(r)
			auth, oerr := verifyOSSRequest(r, bucket, key, region, tc.now, tc.lookup)
			if got := codeOf(oerr); got != tc.code {
				t.Fatalf("code = %q (%v), want %q", got, oerr, tc.code)
			}
			if tc.code == "" && (auth.Version != OSSSignatureV1 || !auth.Presigned || auth.AccessKeyID != "ak") {
				t.Fatalf("auth = %+v", auth)
			}
		})
	}
}

func codeOf(e *ossError) string {
	if e == nil {
		return ""
	}
	return e.Code
}

// v4VectorRequest is the V4 vectors' request: PUT of key 1234+-/123/1.txt in bucket, with the
// query parameters and headers of the SDK's tests.
func v4VectorRequest(t *testing.T, contentType string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPut, "http://bucket.oss-cn-hangzhou.aliyuncs.com/1234%2B-/123/1.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.URL.RawQuery = url.Values{
		"param1": {"value1"}, "+param1": {"value3"}, "|param1": {"value4"},
		"+param2": {""}, "|param2": {""}, "param2": {""},
	}.Encode()
	r.Header.Set("x-oss-head1", "value")
	r.Header.Set("abc", "value")
	r.Header.Set("ZAbc", "value")
	r.Header.Set("XYZ", "value")
	r.Header.Set("content-type", contentType)
	return r
}

func TestOSSV4HeaderVector(t *testing.T) {
	r := v4VectorRequest(t, "text/plain")
	r.Header.Set("x-oss-content-sha256", "UNSIGNED-PAYLOAD")
	signed := time.Unix(1702743657, 0).UTC()
	datetime, day := signed.Format(ossV4DateLayout), signed.Format(ossV4DayLayout)
	r.Header.Set("x-oss-date", datetime)
	scope := ossV4Scope(day, "cn-hangzhou")
	canon := ossV4CanonicalRequest(r.Method, "bucket", "1234+-/123/1.txt", r.URL.Query(), r.Header, nil)
	sig := ossV4Signature("sk", day, "cn-hangzhou", ossV4StringToSign(datetime, scope, canon))
	authz := "OSS4-HMAC-SHA256 Credential=ak/" + scope + ",Signature=" + sig
	if want := "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"; authz != want {
		t.Fatalf("Authorization = %s\nwant            %s\ncanonical request:\n%s", authz, want, canon)
	}

	r.Header.Set("Authorization", authz)
	bucket, key, region, ok := ossTarget(r)
	if !ok || bucket != "bucket" || key != "1234+-/123/1.txt" || region != "cn-hangzhou" {
		t.Fatalf("ossTarget = %q %q %q %v", bucket, key, region, ok)
	}
	if auth, oerr := verifyOSSRequest(r, bucket, key, region, signed, akSK("")); oerr != nil || auth.Version != OSSSignatureV4 || auth.Presigned || auth.PayloadSHA256 != "" {
		t.Fatalf("auth %+v, %v", auth, oerr)
	}
	// Headers outside the signed set may change; signed ones may not.
	r.Header.Set("abc", "other")
	if _, oerr := verifyOSSRequest(r, bucket, key, region, signed, akSK("")); oerr != nil {
		t.Fatalf("unsigned header changed: %v", oerr)
	}
	r.Header.Set("x-oss-head1", "other")
	if _, oerr := verifyOSSRequest(r, bucket, key, region, signed, akSK("")); codeOf(oerr) != "SignatureDoesNotMatch" {
		t.Fatalf("signed header changed: %v", oerr)
	}
	r.Header.Set("x-oss-head1", "value")
	if _, oerr := verifyOSSRequest(r, bucket, key, "cn-shanghai", signed, akSK("")); codeOf(oerr) != "InvalidArgument" {
		t.Fatalf("other region: %v", oerr)
	}
	// A temporary key's token is required, as a signed header.
	if _, oerr := verifyOSSRequest(r, bucket, key, region, signed, akSK("tok")); codeOf(oerr) != "InvalidSecurityToken" {
		t.Fatalf("token missing: %v", oerr)
	}
	r.Header.Set("x-oss-content-sha256", strings.Repeat("ab", 32))
	if _, oerr := verifyOSSRequest(r, bucket, key, region, signed, akSK("")); codeOf(oerr) != "SignatureDoesNotMatch" {
		t.Fatalf("payload hash changed: %v", oerr)
	}
}

func TestOSSV4QueryVector(t *testing.T) {
	r := v4VectorRequest(t, "application/octet-stream")
	signed := time.Unix(1702781677, 0).UTC()
	datetime, day := signed.Format(ossV4DateLayout), signed.Format(ossV4DayLayout)
	q := r.URL.Query()
	q.Set("x-oss-signature-version", ossV4Algorithm)
	q.Set("x-oss-date", datetime)
	q.Set("x-oss-expires", "599") // 1702782276 - 1702781677
	q.Set("x-oss-credential", "ak/"+ossV4Scope(day, "cn-hangzhou"))
	canon := ossV4CanonicalRequest(r.Method, "bucket", "1234+-/123/1.txt", q, r.Header, nil)
	sig := ossV4Signature("sk", day, "cn-hangzhou", ossV4StringToSign(datetime, ossV4Scope(day, "cn-hangzhou"), canon))
	if q.Get("x-oss-credential") != "ak/20231217/cn-hangzhou/oss/aliyun_v4_request" ||
		sig != "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe" {
		t.Fatalf("credential %s, signature %s; canonical request:\n%s", q.Get("x-oss-credential"), sig, canon)
	}
	q.Set("x-oss-signature", sig)
	r.URL.RawQuery = ossQueryString(q)
	bucket, key, region, _ := ossTarget(r)
	if auth, oerr := verifyOSSRequest(r, bucket, key, region, signed.Add(599*time.Second), akSK("")); oerr != nil || !auth.Presigned || auth.Version != OSSSignatureV4 {
		t.Fatalf("auth %+v, %v", auth, oerr)
	}
	if _, oerr := verifyOSSRequest(r, bucket, key, region, signed.Add(600*time.Second), akSK("")); codeOf(oerr) != "AccessDenied" || oerr.EC != "0002-00000069" {
		t.Fatalf("expired: %v", oerr)
	}
}

// presignOSSV4 and presignOSSV1 make URLs the verifier accepts until their expiry, tokens included.
func TestOSSPresignRoundTrip(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	host := "outin-abc.oss-cn-shanghai.aliyuncs.com"
	for _, token := range []string{"", "CAIS+token/=="} {
		c := ossCredential{ID: "ak", Secret: "sk", Token: token}
		for name, tc := range map[string]struct {
			url    string
			expiry time.Time
		}{
			"v1": {presignOSSV1(host, "outin-abc", "image/default/A B+ü.png", now.Unix()+900, c), now.Add(900 * time.Second)},
			"v4": {presignOSSV4(host, "outin-abc", "image/default/A B+ü.png", "cn-shanghai", now, OSSV4MaxExpires, c), now.Add(OSSV4MaxExpires * time.Second)},
		} {
			if err := VerifyOSSURLWithToken(tc.url, "ak", "sk", token, tc.expiry); err != nil {
				t.Errorf("%s token %q: %v\n%s", name, token, err, tc.url)
			}
			if err := VerifyOSSURLWithToken(tc.url, "ak", "sk", token, tc.expiry.Add(time.Second)); err == nil || !strings.Contains(err.Error(), "Request has expired") {
				t.Errorf("%s token %q: expired URL: %v", name, token, err)
			}
			if err := VerifyOSSURLWithToken(tc.url, "ak", "other", token, now); err == nil {
				t.Errorf("%s token %q: wrong secret accepted", name, token)
			}
			u, _ := url.Parse(tc.url)
			q := u.Query()
			if name == "v4" {
				for _, p := range []string{"x-oss-signature-version", "x-oss-credential", "x-oss-date", "x-oss-expires", "x-oss-signature"} {
					if q.Get(p) == "" {
						t.Errorf("v4 URL lacks %s: %s", p, tc.url)
					}
				}
				if q.Get("x-oss-security-token") != token {
					t.Errorf("v4 token = %q", q.Get("x-oss-security-token"))
				}
			} else if q.Get("security-token") != token {
				t.Errorf("v1 token = %q", q.Get("security-token"))
			}
		}
	}
}

// A V4 URL claiming more than 7 days is refused whatever its signature [OSSEC 0002-00000232].
func TestOSSV4ExpiresCap(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	c := ossCredential{ID: "ak", Secret: "sk"}
	for _, n := range []int64{0, OSSV4MaxExpires + 1} {
		u := presignOSSV4("b.oss-cn-shanghai.aliyuncs.com", "b", "k.png", "cn-shanghai", now, n, c)
		err := VerifyOSSURL(u, "ak", "sk", now)
		if err == nil || !strings.Contains(err.Error(), "InvalidArgument") {
			t.Errorf("x-oss-expires=%d: %v", n, err)
		}
	}
}

func TestOSSTarget(t *testing.T) {
	for host, want := range map[string][3]string{
		"b.oss-cn-shanghai.aliyuncs.com":          {"b", "a/k.png", "cn-shanghai"},
		"B.OSS-cn-shanghai-internal.aliyuncs.com": {"b", "a/k.png", "cn-shanghai"},
		"b.oss-cn-shanghai.aliyuncs.com:443":      {"b", "a/k.png", "cn-shanghai"},
		"oss-cn-hangzhou.aliyuncs.com":            {"a", "k.png", "cn-hangzhou"},
		"vod.cn-shanghai.aliyuncs.com":            {},
		"sts.aliyuncs.com":                        {},
		"127.0.0.1:8080":                          {},
		"cdn.example.com":                         {},
		"oss-.aliyuncs.com":                       {},
	} {
		r, _ := http.NewRequest(http.MethodGet, "http://x/a/k.png", nil)
		r.Host = host
		b, k, reg, ok := ossTarget(r)
		if got := [3]string{b, k, reg}; ok != (want != [3]string{}) || ok && got != want {
			t.Errorf("%s: %v %v, want %v", host, got, ok, want)
		}
	}
}
