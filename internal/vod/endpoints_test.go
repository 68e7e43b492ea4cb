package vod

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every region of VOD's Endpoints page gets the host the page gives; cn-hangzhou and the other
// regions of the official client's endpoint map get the map's host; any other region the client's
// regional rule.
func TestEndpointForRegion(t *testing.T) {
	for region, want := range map[string]string{
		"cn-shanghai":      "https://vod.cn-shanghai.aliyuncs.com",
		"ap-southeast-1":   "https://vod.ap-southeast-1.aliyuncs.com",
		"me-central-1":     "https://vod.me-central-1.aliyuncs.com",
		"cn-north-2-gov-1": "https://vod.cn-north-2-gov-1.aliyuncs.com",
		"ap-south-1":       "https://vod.ap-south-1.aliyuncs.com",
		"cn-hangzhou":      "https://vod.cn-shanghai.aliyuncs.com",
		"cn-qingdao":       "https://vod.aliyuncs.com",
		"cn-wulanchabu":    "https://vod.aliyuncs.com",
		"us-east-1":        "https://vod.aliyuncs.com",
		"ap-southeast-7":   "https://vod.ap-southeast-7.aliyuncs.com",
	} {
		if got := EndpointForRegion(region); got != want {
			t.Errorf("EndpointForRegion(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestRegionsOfTheEndpointsPage(t *testing.T) {
	var active, deactivated []string
	for _, r := range Regions() {
		if r.Public != "vod."+r.ID+".aliyuncs.com" || r.VPC != "vod-vpc."+r.ID+".aliyuncs.com" || r.Name == "" {
			t.Errorf("%+v: hosts or name not as the page gives them", r)
		}
		if _, mapped := sdkEndpointMap[r.ID]; mapped {
			t.Errorf("%s is in the SDK's endpoint map; the page's host must win", r.ID)
		}
		if r.Deactivated {
			deactivated = append(deactivated, r.ID)
		} else {
			active = append(active, r.ID)
		}
	}
	if len(active) != 11 || strings.Join(deactivated, ",") != "ap-south-1" {
		t.Errorf("active %v, deactivated %v: the page lists 11 active regions and ap-south-1 deactivated", active, deactivated)
	}
	if len(SDKMappedRegions()) != 44 {
		t.Errorf("the SDK's endpoint map has 44 entries, got %d", len(SDKMappedRegions()))
	}
}

// Every endpoint form users write is taken, or refused with the expected form and without the
// user info's password.
func TestParseEndpoint(t *testing.T) {
	for endpoint, want := range map[string]string{
		"https://vod.cn-shanghai.aliyuncs.com":  "https vod.cn-shanghai.aliyuncs.com",
		"https://vod.cn-shanghai.aliyuncs.com/": "https vod.cn-shanghai.aliyuncs.com",
		"HTTPS://vod.cn-shanghai.aliyuncs.com":  "https vod.cn-shanghai.aliyuncs.com",
		"http://127.0.0.1:8080":                 "http 127.0.0.1:8080",
		"http://127.0.0.1:8080/":                "http 127.0.0.1:8080",
		"vod.cn-shanghai.aliyuncs.com":          "https vod.cn-shanghai.aliyuncs.com",
		"vod.cn-shanghai.aliyuncs.com/":         "https vod.cn-shanghai.aliyuncs.com",
		"  127.0.0.1:8443 ":                     "https 127.0.0.1:8443",
		"[::1]:8443":                            "https [::1]:8443",
		"ftp://host":                            "",
		"https://host/some/path":                "",
		"https://host?x=1":                      "",
		"https://user:s3cretpw@host":            "",
		"user:s3cretpw@host":                    "",
		"https://host:notaport":                 "",
		"https://host:":                         "",
		"https://":                              "",
		"":                                      "",
	} {
		scheme, host, err := ParseEndpoint(endpoint)
		got := ""
		if err == nil {
			got = scheme + " " + host
		} else if !errors.Is(err, ErrEndpointForm) || !strings.Contains(err.Error(), "https://host[:port]") {
			t.Errorf("ParseEndpoint(%q): error %v does not say the forms", endpoint, err)
		}
		if got != want {
			t.Errorf("ParseEndpoint(%q) = %q (%v), want %q", endpoint, got, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("ParseEndpoint(%q): the error shows the password: %v", endpoint, err)
		}
	}
}

func TestParseSTSEndpoint(t *testing.T) {
	for endpoint, want := range map[string]string{
		"sts.aliyuncs.com":                          "sts.aliyuncs.com",
		"sts-vpc.cn-shanghai.aliyuncs.com:443":      "sts-vpc.cn-shanghai.aliyuncs.com:443",
		"https://sts-vpc.cn-shanghai.aliyuncs.com":  "sts-vpc.cn-shanghai.aliyuncs.com",
		"https://sts-vpc.cn-shanghai.aliyuncs.com/": "sts-vpc.cn-shanghai.aliyuncs.com",
		"http://sts.aliyuncs.com":                   "", // STS is called over HTTPS only
		"https://admin:s3cret@sts.aliyuncs.com":     "",
		"https://sts.aliyuncs.com/path":             "",
	} {
		got, err := ParseSTSEndpoint(endpoint)
		if got != want {
			t.Errorf("ParseSTSEndpoint(%q) = %q (%v), want %q", endpoint, got, err, want)
		}
		if err != nil && (!strings.Contains(err.Error(), "host[:port] or https://host[:port]") || strings.Contains(err.Error(), "s3cret")) {
			t.Errorf("ParseSTSEndpoint(%q): %v", endpoint, err)
		}
	}
}

func TestRedactURLForMessages(t *testing.T) {
	for in, want := range map[string]string{
		"http://admin:Pa55@127.0.0.1:8080":        "http://admin:xxxxx@127.0.0.1:8080",
		"admin:Pa55@vod.example.com":              "admin:xxxxx@vod.example.com",
		"https://TOKEN123@host/x":                 "https://xxxxx@host/x",
		"http://127.0.0.1:9/creds?token=abcd1234": "http://127.0.0.1:9/creds?token=xxxxx",
		"https://vod.cn-shanghai.aliyuncs.com":    "https://vod.cn-shanghai.aliyuncs.com",
		"sts.aliyuncs.com:443":                    "sts.aliyuncs.com:443",
		"http://us er:Pa55@host":                  "http://xxxxx@host",
		"http://user:Pa55@ho st/%zz?token=abcd":   "http://xxxxx@ho st/%zz?xxxxx",
		"":                                        "",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestURLSecrets(t *testing.T) {
	for in, want := range map[string]string{
		"http://admin:Pa55w0rd@127.0.0.1:8080": "Pa55w0rd",
		"https://TOKEN123@host":                "TOKEN123",
		"http://h/creds?token=abcd1234&n=1":    "abcd1234",
		"http://us er:Pa55w0rd@host":           "Pa55w0rd",
		"https://vod.cn-shanghai.aliyuncs.com": "",
	} {
		if got := strings.Join(URLSecrets(in), ","); got != want {
			t.Errorf("URLSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}

// noSuchHostDialer fails every dial as DNS does for a name it does not know, counting the dials:
// no lookup leaves the machine.
func noSuchHostDialer(dials *int) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(_ context.Context, network, addr string) (net.Conn, error) {
		*dials++
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
}

// An STS host that DNS does not know is a configuration mistake: not retried, not called
// transient, and the error says which setting to check and its forms. Written as a URL, the
// setting reaches the right host instead of one named "https".
func TestSTSEndpointNotFoundNamesTheSetting(t *testing.T) {
	for _, tc := range []struct{ endpoint, wantHost string }{
		{"sts-vpc.cn-shanghai.example", "sts-vpc.cn-shanghai.example"},
		{"https://sts-vpc.cn-shanghai.example/", "sts-vpc.cn-shanghai.example"},
	} {
		dials := 0
		f := testFetcher(3)
		tr, ok := f.http.client.Transport.(*http.Transport)
		if !ok {
			t.Fatalf("the fetcher's transport is a %T", f.http.client.Transport)
		}
		tr.DialContext = noSuchHostDialer(&dials)
		tr.Proxy = nil
		host, err := ParseSTSEndpoint(tc.endpoint)
		if err != nil {
			t.Fatal(err)
		}
		f.stsEndpoint, f.stsFrom = host, "argument sts_endpoint"
		_, err = f.callSTS(context.Background(), f.stsHost(""), "AssumeRole", map[string]string{"RoleArn": "acs:ram::1:role/x"},
			&static{s: session{accessKeyID: "a", accessKeySecret: "b"}})
		var ce *CredentialError
		if !errors.As(err, &ce) {
			t.Fatalf("%s: got %v, want a CredentialError", tc.endpoint, err)
		}
		if ce.Transient || dials != 1 || strings.Contains(err.Error(), "transient") {
			t.Errorf("%s: transient=%v after %d dials: %v; a host DNS does not know is not transient and not retried", tc.endpoint, ce.Transient, dials, err)
		}
		for _, want := range []string{"STS AssumeRole at " + tc.wantHost, "not found in DNS"} {
			if !strings.Contains(ce.Error(), want) {
				t.Errorf("%s: error %q lacks %q", tc.endpoint, ce.Error(), want)
			}
		}
		if !strings.Contains(ce.Fix, "argument sts_endpoint") || !strings.Contains(ce.Fix, "https://host[:port]") {
			t.Errorf("%s: fix %q does not name the setting and its forms", tc.endpoint, ce.Fix)
		}
	}
}

// The VOD client does not retry a host that DNS does not know either.
func TestVODHostNotFoundIsNotRetried(t *testing.T) {
	if isRetryable(&net.OpError{Op: "dial", Err: &net.DNSError{Name: "vod.example", IsNotFound: true}}) {
		t.Error("a host DNS does not know is retried")
	}
	if !isRetryable(&net.OpError{Op: "dial", Err: &net.DNSError{Name: "vod.example", IsTimeout: true}}) {
		t.Error("a DNS timeout must stay retryable")
	}
	if !IsHostNotFound(fmt.Errorf("GetImageInfo: %w", &net.DNSError{Name: "x", IsNotFound: true})) {
		t.Error("IsHostNotFound does not see a wrapped DNS error")
	}
}

func TestNewCredentialRefusesAnSTSEndpointOfAnotherForm(t *testing.T) {
	_, err := NewCredential(CredentialSource{AccessKeyID: "a", AccessKeySecret: "b", STSEndpoint: "http://admin:s3cretpw@sts.example",
		STSEndpointFrom: "environment variable ALIBABA_CLOUD_STS_ENDPOINT"})
	if err == nil || !strings.Contains(err.Error(), "ALIBABA_CLOUD_STS_ENDPOINT") || strings.Contains(err.Error(), "s3cretpw") ||
		!strings.Contains(err.Error(), "https://host[:port]") {
		t.Errorf("got %v", err)
	}
}

// A proxy whose host DNS does not know is named as the proxy, not as the STS setting; a credentials
// URI's host names the variable or profile field it came from.
func TestHostNotFoundBehindAProxyAndForACredentialsURI(t *testing.T) {
	proxyErr := &url.Error{Op: "Post", URL: "https://sts.example/", Err: &net.OpError{Op: "proxyconnect", Net: "tcp",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "proxy.example", IsNotFound: true}}}}
	ce := safeFetchError("STS AssumeRole at sts.example", proxyErr, 1)
	f := &fetcher{stsEndpoint: "sts.example", stsFrom: "argument sts_endpoint"}
	f.explainUnreachableSTS("sts.example", ce)
	if ce.Transient || !strings.Contains(ce.Problem, "proxy's host name was not found") || !strings.Contains(ce.Problem, "HTTPS_PROXY") ||
		strings.Contains(ce.Fix, "sts_endpoint") {
		t.Errorf("proxy DNS failure: %+v", ce)
	}
	if !IsProxyFailure(proxyErr) || IsProxyFailure(&net.OpError{Op: "dial"}) {
		t.Error("IsProxyFailure")
	}

	dials := 0
	uf := testFetcher(2)
	tr, ok := uf.http.client.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("the fetcher's transport is a %T", uf.http.client.Transport)
	}
	tr.DialContext, tr.Proxy = noSuchHostDialer(&dials), nil
	_, err := (&uriSource{f: uf, uri: "http://creds.example/x?token=abcd1234", from: "ALIBABA_CLOUD_CREDENTIALS_URI"}).get(context.Background())
	if !errors.As(err, &ce) || ce.Transient || dials != 1 || !strings.Contains(ce.Fix, "ALIBABA_CLOUD_CREDENTIALS_URI") || strings.Contains(err.Error(), "abcd1234") {
		t.Errorf("credentials URI host not found after %d dials: %v (fix %q)", dials, err, ce.Fix)
	}
}
