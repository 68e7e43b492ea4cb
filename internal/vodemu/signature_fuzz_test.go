package vodemu

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The fuzz targets of signature.go: FuzzV1Canonicalisation and FuzzV3Canonicalisation. The
// shared harness is in fuzz_test.go.

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
