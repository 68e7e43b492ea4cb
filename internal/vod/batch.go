package vod

import (
	"context"
	"sync"
	"time"
)

// defaultBatchWindow sets how long batches wait for more reads; see batcher for how it is used.
const defaultBatchWindow = 25 * time.Millisecond

// quietWindows is how many windows without a read coming or going end the wait for reads that are
// back in Terraform (rule 3 of batcher). A busy 2-CPU machine was seen to stall Terraform for more
// than two windows in the middle of a plan; the plan's last batch pays it once, and only if it is
// not full.
const quietWindows = 4

// maxWaitWindows bounds, in windows, how long any read waits before its batch is sent.
const maxWaitWindows = 8

// coalescer gathers concurrent single-image calls that share a key into batches of at most limit
// images, each sent as one request by send: reads (batcher: GetImageInfos, a batch of one as
// GetImageInfo) and updates (updater: UpdateImageInfos). Its rules of when to send are the same for
// both, because both come from Terraform's workers in the same way.
//
// When to send. Terraform keeps up to -parallelism reads going and starts the next ones as earlier
// ones finish, so the most reads recently seen inside get at once (the peak, over the last one to
// two seconds) is how many take part. A batch is sent
//
//  1. as soon as it is full;
//  2. as soon as every read taking part is waiting in a batch and no batch is being answered: no
//     more reads can come until some are answered. While the peak is still rising (a plan's first
//     reads), that is only believed after a pause in arrivals: the settling time (1 ms, a 25th of the
//     window) for a lone read, half the window for more;
//  3. when no batch is being answered and no read has come into get or left it for quietWindows
//     windows.
//     Until then the reads that are back in Terraform, between two reads of one of its workers,
//     are waited for: they come back, however slowly a busy machine runs Terraform, unless the
//     plan's reads are over. While a batch is being answered, its readers are waited for too;
//  4. at the latest maxWaitWindows windows after its first read, whatever else holds.
//
// So a plan at -parallelism=10 moves in batches of 10, each sent the moment its tenth read
// arrives; at 32 in full batches of 20, one filling while the other is answered; and a lone read
// waits only the settling time. Waiting costs a plan little while Terraform has other reads to
// work on, which is when rules 1 and 3 wait; when every read waits, rule 2 sends at once.
type coalescer[K comparable, In, Out any] struct {
	window, settle time.Duration
	limit          int // images per batch
	// identify gives an input's batch key and image ID.
	identify func(In) (K, string)
	// shareRepeats lets calls for an image already in the pending batch share its answer (reads);
	// without it such a call sends the pending batch first and starts the next (updates: two
	// changes of one image must not meet in one request, whose order VOD does not document).
	shareRepeats bool
	// send makes the batch's request(s) with ctx and calls deliver once for each input, by index, as
	// soon as its outcome is known; deliver may be called from several goroutines at once.
	send func(ctx context.Context, key K, ins []In, deliver func(i int, out Out, err error))
	// sent, if set, is told about every batch sent and why (tests).
	sent func(ids []string, reason string)

	mu         sync.Mutex
	pending    map[K]*batch[K, In, Out]
	queued     int       // readers waiting in pending batches
	inflight   int       // readers of batches sent and not yet answered
	active     int       // reads inside get
	lastArrive time.Time // when a read last came into get
	lastLeave  time.Time // when a read last left it
	// peak is the larger of this second's most reads inside get at once (curMax) and the
	// previous second's (prevMax).
	peak            int
	curMax, prevMax int
	bucketStart     time.Time
	peakRaised      time.Time // when peak last rose
}

type batch[K comparable, In, Out any] struct {
	key     K
	ctx     context.Context // the first caller's values (loggers), without its cancellation
	cancel  context.CancelFunc
	gone    int      // callers whose ctx ended before their answer: when all have, ctx is cancelled
	ids     []string // distinct, in arrival order
	ins     []In     // the input of each of ids
	waiters map[string][]chan outcome[Out]
	readers int       // calls waiting, repeats included
	first   time.Time // when its first call arrived
	timer   *time.Timer
	reason  string // why it was sent
	// after, when set, is the batch this one must not be sent before: the one holding an earlier
	// call for one of its images (shareRepeats off), so that changes reach VOD in their order.
	after *batch[K, In, Out]
	done  chan struct{} // closed when its request(s) are answered
}

// outcome is one call's answer.
type outcome[Out any] struct {
	val Out
	err error
}

func newCoalescer[K comparable, In, Out any](window time.Duration, limit int) *coalescer[K, In, Out] {
	if window <= 0 {
		window = defaultBatchWindow
	}
	return &coalescer[K, In, Out]{window: window, settle: window / 25, limit: limit, pending: map[K]*batch[K, In, Out]{}}
}

// batcher coalesces concurrent single-image reads that share an output type and validity into
// GetImageInfos calls of at most maxImageIDsPerBatch IDs; a batch of one is sent as GetImageInfo,
// so a lone read is answered exactly as without batching.
type batcher = coalescer[batchKey, GetImageInfoInput, *Image]

type batchKey struct {
	outputType  string
	authTimeout int64
}

// batchResult is one read's answer, as readMany delivers it.
type batchResult struct {
	img *Image
	err error
}

func newBatcher(c *Client, window time.Duration) *batcher {
	b := newCoalescer[batchKey, GetImageInfoInput, *Image](window, maxImageIDsPerBatch)
	b.shareRepeats = true
	b.identify = func(in GetImageInfoInput) (batchKey, string) {
		return batchKey{in.OutputType, in.AuthTimeout}, in.ImageID
	}
	b.send = func(ctx context.Context, key batchKey, ins []GetImageInfoInput, deliver func(int, *Image, error)) {
		if len(ins) == 1 { // a lone read is answered exactly as without batching
			img, err := c.getImageInfo(ctx, ins[0])
			deliver(0, img, err)
			return
		}
		ids := make([]string, len(ins))
		for i, in := range ins {
			ids[i] = in.ImageID
		}
		c.readMany(ctx, ids, key.outputType, key.authTimeout, func(i int, r batchResult) { deliver(i, r.img, r.err) })
	}
	return b
}

// get makes one call through the current batch for its key. A caller whose ctx ends stops
// waiting at once; the batch goes on for the others.
func (b *coalescer[K, In, Out]) get(ctx context.Context, in In) (Out, error) {
	key, id := b.identify(in)
	ch := make(chan outcome[Out], 1)

	b.mu.Lock()
	now := time.Now()
	b.active++
	b.notePeak(now)
	b.lastArrive = now
	bt := b.pending[key]
	var ready []*batch[K, In, Out]
	var after *batch[K, In, Out]
	if _, seen := bt.waitersOf(id); seen && !b.shareRepeats {
		ready = append(ready, b.take(bt, "repeated image"))
		after, bt = bt, nil
	}
	if bt == nil {
		bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		bt = &batch[K, In, Out]{key: key, ctx: bctx, cancel: cancel, waiters: map[string][]chan outcome[Out]{}, first: now,
			after: after, done: make(chan struct{})}
		b.pending[key] = bt
		bt.timer = time.AfterFunc(b.settle, func() { b.wake() })
	}
	if _, seen := bt.waiters[id]; !seen {
		bt.ids = append(bt.ids, id)
		bt.ins = append(bt.ins, in)
	}
	bt.waiters[id] = append(bt.waiters[id], ch)
	bt.readers++
	b.queued++
	ready = append(ready, b.takeReady(now)...)
	b.mu.Unlock()
	for _, r := range ready {
		go b.run(r)
	}

	defer func() {
		b.mu.Lock()
		b.active--
		b.lastLeave = time.Now()
		b.mu.Unlock()
	}()
	select {
	case r := <-ch:
		return r.val, r.err
	case <-ctx.Done():
		// The batch goes on for the others; once every caller has gone, its waits for a turn at
		// the rate and its retries stop too.
		b.mu.Lock()
		if bt.gone++; bt.gone == bt.readers && b.pending[key] != bt { // sent: no caller can join it
			bt.cancel()
		}
		b.mu.Unlock()
		var zero Out
		return zero, ctx.Err()
	}
}

// waitersOf returns the channels of id's callers in bt, and whether it has any; bt may be nil.
func (bt *batch[K, In, Out]) waitersOf(id string) ([]chan outcome[Out], bool) {
	if bt == nil {
		return nil, false
	}
	chans, ok := bt.waiters[id]
	return chans, ok
}

// take removes bt from the pending batches, to be sent for reason. b.mu must be held.
func (b *coalescer[K, In, Out]) take(bt *batch[K, In, Out], reason string) *batch[K, In, Out] {
	bt.timer.Stop()
	bt.reason = reason
	delete(b.pending, bt.key)
	b.queued -= bt.readers
	b.inflight += bt.readers
	return bt
}

// notePeak updates the peak after active rose. b.mu must be held.
func (b *coalescer[K, In, Out]) notePeak(now time.Time) {
	switch d := now.Sub(b.bucketStart); {
	case d >= 2*time.Second: // no read for a while: what came before says nothing
		b.prevMax, b.curMax, b.bucketStart = 0, 0, now
	case d >= time.Second:
		b.prevMax, b.curMax, b.bucketStart = b.curMax, 0, now
	}
	b.curMax = max(b.curMax, b.active)
	p := max(b.curMax, b.prevMax)
	if p > b.peak {
		b.peakRaised = now
	}
	b.peak = p
}

// takeReady removes the pending batches that should be sent now and returns them; the others'
// timers are set for when they may be. b.mu must be held.
func (b *coalescer[K, In, Out]) takeReady(now time.Time) []*batch[K, In, Out] {
	var ready []*batch[K, In, Out]
	for _, bt := range b.pending {
		reason, wait := b.ready(bt, now)
		if reason == "" {
			bt.timer.Reset(wait)
			continue
		}
		ready = append(ready, b.take(bt, reason))
	}
	return ready
}

// ready says why bt should be sent now, or "" and how long until that may change if no read
// arrives and no batch is answered meanwhile. b.mu must be held.
func (b *coalescer[K, In, Out]) ready(bt *batch[K, In, Out], now time.Time) (reason string, wait time.Duration) {
	if len(bt.ids) >= b.limit {
		return "full", 0
	}
	wait = bt.first.Add(maxWaitWindows * b.window).Sub(now)
	if wait <= 0 {
		return "max wait", 0
	}
	if b.inflight > 0 {
		return "", wait // its readers come back after it is answered, which looks again
	}
	if b.queued >= max(1, b.peak) { // every read taking part is waiting
		if b.peakRaised.Before(bt.first) {
			return "all waiting", 0
		}
		pause := b.window / 2 // the peak is still rising: wait for a pause in arrivals
		if b.queued == 1 {
			pause = b.settle
		}
		if quiet := now.Sub(b.lastArrive); quiet < pause {
			return "", min(wait, pause-quiet)
		}
		return "all waiting after a pause", 0
	}
	// Some reads taking part are back in Terraform: wait for them unless nothing has happened
	// for a while (the plan's reads are over).
	last := b.lastArrive
	if b.lastLeave.After(last) {
		last = b.lastLeave
	}
	if quiet := now.Sub(last); quiet < quietWindows*b.window {
		return "", min(wait, quietWindows*b.window-quiet)
	}
	return "quiet", 0
}

// wake looks at the pending batches when a timer fires.
func (b *coalescer[K, In, Out]) wake() {
	b.mu.Lock()
	ready := b.takeReady(time.Now())
	b.mu.Unlock()
	for _, r := range ready {
		go b.run(r)
	}
}

// run sends bt and answers each caller as soon as its image's outcome is known: when a read batch
// goes as GetImageInfo calls, readers go back to Terraform one by one, and Terraform's work on them
// overlaps the calls still waiting for their turn.
func (b *coalescer[K, In, Out]) run(bt *batch[K, In, Out]) {
	if b.sent != nil {
		b.sent(bt.ids, bt.reason)
	}
	deliver := func(i int, val Out, err error) {
		chans := bt.waiters[bt.ids[i]] // read-only once the batch is sent
		for _, ch := range chans {
			ch <- outcome[Out]{val, err} // buffered: a caller that gave up does not block the others
		}
		b.mu.Lock()
		b.inflight -= len(chans)
		ready := b.takeReady(time.Now())
		b.mu.Unlock()
		for _, r := range ready {
			go b.run(r)
		}
	}
	defer close(bt.done)
	defer bt.cancel()
	b.mu.Lock()
	if bt.gone == bt.readers { // every caller left while it was pending
		bt.cancel()
	}
	b.mu.Unlock()
	if bt.after != nil {
		<-bt.after.done // answered within its own retries and timeouts
		bt.after = nil
	}
	b.send(bt.ctx, bt.key, bt.ins, deliver)
}
