package vod

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// fakeClock is a clock whose Sleep returns at once, having moved the time on: rate-control tests
// then depend on no machine's speed.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.advance(d)
	return nil
}

func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func fakeRateControl(ceiling float64) (*rateControl, *fakeClock) {
	clk := newFakeClock()
	rc := newRateControl(ceiling)
	rc.clock = clk
	return rc, clk
}

func (rc *rateControl) rateOf(action string) float64 {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.action(action, rc.clock.Now()).r
}

// sendOK sends n requests of action as fast as its rate lets them go, each succeeding, and returns
// the turn of the last.
func sendOK(t *testing.T, rc *rateControl, action string, n int) turn {
	t.Helper()
	var last turn
	for range n {
		var err error
		if last, err = rc.wait(context.Background(), action, time.Time{}); err != nil {
			t.Fatal(err)
		}
		rc.succeeded(action)
	}
	return last
}

func TestRateStartsAtTheDocumentedLimits(t *testing.T) {
	rc, _ := fakeRateControl(0)
	for action, want := range map[string]float64{"GetImageInfos": 10, "SearchMedia": 50, "GetImageInfo": 100, "SomethingElse": defaultStartRate} {
		if got := rc.rateOf(action); got != want {
			t.Errorf("%s starts at %v, want %v", action, got, want)
		}
	}
	// The bucket holds one second's worth: 10 GetImageInfos go at once, the 11th waits a tenth of
	// a second.
	if d := rc.delay("GetImageInfos", 10); d != 0 {
		t.Errorf("10 requests would wait %s", d)
	}
	if d := rc.delay("GetImageInfos", 11); d != 100*time.Millisecond {
		t.Errorf("11 requests would wait %s, want 100ms", d)
	}
}

// In slow start, demand raises the rate: it doubles every slowStartDoubling while requests find
// the bucket empty, and not at all while they do not (the rate is not what limits them).
func TestSlowStartRaisesTheRate(t *testing.T) {
	rc, clk := fakeRateControl(0)
	for range 5 {
		clk.advance(time.Second)
		sendOK(t, rc, "GetImageInfos", 1)
	}
	if r := rc.rateOf("GetImageInfos"); r != 10 {
		t.Fatalf("requests that found tokens changed the rate to %v", r)
	}
	sendOK(t, rc, "GetImageInfos", 5) // the rest of the bucket's 10 tokens: no wait, no growth
	if r := rc.rateOf("GetImageInfos"); r != 10 {
		t.Fatalf("the bucket's burst changed the rate to %v", r)
	}
	start := clk.Now()
	sendOK(t, rc, "GetImageInfos", 20)
	elapsed := clk.Now().Sub(start)
	r := rc.rateOf("GetImageInfos")
	if r <= 20 {
		t.Fatalf("after 20 requests that found the bucket empty (%s), the rate is %v, want it doubled at least", elapsed, r)
	}
	// Doubling every slowStartDoubling, no faster, and at most once per request.
	if bound := 10 * math.Exp2(min(float64(elapsed)/float64(slowStartDoubling)+1, 20)); r > bound {
		t.Errorf("rate %v after %s of slow start, more than %v", r, elapsed, bound)
	}
}

// After a cut, success raises the rate along the cubic (TestSuccessAfterACutProbesUpward); before
// one, success alone does not.
func TestSuccessAloneDoesNotRaiseTheRateInSlowStart(t *testing.T) {
	rc, clk := fakeRateControl(0)
	for range 50 {
		clk.advance(time.Second)
		rc.succeeded("SearchMedia")
	}
	if r := rc.rateOf("SearchMedia"); r != 50 {
		t.Fatalf("rate %v", r)
	}
}

// Throttling lowers the rate by β, to the measured send rate if that is lower; throttled answers
// to requests sent before the cut cut nothing more; the rate never goes below minRate.
func TestThrottlingLowersTheRate(t *testing.T) {
	rc, clk := fakeRateControl(0)
	sendOK(t, rc, "GetImageInfos", 40)
	before := rc.rateOf("GetImageInfos")
	sent, err := rc.wait(context.Background(), "GetImageInfos", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	early := turn{at: sent.at.Add(-time.Millisecond), rate: sent.rate}
	rc.throttled("GetImageInfos", sent)
	after := rc.rateOf("GetImageInfos")
	if after >= before || after > cubicBeta*sent.rate+1e-9 {
		t.Fatalf("a Throttling answer took the rate from %v to %v, want at most β × the %v it was sent at", before, after, sent.rate)
	}
	// The bucket is emptied: the next request waits.
	if d := rc.delay("GetImageInfos", 1); d <= 0 {
		t.Errorf("after a cut the next request would not wait")
	}
	for range 5 {
		rc.throttled("GetImageInfos", early)
		rc.throttled("GetImageInfos", sent)
	}
	if r := rc.rateOf("GetImageInfos"); r != after {
		t.Errorf("answers to requests sent before the cut changed the rate from %v to %v", after, r)
	}
	states := rc.snapshot("GetImageInfos")
	if states.Cuts != 1 || states.Throttled != 11 {
		t.Errorf("cuts %d, throttled %d; want 1 and 11", states.Cuts, states.Throttled)
	}
	// Requests sent after the cut are new evidence: each cuts again, down to the floor.
	for range 30 {
		clk.advance(time.Second)
		rc.throttled("GetImageInfos", turn{at: clk.Now(), rate: rc.rateOf("GetImageInfos")})
		clk.advance(time.Millisecond)
	}
	if r := rc.rateOf("GetImageInfos"); r != minRate {
		t.Errorf("after 30 cuts the rate is %v, want the floor %v", r, minRate)
	}
}

// After a cut, successes bring the rate back to where it was cut in K seconds (the cubic's
// plateau) and then above it.
func TestSuccessAfterACutProbesUpward(t *testing.T) {
	rc, clk := fakeRateControl(0)
	sendOK(t, rc, "SearchMedia", 200) // slow start, and a measured send rate
	sent := sendOK(t, rc, "SearchMedia", 1)
	rc.throttled("SearchMedia", sent)
	cut := rc.rateOf("SearchMedia")
	rc.mu.Lock()
	a := rc.actions["SearchMedia"]
	wmax, k := a.wmax, a.k
	rc.mu.Unlock()
	if cut != cubicBeta*wmax {
		t.Fatalf("cut to %v, want β·%v", cut, wmax)
	}
	var prev float64
	for _, at := range []float64{0.25, 0.5, 0.9, 1, 1.5} {
		// Keep sending so that the measured rate stays up, then look at the rate at t0 + at·K.
		for clk.Now().Sub(a.t0).Seconds() < at*k {
			sendOK(t, rc, "SearchMedia", 1)
		}
		r := rc.rateOf("SearchMedia")
		switch {
		case r < prev:
			t.Errorf("at %.2f·K the rate fell to %v from %v", at, r, prev)
		case at < 1 && r >= wmax:
			t.Errorf("at %.2f·K the rate %v is already at the cut's %v", at, r, wmax)
		case at > 1 && r <= wmax:
			t.Errorf("at %.2f·K the rate %v has not gone past the cut's %v", at, r, wmax)
		}
		prev = r
	}
}

// max_requests_per_second is a hard ceiling: no rate goes above it however long calls succeed,
// and requests of all actions together are paced under it.
func TestCeilingHolds(t *testing.T) {
	rc, clk := fakeRateControl(5)
	if r := rc.rateOf("GetImageInfo"); r != 5 {
		t.Fatalf("GetImageInfo starts at %v under a ceiling of 5", r)
	}
	start := clk.Now()
	for i := range 100 {
		action := []string{"GetImageInfo", "GetImageInfos", "SearchMedia"}[i%3]
		sendOK(t, rc, action, 1)
		if r := rc.rateOf(action); r > 5 {
			t.Fatalf("%s's rate %v is above the ceiling", action, r)
		}
	}
	// A bucket of 5 tokens, then 95 more at 5 per second.
	if elapsed := clk.Now().Sub(start); elapsed < 19*time.Second {
		t.Errorf("100 requests under a ceiling of 5/s took %s of the clock, want ≥ 19s", elapsed)
	}
}

// Cancellation ends a wait for a turn at once: a wait of hours on the real clock returns as soon
// as its context is cancelled, and gives its token back.
func TestCancellationStopsRateWaits(t *testing.T) {
	rc := newRateControl(1e-4) // one request per 10,000 seconds
	if _, err := rc.wait(context.Background(), "GetImageInfo", time.Time{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := rc.wait(ctx, "GetImageInfo", time.Time{})
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("wait returned %v, want context.Canceled", err)
	}
	// A wait whose turn would come after its deadline does not wait at all.
	_, err := rc.wait(context.Background(), "GetImageInfo", time.Now().Add(time.Minute))
	var budget *errRateBudget
	if !errors.As(err, &budget) || !strings.Contains(err.Error(), "past the time left") {
		t.Fatalf("wait past the deadline returned %v", err)
	}
}

// Cancellation also ends a call waiting to retry a Throttling answer, and a call waiting for its
// turn, at once (on the real clock, with waits of hours).
func TestCancellationStopsThrottledCalls(t *testing.T) {
	emu := faultEmulator(t)
	emu.Server.SetFaultRate(vodemu.FaultKind("throttling"), 1)
	c, err := New(Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret),
		ReadTimeout: 10 * time.Hour, RequestsPerSecond: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.getImageInfo(ctx, GetImageInfoInput{ImageID: testImage})
		done <- err
	}()
	// The first attempt goes at once and is throttled; the retry waits 10,000 s for its turn.
	for emu.Server.Stats().Requests == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("GetImageInfo returned %v, want context.Canceled", err)
	}
}

// A permanent throttle ends within the budget (the read timeout) with an error that names the
// code, the attempts and how long the call was throttled; many more attempts than max_retries.
func TestPermanentThrottleEndsWithinBudget(t *testing.T) {
	emu := faultEmulator(t)
	emu.Server.SetFaultRate(vodemu.FaultKind("throttling"), 1)
	c, err := New(Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret),
		ReadTimeout: 20 * time.Second, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	clk := newFakeClock()
	c.rates.clock = clk
	start := clk.Now()
	_, err = c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: testImage})
	took := clk.Now().Sub(start)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "Throttling.User" {
		t.Fatalf("want a Throttling.User APIError, got %v", err)
	}
	if took > 20*time.Second || apiErr.Throttled > 20*time.Second || apiErr.Throttled < 10*time.Second {
		t.Errorf("throttled for %s, the call took %s of the clock: want both within the 20s budget, and most of it used",
			apiErr.Throttled, took)
	}
	if apiErr.Attempts <= 2 || int64(apiErr.Attempts) != emu.Server.Stats().Requests {
		t.Errorf("%d attempts, %d requests; want more than max_retries+1 and one request each", apiErr.Attempts, emu.Server.Stats().Requests)
	}
	want := fmt.Sprintf("after %d attempts in %s", apiErr.Attempts, apiErr.Throttled.Round(100*time.Millisecond))
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if got := c.rates.snapshot("GetImageInfo"); got.Cuts == 0 || got.RequestsPerSecond >= 100 {
		t.Errorf("rate state %+v: the throttling did not lower the rate", got)
	}
}

// Where GetImageInfos has met its limit and GetImageInfo's rate has room, reads of several IDs
// go as GetImageInfo calls too, with the same results; with batchOnly they all wait for
// GetImageInfos.
func TestReadsUseBothActionsWhenOneIsSaturated(t *testing.T) {
	var ids []string
	for i := range 200 {
		ids = append(ids, fmt.Sprintf("%032x", i))
	}
	imgs := make([]vodemu.Image, len(ids))
	for i, id := range ids {
		imgs[i] = vodemu.Image{ImageInfo: vodemu.ImageInfo{ImageID: id, StorageLocation: "outin-abc.oss-cn-shanghai.aliyuncs.com", URL: "https://img.example.com/" + id + ".png"}}
	}
	emu, err := vodemu.Start(vodemu.Options{AccessKeyID: testKeyID, AccessKeySecret: testSecret, Images: imgs,
		ActionQPS: map[string]float64{"GetImageInfos": 5}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	c, err := New(Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.GetImages(context.Background(), GetImagesInput{ImageIDs: append(ids, "0123456789abcdef0123456789abcdee")})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if out.Images[i] == nil || out.Images[i].ImageID != id {
			t.Fatalf("image %d: %+v, want %s", i, out.Images[i], id)
		}
	}
	if len(out.Missing) != 1 || len(out.MissingRequestIDs) != 1 {
		t.Errorf("missing %v (request IDs %v), want the one unknown ID", out.Missing, out.MissingRequestIDs)
	}
	by := emu.Server.Stats().ByAction
	if by["GetImageInfos"] == 0 || by["GetImageInfo"] == 0 {
		t.Errorf("calls by action %v: want both GetImageInfos and GetImageInfo", by)
	}
}

// blockingClock is a clock whose Sleep waits for its context only, and says when it starts and
// how it ended: a test sees a wait that only cancellation can end.
type blockingClock struct {
	fakeClock
	started chan struct{}
	ended   chan error
}

func (c *blockingClock) Sleep(ctx context.Context, _ time.Duration) error {
	c.started <- struct{}{}
	<-ctx.Done()
	c.ended <- ctx.Err()
	return ctx.Err()
}

// When every reader of a batch has gone, the batch's own waits (here, to retry a Throttling
// answer) end at once too, though the batch does not carry any one reader's cancellation.
func TestBatchStopsWaitingWhenAllReadersHaveGone(t *testing.T) {
	emu := batchEmulator(t, 2)
	emu.Server.SetFaultRate(vodemu.FaultKind("throttling"), 1)
	c := batchClient(t, emu, time.Millisecond)
	clk := &blockingClock{fakeClock: fakeClock{now: newFakeClock().Now()}, started: make(chan struct{}, 4), ended: make(chan error, 4)}
	c.rates.clock = clk
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	for i := range 2 {
		go func() {
			_, err := c.GetImage(ctx, GetImageInfoInput{ImageID: imageID(i)})
			errs <- err
		}()
	}
	<-clk.started // the batch was throttled and waits to retry
	cancel()
	for range 2 {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Errorf("reader: %v, want context.Canceled", err)
		}
	}
	if err := <-clk.ended; !errors.Is(err, context.Canceled) {
		t.Errorf("the batch's wait ended with %v", err)
	}
}
