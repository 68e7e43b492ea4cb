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

// expirySlack allows for the time between the provider's read and the state check.
const expirySlack = 5 * time.Minute

var authKeyPattern = regexp.MustCompile(`^(\d+)-(\d+)-(\d+)-([0-9a-f]{32})$`)

// CDNURL checks a CDN URL signed with type-A URL signing (auth_key=<expiry>-<rand>-<uid>-<md5>)
// that expires validFor after it was issued. Against the real cloud, where URL signing may be off,
// it checks only that the value is an http(s) URL.
func CDNURL(validFor time.Duration) knownvalue.Check {
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
		return checkExpiry(v, ts, validFor)
	})
}

// OSSURL checks an OSS URL signed with Expires, OSSAccessKeyId and Signature that expires validFor
// after it was issued. Against the real cloud, where the bucket may be public, it checks only that
// the value is an http(s) URL.
func OSSURL(validFor time.Duration) knownvalue.Check {
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
		return checkExpiry(v, ts, validFor)
	})
}

func httpURL(v string) (*url.URL, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", v)
	}
	return u, nil
}

func checkExpiry(v string, expiresUnix int64, validFor time.Duration) error {
	left := time.Until(time.Unix(expiresUnix, 0))
	if left > validFor+5*time.Second || left < validFor-expirySlack {
		return fmt.Errorf("%q expires in %s, want about %s", v, left.Round(time.Second), validFor)
	}
	return nil
}
