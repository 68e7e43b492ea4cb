package vod

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// faultEmulator is an emulator whose slow answers take 2 s, beyond the 300 ms read timeout below.
func faultEmulator(t *testing.T) *vodemu.Running {
	t.Helper()
	emu, err := vodemu.Start(vodemu.Options{
		AccessKeyID: testKeyID, AccessKeySecret: testSecret,
		Images: []vodemu.Image{{ImageInfo: vodemu.ImageInfo{ImageID: testImage, Title: "t", StorageLocation: "outin-abc.oss-cn-shanghai.aliyuncs.com", URL: "https://img.example.com/a.png"}}},
		// A slow answer takes a minute, sixty times faultReadTimeout: an attempt that waited for it
		// instead of timing out is told apart by far more than a loaded machine's slowness.
		Faults:    vodemu.FaultOptions{SlowDelay: time.Minute},
		FaultSeed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	return emu
}

// The fault matrix: every fault the emulator can inject, once (transient: the read must succeed
// within the retry budget) and for good (persistent: a clear error after the budget, no panic, no
// wait past the timeouts).
func TestFaultMatrix(t *testing.T) {
	for _, tc := range []struct {
		kind vodemu.FaultKind
		// retried says whether the client sends the request again after this fault.
		retried bool
		// code is the APIError code of the persistent case; empty for transport-level errors.
		code string
		// msg is part of the persistent error's text.
		msg string
	}{
		{vodemu.FaultKind("throttling"), true, "Throttling.User", "Throttling.User"},
		{vodemu.FaultKind("throttling-503"), true, "Throttling.User", "HTTP 503"},
		{vodemu.FaultKind("unavailable"), true, "ServiceUnavailable", "ServiceUnavailable"},
		{vodemu.FaultKind("internal"), true, "InternalError", "InternalError"},
		{vodemu.FaultKind("html-502"), true, "UnexpectedResponse", "HTTP 502"},
		{vodemu.FaultKind("reset"), true, "", "EOF"},
		{vodemu.FaultKind("slow"), true, "", "timeout"},
		{vodemu.FaultKind("truncated"), true, "", "EOF"},
		{vodemu.FaultKind("malformed-json"), true, "", "not JSON"},
		{vodemu.FaultKind("empty-200"), true, "", "body is empty"},
		{vodemu.FaultKind("wrong-content-type"), false, "", ""},
	} {
		t.Run(string(tc.kind)+"/transient", func(t *testing.T) {
			t.Parallel()
			emu := faultEmulator(t)
			emu.Server.InjectNext(tc.kind, 1)
			c := newFaultClient(t, emu, 3)
			img, err := c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: testImage})
			if err != nil || img.ImageID != testImage {
				t.Fatalf("a single %s fault must be survived: got (%v, %v)", tc.kind, img, err)
			}
			want := int64(1)
			if tc.retried {
				want = 2
			}
			if got := settledRequests(t, emu, want); got != want {
				t.Errorf("%d requests, want %d", got, want)
			}
		})
		if !tc.retried {
			continue
		}
		t.Run(string(tc.kind)+"/persistent", func(t *testing.T) {
			t.Parallel()
			emu := faultEmulator(t)
			emu.Server.InjectNext(tc.kind, 100)
			c := newFaultClient(t, emu, 2)
			start := time.Now()
			img, err := c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: testImage})
			if err == nil || img != nil {
				t.Fatalf("want only an error, got (%v, %v)", img, err)
			}
			// 3 attempts of at most faultReadTimeout each (plus millisecond backoffs) take seconds; one
			// attempt that waited for the slow answer takes a minute. The bound is half of that.
			if elapsed := time.Since(start); elapsed > 30*time.Second {
				t.Errorf("took %s, past the configured timeouts", elapsed)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q lacks %q", err, tc.msg)
			}
			var apiErr *APIError
			if strings.HasPrefix(string(tc.kind), "throttling") {
				// Throttling is retried for the read timeout, not max_retries times. How exactly the
				// budget bounds the waits is TestPermanentThrottleEndsWithinBudget's, on a fake clock; here, on the real
				// one, only that the throttling was retried past max_retries and then reported.
				if !errors.As(err, &apiErr) || apiErr.Code != tc.code || apiErr.Attempts <= 3 || apiErr.Throttled <= 0 {
					t.Errorf("want APIError %s after more than 3 attempts, got %#v", tc.code, err)
				} else if got := settledRequests(t, emu, int64(apiErr.Attempts)); got != int64(apiErr.Attempts) {
					t.Errorf("%d requests, want %d", got, apiErr.Attempts)
				}
				return
			}
			switch {
			case tc.code != "" && (!errors.As(err, &apiErr) || apiErr.Code != tc.code || apiErr.Attempts != 3):
				t.Errorf("want APIError %s after 3 attempts, got %#v", tc.code, err)
			case tc.code == "" && !strings.Contains(err.Error(), "after 3 attempts"):
				t.Errorf("want a transport error after 3 attempts, got %v", err)
			}
			if got := settledRequests(t, emu, 3); got != 3 && tc.kind != "slow" {
				t.Errorf("%d requests, want 3", got)
			}
		})
	}
}

// settledRequests is the emulator's request count once every request the client made has been
// counted. The emulator counts a request when its handler returns, which for the faults that cut
// the connection (reset, truncated: the connection is hijacked and closed first) can be just
// after the client has seen the cut, and http.Server.Shutdown does not wait for hijacked
// connections. So it waits until the count reaches want (a minute at most, only a guard against a
// hung test), then shuts the emulator down, which waits for every other handler, and reads the
// count that the test compares with want.
func settledRequests(t *testing.T, emu *vodemu.Running, want int64) int64 {
	t.Helper()
	for guard := time.Now().Add(time.Minute); emu.Server.Stats().Requests < want && time.Now().Before(guard); {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := emu.Shutdown(ctx); err != nil {
		t.Fatalf("emulator shutdown: %v", err)
	}
	return emu.Server.Stats().Requests
}

// faultReadTimeout is the fault client's read timeout: long enough that no answer but a slow
// fault's reaches it on a loaded machine, short enough that the slow cases stay quick.
const faultReadTimeout = time.Second

// newFaultClient is a client with a faultReadTimeout read timeout and millisecond backoff.
func newFaultClient(t *testing.T, emu *vodemu.Running, retries int) *Client {
	t.Helper()
	c, err := New(Config{
		Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret),
		MaxRetries: retries, ReadTimeout: faultReadTimeout, backoff: func(int) time.Duration { return time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Cancelling the operation (Ctrl-C in Terraform) ends a slow request at once.
func TestCancelDuringSlowAnswer(t *testing.T) {
	emu := faultEmulator(t)
	emu.Server.InjectNext(vodemu.FaultKind("slow"), 100)
	c, err := New(Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret), MaxRetries: 5})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.getImageInfo(ctx, GetImageInfoInput{ImageID: testImage})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	// Without cancellation the answer takes the emulator's SlowDelay, a minute; half of it is a
	// margin no loaded machine reaches, not a timing target.
	if elapsed := time.Since(start); elapsed > 30*time.Second {
		t.Errorf("cancellation took %s", elapsed)
	}
}

// A body far larger than any image's metadata is cut off with an error, not buffered.
func TestHugeResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ImageInfo":{"ImageId":"x","Description":"`))
		chunk := []byte(strings.Repeat("a", 1<<16))
		for range (maxResponseBytes / len(chunk)) + 2 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`"}}`))
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, testSecret, SignatureV3, 0)
	img, err := c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: "x"})
	if err == nil || img != nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("want errResponseTooLarge, got (%v, %v)", img, err)
	}
}

// CreateUploadImage creates an image each time VOD carries it out, and takes no token that would
// let VOD see a repeat: after a fault that may follow VOD's doing it, the client does not send it
// again (a second, empty image would be left behind); after throttling, a refusal, it does.
func TestCreateNotRepeatedAfterAFault(t *testing.T) {
	for _, tc := range []struct {
		kind     vodemu.FaultKind
		requests int64
	}{
		{vodemu.FaultKind("unavailable"), 1},
		{vodemu.FaultKind("internal"), 1},
		{vodemu.FaultKind("reset"), 1},
		{vodemu.FaultKind("truncated"), 1},
		{vodemu.FaultKind("malformed-json"), 1},
		{vodemu.FaultKind("throttling"), 2},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			t.Parallel()
			emu := faultEmulator(t)
			emu.Server.InjectNext(tc.kind, 1, "CreateUploadImage")
			c := newFaultClient(t, emu, 3)
			_, err := c.CreateUploadImage(context.Background(), CreateUploadImageInput{ImageType: "default", ImageExt: "png"})
			if retried := tc.requests > 1; retried != (err == nil) {
				t.Errorf("CreateUploadImage after one %s: error %v", tc.kind, err)
			}
			if got := settledRequests(t, emu, tc.requests); got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
		})
	}
}
