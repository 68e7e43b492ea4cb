package vod

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

const (
	testKeyID  = "LTAI5tClientTest"
	testSecret = "client-test-secret"
	testImage  = "0123456789abcdef0123456789abcdef"
)

func testCredential(t testing.TB, secret string) credentials.Credential {
	t.Helper()
	cred, err := credentials.NewCredential(&credentials.Config{
		Type: strp("access_key"), AccessKeyId: strp(testKeyID), AccessKeySecret: strp(secret),
	})
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

func newTestClient(t *testing.T, endpoint, secret string, sig SignatureVersion, retries int) *Client {
	t.Helper()
	c, err := New(Config{
		Endpoint: endpoint, RegionID: "cn-shanghai", Credential: testCredential(t, secret), SignatureVersion: sig,
		MaxRetries: retries, backoff: func(int) time.Duration { return time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func strp(s string) *string { return &s }

func startEmulator(t *testing.T) *vodemu.Running {
	t.Helper()
	emu, err := vodemu.Start(vodemu.Options{
		AccessKeyID: testKeyID, AccessKeySecret: testSecret,
		Images: []vodemu.Image{{
			ImageInfo: vodemu.ImageInfo{
				ImageID: testImage, Title: "t", Status: "Normal", Tags: "a,b",
				StorageLocation: "outin-abc.oss-cn-shanghai.aliyuncs.com",
				URL:             "https://img.example.com/image/default/X.png",
			},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	return emu
}

// The real SDK core signs and the emulator verifies, with both signature versions.
func TestGetImageInfoAgainstEmulator(t *testing.T) {
	emu := startEmulator(t)
	for _, sig := range []SignatureVersion{SignatureV3, SignatureV1} {
		t.Run(string(sig), func(t *testing.T) {
			c := newTestClient(t, emu.URL, testSecret, sig, 0)
			img, err := c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: testImage, OutputType: OutputTypeOSS, AuthTimeout: 60})
			if err != nil {
				t.Fatal(err)
			}
			if img.ImageID != testImage || img.Title != "t" || len(img.Tags) != 2 {
				t.Errorf("unexpected image %+v", img)
			}
			_, err = c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: "ffffffffffffffffffffffffffffffff"})
			var apiErr *APIError
			if !IsNotFound(err) || !errors.As(err, &apiErr) || apiErr.RequestID == "" || apiErr.HTTPStatus != 404 {
				t.Errorf("want NoSuchResource with a request ID, got %#v", err)
			}
		})
	}
}

func TestWrongSecretIsNotRetried(t *testing.T) {
	emu := startEmulator(t)
	c := newTestClient(t, emu.URL, "wrong", SignatureV3, 3)
	_, err := c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: testImage})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "SignatureDoesNotMatch" || apiErr.Recommend == "" {
		t.Fatalf("want SignatureDoesNotMatch with a Recommend link, got %v", err)
	}
	if n := emu.Server.Stats().Requests; n != 1 {
		t.Errorf("a signature error was sent %d times, want once", n)
	}
}

// flaky answers the first failures requests with status/code, then a valid image.
func flaky(t *testing.T, failures int, status int, code string) (*httptest.Server, *int32, *sync.Map) {
	t.Helper()
	var calls int32
	nonces := &sync.Map{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := atomic.AddInt32(&calls, 1)
		nonces.Store(r.Header.Get("x-acs-signature-nonce"), true)
		w.Header().Set("Content-Type", "application/json")
		if int(n) <= failures {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"RequestId":"R-` + code + `","Code":"` + code + `","Message":"try later"}`))
			return
		}
		_, _ = w.Write([]byte(`{"RequestId":"OK","ImageInfo":{"ImageId":"` + testImage + `"}}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &calls, nonces
}

func TestRetries(t *testing.T) {
	for name, tc := range map[string]struct {
		failures, status int
		code             string
		maxRetries       int
		wantCalls        int32
		wantErr          bool
	}{
		"throttled then ok":        {2, 400, "Throttling.User", 3, 3, false},
		"unavailable then ok":      {1, 503, "ServiceUnavailable", 3, 2, false},
		"internal error exhausts":  {9, 500, "InternalError", 2, 3, true},
		"client error not retried": {9, 400, "InvalidParameter", 3, 1, true},
		"retries switched off":     {9, 503, "ServiceUnavailable", 0, 1, true},
	} {
		t.Run(name, func(t *testing.T) {
			srv, calls, nonces := flaky(t, tc.failures, tc.status, tc.code)
			c := newTestClient(t, srv.URL, testSecret, SignatureV3, tc.maxRetries)
			_, err := c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: testImage})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if got := atomic.LoadInt32(calls); got != tc.wantCalls {
				t.Errorf("%d calls, want %d", got, tc.wantCalls)
			}
			distinct := 0
			nonces.Range(func(any, any) bool { distinct++; return true })
			if int32(distinct) != tc.wantCalls {
				t.Errorf("%d distinct nonces over %d calls: every attempt must be signed afresh", distinct, tc.wantCalls)
			}
		})
	}
}

func TestCancelStopsRetrying(t *testing.T) {
	srv, _, _ := flaky(t, 1000, 503, "ServiceUnavailable")
	c := newTestClient(t, srv.URL, testSecret, SignatureV3, 10)
	c.backoff = func(int) time.Duration { return time.Hour }
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.getImageInfo(ctx, GetImageInfoInput{ImageID: testImage})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a deadline error, got %v", err)
	}
	// A backoff that ignored the deadline would take an hour: a minute tells the two apart on any
	// machine, however loaded.
	if elapsed := time.Since(start); elapsed > time.Minute {
		t.Errorf("cancellation took %s", elapsed)
	}
}

func TestBackoffIsBoundedAndJittered(t *testing.T) {
	seen := map[time.Duration]bool{}
	for attempt := 1; attempt <= 10; attempt++ {
		for range 20 {
			d := exponentialBackoff(attempt)
			if d <= 0 || d > 5*time.Second {
				t.Fatalf("backoff(%d) = %s, want within (0, 5s]", attempt, d)
			}
			seen[d] = true
		}
	}
	if len(seen) < 50 {
		t.Errorf("only %d distinct waits in 200 draws: no jitter?", len(seen))
	}
}

// Terraform reads data sources in parallel: one client must serve concurrent calls (run with -race).
func TestConcurrentCalls(t *testing.T) {
	emu := startEmulator(t)
	c := newTestClient(t, emu.URL, testSecret, SignatureV3, 0)
	const n = 32
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: testImage, OutputType: OutputTypeCDN})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := emu.Server.Stats().ByCode["OK"]; got != n {
		t.Errorf("the emulator answered %d requests successfully, want %d", got, n)
	}
}
