package vod

import (
	"net"
	"net/http"
	"time"
)

// httpClient is the SDK core's HTTP client, replaced: the default one is shared process-wide and
// rewritten on every request (a data race under concurrent reads), builds a new transport per
// request (no connection reuse), and bends the standard proxy rules. This one keeps one pooled
// transport and uses Go's standard HTTP(S)_PROXY/NO_PROXY handling.
type httpClient struct {
	client *http.Client
}

func newHTTPClient(connectTimeout, readTimeout time.Duration) *httpClient {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext
	transport.TLSHandshakeTimeout = connectTimeout
	transport.ResponseHeaderTimeout = readTimeout
	transport.MaxIdleConnsPerHost = 64
	return &httpClient{client: &http.Client{Transport: transport, Timeout: connectTimeout + readTimeout}}
}

// Call implements dara.HttpClient; the per-request transport the SDK core offers is ignored.
func (h *httpClient) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	return h.client.Do(req)
}
