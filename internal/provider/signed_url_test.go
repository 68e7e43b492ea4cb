package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

const v4Host = "https://outin-1.oss-cn-shanghai.aliyuncs.com/image/a.png?"

// v4URL is a V4 presigned URL's query as OSS writes it (parameters sorted), signed at date for
// expires seconds.
func v4URL(date, expires string) string {
	return v4Host + "x-oss-credential=LTAI%2F20261130%2Fcn-shanghai%2Foss%2Faliyun_v4_request&x-oss-date=" + date +
		"&x-oss-expires=" + expires + "&x-oss-signature=" + strings.Repeat("ab", 32) + "&x-oss-signature-version=OSS4-HMAC-SHA256"
}

func TestParseOSSURLSignature(t *testing.T) {
	signed := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		url     string
		ok      bool
		version string
		expires int64
	}{
		"v1":                             {"https://b.oss-cn-shanghai.aliyuncs.com/a.png?Expires=1796037000&OSSAccessKeyId=LTAI&Signature=c2ln", true, "V1", 1796037000},
		"v1 with token":                  {"https://b.oss-cn-shanghai.aliyuncs.com/a.png?Expires=1796037000&OSSAccessKeyId=STS.x&Signature=c2ln&security-token=CAIS%2Bx", true, "V1", 1796037000},
		"v4":                             {v4URL("20261130T100000Z", "600"), true, "V4", signed.Unix() + 600},
		"v4 at the cap":                  {v4URL("20261130T100000Z", "604800"), true, "V4", signed.Unix() + 604800},
		"v4 with token":                  {v4URL("20261130T100000Z", "60") + "&x-oss-security-token=CAIS%2Bx", true, "V4", signed.Unix() + 60},
		"v4 over the cap":                {v4URL("20261130T100000Z", "604801"), false, "", 0},
		"v4 zero":                        {v4URL("20261130T100000Z", "0"), false, "", 0},
		"v4 negative":                    {v4URL("20261130T100000Z", "-5"), false, "", 0},
		"v4 huge":                        {v4URL("20261130T100000Z", "99999999999999999999"), false, "", 0},
		"v4 bad date":                    {v4URL("2026-11-30T10:00:00Z", "60"), false, "", 0},
		"v4 year 9999":                   {v4URL("99991231T235959Z", "60"), false, "", 0},
		"v4 other algorithm":             {strings.Replace(v4URL("20261130T100000Z", "60"), "OSS4-HMAC-SHA256", "AWS4-HMAC-SHA256", 1), false, "", 0},
		"v4 unsigned":                    {strings.Replace(v4URL("20261130T100000Z", "60"), "x-oss-signature=", "x-oss-other=", 1), false, "", 0},
		"v4 without credential":          {strings.Replace(v4URL("20261130T100000Z", "60"), "x-oss-credential=", "x-oss-cred=", 1), false, "", 0},
		"v4 on a CDN host":               {strings.Replace(v4URL("20261130T100000Z", "60"), "outin-1.oss-cn-shanghai.aliyuncs.com", "cdn.example.com", 1), false, "", 0},
		"cdn":                            {"https://cdn.example.com/a.png?auth_key=1-0-0-abc", false, "", 0},
		"bad query encoding":             {v4Host + "x-oss-date=%zz", false, "", 0},
		"unparsable":                     {"https://[::1", false, "", 0},
		"empty":                          {"", false, "", 0},
		"v1 and v4 parameters, v4 rules": {v4URL("20261130T100000Z", "60") + "&Expires=1&OSSAccessKeyId=a&Signature=b", true, "V4", signed.Unix() + 60},
	} {
		t.Run(name, func(t *testing.T) {
			got, ok := parseOSSURLSignature(tc.url)
			if ok != tc.ok || ok && (got.version != tc.version || got.expires != tc.expires) {
				t.Errorf("= %+v, %v; want %s %d %v", got, ok, tc.version, tc.expires, tc.ok)
			}
		})
	}
}

// Parsing any URL never panics, and what it accepts is a sane expiry.
func FuzzParseOSSURLSignature(f *testing.F) {
	for _, seed := range []string{
		v4URL("20261130T100000Z", "600"), v4URL("00010101T000000Z", "1"), v4URL("20261130T100000Z", "604800"),
		"https://b.oss-cn-shanghai.aliyuncs.com/a.png?Expires=1796037000&OSSAccessKeyId=LTAI&Signature=c2ln",
		"https://b.oss-cn-shanghai.aliyuncs.com/a.png?Expires=-1&OSSAccessKeyId=LTAI&Signature=c2ln", "%", "https://[::1", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		sig, ok := parseOSSURLSignature(raw)
		if !ok {
			return
		}
		if sig.expires < 0 || sig.expires > maxRFC3339Unix || (sig.version == ossSignatureV4) != (sig.validity > 0) || sig.validity > maxOSSV4URLValidity {
			t.Fatalf("%q: %+v", raw, sig)
		}
		_ = urlExpiry(time.Unix(0, 0), 1<<62, raw).Format(timeFormat)
		_ = v4CapWarning("x", 1<<62, raw, "")
	})
}

func TestURLExpiryV4(t *testing.T) {
	requested := time.Date(2026, 11, 30, 10, 0, 0, 300e6, time.UTC)
	for name, tc := range map[string]struct {
		url         string
		authTimeout int64
		want        string
	}{
		// A V4 URL holds 7 days at most: its own expiry, not auth_timeout's, is when it stops.
		"v4 cut to 7 days":       {v4URL("20261130T100000Z", "604800"), 2592000, "2026-12-07T10:00:00Z"},
		"v4 as asked":            {v4URL("20261130T100000Z", "600"), 600, "2026-11-30T10:10:00Z"},
		"v4 VOD's clock behind":  {v4URL("20261130T095500Z", "600"), 600, "2026-11-30T10:05:00Z"},
		"v4 VOD's clock ahead":   {v4URL("20261130T100500Z", "600"), 600, "2026-11-30T10:10:00Z"},
		"v4 malformed: fallback": {v4URL("20261130T100000Z", "soon"), 600, "2026-11-30T10:10:00Z"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := urlExpiry(requested, tc.authTimeout, tc.url).Format(timeFormat); got != tc.want {
				t.Errorf("urlExpiry = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestRenewMargin(t *testing.T) {
	requested := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		validity, renewBefore, want int64
	}{
		"fits":                             {600, 300, 300},
		"zero":                             {600, 0, 0},
		"default half of 30 days, 7 held":  {604800, 1296000, 302400},
		"equal to what the URL holds":      {600, 600, 300},
		"an odd second":                    {601, 700, 300},
		"a URL that expired already":       {0, 300, 300},
		"a URL that expired before asking": {-60, 300, 300},
	} {
		t.Run(name, func(t *testing.T) {
			got := renewMargin(requested, requested.Add(time.Duration(tc.validity)*time.Second), tc.renewBefore)
			if got != tc.want {
				t.Errorf("renewMargin = %d, want %d", got, tc.want)
			}
			if tc.validity > 0 && got >= tc.validity {
				t.Errorf("renewal at or after the expiry")
			}
		})
	}
}

// fill with a V4 URL cut to 7 days: expires_at is the URL's, renew_at before it.
func TestImageURLModelFillV4(t *testing.T) {
	requested := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	m := imageURLModel{AuthTimeout: types.Int64Value(2592000), RenewBefore: types.Int64Value(1296000)}
	m.fill(&vod.Image{ImageID: "abc", URL: v4URL("20261130T100000Z", "604800")}, requested)
	if m.ExpiresAt.ValueString() != "2026-12-07T10:00:00Z" || m.RenewAt.ValueString() != "2026-12-03T22:00:00Z" {
		t.Errorf("expires_at %s, renew_at %s", m.ExpiresAt, m.RenewAt)
	}
}

func TestV4CapWarning(t *testing.T) {
	capped := v4URL("20261130T100000Z", "604800")
	w := v4CapWarning("img1", 2592000, capped, "Renewed at X.")
	if w == nil || w.Severity() != diag.SeverityWarning {
		t.Fatalf("no warning: %v", w)
	}
	for _, want := range []string{`"img1"`, "604800 seconds (7 days)", "until 2026-12-07T10:00:00Z", "2592000 seconds", "auth_timeout to 604800 or less", "Renewed at X."} {
		if !strings.Contains(w.Detail(), want) {
			t.Errorf("detail lacks %q: %s", want, w.Detail())
		}
	}
	for name, tc := range map[string]struct {
		authTimeout int64
		url         string
	}{
		"within the cap":     {604800, capped},
		"v1 holds it all":    {2592000, "https://b.oss-cn-shanghai.aliyuncs.com/a.png?Expires=1796037000&OSSAccessKeyId=LTAI&Signature=c2ln"},
		"cdn":                {2592000, "https://cdn.example.com/a.png?auth_key=1-0-0-abc"},
		"unset auth_timeout": {0, capped},
		"unparsable":         {2592000, "https://[::1"},
	} {
		if w := v4CapWarning("img1", tc.authTimeout, tc.url, ""); w != nil {
			t.Errorf("%s: %v", name, w)
		}
	}
}
