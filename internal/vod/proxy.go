package vod

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// ProxyError says that the proxy variable for a request's scheme is not a URL: a configuration
// mistake, never retried. The SDK core that sends VOD and STS calls parses HTTPS_PROXY (for https)
// or HTTP_PROXY (for http), and their lower-case spellings, with url.Parse before every request and
// fails the request when that fails (github.com/alibabacloud-go/tea dara.getHttpProxy), quoting the
// value whole, proxy password included. This error names the variable and hides the value's user
// info and query.
type ProxyError struct {
	Variable string // the variable read: HTTPS_PROXY, https_proxy, HTTP_PROXY or http_proxy
	Value    string // its value, redacted by RedactURL
	Reason   string // why it does not parse, with the value's secrets hidden
}

func (e *ProxyError) Error() string {
	return fmt.Sprintf("the proxy variable %s is not a valid URL (%s): %s", e.Variable, e.Value, e.Reason)
}

// proxyVariable is the variable that gives the proxy for a request with this scheme, and its
// value, in the SDK core's order: the upper-case spelling, then the lower-case one. HTTPS requests
// never fall back to HTTP_PROXY, and ALL_PROXY is not read (net/http reads them the same way).
func proxyVariable(scheme string) (name, value string) {
	names := []string{"HTTP_PROXY", "http_proxy"}
	if strings.EqualFold(scheme, "https") {
		names = []string{"HTTPS_PROXY", "https_proxy"}
	}
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return n, v
		}
	}
	return names[0], ""
}

// CheckProxy returns a *ProxyError if requests to host over scheme ("https" or "http") would fail
// because the proxy variable for that scheme does not parse. Like the SDK core, it skips the check
// when host is one of NO_PROXY's (or no_proxy's) comma-separated entries, compared exactly.
func CheckProxy(scheme, host string) error {
	noProxy := os.Getenv("NO_PROXY")
	if noProxy == "" {
		noProxy = os.Getenv("no_proxy")
	}
	for _, h := range strings.Split(noProxy, ",") {
		if h != "" && h == host {
			return nil
		}
	}
	name, value := proxyVariable(scheme)
	if value == "" {
		return nil
	}
	_, err := url.Parse(value)
	if err == nil {
		return nil
	}
	return newProxyError(name, value, err)
}

func newProxyError(name, value string, err error) *ProxyError {
	reason := err.Error()
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		reason = urlErr.Err.Error() // without the quoted value
	}
	for _, s := range URLSecrets(value) {
		reason = strings.ReplaceAll(reason, s, "xxxxx")
	}
	return &ProxyError{Variable: name, Value: RedactURL(value), Reason: reason}
}

// proxyErrorFrom turns the SDK core's parse error for a proxy variable (the one proxyVariable says
// it read, for either scheme) into a *ProxyError; other errors pass through.
func proxyErrorFrom(err error) error {
	var urlErr *url.Error
	if !errors.As(err, &urlErr) || urlErr.Op != "parse" {
		return err
	}
	for _, scheme := range []string{"https", "http"} {
		if name, v := proxyVariable(scheme); v != "" && v == urlErr.URL {
			return newProxyError(name, v, urlErr)
		}
	}
	return err
}
