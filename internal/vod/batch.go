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

// batcher coalesces concurrent single-image reads that share an output type and validity into
// GetImageInfos calls of at most maxImageIDsPerBatch IDs; a batch of one is sent as GetImageInfo,
// so a lone read is answered exactly as without batching.
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
type batcher struct {
	client         *Client
	window, settle time.Duration
	// sent, if set, is told about every batch sent and why (tests).
	sent func(ids []string, reason string)

	mu         sync.Mutex
	pending    map[batchKey]*batch
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

type batchKey struct {
	outputType  string
	authTimeout int64
}

type batch struct {
	key     batchKey
	ctx     context.Context // the first reader's values (loggers), without its cancellation
	cancel  context.CancelFunc
	gone    int      // readers whose ctx ended before their answer: when all have, ctx is cancelled
	ids     []string // distinct, in arrival order
	waiters map[string][]chan batchResult
	readers int       // reads waiting, duplicates included
	first   time.Time // when its first read arrived
	timer   *time.Timer
	reason  string // why it was sent
}

type batchResult struct {
	img *Image
	err error
}

func newBatcher(c *Client, window time.Duration) *batcher {
	if window <= 0 {
		window = defaultBatchWindow
	}
	return &batcher{client: c, window: window, settle: window / 25, pending: map[batchKey]*batch{}}
}

// get reads one image through the current batch for its key. A reader whose ctx ends stops
// waiting at once; the batch goes on for the others.
func (b *batcher) get(ctx context.Context, in GetImageInfoInput) (*Image, error) {
	key := batchKey{in.OutputType, in.AuthTimeout}
	ch := make(chan batchResult, 1)

	b.mu.Lock()
	now := time.Now()
	b.active++
	b.notePeak(now)
	b.lastArrive = now
	bt := b.pending[key]
	if bt == nil {
		bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		bt = &batch{key: key, ctx: bctx, cancel: cancel, waiters: map[string][]chan batchResult{}, first: now}
		b.pending[key] = bt
		bt.timer = time.AfterFunc(b.settle, func() { b.wake() })
	}
	if _, seen := bt.waiters[in.ImageID]; !seen {
		bt.ids = append(bt.ids, in.ImageID)
	}
	bt.waiters[in.ImageID] = append(bt.waiters[in.ImageID], ch)
	bt.readers++
	b.queued++
	ready := b.takeReady(now)
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
		return r.img, r.err
	case <-ctx.Done():
		// The batch goes on for the others; once every reader has gone, its waits for a turn at
		// the rate and its retries stop too.
		b.mu.Lock()
		if bt.gone++; bt.gone == bt.readers && b.pending[key] != bt { // sent: no reader can join it
			bt.cancel()
		}
		b.mu.Unlock()
		return nil, ctx.Err()
	}
}

// notePeak updates the peak after active rose. b.mu must be held.
func (b *batcher) notePeak(now time.Time) {
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
func (b *batcher) takeReady(now time.Time) []*batch {
	var ready []*batch
	for key, bt := range b.pending {
		reason, wait := b.ready(bt, now)
		if reason == "" {
			bt.timer.Reset(wait)
			continue
		}
		bt.timer.Stop()
		bt.reason = reason
		delete(b.pending, key)
		b.queued -= bt.readers
		b.inflight += bt.readers
		ready = append(ready, bt)
	}
	return ready
}

// ready says why bt should be sent now, or "" and how long until that may change if no read
// arrives and no batch is answered meanwhile. b.mu must be held.
func (b *batcher) ready(bt *batch, now time.Time) (reason string, wait time.Duration) {
	if len(bt.ids) >= maxImageIDsPerBatch {
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
func (b *batcher) wake() {
	b.mu.Lock()
	ready := b.takeReady(time.Now())
	b.mu.Unlock()
	for _, r := range ready {
		go b.run(r)
	}
}

// run reads bt's images and answers each reader as soon as its image is known: when the batch goes
// as GetImageInfo calls, readers go back to Terraform one by one, and Terraform's work on them
// overlaps the calls still waiting for their turn.
func (b *batcher) run(bt *batch) {
	if b.sent != nil {
		b.sent(bt.ids, bt.reason)
	}
	deliver := func(i int, r batchResult) {
		chans := bt.waiters[bt.ids[i]] // read-only once the batch is sent
		for _, ch := range chans {
			ch <- r // buffered: a reader that gave up does not block the others
		}
		b.mu.Lock()
		b.inflight -= len(chans)
		ready := b.takeReady(time.Now())
		b.mu.Unlock()
		for _, r := range ready {
			go b.run(r)
		}
	}
	defer bt.cancel()
	b.mu.Lock()
	if bt.gone == bt.readers { // every reader left while it was pending
		bt.cancel()
	}
	b.mu.Unlock()
	if len(bt.ids) == 1 { // a lone read is answered exactly as without batching
		img, err := b.client.getImageInfo(bt.ctx, GetImageInfoInput{ImageID: bt.ids[0], OutputType: bt.key.outputType, AuthTimeout: bt.key.authTimeout})
		deliver(0, batchResult{img, err})
		return
	}
	b.client.readMany(bt.ctx, bt.ids, bt.key.outputType, bt.key.authTimeout, deliver)
}
