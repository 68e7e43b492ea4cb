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
		Images:    []vodemu.Image{{ImageId: testImage, Title: "t", StorageLocation: "outin-abc.oss-cn-shanghai.aliyuncs.com", URL: "https://img.example.com/a.png"}},
		Faults:    vodemu.FaultOptions{SlowDelay: 2 * time.Second},
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
			img, err := c.GetImageInfo(context.Background(), GetImageInfoInput{ImageID: testImage})
			if err != nil || img.ImageID != testImage {
				t.Fatalf("a single %s fault must be survived: got (%v, %v)", tc.kind, img, err)
			}
			want := int64(1)
			if tc.retried {
				want = 2
			}
			if got := settledRequests(emu); got != want {
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
			img, err := c.GetImageInfo(context.Background(), GetImageInfoInput{ImageID: testImage})
			if err == nil || img != nil {
				t.Fatalf("want only an error, got (%v, %v)", img, err)
			}
			// 3 attempts of at most connect+read timeout each, plus millisecond backoffs.
			if elapsed := time.Since(start); elapsed > 3*(300*time.Millisecond+time.Second)+time.Second {
				t.Errorf("took %s, past the configured timeouts", elapsed)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q lacks %q", err, tc.msg)
			}
			var apiErr *APIError
			if strings.HasPrefix(string(tc.kind), "throttling") {
				// Throttling is retried for the read timeout (300 ms here), not max_retries times: the
				// waits end within it, the last attempt may take up to one more read timeout.
				if !errors.As(err, &apiErr) || apiErr.Code != tc.code || apiErr.Attempts <= 3 ||
					apiErr.Throttled <= 0 || apiErr.Throttled > 2*300*time.Millisecond {
					t.Errorf("want APIError %s after more than 3 attempts in at most 600 ms, got %#v", tc.code, err)
				} else if got := settledRequests(emu); got != int64(apiErr.Attempts) {
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
			if got := settledRequests(emu); got != 3 && tc.kind != "slow" {
				t.Errorf("%d requests, want 3", got)
			}
		})
	}
}

// settledRequests is the emulator's request count once it stops changing: a server that cut the
// connection may count the request just after the client has seen the cut.
func settledRequests(emu *vodemu.Running) int64 {
	last := emu.Server.Stats().Requests
	for range 20 {
		time.Sleep(10 * time.Millisecond)
		n := emu.Server.Stats().Requests
		if n == last {
			return n
		}
		last = n
	}
	return last
}

// newFaultClient is a client with a 300 ms read timeout and millisecond backoff.
func newFaultClient(t *testing.T, emu *vodemu.Running, retries int) *Client {
	t.Helper()
	c, err := New(Config{
		Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret),
		MaxRetries: retries, ReadTimeout: 300 * time.Millisecond, Backoff: func(int) time.Duration { return time.Millisecond },
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
	_, err = c.GetImageInfo(ctx, GetImageInfoInput{ImageID: testImage})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("cancellation took %s, want under a second", elapsed)
	}
}

// A body far larger than any image's metadata is cut off with an error, not buffered.
func TestHugeResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ImageInfo":{"ImageId":"x","Description":"`))
		chunk := []byte(strings.Repeat("a", 1<<16))
		for range (MaxResponseBytes / len(chunk)) + 2 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`"}}`))
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, testSecret, SignatureV3, 0)
	img, err := c.GetImageInfo(context.Background(), GetImageInfoInput{ImageID: "x"})
	if err == nil || img != nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("want ErrResponseTooLarge, got (%v, %v)", img, err)
	}
}
