package vodemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// FaultKind names a failure the server can inject into RPC answers. Faults
// apply to RPC requests (never /_emulator/*), before the rate limit
// and authentication; STS actions are RPC requests like VOD's, so
// "throttling:next=1@AssumeRole" faults a role assumption. A fault also
// applies to OSS requests when its actions name their operation (PutObject,
// InitiateMultipartUpload, UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts, GetObject, HeadObject): a fault without
// actions stays on the RPC endpoint, so that faults meant for the API do not
// break uploads (ossfault.go). A fault answer
// with a Code is counted under it in Stats.ByCode, the others as
// fault:<kind>; Stats.ByFault counts every injected fault by kind.
type FaultKind string

// The fault kinds; their values are what the -faults flag and the
// /_emulator/faults endpoint take.
const (
	FaultThrottling       FaultKind = "throttling"         // 400 Throttling.User
	FaultThrottling503    FaultKind = "throttling-503"     // 503 Throttling.User
	FaultUnavailable      FaultKind = "unavailable"        // 503 ServiceUnavailable
	FaultInternal         FaultKind = "internal"           // 500 InternalError
	FaultReset            FaultKind = "reset"              // part of the headers, then the connection closes
	FaultSlow             FaultKind = "slow"               // FaultOptions.SlowDelay, then the normal answer
	FaultMalformedJSON    FaultKind = "malformed-json"     // 200 JSON cut mid-object
	FaultTruncated        FaultKind = "truncated"          // 200, Content-Length above the bytes sent, then close
	FaultHTML502          FaultKind = "html-502"           // 502 text/html page of a proxy
	FaultEmpty200         FaultKind = "empty-200"          // 200 application/json, empty body
	FaultWrongContentType FaultKind = "wrong-content-type" // the normal answer as text/plain
)

var faultKinds = []FaultKind{
	FaultThrottling, FaultThrottling503, FaultUnavailable, FaultInternal, FaultReset, FaultSlow,
	FaultMalformedJSON, FaultTruncated, FaultHTML502, FaultEmpty200, FaultWrongContentType,
}

// FaultKinds lists every kind.
func FaultKinds() []FaultKind { return append([]FaultKind(nil), faultKinds...) }

// ParseFaultKind returns the kind named s.
func ParseFaultKind(s string) (FaultKind, error) {
	for _, k := range faultKinds {
		if string(k) == s {
			return k, nil
		}
	}
	names := make([]string, len(faultKinds))
	for i, k := range faultKinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("unknown fault kind %q (want one of %s)", s, strings.Join(names, ", "))
}

// DefaultSlowDelay is FaultOptions.SlowDelay's default: longer than a
// typical client read timeout in tests.
const DefaultSlowDelay = 5 * time.Second

// FaultOptions tunes injected faults.
type FaultOptions struct {
	// SlowDelay is how long a "slow" fault waits before answering
	// normally (default DefaultSlowDelay); it stops early, without an
	// answer, if the client goes away.
	SlowDelay time.Duration
}

// InjectNext gives the next n RPC requests (only those naming one of
// actions, if any are given) the fault kind. Several calls queue up: the
// oldest matching one is used first. It panics on an unknown kind.
func (s *Server) InjectNext(kind FaultKind, n int, actions ...string) {
	mustBeKind(kind)
	if n <= 0 {
		return
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.next = append(s.faults.next, &faultRule{kind: kind, left: n, actions: actionSet(actions)})
}

// SetFaultRate gives each RPC request (only those naming one of actions,
// if any are given) the fault kind with probability p, drawn from the
// sequence that Options.FaultSeed seeds. One rate per kind: a new call
// replaces the kind's rate and actions; p <= 0 removes it. InjectNext
// faults take precedence. It panics on an unknown kind.
func (s *Server) SetFaultRate(kind FaultKind, p float64, actions ...string) {
	mustBeKind(kind)
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	rates := s.faults.rates[:0]
	for _, r := range s.faults.rates {
		if r.kind != kind {
			rates = append(rates, r)
		}
	}
	if p > 0 { // false for NaN too
		rates = append(rates, &faultRule{kind: kind, rate: min(p, 1), actions: actionSet(actions)})
	}
	s.faults.rates = rates
}

// ClearFaults removes every InjectNext and SetFaultRate fault. The random
// sequence is not reset.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.next, s.faults.rates = nil, nil
}

func mustBeKind(kind FaultKind) {
	if _, err := ParseFaultKind(string(kind)); err != nil {
		panic("vodemu: " + err.Error())
	}
}

func actionSet(actions []string) map[string]bool {
	if len(actions) == 0 {
		return nil
	}
	m := make(map[string]bool, len(actions))
	for _, a := range actions {
		m[a] = true
	}
	return m
}

type faultRule struct {
	kind    FaultKind
	left    int             // InjectNext: requests still to fault
	rate    float64         // SetFaultRate: probability
	actions map[string]bool // nil: every action
}

func (r *faultRule) matches(action string) bool { return r.actions == nil || r.actions[action] }

// faultState holds the configured faults; one lock makes the random draws
// follow the order requests arrive in.
type faultState struct {
	mu    sync.Mutex
	next  []*faultRule
	rates []*faultRule
	rng   *rand.Rand
}

func newFaultState(seed int64) *faultState {
	return &faultState{rng: rand.New(rand.NewPCG(uint64(seed), 0x766f64656d75))} //nolint:gosec // G115: the seed's bits seed the PRNG; a negative seed wrapping is intended
}

// decide picks the fault for one request naming action, if any. Each rate
// rule that matches the action takes one draw, in the order set.
func (f *faultState) decide(action string) (FaultKind, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.next {
		if r.matches(action) {
			if r.left--; r.left == 0 {
				f.next = append(f.next[:i:i], f.next[i+1:]...)
			}
			return r.kind, true
		}
	}
	for _, r := range f.rates {
		if r.matches(action) && f.rng.Float64() < r.rate {
			return r.kind, true
		}
	}
	return "", false
}

// decideOSS picks the fault for one OSS request of operation op: only rules that name op match.
func (f *faultState) decideOSS(op string) (FaultKind, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.next {
		if r.actions[op] {
			if r.left--; r.left == 0 {
				f.next = append(f.next[:i:i], f.next[i+1:]...)
			}
			return r.kind, true
		}
	}
	for _, r := range f.rates {
		if r.actions[op] && f.rng.Float64() < r.rate {
			return r.kind, true
		}
	}
	return "", false
}
