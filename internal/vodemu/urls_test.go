package vodemu

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The type-A vector from Alibaba Cloud CDN's URL signing documentation.
func TestCDNAuthKeyVector(t *testing.T) {
	if got := cdnHash("/video/standard/test.mp4", 1444435200, "0", "0", "aliyuncdnexp1234"); got != "23bf85053008f5c0e791667a313e28ce" {
		t.Fatalf("md5 = %s", got)
	}
	u := signCDNURL("http", "cdn.example.com", "video/standard/test.mp4", 1444435200, "aliyuncdnexp1234")
	want := "http://cdn.example.com/video/standard/test.mp4?auth_key=1444435200-0-0-23bf85053008f5c0e791667a313e28ce"
	if u != want {
		t.Fatalf("url = %s", u)
	}
	// Served until timestamp + the domain's validity period.
	if err := VerifyCDNURL(u, "aliyuncdnexp1234", time.Hour, time.Unix(1444435200+3600, 0)); err != nil {
		t.Fatal(err)
	}
	if err := VerifyCDNURL(u, "aliyuncdnexp1234", time.Hour, time.Unix(1444435201+3600, 0)); err == nil {
		t.Fatal("expired URL accepted")
	}
	if err := VerifyCDNURL(u, "aliyuncdnexp1234", 0, time.Unix(1444435200, 0).Add(DefaultCDNURLValidity+time.Second)); err == nil {
		t.Fatal("expired URL accepted with the default validity")
	}
	if err := VerifyCDNURL(u, "otherkey", 0, time.Unix(1444435200, 0)); err == nil {
		t.Fatal("wrong key accepted")
	}
	if err := VerifyCDNURL("http://cdn.example.com/x.png", "k", 0, time.Unix(0, 0)); err == nil {
		t.Fatal("unsigned URL accepted")
	}
}

// The OSS signature recomputed here by hand from OSS's documented rule.
func TestOSSSignedURL(t *testing.T) {
	u := signOSSURL("outin-abc.oss-cn-shanghai.aliyuncs.com", "image/default/A B.png", 1590982353, "KEYID", "SECRET")
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Scheme != "https" || parsed.Host != "outin-abc.oss-cn-shanghai.aliyuncs.com" || parsed.EscapedPath() != "/image/default/A%20B.png" {
		t.Fatalf("url = %s", u)
	}
	if !strings.HasPrefix(parsed.RawQuery, "Expires=1590982353&OSSAccessKeyId=KEYID&Signature=") {
		t.Fatalf("query order = %s", parsed.RawQuery)
	}
	m := hmac.New(sha1.New, []byte("SECRET"))
	m.Write([]byte("GET\n\n\n1590982353\n/outin-abc/image/default/A B.png"))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if got := parsed.Query().Get("Signature"); got != want {
		t.Fatalf("signature = %s, want %s", got, want)
	}
	if !strings.Contains(parsed.RawQuery, "Signature="+url.QueryEscape(want)) {
		t.Fatalf("signature not URL-encoded: %s", parsed.RawQuery)
	}
	if err := VerifyOSSURL(u, "KEYID", "SECRET", time.Unix(1590982353, 0)); err != nil {
		t.Fatal(err)
	}
	if err := VerifyOSSURL(u, "KEYID", "SECRET", time.Unix(1590982354, 0)); err == nil {
		t.Fatal("expired URL accepted")
	}
	if err := VerifyOSSURL(u, "KEYID", "OTHER", time.Unix(0, 0)); err == nil {
		t.Fatal("wrong secret accepted")
	}
	if err := VerifyOSSURL(u, "OTHERID", "SECRET", time.Unix(0, 0)); err == nil {
		t.Fatal("wrong key id accepted")
	}
}

func TestParseURLOptions(t *testing.T) {
	for _, tc := range []struct {
		p       map[string]string
		ok      bool
		typ     string
		timeout int64
	}{
		{map[string]string{}, true, "", 3600},
		{map[string]string{"OutputType": "oss", "AuthTimeout": "1"}, true, "oss", 1},
		{map[string]string{"OutputType": "cdn", "AuthTimeout": "99999999"}, true, "cdn", 99999999},
		{map[string]string{"OutputType": "", "AuthTimeout": ""}, true, "", 3600},
		{map[string]string{"OutputType": "CDN"}, false, "", 0},
		{map[string]string{"OutputType": "http"}, false, "", 0},
		{map[string]string{"AuthTimeout": "0"}, false, "", 0},
		{map[string]string{"AuthTimeout": "-1"}, false, "", 0},
		{map[string]string{"AuthTimeout": "abc"}, false, "", 0},
		{map[string]string{"AuthTimeout": "1.5"}, false, "", 0},
		{map[string]string{"AuthTimeout": "99999999999999999999"}, false, "", 0},
	} {
		o, aerr := parseURLOptions(tc.p)
		if (aerr == nil) != tc.ok {
			t.Errorf("%v: err = %v", tc.p, aerr)
			continue
		}
		if tc.ok && (o.outputType != tc.typ || o.authTimeout != tc.timeout) {
			t.Errorf("%v: got %+v", tc.p, o)
		}
	}
}
