package vod

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// DefaultBatchWindow is the longest a read waits for others to join its batch.
const DefaultBatchWindow = 25 * time.Millisecond

// batcher coalesces concurrent single-image reads that share an output type and validity into
// GetImageInfos calls of at most MaxImageIDsPerBatch IDs; a batch of one is sent as GetImageInfo,
// so a lone read is answered exactly as without batching.
//
// When to send: Terraform runs up to -parallelism reads at once and starts the next ones as earlier
// ones finish, so the number of reads recently seen in flight at the same time (the peak) says how
// many will come. A batch is sent as soon as it is full, or holds as many reads as the peak once a
// short settling time (a tenth of the window) has passed, or when the window ends. A lone read
// thus waits only the settling time, and a large plan's reads move in batches of -parallelism.
type batcher struct {
	client         *Client
	window, settle time.Duration

	mu      sync.Mutex
	pending map[batchKey]*batch
	active  int       // reads inside get
	peak    int       // the most reads seen inside get at once, recently
	peakAt  time.Time // when peak was last reached
}

type batchKey struct {
	outputType  string
	authTimeout int64
}

type batch struct {
	key     batchKey
	ctx     context.Context // the first reader's values (loggers), without its cancellation
	ids     []string        // distinct, in arrival order
	waiters map[string][]chan batchResult
	settled bool // the settling time has passed
}

type batchResult struct {
	img *Image
	err error
}

func newBatcher(c *Client, window time.Duration) *batcher {
	if window <= 0 {
		window = DefaultBatchWindow
	}
	return &batcher{client: c, window: window, settle: window / 10, pending: map[batchKey]*batch{}}
}

// get reads one image through the current batch for its key. A reader whose ctx ends stops
// waiting at once; the batch goes on for the others.
func (b *batcher) get(ctx context.Context, in GetImageInfoInput) (*Image, error) {
	key := batchKey{in.OutputType, in.AuthTimeout}
	ch := make(chan batchResult, 1)

	b.mu.Lock()
	b.active++
	if b.active >= b.peak {
		b.peak, b.peakAt = b.active, time.Now()
	}
	bt := b.pending[key]
	if bt == nil {
		bt = &batch{key: key, ctx: context.WithoutCancel(ctx), waiters: map[string][]chan batchResult{}}
		b.pending[key] = bt
		time.AfterFunc(b.settle, func() { b.settled(bt) })
		time.AfterFunc(b.window, func() { b.expire(bt) })
	}
	if _, seen := bt.waiters[in.ImageID]; !seen {
		bt.ids = append(bt.ids, in.ImageID)
	}
	bt.waiters[in.ImageID] = append(bt.waiters[in.ImageID], ch)
	send := b.takeIfReady(bt)
	b.mu.Unlock()
	if send {
		go b.run(bt)
	}

	defer func() {
		b.mu.Lock()
		b.active--
		b.mu.Unlock()
	}()
	select {
	case r := <-ch:
		return r.img, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// takeIfReady removes bt from pending when it should be sent now. b.mu must be held.
func (b *batcher) takeIfReady(bt *batch) bool {
	if b.pending[bt.key] != bt {
		return false // already sent
	}
	if time.Since(b.peakAt) > time.Second { // the plan that made the peak is over
		b.peak, b.peakAt = b.active, time.Now()
	}
	expected := min(MaxImageIDsPerBatch, max(1, b.peak))
	if len(bt.ids) >= MaxImageIDsPerBatch || (bt.settled && len(bt.ids) >= expected) {
		delete(b.pending, bt.key)
		return true
	}
	return false
}

// settled marks the end of bt's settling time and sends it if it holds as many reads as expected.
func (b *batcher) settled(bt *batch) {
	b.mu.Lock()
	bt.settled = true
	send := b.takeIfReady(bt)
	b.mu.Unlock()
	if send {
		b.run(bt)
	}
}

// expire sends bt when its window ends, unless it was sent already.
func (b *batcher) expire(bt *batch) {
	b.mu.Lock()
	current := b.pending[bt.key] == bt
	if current {
		delete(b.pending, bt.key)
	}
	b.mu.Unlock()
	if current {
		b.run(bt)
	}
}

func (b *batcher) run(bt *batch) {
	results := b.fetch(bt)
	for id, chans := range bt.waiters {
		for _, ch := range chans {
			ch <- results[id] // buffered: a reader that gave up does not block the others
		}
	}
}

// fetch returns a result for every ID of the batch.
func (b *batcher) fetch(bt *batch) map[string]batchResult {
	results := make(map[string]batchResult, len(bt.ids))
	if len(bt.ids) == 1 {
		img, err := b.client.GetImageInfo(bt.ctx, GetImageInfoInput{ImageID: bt.ids[0], OutputType: bt.key.outputType, AuthTimeout: bt.key.authTimeout})
		results[bt.ids[0]] = batchResult{img, err}
		return results
	}
	out, err := b.client.GetImageInfos(bt.ctx, GetImageInfosInput{ImageIDs: bt.ids, OutputType: bt.key.outputType, AuthTimeout: bt.key.authTimeout})
	if err != nil {
		for _, id := range bt.ids {
			results[id] = batchResult{err: err}
		}
		return results
	}
	found := make(map[string]*Image, len(out.Images))
	for _, img := range out.Images {
		found[strings.ToLower(img.ImageID)] = img
	}
	missing := make(map[string]bool, len(out.Missing))
	for _, id := range out.Missing {
		missing[strings.ToLower(id)] = true
	}
	for _, id := range bt.ids {
		switch img, ok := found[strings.ToLower(id)]; {
		case ok:
			results[id] = batchResult{img: img}
		case missing[strings.ToLower(id)]:
			// The same error a GetImageInfo of this ID would give, with the batch's request ID.
			results[id] = batchResult{err: &APIError{Action: "GetImageInfos", HTTPStatus: 404, Code: "NoSuchResource",
				Message: "The specified resource does not exist.", RequestID: out.RequestID, Attempts: 1}}
		default:
			results[id] = batchResult{err: fmt.Errorf("GetImageInfos: the answer names neither image %q nor its absence (request ID %q)", id, out.RequestID)}
		}
	}
	return results
}
