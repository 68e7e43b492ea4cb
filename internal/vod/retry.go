package vod

import "time"

// retryPolicy bounds a call's retries: Throttling answers are the account's limit, not faults, and
// are retried for up to throttleBudget from the first of a run of them; other retryable failures
// are faults, retried up to maxRetries times with backoff.
type retryPolicy struct {
	throttleBudget time.Duration
	maxRetries     int
	backoff        func(fault int) time.Duration
}

// notIdempotent are the actions that create something each time VOD carries them out, and take
// no token that would let VOD recognise a repeat (models.json: CreateUploadImage and AddCategory
// have none): a second attempt after a first that may have been carried out can leave a second
// image or category behind. The others set values (UpdateImageInfos, UpdateCategory), delete
// (DeleteImage, DeleteCategory: a repeat finds nothing, which the callers take as done) or read.
var notIdempotent = map[string]bool{"CreateUploadImage": true, "AddCategory": true}

// newRetryState is the state of a call of action before its first attempt.
func newRetryState(action string) retryState {
	return retryState{once: notIdempotent[action]}
}

// retryState is what one call remembers between its attempts for the decision.
type retryState struct {
	once           bool      // the action is not idempotent: retried only when VOD cannot have done it
	throttledSince time.Time // the first Throttling answer of the current run of them
	faults         int       // retries spent on failures other than throttling
	lastThrottled  bool      // the attempt retried last ended on a Throttling answer
}

// throttleDeadline is when the current run of Throttling answers exhausts the budget, or the zero
// time when the last attempt was not throttled (the rate wait then has no deadline).
func (p retryPolicy) throttleDeadline(s *retryState) time.Time {
	if !s.lastThrottled {
		return time.Time{}
	}
	return s.throttledSince.Add(p.throttleBudget)
}

// next is the retry decision after an attempt that failed with err (not nil) at now, while the
// call's context is live: whether to send another attempt, and the wait before it.
//   - Throttling: a new run of them starts at now; the wait is jitter() (up to one interval at the
//     action's lowered rate); retry only if the call would send again before the budget ends.
//   - Any other failure: retry if isRetryable and fewer than maxRetries faults were retried, after
//     backoff(the fault's number, from 1); for an action that is not idempotent (s.once), only if
//     the request never reached VOD (IsUnreachable: no connection was made), since a timeout, a
//     broken connection, a garbled answer or a server error may follow VOD's doing it.
//
// It updates s for the next attempt.
func (p retryPolicy) next(s *retryState, err error, now time.Time, jitter func() time.Duration) (wait time.Duration, retry bool) {
	throttled := isThrottling(err)
	defer func() { s.lastThrottled = throttled }()
	if throttled {
		if !s.lastThrottled {
			s.throttledSince = now
		}
		wait = jitter()
		return wait, now.Add(wait).Before(s.throttledSince.Add(p.throttleBudget))
	}
	if s.faults >= p.maxRetries || !isRetryable(err) || (s.once && !IsUnreachable(err)) {
		return 0, false
	}
	s.faults++
	return p.backoff(s.faults), true
}
