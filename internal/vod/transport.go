package vod

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// maxResponseBytes bounds a response body: image metadata is a few kilobytes, so anything near
// this is not VOD talking.
const maxResponseBytes = 4 << 20

// errResponseTooLarge is returned when a response body exceeds maxResponseBytes.
var errResponseTooLarge = fmt.Errorf("the response body is larger than %d bytes", maxResponseBytes)

// httpClient is the SDK core's HTTP client, replaced: the default one is shared process-wide and
// rewritten on every request (a data race under concurrent reads), builds a new transport per
// request (no connection reuse), and bends the standard proxy rules. This one keeps one pooled
// transport, uses Go's standard HTTP(S)_PROXY/NO_PROXY handling, bounds response bodies and turns
// error pages that are not VOD's JSON into JSON the SDK core can read.
type httpClient struct {
	client *http.Client
}

func newHTTPClient(connectTimeout, readTimeout time.Duration) *httpClient {
	transport := baseTransport()
	transport.DialContext = (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext
	transport.TLSHandshakeTimeout = connectTimeout
	transport.ResponseHeaderTimeout = readTimeout
	transport.MaxIdleConnsPerHost = 64
	return &httpClient{client: &http.Client{Transport: transport, Timeout: connectTimeout + readTimeout}}
}

// baseTransport is a copy of http.DefaultTransport, or of its settings if something in the process
// replaced it with another kind of RoundTripper.
func baseTransport() *http.Transport {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Call implements dara.HttpClient; the per-request transport the SDK core offers is ignored.
func (h *httpClient) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	resp, err := h.client.Do(req) //nolint:gosec // G704: requests go to the endpoint the user configured, which is the point
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{ReadCloser: resp.Body, left: maxResponseBytes}
	if resp.StatusCode >= 400 {
		return withJSONError(resp)
	}
	return resp, nil
}

// withJSONError makes sure an error response has a JSON body. The SDK core parses error bodies as
// JSON and, on anything else (a proxy's HTML 502 page), loses the status code and retryability;
// such a body is replaced by a JSON error that keeps the status and quotes the start of the page.
func withJSONError(resp *http.Response) (*http.Response, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close() // what was read is all that is used; a failed close changes nothing
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		snippet := strings.Join(strings.Fields(string(body)), " ")
		if len(snippet) > 200 {
			snippet = snippet[:200] + "…"
		}
		body, _ = json.Marshal(map[string]string{
			"RequestId": resp.Header.Get("x-acs-request-id"),
			"Code":      "UnexpectedResponse",
			"Message": fmt.Sprintf("HTTP %s with a %q body instead of VOD's JSON error (a proxy or load balancer "+
				"may have answered): %s", resp.Status, resp.Header.Get("Content-Type"), snippet),
		})
		resp.Header.Set("Content-Type", "application/json")
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// limitedBody fails a read past maxResponseBytes instead of buffering without bound.
type limitedBody struct {
	io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var probe [1]byte
		if n, _ := b.ReadCloser.Read(probe[:]); n > 0 {
			return 0, errResponseTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
