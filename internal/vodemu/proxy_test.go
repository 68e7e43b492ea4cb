package vodemu

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// proxyClient sends every request through r as an HTTP proxy.
func proxyClient(t *testing.T, r *Running) *http.Client {
	t.Helper()
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{Proxy: http.ProxyURL(u), TLSClientConfig: &tls.Config{RootCAs: testCA.CertPool()}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

func TestConnectProxy(t *testing.T) {
	r := startTLS(t, nil)
	c := proxyClient(t, r)
	get := func(u string) (int, string, error) {
		resp, err := c.Get(u)
		if err != nil {
			return 0, "", err
		}
		defer func() { _ = resp.Body.Close() }()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), err
	}
	for _, u := range []string{
		"https://vod.cn-shanghai.aliyuncs.com/_emulator/health",
		"https://sts.aliyuncs.com/_emulator/health",
		"https://" + r.Addr + "/_emulator/health", // the emulator itself
		"http://vod.cn-shanghai.aliyuncs.com/_emulator/health",
	} {
		if status, body, err := get(u); err != nil || status != 200 || body != "ok" {
			t.Fatalf("%s: %d %q %v", u, status, body, err)
		}
	}
	// A signed call through the tunnel, V1 and V3.
	p := v1Params("GetImageInfo", time.Now())
	p.Set("ImageId", "img-cdn")
	p.Set("Signature", testV1Sign(http.MethodGet, testSecret, p))
	if status, body, err := get("https://vod.cn-shanghai.aliyuncs.com/?" + p.Encode()); err != nil || status != 200 {
		t.Fatalf("%d %s %v", status, body, err)
	}
	// The tunnels never dialled anywhere: other targets are refused.
	for _, u := range []string{
		"https://example.com/",
		"https://vod.cn-shanghai.aliyuncs.com:8443/",
		"https://127.0.0.1:1/",
		"http://example.com/",
	} {
		if status, _, err := get(u); err == nil && status != http.StatusForbidden {
			t.Errorf("%s: %d", u, status)
		} else if err != nil && !strings.Contains(err.Error(), "Forbidden") {
			t.Errorf("%s: %v", u, err)
		}
	}
	st := r.Server.Stats()
	// Three tunnels: the signed call reused the first one.
	if st.ProxyConnects != 3 || st.ProxyRefused != 4 || st.Requests != 1 || st.ByCode["OK"] != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestConnectRefusalBody(t *testing.T) {
	r := startTLS(t, nil)
	conn, err := net.Dial("tcp", r.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	_, _ = io.WriteString(conn, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: http.MethodConnect})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 403 || !strings.Contains(string(b), "CONNECT to example.com:443 refused") ||
		!strings.Contains(string(b), "never connects") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}

// TestConnectWithoutRunning: a Server used as a plain handler has no
// listener to serve tunnels on.
func TestConnectWithoutRunning(t *testing.T) {
	s, err := New(Options{AccessKeyID: "a", AccessKeySecret: "s", CA: testCA})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	_, _ = io.WriteString(conn, "CONNECT sts.aliyuncs.com:443 HTTP/1.1\r\nHost: sts.aliyuncs.com:443\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: http.MethodConnect})
	if err != nil || resp.StatusCode != http.StatusNotImplemented {
		t.Fatalf("%v %v", resp, err)
	}
}
