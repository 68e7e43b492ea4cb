package acctest

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
)

// expirySlack allows for clocks read a little apart (the test clock is truncated to the second).
const expirySlack = 5 * time.Second

var authKeyPattern = regexp.MustCompile(`^(\d+)-(\d+)-(\d+)-([0-9a-f]{32})$`)

// CDNURL checks a CDN URL signed with type-A URL signing (auth_key=<timestamp>-<rand>-<uid>-<md5>)
// whose timestamp is its generation time plus offset: VOD signs with auth_timeout as the offset
// (none without it), and the CDN serves the URL until timestamp + the domain's configured validity
// period (vodemu.DefaultCDNURLValidity in the emulator). Against the real cloud, where URL signing
// may be off, it checks only that the value is an http(s) URL.
func CDNURL(offset time.Duration) knownvalue.Check {
	made := time.Now()
	return knownvalue.StringFunc(func(v string) error {
		u, err := httpURL(v)
		if err != nil || realCloud {
			return err
		}
		if strings.Contains(u.Host, ".aliyuncs.com") {
			return fmt.Errorf("%q is an OSS URL, want a CDN URL", v)
		}
		m := authKeyPattern.FindStringSubmatch(u.Query().Get("auth_key"))
		if m == nil {
			return fmt.Errorf("%q has no auth_key of the form <timestamp>-<rand>-<uid>-<md5>", v)
		}
		ts, _ := strconv.ParseInt(m[1], 10, 64)
		return checkExpiry(v, ts, made, offset)
	})
}

// OSSURL checks an OSS URL signed with Expires, OSSAccessKeyId and Signature that expires validFor
// after it was issued. Against the real cloud, where the bucket may be public, it checks only that
// the value is an http(s) URL.
func OSSURL(validFor time.Duration) knownvalue.Check {
	made := time.Now()
	return knownvalue.StringFunc(func(v string) error {
		u, err := httpURL(v)
		if err != nil || realCloud {
			return err
		}
		if !strings.Contains(u.Host, ".oss-") || !strings.HasSuffix(u.Host, ".aliyuncs.com") {
			return fmt.Errorf("%q is not an OSS URL", v)
		}
		q := u.Query()
		if q.Get("OSSAccessKeyId") == "" || q.Get("Signature") == "" {
			return fmt.Errorf("%q lacks OSSAccessKeyId or Signature", v)
		}
		ts, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
		if err != nil {
			return fmt.Errorf("%q has no numeric Expires", v)
		}
		return checkExpiry(v, ts, made, validFor)
	})
}

// OSSV4URL checks an OSS URL presigned with signature V4 (x-oss-signature-version, x-oss-credential,
// x-oss-date, x-oss-expires, x-oss-signature) that expires validFor after it was issued, as
// x-oss-date + x-oss-expires says. Against the real cloud it checks only that the value is an
// http(s) URL.
func OSSV4URL(validFor time.Duration) knownvalue.Check {
	made := time.Now()
	return knownvalue.StringFunc(func(v string) error {
		u, err := httpURL(v)
		if err != nil || realCloud {
			return err
		}
		q := u.Query()
		if q.Get("x-oss-signature-version") != "OSS4-HMAC-SHA256" || q.Get("x-oss-credential") == "" || q.Get("x-oss-signature") == "" {
			return fmt.Errorf("%q is not a V4-signed OSS URL", v)
		}
		signed, err := time.Parse("20060102T150405Z", q.Get("x-oss-date"))
		if err != nil {
			return fmt.Errorf("%q has no x-oss-date: %w", v, err)
		}
		n, err := strconv.ParseInt(q.Get("x-oss-expires"), 10, 64)
		if err != nil {
			return fmt.Errorf("%q has no numeric x-oss-expires", v)
		}
		return checkExpiry(v, signed.Unix()+n, made, validFor)
	})
}

func httpURL(v string) (*url.URL, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", v)
	}
	return u, nil
}

// checkExpiry checks that the time unixSeconds is want after the URL was issued. The URL was
// issued after the check was made (made) and before it runs (now), so the bounds hold however long
// the steps in between take: no wall-clock deadline, however busy the machine.
func checkExpiry(v string, unixSeconds int64, made time.Time, want time.Duration) error {
	at := time.Unix(unixSeconds, 0)
	earliest, latest := made.Add(want-expirySlack), time.Now().Add(want+expirySlack)
	if at.Before(earliest) || at.After(latest) {
		return fmt.Errorf("%q: its time is %s, want %s after it was issued (between %s and %s)", v,
			at.UTC().Format(time.RFC3339), want, earliest.UTC().Format(time.RFC3339), latest.UTC().Format(time.RFC3339))
	}
	return nil
}
