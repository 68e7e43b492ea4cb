package vodemu

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DocumentedQPS is the per-account limit of each action, in requests per second, that the
// -qps preset "documented" sets. AssumeRole and AssumeRoleWithOIDC have none: STS limits are
// STS's own, not part of [QPS].
var DocumentedQPS = map[string]float64{
	"GetImageInfos": 10,  // [GetImageInfos; RPC]
	"SearchMedia":   50,  // [QPS], media search
	"GetImageInfo":  100, // assumed (undocumented): no page seen gives one; 100 is the figure [QPS] gives most often
	// The category actions: [QPS] (updated 2024-10-25), as models.json's limits.qpsPerAccount carries it.
	"AddCategory":    30,
	"UpdateCategory": 100,
	"DeleteCategory": 10,
	"GetCategories":  50,
	// CreateUploadImage: 80/s in cn-beijing, cn-shanghai (the emulator's default region),
	// cn-shenzhen and ap-southeast-1, 40/s in eu-central-1, us-west-1, ap-northeast-1,
	// cn-hongkong and ap-southeast-5 ([QPS] updated 2024-10-25, as models.json's
	// limits.qpsPerAccount carries it; an older English page gave a flat 100). Set
	// CreateUploadImage=40 for those regions.
	"CreateUploadImage": 80,
	// DeleteImage: 50/s (DeleteImage API reference, 2024-07 version, as models.json carries it).
	"DeleteImage": 50,
	// UpdateImageInfos: assumed (undocumented): models.json found none; 100 is the figure [QPS]
	// gives most often.
	"UpdateImageInfos": 100,
}

// RateLimits is what -qps asks for: QPS for every action not in ByAction (0: no limit), and
// ByAction's own limits (0: no limit for that action).
type RateLimits struct {
	QPS      float64
	ByAction map[string]float64
}

// ParseRateLimits parses the -qps grammar: comma-separated items, each a number (the limit of
// every action not named), "documented" (DocumentedQPS) or ACTION=NUMBER; later items override
// earlier ones. "10", "documented", "GetImageInfos=10,SearchMedia=50,GetImageInfo=100" and
// "documented,GetImageInfo=20" are all valid. ACTION must be one the emulator implements.
func ParseRateLimits(spec string) (RateLimits, error) {
	var l RateLimits
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		name, value, named := strings.Cut(item, "=")
		switch {
		case item == "":
			return l, fmt.Errorf("%q: empty item", spec)
		case item == "documented":
			for a, q := range DocumentedQPS {
				l = l.with(a, q)
			}
			continue
		case named && !implemented(name):
			return l, fmt.Errorf("%q: unknown action %q (one of %s)", item, name,
				strings.Join(slices.Sorted(maps.Keys(operations)), ", "))
		case !named:
			value = item
		}
		q, err := strconv.ParseFloat(value, 64)
		if err != nil || q < 0 || math.IsInf(q, 0) {
			return l, fmt.Errorf("%q: want a number of requests per second ≥ 0, \"documented\" or ACTION=NUMBER", item)
		}
		if named {
			l = l.with(name, q)
		} else {
			l.QPS = q
		}
	}
	return l, nil
}

func implemented(action string) bool {
	_, ok := operations[action]
	return ok
}

func (l RateLimits) with(action string, qps float64) RateLimits {
	if l.ByAction == nil {
		l.ByAction = map[string]float64{}
	}
	l.ByAction[action] = qps
	return l
}

// String gives the limits back in ParseRateLimits' grammar, actions sorted.
func (l RateLimits) String() string {
	parts := []string{strconv.FormatFloat(l.QPS, 'f', -1, 64)}
	for _, a := range slices.Sorted(maps.Keys(l.ByAction)) {
		parts = append(parts, a+"="+strconv.FormatFloat(l.ByAction[a], 'f', -1, 64))
	}
	return strings.Join(parts, ",")
}

// validateRateLimits rejects limits no bucket can have.
func validateRateLimits(qps float64, byAction map[string]float64) error {
	bad := func(q float64) bool { return q < 0 || math.IsNaN(q) || math.IsInf(q, 0) }
	if bad(qps) {
		return fmt.Errorf("vodemu: invalid QPS %v", qps)
	}
	for a, q := range byAction {
		if bad(q) {
			return fmt.Errorf("vodemu: invalid QPS %v for %s", q, a)
		}
	}
	return nil
}

// rateLimiter is a token bucket per Action, like the per-account, per-operation QPS limits of the
// real API, which [QPS] says may vary by region and load. Every client of one Server shares its
// buckets, as every RAM user and process of an account shares the account's limits [QPS]. A
// request finding its bucket empty gets 400 Throttling.User (errThrottled). The bucket's shape
// (a burst of one second's worth, full at start) is undocumented: the docs give a rate only. It
// runs on the real monotonic clock, not Options.Now: tests freeze Options.Now, and a frozen
// bucket never refills.
type rateLimiter struct {
	qps      float64            // for actions not in byAction
	byAction map[string]float64 // 0: no limit
	// now is time.Now; tests step it by hand, so that what they assert does not depend on how
	// fast a loaded machine sends the requests.
	now func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket // by implemented Action, "" for the rest
	throttled map[string]int64   // Throttling.User answers by Action
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newRateLimiter returns nil, which allows everything, when no action has a limit.
func newRateLimiter(qps float64, byAction map[string]float64) *rateLimiter {
	if qps <= 0 && !slices.ContainsFunc(slices.Collect(maps.Values(byAction)), func(q float64) bool { return q > 0 }) {
		return nil
	}
	return &rateLimiter{qps: qps, byAction: maps.Clone(byAction), now: time.Now, buckets: map[string]*bucket{}, throttled: map[string]int64{}}
}

// limit is action's QPS, 0 for none.
func (l *rateLimiter) limit(action string) float64 {
	if q, ok := l.byAction[action]; ok {
		return q
	}
	return l.qps
}

// allow takes a token from action's bucket if it has one. A bucket holds max(1, QPS) tokens and
// starts full.
func (l *rateLimiter) allow(action string) bool {
	if l == nil {
		return true
	}
	qps := l.limit(action)
	if qps <= 0 {
		return true
	}
	burst := max(1, qps)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[action]
	if b == nil {
		b = &bucket{tokens: burst, last: now}
		l.buckets[action] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*qps)
	b.last = now
	if b.tokens < 1 {
		l.throttled[action]++
		return false
	}
	b.tokens--
	return true
}

// ThrottledByAction counts the Throttling.User answers the rate limit gave, by Action ("" for an
// Action the emulator does not implement). Injected throttling faults are not in it; they are in
// Stats.ByFault.
func (s *Server) ThrottledByAction() map[string]int64 {
	l := s.limit
	if l == nil {
		return map[string]int64{}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.throttled)
}
