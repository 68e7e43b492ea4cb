package vodemu

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"AZaz09-_.~":           "AZaz09-_.~",
		"a b":                  "a%20b",
		"a+b":                  "a%2Bb",
		"*":                    "%2A",
		"~":                    "~",
		"/":                    "%2F",
		"=&%":                  "%3D%26%25",
		"é":                    "%C3%A9",
		"中":                    "%E4%B8%AD",
		"2016-02-23T12:46:24Z": "2016-02-23T12%3A46%3A24Z",
		"\x00\x7f":             "%00%7F",
	} {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
		// Cross-check with the classic url.QueryEscape-based encoding.
		if got := popEncode(in); got != want {
			t.Errorf("popEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

// The vector from Alibaba Cloud's ECS signature documentation.
func TestV1SignatureVector(t *testing.T) {
	params := []kv{
		{"AccessKeyId", "testid"}, {"Action", "DescribeRegions"}, {"Format", "XML"},
		{"SignatureMethod", "HMAC-SHA1"}, {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
		{"SignatureVersion", "1.0"}, {"Timestamp", "2016-02-23T12:46:24Z"}, {"Version", "2014-05-26"},
		{"Signature", "ignored"},
	}
	sts := v1StringToSign("GET", params)
	wantSTS := "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1" +
		"%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0" +
		"%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
	if sts != wantSTS {
		t.Fatalf("string to sign\n got %s\nwant %s", sts, wantSTS)
	}
	if got := v1Sign("testsecret", sts); got != "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" {
		t.Fatalf("signature = %s", got)
	}
	vals := url.Values{}
	for _, p := range params {
		vals.Set(p.name, p.value)
	}
	if got := testV1Sign("GET", "testsecret", vals); got != "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" {
		t.Fatalf("test signer = %s", got)
	}
}

func TestV1EmptyParametersAreSigned(t *testing.T) {
	with := v1StringToSign("POST", []kv{{"A", "1"}, {"SignatureType", ""}})
	without := v1StringToSign("POST", []kv{{"A", "1"}})
	if with == without || !strings.Contains(with, "SignatureType%3D") {
		t.Fatalf("empty parameter not signed: %s", with)
	}
}

// The vector from darabonba-openapi v2.1.13 utils Test_GetAuthorization:
// query {test: ok, empty: ""}, headers x-acs-test: http and x-acs-TEST:
// https (one header, two values), empty pathname, no method.
func TestV3SignatureVector(t *testing.T) {
	const payload = "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23"
	h := http.Header{}
	h.Add("x-acs-test", "http")
	h.Add("x-acs-TEST", "https")
	canonHeaders, signed := v3CanonicalHeaders([]string{"x-acs-test"}, func(n string) []string { return h.Values(n) })
	if canonHeaders != "x-acs-test:http,https\n" || signed != "x-acs-test" {
		t.Fatalf("canonical headers %q signed %q", canonHeaders, signed)
	}
	creq := v3CanonicalRequest("", "", []kv{{"test", "ok"}, {"empty", ""}}, canonHeaders, signed, payload)
	if want := "\n/\nempty=&test=ok\nx-acs-test:http,https\n\nx-acs-test\n" + payload; creq != want {
		t.Fatalf("canonical request\n got %q\nwant %q", creq, want)
	}
	got := v3Sign("secret", v3StringToSign(creq))
	if got != "4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3" {
		t.Fatalf("signature = %s", got)
	}
	a, err := parseV3Authorization("ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,Signature=4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3")
	if err != nil || a.accessKeyID != "acesskey" || a.signature != got || len(a.signedHeaders) != 1 {
		t.Fatalf("parse: %+v %v", a, err)
	}
}

func TestV3CanonicalQueryEncoding(t *testing.T) {
	got := canonicalPairs([]kv{{"b", "x y*~"}, {"a", "1/2"}, {"c", ""}})
	if want := "a=1%2F2&b=x%20y%2A~&c="; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}

func TestParseV3AuthorizationRejects(t *testing.T) {
	for _, h := range []string{
		"ACS3-HMAC-SHA256",
		"ACS3-HMAC-SHA256 ",
		"ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=ab",
		"ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host",
		"ACS3-HMAC-SHA256 Credential=a,SignedHeaders=,Signature=ab",
		"ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host;;x,Signature=ab",
		"ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=host,Signature=ab",
		"ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=ab,Extra=1",
		"ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=ab",
	} {
		if _, err := parseV3Authorization(h); err == nil {
			t.Errorf("accepted %q", h)
		}
	}
}

func TestV3StringToSignShape(t *testing.T) {
	sum := sha256.Sum256([]byte("x"))
	if got := v3StringToSign("x"); got != "ACS3-HMAC-SHA256\n"+hex.EncodeToString(sum[:]) {
		t.Fatal(got)
	}
}
