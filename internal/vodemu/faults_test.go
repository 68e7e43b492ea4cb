package vodemu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

// tryV1 sends a signed V1 GetImageInfo and, unlike callV1, reports transport
// and body errors instead of failing.
func tryV1(h *harness, client *http.Client, params url.Values) (*http.Response, []byte, error) {
	params.Set("Signature", testV1Sign(http.MethodGet, testSecret, params))
	resp, err := client.Get(h.run.URL + "/?" + params.Encode())
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func imageParams(h *harness) url.Values {
	p := v1Params("GetImageInfo", h.clock.Now())
	p.Set("ImageId", "img-cdn")
	return p
}

func TestFaultKinds(t *testing.T) {
	// The slow fault is told apart by its delay: a second, hundreds of times what any other answer
	// takes on loopback, even on a loaded machine. The client's timeout only stops a hung test.
	const slowDelay = time.Second
	h := newHarness(t, func(o *Options) { o.Faults.SlowDelay = slowDelay })
	client := &http.Client{Timeout: time.Minute}
	for _, tc := range []struct {
		kind  FaultKind
		check func(t *testing.T, resp *http.Response, body []byte, err error)
	}{
		{FaultThrottling, apiErrorCheck(400, "Throttling.User")},
		{FaultThrottling503, apiErrorCheck(503, "Throttling.User")},
		{FaultUnavailable, apiErrorCheck(503, "ServiceUnavailable")},
		{FaultInternal, apiErrorCheck(500, "InternalError")},
		{FaultReset, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) || resp != nil {
				t.Fatalf("want a broken connection: %v %v", err, resp)
			}
		}},
		{FaultTruncated, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) || resp.StatusCode != 200 || !bytes.HasPrefix(body, []byte(`{"RequestId":"`)) {
				t.Fatalf("%v %s", err, body)
			}
		}},
		{FaultMalformedJSON, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 200 || json.Valid(body) || !strings.HasSuffix(string(body), `"ImageInfo": {`) ||
				!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("%v %s", err, body)
			}
		}},
		{FaultHTML502, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 502 || resp.Header.Get("Content-Type") != "text/html" || !strings.Contains(string(body), "502 Bad Gateway") {
				t.Fatalf("%v %s", err, body)
			}
		}},
		{FaultEmpty200, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 200 || len(body) != 0 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("%v %q", err, body)
			}
		}},
		{FaultWrongContentType, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain;charset=utf-8" ||
				!json.Valid(body) || !strings.Contains(string(body), `"ImageId":"img-cdn"`) {
				t.Fatalf("%v %s", err, body)
			}
		}},
		{FaultSlow, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%v %s", err, body)
			}
		}},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			h.run.Server.InjectNext(tc.kind, 1)
			start := time.Now()
			resp, body, err := tryV1(h, client, imageParams(h))
			tc.check(t, resp, body, err)
			// Only the lower bound is a fact: a busy machine may take any time to answer the others.
			if d := time.Since(start); tc.kind == FaultSlow && d < slowDelay {
				t.Errorf("the slow answer took %v, want at least %v", d, slowDelay)
			}
			// The next request is answered normally.
			if resp, body, err := tryV1(h, client, imageParams(h)); err != nil || resp.StatusCode != 200 {
				t.Fatalf("after the fault: %v %s", err, body)
			}
		})
	}
	st := h.run.Server.Stats()
	if len(st.ByFault) != len(FaultKinds()) || st.ByCode["OK"] != 11+2 || st.ByCode["Throttling.User"] != 2 || st.ByCode["fault:reset"] != 1 {
		t.Fatalf("stats %+v", st)
	}
	for _, k := range FaultKinds() {
		if st.ByFault[string(k)] != 1 {
			t.Errorf("ByFault[%s] = %d", k, st.ByFault[string(k)])
		}
	}
}

func apiErrorCheck(status int, code string) func(*testing.T, *http.Response, []byte, error) {
	return func(t *testing.T, resp *http.Response, body []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		checkError(t, resp.StatusCode, resp.Header, body, status, code)
	}
}

func TestSlowFaultStopsWhenClientLeaves(t *testing.T) {
	// A slow answer of an hour: if it counts within a minute, the client's leaving ended it (the
	// minute is a margin of hundreds of times what that takes, not a timing target).
	h := newHarness(t, func(o *Options) { o.Faults.SlowDelay = time.Hour })
	h.run.Server.InjectNext(FaultSlow, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	p := imageParams(h)
	p.Set("Signature", testV1Sign(http.MethodGet, testSecret, p))
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.run.URL+"/?"+p.Encode(), nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("no timeout")
	}
	deadline := time.Now().Add(time.Minute)
	for h.run.Server.Stats().ByCode["fault:slow"] != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("slow fault still sleeping: %+v", h.run.Server.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFaultScope(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.STS = testSTS() })
	client := &http.Client{Timeout: time.Minute}
	// Only the named actions get the fault.
	h.run.Server.InjectNext(FaultUnavailable, 1, "GetImageInfos")
	if resp, body, err := tryV1(h, client, imageParams(h)); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %s", err, body)
	}
	p := v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", "img-cdn")
	resp, body, err := tryV1(h, client, p)
	if err != nil {
		t.Fatal(err)
	}
	checkError(t, resp.StatusCode, resp.Header, body, 503, "ServiceUnavailable")

	// Faults come before authentication: a bad signature still gets the
	// fault, and the faulted request burns no nonce.
	h.run.Server.InjectNext(FaultThrottling, 1)
	p = imageParams(h)
	p.Set("Signature", "bad")
	req, _ := http.NewRequest(http.MethodGet, h.run.URL+"/?"+p.Encode(), nil)
	status, hdr, b := h.do(req)
	checkError(t, status, hdr, b, 400, "Throttling.User")
	h.run.Server.InjectNext(FaultInternal, 1)
	p = imageParams(h)
	status, hdr, b = h.callV1(http.MethodGet, testSecret, p)
	checkError(t, status, hdr, b, 500, "InternalError")
	if status, _, b := h.callV1(http.MethodGet, testSecret, p); status != 200 {
		t.Fatalf("same nonce after the fault: %d %s", status, b)
	}

	// STS actions get STS-shaped fault errors.
	h.run.Server.InjectNext(FaultThrottling503, 1, "AssumeRole")
	status, hdr, b = h.callV1(http.MethodPost, testSecret, stsParams("AssumeRole", testNow, map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "ab"}))
	checkSTSError(t, status, hdr, b, 503, "Throttling.User")

	// Control endpoints never get faults.
	h.run.Server.SetFaultRate(FaultReset, 1)
	for _, path := range []string{"/_emulator/stats", "/_emulator/health"} {
		resp, err := client.Get(h.run.URL + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v", path, err)
		}
		_ = resp.Body.Close()
	}
	if _, _, err := tryV1(h, client, imageParams(h)); err == nil {
		t.Fatal("rate 1 did not reset")
	}
	h.run.Server.SetFaultRate(FaultReset, 0)
	if resp, body, err := tryV1(h, client, imageParams(h)); err != nil || resp.StatusCode != 200 {
		t.Fatalf("rate 0: %v %s", err, body)
	}
	// Queued faults run in order; ClearFaults drops them.
	h.run.Server.InjectNext(FaultInternal, 1)
	h.run.Server.InjectNext(FaultUnavailable, 5)
	for _, want := range []int{500, 503} {
		resp, _, err := tryV1(h, client, imageParams(h))
		if err != nil || resp.StatusCode != want {
			t.Fatalf("want %d: %v %v", want, resp, err)
		}
	}
	h.run.Server.ClearFaults()
	if resp, body, err := tryV1(h, client, imageParams(h)); err != nil || resp.StatusCode != 200 {
		t.Fatalf("after ClearFaults: %v %s", err, body)
	}
	defer func() {
		if recover() == nil {
			t.Error("unknown kind accepted")
		}
	}()
	h.run.Server.InjectNext("nope", 1)
}

func TestFaultRateIsDeterministic(t *testing.T) {
	outcomes := func(seed int64) string {
		h := newHarness(t, func(o *Options) { o.FaultSeed = seed })
		h.run.Server.SetFaultRate(FaultInternal, 0.5)
		h.run.Server.SetFaultRate(FaultUnavailable, 0.5, "GetImageInfo")
		var b strings.Builder
		for range 40 {
			status, _, _ := h.callV1(http.MethodGet, testSecret, imageParams(h))
			fmt.Fprintf(&b, "%d ", status)
		}
		st := h.run.Server.Stats()
		if st.ByFault["internal"]+st.ByFault["unavailable"]+st.ByCode["OK"] != 40 || st.ByFault["internal"] < 10 || st.ByFault["unavailable"] < 3 {
			t.Errorf("seed %d: %+v", seed, st)
		}
		return b.String()
	}
	a, b, c := outcomes(7), outcomes(7), outcomes(8)
	if a != b {
		t.Fatalf("same seed, different faults:\n%s\n%s", a, b)
	}
	if a == c {
		t.Fatalf("different seeds, same faults: %s", a)
	}
}

func TestFaultsEndpoint(t *testing.T) {
	h := newHarness(t, nil)
	post := func(body string) int {
		resp, err := http.Post(h.run.URL+"/_emulator/faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	for _, bad := range []string{`{`, `{"kind":"nope","next":1}`, `{"kind":"reset"}`, `{"kind":"reset","next":1,"rate":0.5}`,
		`{"kind":"reset","rate":2}`, `{"kind":"reset","next":-1}`, `{}`, `{"clear":true,"next":1}`, `{"kind":"reset","next":1,"extra":1}`} {
		if status := post(bad); status != 400 {
			t.Errorf("%s: %d", bad, status)
		}
	}
	if status := post(`{"kind":"throttling","next":2}`); status != 204 {
		t.Fatalf("next: %d", status)
	}
	for _, want := range []int{400, 400, 200} {
		if status, _, body := h.callV1(http.MethodGet, testSecret, imageParams(h)); status != want {
			t.Fatalf("want %d: %d %s", want, status, body)
		}
	}
	if status := post(`{"kind":"internal","rate":1,"actions":["GetImageInfos"]}`); status != 204 {
		t.Fatalf("rate: %d", status)
	}
	if status, _, _ := h.callV1(http.MethodGet, testSecret, imageParams(h)); status != 200 {
		t.Fatalf("other action faulted: %d", status)
	}
	p := v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", "img-cdn")
	if status, _, _ := h.callV1(http.MethodGet, testSecret, p); status != 500 {
		t.Fatalf("rate 1: %d", status)
	}
	if status := post(`{"clear":true}`); status != 204 {
		t.Fatalf("clear: %d", status)
	}
	p = v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", "img-cdn")
	if status, _, _ := h.callV1(http.MethodGet, testSecret, p); status != 200 {
		t.Fatalf("after clear: %d", status)
	}
	resp, err := http.Get(h.run.URL + "/_emulator/faults")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	if st := h.run.Server.Stats(); st.Requests != 6 || st.ByFault["throttling"] != 2 || st.ByFault["internal"] != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// TestSDKRetriesFaults: darabonba with retries enabled gets through
// transient faults; without, it reports them.
func TestSDKRetriesFaults(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Now = time.Now })
	retry := sdkTarget{endpoint: h.run.Addr, protocol: "http", retry: &dara.RetryOptions{Retryable: true, MaxAttempts: 3}}
	noRetry := sdkTarget{endpoint: h.run.Addr, protocol: "http"}
	call := func(to sdkTarget) error {
		_, err := sdkCall(newSDKClient(t, to, testAK, testSecret, "", ""), "GetImageInfo", "POST", map[string]string{"ImageId": "img-cdn"})
		return err
	}
	h.run.Server.InjectNext(FaultThrottling, 2)
	if err := call(retry); err != nil {
		t.Fatalf("throttling twice, then success: %v", err)
	}
	h.run.Server.InjectNext(FaultReset, 1)
	if err := call(retry); err != nil {
		t.Fatalf("reset, then success: %v", err)
	}
	st := h.run.Server.Stats()
	if st.ByCode["Throttling.User"] != 2 || st.ByCode["fault:reset"] != 1 || st.ByCode["OK"] != 2 {
		t.Fatalf("stats %+v", st)
	}
	h.run.Server.InjectNext(FaultThrottling, 1)
	if err := call(noRetry); err == nil || !strings.Contains(err.Error(), "Throttling.User") || !strings.Contains(err.Error(), "flow control") {
		t.Fatalf("throttling without retries: %v", err)
	}
	h.run.Server.InjectNext(FaultReset, 1)
	if err := call(noRetry); err == nil {
		t.Fatal("reset without retries succeeded")
	}
}
