package vod

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// TestRetryDecision is the retry decision of Client.call, one attempt's outcome per row: the state
// before, the error, and the wait, the decision and the state after.
func TestRetryDecision(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	policy := retryPolicy{throttleBudget: 30 * time.Second, maxRetries: 2,
		backoff: func(fault int) time.Duration { return time.Duration(fault) * time.Second }}
	throttling := &APIError{Code: "Throttling.User", HTTPStatus: 400}
	unavailable := &APIError{Code: "ServiceUnavailable", HTTPStatus: 503}
	notFound := &APIError{Code: "NoSuchResource", HTTPStatus: 404}
	const jitter = 700 * time.Millisecond
	for name, tc := range map[string]struct {
		policy    *retryPolicy // policy when nil
		before    retryState
		err       error
		now       time.Time
		wantWait  time.Duration
		wantRetry bool
		after     retryState
	}{
		"client error: final at once": {err: notFound, now: t0, after: retryState{}},
		"wrong-shaped answer: final":  {err: errors.New("GetImageInfo: the response has no ImageInfo"), now: t0},
		"first fault: backoff 1": {err: unavailable, now: t0,
			wantWait: time.Second, wantRetry: true, after: retryState{faults: 1}},
		"second fault: backoff 2": {before: retryState{faults: 1}, err: fmt.Errorf("x: %w", io.ErrUnexpectedEOF), now: t0,
			wantWait: 2 * time.Second, wantRetry: true, after: retryState{faults: 2}},
		"fault past max_retries: final": {before: retryState{faults: 2}, err: unavailable, now: t0,
			after: retryState{faults: 2}},
		"no retries allowed": {policy: &retryPolicy{throttleBudget: time.Minute}, err: unavailable, now: t0},
		"first throttling: a run starts": {err: throttling, now: t0,
			wantWait: jitter, wantRetry: true, after: retryState{throttledSince: t0, lastThrottled: true}},
		"throttling goes on: the run keeps its start": {
			before: retryState{throttledSince: t0, lastThrottled: true}, err: throttling, now: t0.Add(20 * time.Second),
			wantWait: jitter, wantRetry: true, after: retryState{throttledSince: t0, lastThrottled: true}},
		"throttling whose next turn passes the budget: final": {
			before: retryState{throttledSince: t0, lastThrottled: true}, err: throttling, now: t0.Add(29500 * time.Millisecond),
			wantWait: jitter, after: retryState{throttledSince: t0, lastThrottled: true}},
		"throttling ending exactly at the budget: final": {
			before: retryState{throttledSince: t0, lastThrottled: true}, err: throttling, now: t0.Add(30*time.Second - jitter),
			wantWait: jitter, after: retryState{throttledSince: t0, lastThrottled: true}},
		"throttling does not spend max_retries": {before: retryState{faults: 2}, err: throttling, now: t0,
			wantWait: jitter, wantRetry: true, after: retryState{faults: 2, throttledSince: t0, lastThrottled: true}},
		"throttling after a fault starts a new run": {
			before: retryState{faults: 1, throttledSince: t0}, err: throttling, now: t0.Add(time.Hour),
			wantWait: jitter, wantRetry: true, after: retryState{faults: 1, throttledSince: t0.Add(time.Hour), lastThrottled: true}},
		"not idempotent, throttled: retried (VOD refused it)": {before: retryState{once: true}, err: throttling, now: t0,
			wantWait: jitter, wantRetry: true, after: retryState{once: true, throttledSince: t0, lastThrottled: true}},
		"not idempotent, server error: final (it may have been done)": {before: retryState{once: true}, err: unavailable, now: t0,
			after: retryState{once: true}},
		"not idempotent, broken answer: final": {before: retryState{once: true}, err: fmt.Errorf("x: %w", io.ErrUnexpectedEOF), now: t0,
			after: retryState{once: true}},
		"not idempotent, connection refused: retried (never sent)": {before: retryState{once: true},
			err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, now: t0,
			wantWait: time.Second, wantRetry: true, after: retryState{once: true, faults: 1}},
		"fault after throttling: backoff, the run ends": {
			before: retryState{throttledSince: t0, lastThrottled: true}, err: unavailable, now: t0.Add(time.Second),
			wantWait: time.Second, wantRetry: true, after: retryState{faults: 1, throttledSince: t0}},
	} {
		t.Run(name, func(t *testing.T) {
			p := policy
			if tc.policy != nil {
				p = *tc.policy
			}
			s := tc.before
			jitterCalls := 0
			wait, retry := p.next(&s, tc.err, tc.now, func() time.Duration { jitterCalls++; return jitter })
			if wait != tc.wantWait || retry != tc.wantRetry {
				t.Errorf("next = %s, %v; want %s, %v", wait, retry, tc.wantWait, tc.wantRetry)
			}
			if s != tc.after {
				t.Errorf("state after = %+v, want %+v", s, tc.after)
			}
			if wantCalls := map[bool]int{true: 1, false: 0}[isThrottling(tc.err)]; jitterCalls != wantCalls {
				t.Errorf("jitter called %d times, want %d", jitterCalls, wantCalls)
			}
		})
	}
}

// The actions that create something are the ones without a repeat token in the models.
func TestNotIdempotentActions(t *testing.T) {
	for _, action := range []string{"CreateUploadImage", "AddCategory"} {
		if !newRetryState(action).once {
			t.Errorf("%s is retried as if idempotent", action)
		}
	}
	for _, action := range []string{"GetImageInfo", "GetImageInfos", "SearchMedia", "UpdateImageInfos", "DeleteImage",
		"UpdateCategory", "DeleteCategory", "GetCategories"} {
		if newRetryState(action).once {
			t.Errorf("%s is not retried after faults", action)
		}
	}
}

// TestThrottleDeadline is the deadline of the rate wait before an attempt: none unless the attempt
// before was throttled, else the end of the run's budget.
func TestThrottleDeadline(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := retryPolicy{throttleBudget: 30 * time.Second}
	if got := p.throttleDeadline(&retryState{throttledSince: t0}); !got.IsZero() {
		t.Errorf("after a fault: deadline %s, want none", got)
	}
	if got := p.throttleDeadline(&retryState{throttledSince: t0, lastThrottled: true}); !got.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("after throttling: deadline %s, want %s", got, t0.Add(30*time.Second))
	}
}
