package provider

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// What a signed OSS URL says about its own expiry. OSS presigned URLs come in two forms:
//   - V1: OSSAccessKeyId, Expires (absolute, Unix seconds) and Signature (OSS "Add signatures to
//     URLs", V1).
//   - V4: x-oss-signature-version=OSS4-HMAC-SHA256, x-oss-credential, x-oss-date
//     (yyyymmddTHHMMSSZ, UTC), x-oss-expires (seconds from x-oss-date, 1 to 604800) and
//     x-oss-signature (OSS "V4 URL signature"; EC 0002-00000232 for the range). OSS stopped
//     issuing V1 to new accounts from 2025-03-01 and to new buckets from 2025-09-01 (OSS's V1
//     discontinuation notice), so a VOD image URL may be either.
//
// A V4 URL therefore holds at most 7 days, whatever auth_timeout asked VOD for.

// maxOSSV4URLValidity is the longest validity of a V4-signed OSS URL, in seconds (7 days).
const maxOSSV4URLValidity = 604800

const (
	ossSignatureV1 = "V1"
	ossSignatureV4 = "V4"
)

// ossURLSignature is what a signed OSS URL says: its signature version, its expiry (Unix
// seconds) and, for V4, its validity in seconds (x-oss-expires).
type ossURLSignature struct {
	version  string
	expires  int64
	validity int64 // V4 only
}

// parseOSSURLSignature reads the expiry of a V1- or V4-signed OSS URL (host *.aliyuncs.com); false
// for any other URL, an unsigned one, or one whose expiry parameters are missing, malformed or out
// of range (then the caller falls back to the request time plus auth_timeout). It never panics.
func parseOSSURLSignature(signedURL string) (ossURLSignature, bool) {
	u, err := url.Parse(signedURL)
	if err != nil || !strings.HasSuffix(strings.ToLower(u.Hostname()), ".aliyuncs.com") {
		return ossURLSignature{}, false
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return ossURLSignature{}, false
	}
	if q.Has("x-oss-signature-version") {
		return parseOSSV4Expiry(q)
	}
	if q.Get("OSSAccessKeyId") == "" || q.Get("Signature") == "" {
		return ossURLSignature{}, false
	}
	n, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
	if err != nil || n < 0 || n > maxRFC3339Unix {
		return ossURLSignature{}, false
	}
	return ossURLSignature{version: ossSignatureV1, expires: n}, true
}

func parseOSSV4Expiry(q url.Values) (ossURLSignature, bool) {
	if q.Get("x-oss-signature-version") != "OSS4-HMAC-SHA256" || q.Get("x-oss-signature") == "" || q.Get("x-oss-credential") == "" {
		return ossURLSignature{}, false
	}
	signed, err := time.Parse("20060102T150405Z", q.Get("x-oss-date"))
	if err != nil {
		return ossURLSignature{}, false
	}
	validity, err := strconv.ParseInt(q.Get("x-oss-expires"), 10, 64)
	if err != nil || validity < 1 || validity > maxOSSV4URLValidity {
		return ossURLSignature{}, false
	}
	expires := signed.Unix() + validity // both bounded: no overflow
	if expires < 0 || expires > maxRFC3339Unix {
		return ossURLSignature{}, false
	}
	return ossURLSignature{version: ossSignatureV4, expires: expires, validity: validity}, true
}

// v4CapWarning is the warning for a V4-signed OSS URL that holds less than the auth_timeout asked
// for because of V4's 7-day cap; nil otherwise. renewal, if not empty, is appended to the detail
// (the resource says when it renews the URL).
func v4CapWarning(imageID string, authTimeout int64, signedURL, renewal string) diag.Diagnostic {
	sig, ok := parseOSSURLSignature(signedURL)
	if !ok || sig.version != ossSignatureV4 || authTimeout <= maxOSSV4URLValidity || sig.validity >= authTimeout {
		return nil
	}
	detail := fmt.Sprintf("VOD returned an OSS URL of image %q signed with OSS signature V4, which OSS honours for "+
		"at most %d seconds (7 days): this URL is valid for %d seconds, until %s, not the %d seconds that "+
		"auth_timeout asks for. OSS signs with V4 only for accounts created from 2025-03-01 and buckets created "+
		"from 2025-09-01. Set auth_timeout to %d or less to ask for what the URL can hold.",
		imageID, maxOSSV4URLValidity, sig.validity, time.Unix(sig.expires, 0).UTC().Format(timeFormat), authTimeout, maxOSSV4URLValidity)
	if renewal != "" {
		detail += " " + renewal
	}
	return diag.NewAttributeWarningDiagnostic(path.Root("auth_timeout"), "auth_timeout longer than a V4-signed OSS URL can last", detail)
}
