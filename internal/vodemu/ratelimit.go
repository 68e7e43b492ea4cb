package vodemu

import (
	"sync"
	"time"
)

// rateLimiter is a token bucket per Action, like the per-operation QPS
// limits of the real API. It runs on the real monotonic clock, not
// Options.Now: tests freeze Options.Now, and a frozen bucket never refills.
type rateLimiter struct {
	rate, burst float64
	// now is time.Now; tests step it by hand, so that what they assert does not depend on how
	// fast a loaded machine sends the requests.
	now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket // by implemented Action, "" for the rest
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newRateLimiter returns nil, which allows everything, for qps <= 0.
func newRateLimiter(qps float64) *rateLimiter {
	if qps <= 0 {
		return nil
	}
	return &rateLimiter{rate: qps, burst: max(1, qps), now: time.Now, buckets: map[string]*bucket{}}
}

// allow takes a token from action's bucket if it has one.
func (l *rateLimiter) allow(action string) bool {
	if l == nil {
		return true
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[action]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[action] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
