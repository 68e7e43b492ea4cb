package vodemu

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// stepClock is a monotonic clock that moves only when a test advances it, so that what a rate
// limit test counts does not depend on how fast a loaded machine sends the requests.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *stepClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// rateLimitHarness is a harness whose rate limiter runs on a stepClock.
func rateLimitHarness(t *testing.T, qps float64) (*harness, *stepClock) {
	h := newHarness(t, func(o *Options) { o.QPS = qps })
	clock := &stepClock{t: time.Now()}
	h.run.Server.limit.now = clock.Now
	return h, clock
}

func TestRateLimit(t *testing.T) {
	var clock *stepClock
	statuses := func(h *harness, n int, action string, gap time.Duration) (ok, throttled int) {
		for range n {
			p := v1Params(action, testNow)
			p.Set("ImageId", "img-cdn")
			p.Set("ImageIds", "img-cdn")
			status, hdr, body := h.callV1(http.MethodGet, testSecret, p)
			switch status {
			case 200:
				ok++
			default:
				if msg := checkError(t, status, hdr, body, 400, "Throttling.User"); msg != "Request was denied due to user flow control." {
					t.Errorf("message %q", msg)
				}
				throttled++
			}
			clock.Advance(gap)
		}
		return ok, throttled
	}
	// A burst above QPS: the bucket holds 5 tokens, and 12 requests at one instant get 5.
	h, clock := rateLimitHarness(t, 5)
	if ok, throttled := statuses(h, 12, "GetImageInfo", 0); ok != 5 || throttled != 7 {
		t.Fatalf("burst: %d ok, %d throttled", ok, throttled)
	}
	// Each Action has its own bucket.
	if ok, _ := statuses(h, 3, "GetImageInfos", 0); ok != 3 {
		t.Fatalf("other action: %d ok", ok)
	}
	// Throttling comes before authentication.
	p := v1Params("GetImageInfo", testNow)
	p.Set("ImageId", "img-cdn")
	status, hdr, body := h.callV1(http.MethodGet, "wrong secret", p)
	checkError(t, status, hdr, body, 400, "Throttling.User")
	st := h.run.Server.Stats()
	if st.ByCode["Throttling.User"] != 8 || len(st.ByFault) != 0 {
		t.Fatalf("stats %+v", st)
	}

	// Once the burst is spent, requests spaced above 1/QPS all pass.
	h, clock = rateLimitHarness(t, 20)
	if ok, throttled := statuses(h, 22, "GetImageInfo", 0); ok != 20 || throttled != 2 {
		t.Fatalf("burst of 22 at QPS 20: %d ok, %d throttled", ok, throttled)
	}
	clock.Advance(60 * time.Millisecond)
	if ok, throttled := statuses(h, 5, "GetImageInfo", 60*time.Millisecond); throttled != 0 {
		t.Fatalf("spaced: %d ok, %d throttled", ok, throttled)
	}
}

func TestRateLimitBurstBelowOne(t *testing.T) {
	l := newRateLimiter(0.5)
	if !l.allow("A") || l.allow("A") || !l.allow("B") {
		t.Fatal("QPS 0.5 must allow a burst of exactly 1 per action")
	}
	off := newRateLimiter(0)
	for range 100 {
		if !off.allow("A") {
			t.Fatal("QPS 0 limits")
		}
	}
	if !strings.Contains(msgThrottled, "flow control") {
		t.Fatal(msgThrottled)
	}
}
