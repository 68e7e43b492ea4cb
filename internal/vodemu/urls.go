package vodemu

import (
	"crypto/hmac"
	"crypto/md5"  //nolint:gosec // G501: CDN type-A URL auth hashes with MD5 by protocol
	"crypto/sha1" //nolint:gosec // G505: OSS V1 URL signatures are HMAC-SHA1 by protocol
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultAuthTimeout is an OSS URL's lifetime when AuthTimeout is not sent
// [GetImage].
const DefaultAuthTimeout = 3600

// DefaultCDNURLValidity is the CDN domain's configured validity period of
// type-A signed URLs [TypeA] when Options.CDNURLValidity is zero. The domain
// owner sets it in the console; 1800 s is an assumption (undocumented: no
// public page consulted states a default).
const DefaultCDNURLValidity = 1800 * time.Second

// Maximum AuthTimeout for OSS URLs [GetImage].
const (
	maxAuthTimeoutVODBucket = 2592000 // 30 days, VOD's own "outin-" buckets
	maxAuthTimeoutOSSBucket = 129600  // 36 hours, the user's own buckets
)

type urlOptions struct {
	outputType  string // "", "oss" or "cdn"
	authTimeout int64
	given       bool // AuthTimeout was sent
}

// parseURLOptions reads OutputType (oss or cdn) and AuthTimeout (seconds, at
// least 1 [GetImage]; for cdn there is no maximum, for oss signImage checks
// the bucket's). An empty value counts as not sent (undocumented).
func parseURLOptions(p map[string]string) (urlOptions, *apiError) {
	o := urlOptions{outputType: p["OutputType"], authTimeout: DefaultAuthTimeout}
	// An empty value counts as not sent, like an empty AuthTimeout.
	if o.outputType != "" && o.outputType != "oss" && o.outputType != "cdn" {
		return o, errInvalid("OutputType", "Valid values are oss and cdn.")
	}
	if raw, given := p["AuthTimeout"]; given && raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 {
			return o, errInvalid("AuthTimeout", "It must be an integer of at least 1 (seconds).")
		}
		o.authTimeout, o.given = n, true
	}
	return o, nil
}

// isOSSHost tells OSS endpoints from CDN domains.
func isOSSHost(host string) bool {
	return strings.HasSuffix(host, ".aliyuncs.com")
}

func isVODBucket(host string) bool { return strings.HasPrefix(host, "outin-") }

// signImage returns a copy of img with URL and Mezzanine.FileURL signed for
// the requested output type. The stored URL's path is the object key, and a
// stored URL whose host is not *.aliyuncs.com means the image has a CDN
// domain. Without OutputType, a CDN URL is returned when the image has a
// CDN domain, else an OSS URL [GetImage]; a cdn request for an image without
// a CDN domain also gets an OSS URL (undocumented: there is no CDN URL to
// give). The keys are the emulator's own (Options or the Default*
// constants), never the caller's.
//
// CDN URLs use type-A signing, auth_key=<timestamp>-0-0-<md5> [TypeA]: the
// timestamp is when the URL was made plus the signer's offset, and the CDN
// serves the URL until timestamp + the domain's validity period [TypeA]
// (cdnValidity). How VOD derives the offset from AuthTimeout is
// undocumented: the emulator takes AuthTimeout as the offset ([TypeA]:
// "Timestamp = UNIX timestamp on the signing server + configured validity
// period on the signing server") and no offset without it, so that
// [GetImage]'s "if you leave this parameter empty, the default validity
// period that is specified in URL signing is used" holds.
//
// OSS URLs are https://<StorageLocation>/<key>, signed until now +
// AuthTimeout (default DefaultAuthTimeout), at most 2592000 s for VOD's
// "outin-" buckets and 129600 s for others [GetImage]; beyond, InvalidParameter.
// An expiry that overflows a 64-bit Unix time is InvalidParameter too
// (undocumented: the URL would be born expired). Mezzanine.FileURL is
// always an OSS URL, its lifetime capped at the OSS maximum (undocumented
// which URL the source file gets; it lives in OSS).
func (s *Server) signImage(img Image, o urlOptions) (Image, *apiError) {
	src, _ := url.Parse(img.URL)
	key, ossHost := objectLocation(img)
	useCDN := src != nil && src.Host != "" && !isOSSHost(src.Host) && o.outputType != "oss"

	maxOSS := int64(maxAuthTimeoutOSSBucket)
	if isVODBucket(ossHost) {
		maxOSS = maxAuthTimeoutVODBucket
	}
	if !useCDN && o.authTimeout > maxOSS {
		return img, errInvalid("AuthTimeout", fmt.Sprintf("For an OSS URL of this bucket the maximum is %d.", maxOSS))
	}
	now := s.opts.Now()
	expires := now.Unix() + o.authTimeout
	if expires < now.Unix() || expires > math.MaxInt64-int64(s.cdnValidity()/time.Second) {
		// int64 overflow: the URL would be born expired
		return img, errInvalid("AuthTimeout", "It is too large.")
	}

	switch {
	case useCDN:
		// Type-A signing: the timestamp is when the URL was made plus the
		// signer's offset, and CDN serves it until timestamp + the domain's
		// validity period. VOD's offset is AuthTimeout, none without it.
		ts := now.Unix()
		if o.given {
			ts += o.authTimeout
		}
		img.URL = signCDNURL(src.Scheme, src.Host, key, ts, s.opts.CDNPrivateKey)
	case ossHost != "" && key != "":
		img.URL = s.signOSSURL(ossHost, key, expires)
	}
	if m := img.Mezzanine; m != nil {
		// The source file is always served from OSS, within OSS's limit.
		mKey, mHost := key, ossHost
		if u, err := url.Parse(m.FileURL); err == nil && u.Host != "" {
			mKey = strings.TrimPrefix(u.Path, "/")
			if mHost == "" {
				mHost = u.Host
			}
		}
		if mHost != "" && mKey != "" {
			m.FileURL = s.signOSSURL(mHost, mKey, now.Unix()+min(o.authTimeout, maxOSS))
		}
	}
	return img, nil
}

// objectLocation finds the object key (from URL, else Mezzanine.FileURL) and
// the OSS host (StorageLocation, else an OSS host found in those URLs).
func objectLocation(img Image) (key, ossHost string) {
	ossHost = img.StorageLocation
	for _, raw := range []string{img.URL, mezzanineURL(img)} {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			continue
		}
		if key == "" {
			key = strings.TrimPrefix(u.Path, "/")
		}
		if ossHost == "" && isOSSHost(u.Host) {
			ossHost = u.Host
		}
	}
	return key, ossHost
}

func mezzanineURL(img Image) string {
	if img.Mezzanine == nil {
		return ""
	}
	return img.Mezzanine.FileURL
}

func (s *Server) signOSSURL(host, key string, expires int64) string {
	return signOSSURL(host, key, expires, s.opts.OSSAccessKeyID, s.opts.OSSAccessKeySecret)
}

// signOSSURL builds an OSS query-string-signed GET URL:
// Signature = base64(HMAC-SHA1(secret, "GET\n\n\n<Expires>\n/<bucket>/<key>")).
func signOSSURL(host, key string, expires int64, keyID, secret string) string {
	u := url.URL{Scheme: "https", Host: host, Path: "/" + key}
	q := url.Values{}
	q.Set("Expires", strconv.FormatInt(expires, 10))
	q.Set("OSSAccessKeyId", keyID)
	q.Set("Signature", ossSignature(secret, bucketOf(host), key, expires))
	u.RawQuery = q.Encode()
	return u.String()
}

// bucketOf is the first DNS label of a virtual-hosted OSS host.
func bucketOf(host string) string {
	b, _, _ := strings.Cut(host, ".")
	return b
}

func ossSignature(secret, bucket, key string, expires int64) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte("GET\n\n\n" + strconv.FormatInt(expires, 10) + "\n/" + bucket + "/" + key))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) cdnValidity() time.Duration {
	if s.opts.CDNURLValidity > 0 {
		return s.opts.CDNURLValidity
	}
	return DefaultCDNURLValidity
}

// signCDNURL builds a CDN type-A URL [TypeA]: auth_key=<ts>-0-0-<md5hex>,
// ts being the generation time plus the signer's offset.
func signCDNURL(scheme, host, key string, ts int64, privateKey string) string {
	if scheme == "" {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: host, Path: "/" + key}
	u.RawQuery = "auth_key=" + strconv.FormatInt(ts, 10) + "-0-0-" + cdnHash(u.Path, ts, "0", "0", privateKey)
	return u.String()
}

// cdnHash is md5hex("<path>-<timestamp>-<rand>-<uid>-<privateKey>") [TypeA].
func cdnHash(path string, ts int64, rand, uid, privateKey string) string {
	sum := md5.Sum([]byte(path + "-" + strconv.FormatInt(ts, 10) + "-" + rand + "-" + uid + "-" + privateKey)) //nolint:gosec // G401: CDN type-A auth is MD5 by protocol
	return hex.EncodeToString(sum[:])
}

// VerifyCDNURL checks a type-A signed URL as a CDN node would, for a domain
// with privateKey and the given validity period (DefaultCDNURLValidity if
// zero): an error if the hash is wrong or now is past timestamp + validity.
func VerifyCDNURL(rawURL, privateKey string, validity time.Duration, now time.Time) error {
	if validity <= 0 {
		validity = DefaultCDNURLValidity
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("vodemu: parse CDN URL: %w", err)
	}
	parts := strings.Split(u.Query().Get("auth_key"), "-")
	if len(parts) != 4 {
		return errors.New("vodemu: CDN URL has no auth_key=<ts>-<rand>-<uid>-<md5>")
	}
	ts, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return fmt.Errorf("vodemu: CDN auth_key timestamp: %w", err)
	}
	if want := cdnHash(u.Path, ts, parts[1], parts[2], privateKey); !equalConstantTime(want, parts[3]) {
		return errors.New("vodemu: CDN auth_key hash does not match")
	}
	if expiry := ts + int64(validity/time.Second); ts > math.MaxInt64-int64(validity/time.Second) || now.Unix() > expiry {
		return fmt.Errorf("vodemu: CDN URL expired at %s (timestamp %d + validity %s)",
			time.Unix(ts, 0).Add(validity).UTC().Format(time.RFC3339), ts, validity)
	}
	return nil
}

// VerifyOSSURL checks an OSS signed URL against the key pair that signed it
// and reports an error if the signature is wrong or Expires is before now.
func VerifyOSSURL(rawURL, accessKeyID, accessKeySecret string, now time.Time) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("vodemu: parse OSS URL: %w", err)
	}
	q := u.Query()
	expires, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
	if err != nil {
		return errors.New("vodemu: OSS URL has no valid Expires")
	}
	if q.Get("OSSAccessKeyId") != accessKeyID {
		return fmt.Errorf("vodemu: OSS URL signed by access key %q", q.Get("OSSAccessKeyId"))
	}
	want := ossSignature(accessKeySecret, bucketOf(u.Host), strings.TrimPrefix(u.Path, "/"), expires)
	if !equalConstantTime(want, q.Get("Signature")) {
		return errors.New("vodemu: OSS URL signature does not match")
	}
	if now.Unix() > expires {
		return fmt.Errorf("vodemu: OSS URL expired at %s", time.Unix(expires, 0).UTC().Format(time.RFC3339))
	}
	return nil
}
