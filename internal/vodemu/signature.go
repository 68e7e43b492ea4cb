package vodemu

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // G505: RPC v1 signatures are HMAC-SHA1 by protocol
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"sort"
	"strings"
)

// This file rebuilds, from what the server actually received, the strings a
// client must have signed. It is written from the protocol description only
// ([RPC]: V1 and V3 signing; no SDK code), so that a client bug shows up as a
// mismatch here.

const v3Algorithm = "ACS3-HMAC-SHA256"

// percentEncode is RFC 3986 encoding as Alibaba Cloud's gateways use it:
// only A-Z a-z 0-9 - _ . ~ stay literal; everything else, byte by byte
// (UTF-8), becomes %XX with upper-case hex. So space is %20 (never +),
// * is %2A and ~ is kept.
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0x0f])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// kv is one received parameter. Parameters are kept as pairs, not a map, so
// that nothing a client sent is silently dropped from the signed string.
type kv struct{ name, value string }

// canonicalPairs sorts by raw name (then value) and joins encoded k=v with &.
// Empty values are rendered as "k=" because the server signs every
// parameter it received, empty ones included [RPC]. Names are encoded like
// values, for V3's canonical query too (a deliberate choice: darabonba
// leaves V3 names raw, which is the same for the alphanumeric names VOD
// uses).
func canonicalPairs(pairs []kv) string {
	sorted := append([]kv(nil), pairs...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].name != sorted[j].name {
			return sorted[i].name < sorted[j].name
		}
		return sorted[i].value < sorted[j].value
	})
	parts := make([]string, len(sorted))
	for i, p := range sorted {
		parts[i] = percentEncode(p.name) + "=" + percentEncode(p.value)
	}
	return strings.Join(parts, "&")
}

// v1StringToSign builds METHOD&%2F&encode(canonicalQuery) over every
// received parameter except Signature itself.
func v1StringToSign(method string, params []kv) string {
	signed := make([]kv, 0, len(params))
	for _, p := range params {
		if p.name != "Signature" {
			signed = append(signed, p)
		}
	}
	return method + "&" + percentEncode("/") + "&" + percentEncode(canonicalPairs(signed))
}

// v1Sign is base64(HMAC-SHA1(secret + "&", stringToSign)).
func v1Sign(secret, stringToSign string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// v3Authorization is the parsed Authorization header of a V3 request.
type v3Authorization struct {
	accessKeyID   string
	signedHeaders []string // lower-case, in the order the client listed them
	signature     string   // lower-case hex
}

var errMalformedAuthorization = errors.New("malformed Authorization header")

// parseV3Authorization parses
// "ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=a;b,Signature=<hex>".
func parseV3Authorization(h string) (v3Authorization, error) {
	var a v3Authorization
	rest, ok := strings.CutPrefix(h, v3Algorithm+" ")
	if !ok {
		return a, errMalformedAuthorization
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(rest, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || seen[name] {
			return a, errMalformedAuthorization
		}
		seen[name] = true
		switch name {
		case "Credential":
			a.accessKeyID = value
		case "SignedHeaders":
			for _, sh := range strings.Split(value, ";") {
				if sh == "" {
					return a, errMalformedAuthorization
				}
				a.signedHeaders = append(a.signedHeaders, strings.ToLower(sh))
			}
		case "Signature":
			a.signature = strings.ToLower(value)
		default:
			return a, errMalformedAuthorization
		}
	}
	if a.accessKeyID == "" || len(a.signedHeaders) == 0 || a.signature == "" {
		return a, errMalformedAuthorization
	}
	return a, nil
}

// v3CanonicalHeaders renders the signed headers as sorted "name:value\n"
// lines. Several values of one header are trimmed, sorted and joined by ",".
// values returns the received values of a lower-case header name.
func v3CanonicalHeaders(signed []string, values func(name string) []string) (canonical string, signedList string) {
	names := append([]string(nil), signed...)
	sort.Strings(names)
	names = dedupSorted(names)
	var b strings.Builder
	for _, n := range names {
		vals := values(n)
		trimmed := make([]string, len(vals))
		for i, v := range vals {
			trimmed[i] = strings.TrimSpace(v)
		}
		sort.Strings(trimmed)
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.Join(trimmed, ","))
		b.WriteByte('\n')
	}
	return b.String(), strings.Join(names, ";")
}

func dedupSorted(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// v3CanonicalRequest joins the parts with "\n". canonicalHeaders already
// ends in "\n", which yields the blank line the format requires.
func v3CanonicalRequest(method, path string, query []kv, canonicalHeaders, signedHeaders, payloadHash string) string {
	if path == "" {
		path = "/"
	}
	return method + "\n" + path + "\n" + canonicalPairs(query) + "\n" +
		canonicalHeaders + "\n" + signedHeaders + "\n" + payloadHash
}

func v3StringToSign(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return v3Algorithm + "\n" + hex.EncodeToString(sum[:])
}

// v3Sign is hex(HMAC-SHA256(secret, stringToSign)); the key is the raw
// secret (no "&" suffix, unlike V1).
func v3Sign(secret, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

func equalConstantTime(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
