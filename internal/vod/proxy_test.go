package vod

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func clearProxyEnv(t *testing.T) {
	for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"} {
		t.Setenv(name, "")
	}
}

// A proxy variable that does not parse is named, with its password hidden; the variable for the
// other scheme, a parseable value and a host listed in NO_PROXY are not refused.
func TestCheckProxy(t *testing.T) {
	const pw = "Hunter2-proxy-pw"
	for _, tc := range []struct {
		name, scheme, host string
		env                map[string]string
		wantVar            string // "" for no error
	}{
		{"unset", "https", "vod.example", nil, ""},
		{"valid", "https", "vod.example", map[string]string{"HTTPS_PROXY": "http://u:" + pw + "@proxy:3128"}, ""},
		{"bad port", "https", "vod.example", map[string]string{"HTTPS_PROXY": "http://u:" + pw + "@127.0.0.1:notaport"}, "HTTPS_PROXY"},
		{"bad host, lower case", "https", "vod.example", map[string]string{"https_proxy": "http://u:" + pw + "@[::1"}, "https_proxy"},
		{"upper case wins", "https", "vod.example", map[string]string{"HTTPS_PROXY": "http://proxy:3128", "https_proxy": "http://u:" + pw + "@[::1"}, ""},
		{"other scheme's variable", "https", "vod.example", map[string]string{"HTTP_PROXY": "http://u:" + pw + "@[::1"}, ""},
		{"http reads HTTP_PROXY", "http", "127.0.0.1:8080", map[string]string{"HTTP_PROXY": "http://u:" + pw + "@[::1"}, "HTTP_PROXY"},
		{"host in NO_PROXY", "https", "vod.example", map[string]string{"HTTPS_PROXY": "http://u:" + pw + "@[::1", "NO_PROXY": "a.example,vod.example"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearProxyEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			err := CheckProxy(tc.scheme, tc.host)
			var perr *ProxyError
			switch {
			case tc.wantVar == "" && err != nil:
				t.Fatalf("CheckProxy = %v, want nil", err)
			case tc.wantVar == "":
			case !errors.As(err, &perr):
				t.Fatalf("CheckProxy = %v, want a *ProxyError", err)
			case perr.Variable != tc.wantVar || strings.Contains(err.Error(), pw) || !strings.Contains(err.Error(), "xxxxx"):
				t.Errorf("CheckProxy = %q (variable %s), want %s named and the password hidden", err, perr.Variable, tc.wantVar)
			}
		})
	}
}

// The SDK core's parse error for a proxy variable, which quotes the value whole, becomes a
// *ProxyError that is not retried; other parse errors pass through.
func TestProxyErrorFrom(t *testing.T) {
	clearProxyEnv(t)
	value := "http://admin:Hunter2-proxy-pw@127.0.0.1:notaport"
	t.Setenv("https_proxy", value)
	// What dara.getHttpProxy's url.Parse returns for this value.
	parseErr := &url.Error{Op: "parse", URL: value, Err: errors.New(`invalid port ":notaport" after host`)}
	err := proxyErrorFrom(fmt.Errorf("wrapped: %w", parseErr))
	var perr *ProxyError
	if !errors.As(err, &perr) || perr.Variable != "https_proxy" || strings.Contains(err.Error(), "Hunter2") {
		t.Fatalf("proxyErrorFrom = %v", err)
	}
	if isRetryable(apiErrorFrom("GetImageInfo", parseErr)) {
		t.Error("a malformed proxy variable is retried")
	}
	other := &url.Error{Op: "parse", URL: "http://[::1", Err: errors.New("missing ']' in host")}
	if got := proxyErrorFrom(other); !errors.Is(got, other) {
		t.Errorf("an unrelated parse error became %v", got)
	}
}
