package vod

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate control: how fast each action is sent.
//
// VOD limits calls per account and per action, and every RAM user and process of the account
// shares the limit, so the rate one client may use is not known in advance: other plans and
// pipelines take their part, and the enforced limits "may vary by region and load" (VOD's QPS-limits
// page). Each action therefore gets a token bucket (golang.org/x/time/rate) whose fill rate learns
// the rate the account leaves this client, with the law of the AWS SDKs' adaptive retry mode
// ("Retry behavior", AWS SDKs and Tools Reference Guide; aws-sdk-go-v2 aws/retry AdaptiveMode): a
// CUBIC-like rate, cut multiplicatively on throttling and grown again along a cubic curve while calls
// succeed. Constants are those SDKs': β = 0.7, C = 0.4, a floor of 0.5 requests per second, and a
// send rate measured over half-second intervals and smoothed by 0.8.
//
//   - The rate r starts at the action's documented limit (startRates), in slow start: until the
//     first Throttling answer, r doubles every slowStartDoubling while requests find the bucket
//     empty (demand is above r), as TCP's slow start does before its first loss. The AWS SDKs
//     start with no limit at all; starting at the documented one and growing from there meets a
//     lower real limit with a few throttled requests, and a higher one (a raised quota, an
//     emulator without limits) within a fraction of a second.
//   - A Throttling answer to a request scheduled after the last cut sets wmax = min(the rate it
//     was scheduled at, r, measured send rate), r = β·wmax, K = ∛(wmax·(1−β)/C), t0 = now, and
//     empties the bucket (the server's is empty). Requests scheduled before the last cut (their
//     turn taken in the bucket, though perhaps sent after it) went at the old rate and cut nothing
//     more: a burst of throttled answers is one signal, not ten.
//   - After the first cut, a success sets r = C·(t − t0 − K)³ + wmax: back to wmax in K seconds,
//     then probing above it, slowly at first; but never above twice the measured send rate (a rate
//     never used proves nothing) unless r is already there.
//   - r stays between 0.5 per second and max_requests_per_second, if set; that ceiling also paces
//     all actions together, as before.
//
// The bucket holds max(1, r) tokens: one second's worth, as the AWS SDKs' does.
const (
	cubicBeta         = 0.7
	cubicScale        = 0.4
	minRate           = 0.5
	txSmooth          = 0.8
	txBucketSize      = 500 * time.Millisecond
	slowStartDoubling = 25 * time.Millisecond
)

// startRates are the per-account limits, in requests per second, the rates start from.
var startRates = map[string]float64{
	"GetImageInfos": 10, // documented: GetImageInfos API reference (2024 version)
	"SearchMedia":   50, // documented: VOD's QPS-limits page, media search
	// Not documented on the pages seen; assumed, as the emulator's "documented" preset does. A lower
	// real limit costs one cut per throttled interval, not failed reads.
	"GetImageInfo": 100,
	// The write actions, per account (models.json "limits.qpsPerAccount" and "qpsSource"):
	// CreateUploadImage 40, or 80 in the regions of regionalStartRates: VOD's "API QPS limits" page
	// (updated 2024-10-25). DeleteImage 50: DeleteImage API reference (2024-07). AddCategory 30,
	// UpdateCategory 100, DeleteCategory 10, GetCategories 50: the "API QPS limits" page.
	// UpdateImageInfos: not found (the page's image-management rows were unreadable in the copies
	// read); it starts at defaultStartRate and learns.
	"CreateUploadImage": 40,
	"DeleteImage":       50,
	"AddCategory":       30,
	"UpdateCategory":    100,
	"DeleteCategory":    10,
	"GetCategories":     50,
}

// regionalStartRates are the actions whose documented limit depends on the region, where it is
// not startRates' value (same "API QPS limits" page, models.json CreateUploadImage
// "limits.qpsPerAccount").
var regionalStartRates = map[string]map[string]float64{
	"CreateUploadImage": {"cn-beijing": 80, "cn-shanghai": 80, "cn-shenzhen": 80, "ap-southeast-1": 80},
}

// defaultStartRate is where an action missing from startRates starts: the lowest limit VOD
// documents for these reads, safe until the rate learns better.
const defaultStartRate = 10

// clock is the time of rate control and retry waits; tests replace it.
type clock interface {
	Now() time.Time
	// Sleep waits d, or returns ctx's error as soon as ctx ends.
	Sleep(ctx context.Context, d time.Duration) error
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error { return Sleep(ctx, d) }

// rateControl holds the per-action rates of one client.
type rateControl struct {
	clock   clock
	region  string        // the client's region, for regionalStartRates
	ceiling float64       // max_requests_per_second, 0 for none
	all     *rate.Limiter // paces every action together at ceiling; nil without one

	// unpaced turns pacing off: benchmarks of the client's own cost against a server without
	// limits set it.
	unpaced bool

	mu      sync.Mutex
	actions map[string]*actionRate
}

// actionRate is one action's bucket and the state of its control law. rateControl.mu guards the
// fields; the bucket is safe for concurrent use by itself.
type actionRate struct {
	bucket    *rate.Limiter
	r         float64   // the fill rate
	wmax      float64   // the rate at the last cut (or the start rate)
	k         float64   // seconds from a cut to the plateau at wmax
	t0        time.Time // the last cut
	measured  float64   // smoothed send rate; 0 until one interval has passed
	txStart   time.Time // start of the current measuring interval
	txCount   int
	grown     time.Time // when slow start last grew r
	cuts      int       // Throttling answers that cut the rate; slow start ends at the first
	throttled int       // all Throttling answers
}

func newRateControl(ceiling float64) *rateControl {
	rc := &rateControl{clock: systemClock{}, ceiling: ceiling, actions: map[string]*actionRate{}}
	if ceiling > 0 {
		rc.all = rate.NewLimiter(rate.Limit(ceiling), max(1, int(ceiling)))
	}
	return rc
}

// action returns action's state, making it at its start rate on first use. rc.mu must be held.
func (rc *rateControl) action(action string, now time.Time) *actionRate {
	a := rc.actions[action]
	if a == nil {
		start, ok := startRates[action]
		if !ok {
			start = defaultStartRate
		}
		if r, ok := regionalStartRates[action][rc.region]; ok {
			start = r
		}
		start = rc.clamp(start)
		a = &actionRate{r: start, wmax: start, txStart: now, grown: now}
		a.bucket = rate.NewLimiter(rate.Limit(start), burst(start))
		rc.actions[action] = a
	}
	return a
}

func cubicWindow(wmax float64) float64 { return math.Cbrt(wmax * (1 - cubicBeta) / cubicScale) }

func burst(r float64) int { return max(1, int(r)) }

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func (rc *rateControl) clamp(r float64) float64 {
	if rc.ceiling > 0 {
		r = min(r, rc.ceiling)
	}
	return max(r, min(minRate, rc.ceilingOr(minRate)))
}

func (rc *rateControl) ceilingOr(def float64) float64 {
	if rc.ceiling > 0 {
		return rc.ceiling
	}
	return def
}

// errRateBudget says a request would have to wait past its deadline for its turn.
type errRateBudget struct {
	action string
	wait   time.Duration
	rate   float64
}

func (e *errRateBudget) Error() string {
	return fmt.Sprintf("%s: at the %.3g requests per second this client may now send, the next request would wait "+
		"%s, past the time left for this read", e.action, e.rate, e.wait.Round(time.Millisecond))
}

// turn is when a request was scheduled, and at what rate: what a Throttling answer to it says.
type turn struct {
	at   time.Time
	rate float64
}

// wait blocks until action may be sent, and returns its turn. It returns at once with ctx's error
// when ctx ends, and with an *errRateBudget, without waiting, when the turn would come after
// deadline (zero: none).
func (rc *rateControl) wait(ctx context.Context, action string, deadline time.Time) (turn, error) {
	now := rc.clock.Now()
	if rc.unpaced {
		return turn{at: now, rate: math.Inf(1)}, nil
	}
	rc.mu.Lock()
	a := rc.action(action, now)
	if a.cuts == 0 && a.bucket.TokensAt(now) < 1 { // slow start: demand is above r
		dt := min(now.Sub(a.grown), slowStartDoubling)
		a.grown = now
		rc.set(a, now, a.r*math.Exp2(float64(dt)/float64(slowStartDoubling)))
	}
	r := a.r
	rc.mu.Unlock()
	own := a.bucket.ReserveN(now, 1)
	d := own.DelayFrom(now)
	var shared *rate.Reservation
	if rc.all != nil {
		shared = rc.all.ReserveN(now, 1)
		d = max(d, shared.DelayFrom(now))
	}
	cancel := func() {
		t := rc.clock.Now()
		own.CancelAt(t)
		if shared != nil {
			shared.CancelAt(t)
		}
	}
	if !deadline.IsZero() && now.Add(d).After(deadline) {
		cancel()
		return turn{}, &errRateBudget{action: action, wait: d, rate: r}
	}
	if d > 0 {
		if err := rc.clock.Sleep(ctx, d); err != nil {
			cancel()
			return turn{}, err
		}
	}
	rc.mu.Lock()
	a.noteSent(rc.clock.Now())
	rc.mu.Unlock()
	return turn{at: now, rate: r}, nil
}

// noteSent counts a request into the measured send rate. rateControl.mu must be held.
func (a *actionRate) noteSent(now time.Time) {
	if elapsed := now.Sub(a.txStart); elapsed >= txBucketSize {
		current := float64(a.txCount) / elapsed.Seconds()
		if a.measured == 0 {
			a.measured = current
		} else {
			a.measured = txSmooth*current + (1-txSmooth)*a.measured
		}
		a.txStart, a.txCount = now, 0
	}
	a.txCount++
}

// succeeded applies the law to a success of action.
func (rc *rateControl) succeeded(action string) {
	now := rc.clock.Now()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	a := rc.action(action, now)
	if a.cuts == 0 {
		return // slow start grows r as requests wait (see wait)
	}
	t := now.Sub(a.t0).Seconds() - a.k
	cubic := cubicScale*t*t*t + a.wmax
	limit := max(a.r, 2*a.measured) // grow to no more than twice what is sent
	rc.set(a, now, min(cubic, limit))
}

// throttled applies the law to a Throttling answer to a request of action that had turn t (what
// wait returned).
func (rc *rateControl) throttled(action string, t turn) {
	now := rc.clock.Now()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	a := rc.action(action, now)
	a.throttled++
	if !t.at.After(a.t0) {
		return // scheduled before the last cut, at the old rate
	}
	a.cuts++
	w := min(a.r, t.rate)
	if a.measured > 0 {
		w = min(w, a.measured)
	}
	a.wmax, a.k, a.t0 = w, cubicWindow(w), now
	rc.set(a, now, cubicBeta*w)
	// The server's bucket is empty: empty ours, so that what it held is not sent into a refusal.
	if tokens := a.bucket.TokensAt(now); tokens >= 1 {
		a.bucket.ReserveN(now, int(tokens))
	}
}

// set changes a's rate and its bucket's. rc.mu must be held.
func (rc *rateControl) set(a *actionRate, now time.Time, r float64) {
	r = rc.clamp(r)
	if r == a.r {
		return
	}
	a.r = r
	a.bucket.SetLimitAt(now, rate.Limit(r))
	a.bucket.SetBurstAt(now, burst(r))
}

// saturated reports whether action has met the account's limit: a Throttling answer cut its rate.
func (rc *rateControl) saturated(action string) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.action(action, rc.clock.Now()).cuts > 0
}

// delay is how long n requests of action would wait for their turn if asked now: what chooses
// between GetImageInfos and GetImageInfo when both can carry a batch.
func (rc *rateControl) delay(action string, n int) time.Duration {
	now := rc.clock.Now()
	rc.mu.Lock()
	a := rc.action(action, now)
	rc.mu.Unlock()
	d := bucketDelay(a.bucket, now, n)
	if rc.all != nil {
		d = max(d, bucketDelay(rc.all, now, n))
	}
	return d
}

func bucketDelay(l *rate.Limiter, now time.Time, n int) time.Duration {
	missing := float64(n) - l.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return seconds(missing / float64(l.Limit()))
}

// jitter is a random wait of up to one interval at action's rate, so that throttled requests do not
// come back in lockstep.
func (rc *rateControl) jitter(action string) time.Duration {
	rc.mu.Lock()
	r := rc.action(action, rc.clock.Now()).r
	rc.mu.Unlock()
	return rand.N(seconds(1/r) + 1)
}

// rateState is an action's learned rate, for logs and tests.
type rateState struct {
	Action string
	// RequestsPerSecond is the current fill rate; Cuts how many Throttling answers lowered it, of
	// Throttled in all.
	RequestsPerSecond float64
	Cuts, Throttled   int
}

// snapshot returns action's state.
func (rc *rateControl) snapshot(action string) rateState {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	a := rc.action(action, rc.clock.Now())
	return rateState{Action: action, RequestsPerSecond: a.r, Cuts: a.cuts, Throttled: a.throttled}
}

// isThrottling reports whether err is a Throttling answer (Throttling, Throttling.User,
// Throttling.Api, …): the account's rate limit, not a fault.
func isThrottling(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && strings.Contains(apiErr.Code, "Throttling")
}
