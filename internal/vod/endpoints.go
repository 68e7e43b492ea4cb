package vod

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// Region is a region that VOD's Endpoints page lists, with its hosts.
type Region struct {
	ID, Name string
	// Public and VPC are the API hosts the page gives.
	Public, VPC string
	// Deactivated: the page marks the region "Deactivated" (VOD is no longer offered there).
	Deactivated bool
}

// regions are the regions of VOD's "Endpoints" page, developer reference for API 2017-03-21:
// https://help.aliyun.com/en/vod/developer-reference/api-vod-2017-03-21-endpoint (ap-south-1 is
// listed as "India (Mumbai) - Deactivated"); cn-north-2-gov-1's hosts from the page's copy at
// https://www.alibabacloud.com/help/tr/vod/developer-reference/api-vod-2017-03-21-endpoint. The
// project keeps these facts in api-models/models.json, endpoints.regions.
var regions = []Region{
	{ID: "cn-beijing", Name: "China (Beijing)", Public: "vod.cn-beijing.aliyuncs.com", VPC: "vod-vpc.cn-beijing.aliyuncs.com"},
	{ID: "cn-shanghai", Name: "China (Shanghai)", Public: "vod.cn-shanghai.aliyuncs.com", VPC: "vod-vpc.cn-shanghai.aliyuncs.com"},
	{ID: "cn-shenzhen", Name: "China (Shenzhen)", Public: "vod.cn-shenzhen.aliyuncs.com", VPC: "vod-vpc.cn-shenzhen.aliyuncs.com"},
	{ID: "cn-hongkong", Name: "China (Hong Kong)", Public: "vod.cn-hongkong.aliyuncs.com", VPC: "vod-vpc.cn-hongkong.aliyuncs.com"},
	{ID: "ap-southeast-1", Name: "Singapore", Public: "vod.ap-southeast-1.aliyuncs.com", VPC: "vod-vpc.ap-southeast-1.aliyuncs.com"},
	{ID: "ap-northeast-1", Name: "Japan (Tokyo)", Public: "vod.ap-northeast-1.aliyuncs.com", VPC: "vod-vpc.ap-northeast-1.aliyuncs.com"},
	{ID: "ap-southeast-5", Name: "Indonesia (Jakarta)", Public: "vod.ap-southeast-5.aliyuncs.com", VPC: "vod-vpc.ap-southeast-5.aliyuncs.com"},
	{ID: "us-west-1", Name: "US (Silicon Valley)", Public: "vod.us-west-1.aliyuncs.com", VPC: "vod-vpc.us-west-1.aliyuncs.com"},
	{ID: "eu-central-1", Name: "Germany (Frankfurt)", Public: "vod.eu-central-1.aliyuncs.com", VPC: "vod-vpc.eu-central-1.aliyuncs.com"},
	{ID: "me-central-1", Name: "Saudi Arabia (Riyadh)", Public: "vod.me-central-1.aliyuncs.com", VPC: "vod-vpc.me-central-1.aliyuncs.com"},
	{ID: "ap-south-1", Name: "India (Mumbai)", Public: "vod.ap-south-1.aliyuncs.com", VPC: "vod-vpc.ap-south-1.aliyuncs.com", Deactivated: true},
	{ID: "cn-north-2-gov-1", Name: "Beijing Government Cloud (Industry Cloud)", Public: "vod.cn-north-2-gov-1.aliyuncs.com",
		VPC: "vod-vpc.cn-north-2-gov-1.aliyuncs.com"},
}

// sdkEndpointMap is the official vod-20170321 Go client's EndpointMap (github.com/alibabacloud-go/
// vod-20170321@1534907, client/client.go, Init: EndpointRule "regional"), kept in the project's
// api-models/models.json, endpoints.endpointMap: cn-hangzhou goes to vod.cn-shanghai, and these
// other regions to the central vod.aliyuncs.com. A region in neither this map nor the Endpoints page
// gets the SDK's regional rule, vod.<region>.aliyuncs.com.
var sdkEndpointMap = func() map[string]string {
	m := map[string]string{"cn-hangzhou": "vod.cn-shanghai.aliyuncs.com"}
	for _, r := range []string{
		"ap-northeast-2-pop", "ap-southeast-2", "ap-southeast-3", "cn-beijing-finance-1", "cn-beijing-finance-pop",
		"cn-beijing-gov-1", "cn-beijing-nu16-b01", "cn-chengdu", "cn-edge-1", "cn-fujian", "cn-haidian-cm12-c01",
		"cn-hangzhou-bj-b01", "cn-hangzhou-finance", "cn-hangzhou-internal-prod-1", "cn-hangzhou-internal-test-1",
		"cn-hangzhou-internal-test-2", "cn-hangzhou-internal-test-3", "cn-hangzhou-test-306", "cn-hongkong-finance-pop",
		"cn-huhehaote", "cn-huhehaote-nebula-1", "cn-qingdao", "cn-qingdao-nebula", "cn-shanghai-et15-b01",
		"cn-shanghai-et2-b01", "cn-shanghai-finance-1", "cn-shanghai-inner", "cn-shanghai-internal-test-1",
		"cn-shenzhen-finance-1", "cn-shenzhen-inner", "cn-shenzhen-st4-d01", "cn-shenzhen-su18-b01", "cn-wuhan",
		"cn-wulanchabu", "cn-yushanfang", "cn-zhangbei", "cn-zhangbei-na61-b01", "cn-zhangjiakou-na62-a01",
		"cn-zhengzhou-nebula-1", "eu-west-1-oxs", "me-east-1", "rus-west-1-pop", "us-east-1",
	} {
		m[r] = "vod.aliyuncs.com"
	}
	return m
}()

// Regions returns the regions of VOD's Endpoints page, the deactivated one included, in the page's
// order.
func Regions() []Region { return append([]Region(nil), regions...) }

// LookupRegion returns the Endpoints page's entry for a region ID.
func LookupRegion(id string) (Region, bool) {
	for _, r := range regions {
		if r.ID == id {
			return r, true
		}
	}
	return Region{}, false
}

// SDKMappedRegions returns the region IDs that the official client's endpoint map sends to another
// region's host or to vod.aliyuncs.com, sorted.
func SDKMappedRegions() []string {
	out := make([]string, 0, len(sdkEndpointMap))
	for r := range sdkEndpointMap {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// HostForRegion returns the public VOD API host of a region ID: the Endpoints page's host for the
// regions it lists, else the official client's endpoint map (cn-hangzhou goes to
// vod.cn-shanghai.aliyuncs.com, others such as cn-qingdao to vod.aliyuncs.com), else the client's
// regional rule, vod.<region>.aliyuncs.com. It does not check that the region exists.
func HostForRegion(region string) string {
	if r, ok := LookupRegion(region); ok {
		return r.Public
	}
	if host, ok := sdkEndpointMap[region]; ok {
		return host
	}
	return "vod." + region + ".aliyuncs.com"
}

// EndpointForRegion returns the public VOD endpoint of a region ID (HostForRegion) as an https URL
// without a path.
func EndpointForRegion(region string) string {
	return "https://" + HostForRegion(region)
}

// ErrEndpointForm is wrapped by the errors of ParseEndpoint and ParseSTSEndpoint: the value does
// not have one of the forms they take.
var ErrEndpointForm = errors.New("not an endpoint of an accepted form")

// ParseEndpoint reads a VOD endpoint in any of the forms users write: a host
// (vod.cn-shanghai.aliyuncs.com), a host and port (127.0.0.1:8080), or an http or https URL
// (https://vod-vpc.cn-shanghai.aliyuncs.com), with or without a trailing slash. A value without a
// scheme means https. It returns the scheme and host[:port]. Its errors (wrapping ErrEndpointForm)
// say what is wrong with the value shown redacted (RedactURL): a path, a query, user info, another
// scheme.
func ParseEndpoint(raw string) (scheme, host string, err error) {
	return parseEndpoint(raw, "https://host[:port], http://host[:port] or host[:port]", "http", "https")
}

// ParseSTSEndpoint reads an STS endpoint as ParseEndpoint does, but STS is always called over
// HTTPS: http:// is refused. It returns host[:port].
func ParseSTSEndpoint(raw string) (host string, err error) {
	_, host, err = parseEndpoint(raw, "host[:port] or https://host[:port]", "https")
	return host, err
}

func parseEndpoint(raw, forms string, schemes ...string) (scheme, host string, err error) {
	s := strings.TrimSpace(raw)
	shown := RedactURL(s)
	fail := func(why string) (string, string, error) {
		return "", "", fmt.Errorf("%w: %q %s; write it as %s", ErrEndpointForm, shown, why, forms)
	}
	if s == "" {
		return fail("is empty")
	}
	withScheme := strings.Contains(s, "://")
	if !withScheme {
		s2 := "https://" + s
		u, err := url.Parse(s2)
		if err != nil || u.Host == "" {
			return fail("is not a host name")
		}
		s = s2
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return fail("is not a URL or host name")
	}
	scheme = strings.ToLower(u.Scheme)
	ok := false
	for _, want := range schemes {
		ok = ok || scheme == want
	}
	switch {
	case u.User != nil:
		return fail("has user info (user:password@), which the provider does not send")
	case !ok:
		return fail(fmt.Sprintf("has the scheme %q", u.Scheme))
	case u.Path != "" && u.Path != "/":
		return fail("has a path")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fail("has a query or fragment")
	}
	h := u.Hostname()
	if h == "" || strings.ContainsAny(h, " \t%") {
		return fail("has no valid host name")
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return fail("has an invalid port")
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return fail("has an empty port")
	}
	return scheme, u.Host, nil
}

// RedactURL returns a URL or host as it may be shown in a message or log line: a password in its
// user info becomes "xxxxx" (as url.URL.Redacted writes it) and the values of its query become
// "xxxxx" too (a credentials URI may carry a token there). A value that does not parse is cut at
// its user info and query by hand, so that nothing after a ':' before '@' or after '?' is shown.
func RedactURL(raw string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return s
	}
	parseable := s
	if !strings.Contains(s, "://") {
		parseable = "//" + s
	}
	if u, err := url.Parse(parseable); err == nil && !hasHiddenUserInfo(s, u) {
		if u.RawQuery != "" {
			q := u.Query()
			for k := range q {
				q[k] = []string{"xxxxx"}
			}
			u.RawQuery = q.Encode()
		}
		u.Fragment, u.RawFragment = "", ""
		out := u.Redacted()
		if u.User != nil {
			if _, has := u.User.Password(); !has {
				// A lone user name may be a token too (https://TOKEN@host): hidden as well.
				u.User = url.User("xxxxx")
				out = u.String()
			}
		}
		return strings.TrimPrefix(out, "//")
	}
	// Unparsable: keep the scheme and what follows the last '@' of the authority, up to a query.
	scheme, rest := "", s
	if i := strings.Index(s, "://"); i >= 0 {
		scheme, rest = s[:i+3], s[i+3:]
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i] + "?xxxxx"
	}
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		rest = "xxxxx@" + rest[at+1:]
	}
	return scheme + rest
}

// hasHiddenUserInfo reports whether s has an '@' in its authority that u did not read as user
// info (then the parse cannot be trusted to hide it).
func hasHiddenUserInfo(s string, u *url.URL) bool {
	rest := s
	if i := strings.Index(s, "://"); i >= 0 {
		rest = s[i+3:]
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	return strings.Contains(rest[:end], "@") && u.User == nil
}

// URLSecrets returns the parts of a URL-like setting that must not be shown: the password (or lone
// user name) of its user info and the values of its query. For log masking.
func URLSecrets(raw string) []string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil
	}
	if !strings.Contains(s, "://") {
		s = "//" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		// Take whatever sits between "//" and the last '@' of the authority, and the query.
		var out []string
		rest := s[strings.Index(s, "//")+2:]
		if i := strings.IndexAny(rest, "?#"); i >= 0 {
			if q := rest[i+1:]; q != "" {
				out = append(out, q)
			}
			rest = rest[:i]
		}
		if end := strings.IndexByte(rest, '/'); end >= 0 {
			rest = rest[:end]
		}
		if at := strings.LastIndex(rest, "@"); at > 0 {
			ui := rest[:at]
			if c := strings.IndexByte(ui, ':'); c >= 0 && c+1 < len(ui) {
				ui = ui[c+1:]
			}
			out = append(out, ui)
		}
		return out
	}
	var out []string
	if u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			out = append(out, p)
			if esc := url.QueryEscape(p); esc != p {
				out = append(out, esc)
			}
		} else if n := u.User.Username(); n != "" {
			out = append(out, n)
		}
	}
	for _, vs := range u.Query() {
		for _, v := range vs {
			if len(v) >= 4 { // short values (a page number) would mask unrelated text
				out = append(out, v)
			}
		}
	}
	return out
}
