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
	l := newRateLimiter(0.5, nil)
	if !l.allow("A") || l.allow("A") || !l.allow("B") {
		t.Fatal("QPS 0.5 must allow a burst of exactly 1 per action")
	}
	off := newRateLimiter(0, nil)
	for range 100 {
		if !off.allow("A") {
			t.Fatal("QPS 0 limits")
		}
	}
	if !strings.Contains(msgThrottled, "flow control") {
		t.Fatal(msgThrottled)
	}
}

func TestParseRateLimits(t *testing.T) {
	for spec, want := range map[string]string{
		"0":          "0",
		"10":         "10",
		"documented": "0,AddCategory=30,CreateUploadImage=80,DeleteCategory=10,DeleteImage=50,GetCategories=50,GetImageInfo=100,GetImageInfos=10,SearchMedia=50,UpdateCategory=100,UpdateImageInfos=100",
		"GetImageInfos=10,SearchMedia=50,GetImageInfo=100": "0,GetImageInfo=100,GetImageInfos=10,SearchMedia=50",
		"documented,GetImageInfo=20":                       "0,AddCategory=30,CreateUploadImage=80,DeleteCategory=10,DeleteImage=50,GetCategories=50,GetImageInfo=20,GetImageInfos=10,SearchMedia=50,UpdateCategory=100,UpdateImageInfos=100",
		"5, AssumeRole=0.5":                                "5,AssumeRole=0.5",
		"GetImageInfos=3,7":                                "7,GetImageInfos=3",
	} {
		l, err := ParseRateLimits(spec)
		if err != nil || l.String() != want {
			t.Errorf("%q: %v, %v; want %s", spec, l, err, want)
		}
	}
	for spec, want := range map[string]string{
		"-1":                  "want a number",
		"":                    "empty item",
		"10,":                 "empty item",
		"GetImageInfoz=10":    `unknown action "GetImageInfoz"`,
		"GetImageInfos=fast":  "want a number",
		"GetImageInfos=-2":    "want a number",
		"Inf":                 "want a number",
		"documentd":           "want a number",
		"GetImageInfos=10=20": "want a number",
	} {
		if _, err := ParseRateLimits(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", spec, err, want)
		}
	}
}

// Each action has its own limit; an action without one is not limited; the throttled answers are
// counted by action; and every client of one server shares its buckets.
func TestRateLimitPerAction(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.ActionQPS = map[string]float64{"GetImageInfos": 2, "GetImageInfo": 5} })
	call := func(action string) int {
		p := v1Params(action, testNow)
		p.Set("ImageId", "img-cdn")
		p.Set("ImageIds", "img-cdn")
		status, _, _ := h.callV1(http.MethodGet, testSecret, p)
		return status
	}
	count := func(action string, n int) (ok int) {
		for range n {
			if call(action) == 200 {
				ok++
			}
		}
		return ok
	}
	if ok := count("GetImageInfos", 6); ok < 2 || ok > 3 {
		t.Errorf("GetImageInfos at 2/s: %d of 6 passed", ok)
	}
	if ok := count("GetImageInfo", 10); ok < 5 || ok > 6 {
		t.Errorf("GetImageInfo at 5/s: %d of 10 passed", ok)
	}
	if ok := count("SearchMedia", 20); ok != 20 {
		t.Errorf("SearchMedia without a limit: %d of 20 passed", ok)
	}
	// Another client, on connections of its own (another terraform process, say), finds the
	// GetImageInfos bucket the first one emptied: the limit is the server's, not a connection's.
	count("GetImageInfos", 3)
	p := v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", "img-cdn")
	p.Set("Signature", testV1Sign(http.MethodGet, testSecret, p))
	other := &http.Client{Transport: &http.Transport{}}
	resp, err := other.Get(h.run.URL + "/?" + p.Encode())
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("another client got %d, want the shared bucket's 400 Throttling.User", resp.StatusCode)
	}
	got := h.run.Server.ThrottledByAction()
	if got["GetImageInfos"] < 3 || got["GetImageInfo"] < 4 || got["SearchMedia"] != 0 {
		t.Errorf("ThrottledByAction = %v", got)
	}
	if _, err := New(Options{AccessKeyID: "a", AccessKeySecret: "s", ActionQPS: map[string]float64{"GetImageInfo": -1}}); err == nil {
		t.Error("a negative ActionQPS was accepted")
	}
}
