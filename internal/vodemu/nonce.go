package vodemu

import (
	"container/heap"
	"fmt"
	"sync"
	"time"
)

// The nonce cache: authenticate records each request's access key ID and nonce (SignatureNonce in
// V1, x-acs-signature-nonce in V3) until its timestamp can no longer be accepted (MaxClockSkew
// after it), and answers a repeat with SignatureNonceUsed.

// maxNonces bounds memory; past it the soonest-expiring nonces are dropped
// (they would soon be dropped anyway).
const maxNonces = 1 << 20

// nonceCache remembers nonces until their expiry, in a min-heap by expiry so
// that expiring is cheap.
type nonceCache struct {
	mu   sync.Mutex
	seen map[string]struct{}
	heap nonceHeap
}

func newNonceCache() *nonceCache { return &nonceCache{seen: map[string]struct{}{}} }

// add records nonce and reports whether it was new.
func (n *nonceCache) add(nonce string, expiry, now time.Time) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	for len(n.heap) > 0 && (!n.heap[0].expiry.After(now) || len(n.heap) >= maxNonces) {
		// Each nonce is pushed once (a reused one is rejected before Push). Pop takes the root.
		delete(n.seen, n.heap[0].nonce)
		heap.Pop(&n.heap)
	}
	if _, used := n.seen[nonce]; used {
		return false
	}
	n.seen[nonce] = struct{}{}
	heap.Push(&n.heap, nonceEntry{nonce, expiry})
	return true
}

type nonceEntry struct {
	nonce  string
	expiry time.Time
}

type nonceHeap []nonceEntry

func (h nonceHeap) Len() int           { return len(h) }
func (h nonceHeap) Less(i, j int) bool { return h[i].expiry.Before(h[j].expiry) }
func (h nonceHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *nonceHeap) Push(x any) {
	e, ok := x.(nonceEntry)
	if !ok { // only add pushes, and always a nonceEntry
		panic(fmt.Sprintf("vodemu: nonceHeap.Push(%T)", x))
	}
	*h = append(*h, e)
}
func (h *nonceHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
