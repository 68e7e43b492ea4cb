package vod

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

func imageID(i int) string { return fmt.Sprintf("%032x", i+1) }

// imageIDs are the IDs of images 0 to n-1.
func imageIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = imageID(i)
	}
	return ids
}

// batchEmulator serves n images, the even ones with a CDN domain.
func batchEmulator(t *testing.T, n int) *vodemu.Running {
	t.Helper()
	images := make([]vodemu.Image, n)
	for i := range images {
		host := "outin-abc.oss-cn-shanghai.aliyuncs.com"
		if i%2 == 0 {
			host = "img.example.com"
		}
		images[i] = vodemu.Image{
			ImageInfo: vodemu.ImageInfo{
				ImageID: imageID(i), Title: fmt.Sprintf("image %d", i), Status: "Normal", Tags: "a,b", CateID: int64(i),
				StorageLocation: "outin-abc.oss-cn-shanghai.aliyuncs.com", CreationTime: "2024-01-02T03:04:05Z",
				URL:       fmt.Sprintf("https://%s/image/default/%d.png", host, i),
				Mezzanine: &vodemu.Mezzanine{FileURL: fmt.Sprintf("https://outin-abc.oss-cn-shanghai.aliyuncs.com/image/default/%d.png", i), Width: 100 + int64(i), Height: 50, FileSize: vodemu.FileSize{Bytes: "1234"}},
			},
		}
	}
	emu, err := vodemu.Start(vodemu.Options{AccessKeyID: testKeyID, AccessKeySecret: testSecret, Images: images})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	return emu
}

// The windows below are sized for a loaded machine: a test that counts batches fails if a reader's
// goroutine is stalled for longer than the batcher's pause (half a window) while the others
// arrive, so windows are hundreds of milliseconds, not the default 25 ms. Slower machines only
// make such tests wait longer, never send more batches.
const (
	countWindow = 500 * time.Millisecond // tests that count the requests a burst of reads makes
)

func batchClient(t *testing.T, emu *vodemu.Running, window time.Duration) *Client {
	t.Helper()
	c, err := New(Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret),
		Batch: true, batchWindow: window, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readAll reads the given IDs concurrently and returns the results by position.
func readAll(c *Client, ids []string, in GetImageInfoInput) ([]*Image, []error) {
	imgs, errs := make([]*Image, len(ids)), make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := in
			req.ImageID = id
			imgs[i], errs[i] = c.GetImage(context.Background(), req)
		}()
	}
	wg.Wait()
	return imgs, errs
}

func TestBatchCoalescesConcurrentReads(t *testing.T) {
	emu := batchEmulator(t, 50)
	c := batchClient(t, emu, countWindow)
	ids := imageIDs(50)
	imgs, errs := readAll(c, ids, GetImageInfoInput{OutputType: OutputTypeOSS})
	for i := range ids {
		if errs[i] != nil || imgs[i].ImageID != ids[i] {
			t.Fatalf("read %d: (%v, %v)", i, imgs[i], errs[i])
		}
	}
	st := emu.Server.Stats()
	if st.ByAction["GetImageInfos"] != 3 || st.ByAction["GetImageInfo"] != 0 {
		t.Errorf("50 concurrent reads made %v, want 3 GetImageInfos calls (20+20+10)", st.ByAction)
	}
}

// A batched read gives what a single read gives (URLs differ only in their signature).
func TestBatchResultsEqualSingleReads(t *testing.T) {
	emu := batchEmulator(t, 6)
	batched := batchClient(t, emu, 50*time.Millisecond)
	single := newTestClient(t, emu.URL, testSecret, SignatureV3, 0)
	for _, outputType := range []string{"", OutputTypeOSS, OutputTypeCDN} {
		ids := []string{imageID(0), imageID(1), imageID(2), imageID(3), imageID(4), imageID(5)}
		in := GetImageInfoInput{OutputType: outputType, AuthTimeout: 600}
		imgs, errs := readAll(batched, ids, in)
		for i, id := range ids {
			in.ImageID = id
			want, err := single.getImageInfo(context.Background(), in)
			if err != nil || errs[i] != nil {
				t.Fatalf("%s: single %v, batched %v", id, err, errs[i])
			}
			if got := normalised(imgs[i]); got != normalised(want) {
				t.Errorf("output_type %q, %s:\nbatched %s\nsingle  %s", outputType, id, got, normalised(want))
			}
		}
	}
}

// normalised prints an image with the query strings of its URLs removed.
func normalised(img *Image) string {
	strip := func(raw string) string {
		u, _ := url.Parse(raw)
		u.RawQuery = ""
		return u.String()
	}
	c := *img
	c.URL = strip(c.URL)
	m := *img.Mezzanine
	m.FileURL = strip(m.FileURL)
	c.Mezzanine = nil // printed below, by value
	return fmt.Sprintf("%+v %+v", c, m)
}

func TestBatchMissingImagesAreNotFound(t *testing.T) {
	emu := batchEmulator(t, 3)
	c := batchClient(t, emu, 50*time.Millisecond)
	ids := []string{imageID(0), "ffffffffffffffffffffffffffffffff", imageID(2), "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"}
	imgs, errs := readAll(c, ids, GetImageInfoInput{})
	for i, id := range ids {
		wantMissing := id[0] == 'f' || id[0] == 'e'
		if wantMissing != IsNotFound(errs[i]) || wantMissing == (imgs[i] != nil) {
			t.Errorf("%s: got (%v, %v), want missing=%v", id, imgs[i], errs[i], wantMissing)
		}
	}
	if n := emu.Server.Stats().ByAction["GetImageInfos"]; n != 1 {
		t.Errorf("%d GetImageInfos calls, want 1", n)
	}
}

func TestBatchLoneReadUsesGetImageInfo(t *testing.T) {
	emu := batchEmulator(t, 1)
	c := batchClient(t, emu, 0)
	if _, err := c.GetImage(context.Background(), GetImageInfoInput{ImageID: imageID(0)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetImage(context.Background(), GetImageInfoInput{ImageID: "ffffffffffffffffffffffffffffffff"})
	if !IsNotFound(err) {
		t.Errorf("want NoSuchResource, got %v", err)
	}
	if st := emu.Server.Stats(); st.ByAction["GetImageInfo"] != 2 || st.ByAction["GetImageInfos"] != 0 {
		t.Errorf("lone reads made %v, want 2 GetImageInfo", st.ByAction)
	}
}

// Reads with different output types or validity never share a request; duplicates share one ID.
func TestBatchKeysAndDuplicates(t *testing.T) {
	emu := batchEmulator(t, 4)
	c := batchClient(t, emu, countWindow)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for _, in := range []GetImageInfoInput{
		{ImageID: imageID(0), OutputType: OutputTypeOSS}, {ImageID: imageID(1), OutputType: OutputTypeOSS},
		{ImageID: imageID(0), OutputType: OutputTypeOSS}, // duplicate
		{ImageID: imageID(2), OutputType: OutputTypeCDN}, {ImageID: imageID(3), OutputType: OutputTypeCDN},
		{ImageID: imageID(0), OutputType: OutputTypeOSS, AuthTimeout: 60}, {ImageID: imageID(1), OutputType: OutputTypeOSS, AuthTimeout: 60},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			img, err := c.GetImage(context.Background(), in)
			if err == nil && img.ImageID != in.ImageID {
				err = fmt.Errorf("asked %s, got %s", in.ImageID, img.ImageID)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := emu.Server.Stats().ByAction["GetImageInfos"]; n != 3 {
		t.Errorf("%d GetImageInfos calls, want 3 (one per output type and validity)", n)
	}
}

// A reader that is cancelled stops waiting at once, even while its batch is being answered; the
// batch still serves the others. The batch is held in flight until the cancelled reader has
// returned, so the outcome does not depend on how fast a loaded machine runs the readers.
func TestBatchCancelledReader(t *testing.T) {
	emu := batchEmulator(t, 2)
	c := batchClient(t, emu, 300*time.Millisecond)
	sent, release := make(chan []string, 2), make(chan struct{})
	c.batcher.sent = func(ids []string, _ string) {
		sent <- ids
		<-release
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.GetImage(ctx, GetImageInfoInput{ImageID: imageID(0)})
		done <- err
	}()
	other := make(chan error, 1)
	go func() {
		_, err := c.GetImage(context.Background(), GetImageInfoInput{ImageID: imageID(1)})
		other <- err
	}()
	for ids := range sent { // the two reads may share a batch or not
		if slices.Contains(ids, imageID(0)) {
			break
		}
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled reader: %v", err)
		}
	case <-time.After(time.Minute): // its batch is held: a reader still here waits for it
		t.Errorf("the cancelled reader still waits for its batch")
	}
	close(release)
	if err := <-other; err != nil {
		t.Errorf("the other reader: %v", err)
	}
}

// A failed batch fails each of its reads with the batch's error.
func TestBatchErrorReachesEveryReader(t *testing.T) {
	emu := batchEmulator(t, 3)
	emu.Server.InjectNext(vodemu.FaultKind("internal"), 1)
	c := batchClient(t, emu, countWindow)
	_, errs := readAll(c, []string{imageID(0), imageID(1), imageID(2)}, GetImageInfoInput{})
	for i, err := range errs {
		if err == nil || !isRetryable(err) {
			t.Errorf("read %d: want the batch's InternalError, got %v", i, err)
		}
	}
}

// With RequestsPerSecond a little under the server's limit, a burst of reads paces itself instead of being
// throttled; without it, the same burst meets Throttling.User.
func TestRequestsPerSecondAvoidsThrottling(t *testing.T) {
	// Unpaced, 40 reads meet the limit unless they take over 3 s (a bucket of 10, refilled at 10
	// a second): milliseconds each on loopback, even on a loaded machine. Paced, 15 take 2 s.
	for _, tc := range []struct {
		rps           float64
		reads         int
		wantThrottled bool
	}{{8, 15, false}, {0, 40, true}} {
		t.Run(fmt.Sprintf("rps=%v", tc.rps), func(t *testing.T) {
			emu, err := vodemu.Start(vodemu.Options{AccessKeyID: testKeyID, AccessKeySecret: testSecret, QPS: 10,
				Images: []vodemu.Image{{ImageInfo: vodemu.ImageInfo{ImageID: testImage, StorageLocation: "outin-abc.oss-cn-shanghai.aliyuncs.com", URL: "https://img.example.com/a.png"}}}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = emu.Close() })
			c, err := New(Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret), RequestsPerSecond: tc.rps})
			if err != nil {
				t.Fatal(err)
			}
			for range tc.reads {
				_, _ = c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: testImage})
			}
			if throttled := emu.Server.Stats().ByCode["Throttling.User"] > 0; throttled != tc.wantThrottled {
				t.Errorf("throttled = %v, want %v (%+v)", throttled, tc.wantThrottled, emu.Server.Stats().ByCode)
			}
		})
	}
}

// readLikeTerraform reads ids with the given number of workers, each starting its next read as
// soon as its last one is answered, as Terraform does at -parallelism=workers. It returns the
// sizes of the batches sent, in order.
func readLikeTerraform(t *testing.T, c *Client, workers int, ids []string) []int {
	return readLikeTerraformThinking(t, c, workers, ids, func(int) time.Duration { return 0 })
}

// readLikeTerraformThinking is readLikeTerraform with worker i pausing think(i) after each read, as
// Terraform does between two reads of one worker.
func readLikeTerraformThinking(t *testing.T, c *Client, workers int, ids []string, think func(worker int) time.Duration) []int {
	t.Helper()
	var mu sync.Mutex
	var sizes []int
	c.batcher.sent = func(ids []string, _ string) {
		mu.Lock()
		sizes = append(sizes, len(ids))
		mu.Unlock()
	}
	next := make(chan string, len(ids))
	for _, id := range ids {
		next <- id
	}
	close(next)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				img, err := c.GetImage(context.Background(), GetImageInfoInput{ImageID: id, OutputType: OutputTypeCDN})
				if err != nil || img.ImageID != id {
					t.Errorf("%s: (%v, %v)", id, img, err)
				}
				time.Sleep(think(w))
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return sizes
}

// With fewer reads going than a batch holds, every batch takes all of them: the batch is sent when
// the last of them arrives, not when a timer runs out.
func TestBatchTakesEveryReadGoing(t *testing.T) {
	emu := batchEmulator(t, 100)
	c := batchClient(t, emu, 2*time.Second) // long enough that no timer cuts a batch short
	ids := imageIDs(100)
	sizes := readLikeTerraform(t, c, 10, ids)
	if len(sizes) != 10 {
		t.Errorf("100 reads by 10 workers were sent in batches of %v, want 10 batches of 10", sizes)
	}
}

// With more reads going than a batch holds, batches are full: one fills while another is answered.
func TestBatchFillsWhileAnotherIsAnswered(t *testing.T) {
	emu := batchEmulator(t, 400)
	c := batchClient(t, emu, time.Second) // at most 8 s for a batch to fill: answering one takes ms
	ids := imageIDs(400)
	sizes := readLikeTerraform(t, c, 32, ids)
	for i, n := range sizes {
		if n != maxImageIDsPerBatch && i < len(sizes)-1 {
			t.Errorf("400 reads by 32 workers were sent in batches of %v, want all but the last full", sizes)
			break
		}
	}
}

// Reads that come back slowly (Terraform working between two reads of a worker) are waited for:
// a batch fills up even when filling takes longer than the window, as long as reads keep coming.
func TestBatchWaitsForSlowReaders(t *testing.T) {
	emu := batchEmulator(t, 160)
	const window = 250 * time.Millisecond
	c := batchClient(t, emu, window)
	ids := imageIDs(160)
	// 32 workers coming back over 2.5 windows: a batch takes about 1.6 windows to fill, longer
	// than the window but far less than the quietWindows windows without any read that end the
	// wait (a stall of a whole window between two reads still leaves three to spare).
	sizes := readLikeTerraformThinking(t, c, 32, ids, func(w int) time.Duration { return time.Duration(w) * window / 12 })
	for i, n := range sizes {
		if n != maxImageIDsPerBatch && i < len(sizes)-1 {
			t.Errorf("160 reads by 32 slow workers were sent in batches of %v, want all but the last full", sizes)
			break
		}
	}
}
