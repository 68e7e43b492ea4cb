package vod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// updateDouble answers UpdateImageInfos: the images in missing are listed in NonExistImageIds; an
// item titled "bad" makes the whole request an InvalidParameter, as VOD refuses emoji.
func updateDouble(t *testing.T, missing ...string) *rpcDouble {
	return newRPCDouble(t, func(c rpcCall) rpcAnswer {
		var items []wireImageUpdate
		if err := json.Unmarshal([]byte(c.Params["UpdateContent"]), &items); err != nil {
			return apiError(400, "InvalidParameter", "UpdateContent")
		}
		var gone []string
		for _, it := range items {
			if it.Title != nil && *it.Title == "bad" {
				return apiError(400, "InvalidParameter", "The Title contains emoji")
			}
			if slices.Contains(missing, it.ImageID) {
				gone = append(gone, it.ImageID)
			}
		}
		b, _ := json.Marshal(map[string]any{"RequestId": "R-update", "NonExistImageIds": map[string][]string{"ImageId": gone}})
		return ok(string(b))
	})
}

// coalescingClient batches with a batch limit of n and windows so long that no timer sends a batch
// during a test: batches are sent when full (n calls) or when an image repeats, which does not
// depend on how fast goroutines run.
func coalescingClient(t *testing.T, d *rpcDouble, n int) *Client {
	t.Helper()
	c := doubleClient(t, d, SignatureV3, true)
	c.updater.limit, c.updater.settle = n, c.updater.window
	c.deleter.limit, c.deleter.settle = n, c.deleter.window
	return c
}

// updateAll runs the updates concurrently and returns their errors by position.
func updateAll(c *Client, ups []ImageUpdate) []error {
	errs := make([]error, len(ups))
	var wg sync.WaitGroup
	for i, u := range ups {
		wg.Go(func() { errs[i] = c.UpdateImage(context.Background(), u) })
	}
	wg.Wait()
	return errs
}

// items decodes the UpdateContent of every UpdateImageInfos request d received.
func items(t *testing.T, d *rpcDouble) [][]wireImageUpdate {
	t.Helper()
	var out [][]wireImageUpdate
	for _, c := range d.CallsOf("UpdateImageInfos") {
		var it []wireImageUpdate
		if err := json.Unmarshal([]byte(c.Params["UpdateContent"]), &it); err != nil {
			t.Fatal(err)
		}
		out = append(out, it)
	}
	return out
}

// Twenty concurrent updates go as one UpdateImageInfos request carrying each image's own change.
func TestUpdateImagesCoalesced(t *testing.T) {
	d := updateDouble(t)
	c := coalescingClient(t, d, MaxImagesPerUpdate)
	ups := make([]ImageUpdate, MaxImagesPerUpdate)
	for i := range ups {
		title := fmt.Sprint("title ", i)
		ups[i] = ImageUpdate{ImageID: imageID(i), Title: &title}
	}
	for i, err := range updateAll(c, ups) {
		if err != nil {
			t.Errorf("update %d: %v", i, err)
		}
	}
	got := items(t, d)
	if len(got) != 1 || len(got[0]) != MaxImagesPerUpdate {
		t.Fatalf("requests carried %v items, want one request of %d", len(got), MaxImagesPerUpdate)
	}
	for _, it := range got[0] {
		i := slices.Index(imageIDs(MaxImagesPerUpdate), it.ImageID)
		if i < 0 || it.Title == nil || *it.Title != fmt.Sprint("title ", i) || it.Description != nil || it.Tags != nil || it.CateID != nil {
			t.Errorf("item %+v: want image %d's title alone", it, i)
		}
	}
}

// The images VOD lists in NonExistImageIds get NoSuchResource, with the request's ID; the others
// succeed.
func TestUpdateImagesNonExist(t *testing.T) {
	d := updateDouble(t, imageID(1))
	c := coalescingClient(t, d, 3)
	tags := []string{"a", "b"}
	errs := updateAll(c, []ImageUpdate{{ImageID: imageID(0), Tags: &tags}, {ImageID: imageID(1), Tags: &tags}, {ImageID: imageID(2), Tags: &tags}})
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("existing images: %v, %v", errs[0], errs[2])
	}
	if !IsNotFound(errs[1]) || !strings.Contains(errs[1].Error(), "R-update") {
		t.Errorf("missing image: %v, want NoSuchResource with the request ID", errs[1])
	}
	if got := items(t, d); len(got) != 1 || len(got[0]) != 3 || *got[0][0].Tags != "a,b" {
		t.Errorf("requests: %+v, want one of 3 items with Tags \"a,b\"", got)
	}
}

// A request of several images refused as a client error is sent again image by image, so that the
// error reaches only the image it is about.
func TestUpdateImagesIsolatesRefusal(t *testing.T) {
	d := updateDouble(t)
	c := coalescingClient(t, d, 3)
	good, bad := "good", "bad"
	errs := updateAll(c, []ImageUpdate{{ImageID: imageID(0), Title: &good}, {ImageID: imageID(1), Title: &bad}, {ImageID: imageID(2), Title: &good}})
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("good images: %v, %v", errs[0], errs[2])
	}
	var apiErr *APIError
	if !errors.As(errs[1], &apiErr) || apiErr.Code != "InvalidParameter" {
		t.Errorf("bad image: %v, want its InvalidParameter", errs[1])
	}
	if got := items(t, d); len(got) != 4 {
		t.Errorf("%d requests, want the batch and then one per image", len(got))
	}
}

// Two changes of one image never share a request: the second sends the batch holding the first,
// and goes in the next, which is not sent before the first is answered.
func TestUpdateImageRepeatedNotMerged(t *testing.T) {
	d := updateDouble(t)
	c := coalescingClient(t, d, 2)
	var sent []string
	var mu sync.Mutex
	c.updater.sent = func(ids []string, reason string) {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, fmt.Sprint(ids, " ", reason))
	}
	one, two := "one", "two"
	var wg sync.WaitGroup
	errs := make([]error, 3)
	// Image 0, then image 0 again (another spelling of its ID), then image 1, each once the one
	// before is queued: the repeat sends [0] at once, and [0, 1] fills the next batch.
	for i, u := range []ImageUpdate{{ImageID: imageID(0), Title: &one}, {ImageID: strings.ToUpper(imageID(0)), Title: &two}, {ImageID: imageID(1), Title: &one}} {
		wg.Go(func() { errs[i] = c.UpdateImage(context.Background(), u) })
		switch i {
		case 0:
			waitQueued(c.updater, 1)
		case 1: // the repeat has sent the first batch
			waitFor(func() bool { mu.Lock(); defer mu.Unlock(); return len(sent) == 1 })
		}
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("update %d: %v", i, err)
		}
	}
	got := items(t, d)
	if len(got) != 2 || len(got[0]) != 1 || *got[0][0].Title != "one" || len(got[1]) != 2 || *got[1][0].Title != "two" {
		t.Errorf("requests %+v, want [image 0: one] then [image 0: two, image 1: one]", got)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{fmt.Sprint([]string{imageID(0)}, " repeated image"), fmt.Sprint([]string{imageID(0), imageID(1)}, " full")}
	if !slices.Equal(sent, want) {
		t.Errorf("batches sent: %q, want %q", sent, want)
	}
}

// waitQueued returns once n calls wait in b's pending batches: the condition the next arrival of a
// test depends on, polled (no timer decides the outcome).
func waitQueued[K comparable, In, Out any](b *coalescer[K, In, Out], n int) {
	waitFor(func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.queued == n
	})
}

// waitFor polls cond until it holds.
func waitFor(cond func() bool) {
	for !cond() {
		runtime.Gosched()
		time.Sleep(100 * time.Microsecond)
	}
}

// Without batching, an update is one request; an update that sets nothing sends nothing; limits
// are checked before any request.
func TestUpdateImageUnbatched(t *testing.T) {
	d := updateDouble(t)
	c := doubleClient(t, d, SignatureV3, false)
	ctx := context.Background()
	empty := ""
	if err := c.UpdateImage(ctx, ImageUpdate{ImageID: imageID(0), Description: &empty}); err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateImage(ctx, ImageUpdate{ImageID: imageID(0)}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", MaxTitleBytes+1)
	if err := c.UpdateImage(ctx, ImageUpdate{ImageID: imageID(0), Title: &long}); err == nil || !strings.Contains(err.Error(), "title") {
		t.Errorf("a long title: %v", err)
	}
	got := items(t, d)
	if len(got) != 1 || got[0][0].Description == nil || *got[0][0].Description != "" {
		t.Errorf("requests %+v, want one, clearing the description", got)
	}
}

// deleteDouble answers DeleteImage with NoSuchResource when any ID asked for is in missing, as VOD
// documents for "the specified image does not exist".
func deleteDouble(t *testing.T, missing ...string) *rpcDouble {
	return newRPCDouble(t, func(c rpcCall) rpcAnswer {
		if c.Params["DeleteImageType"] != "ImageId" {
			return apiError(400, "InvalidParameter", "DeleteImageType")
		}
		for _, id := range strings.Split(c.Params["ImageIds"], ",") {
			if slices.Contains(missing, id) {
				return apiError(404, "NoSuchResource", "The specified image does not exist.")
			}
		}
		return ok(`{"RequestId":"R-delete"}`)
	})
}

// Concurrent deletes share a request; an image already gone is success, told apart from the
// others by deleting each alone when the shared request says some image is missing.
func TestDeleteImagesCoalescedAndGone(t *testing.T) {
	d := deleteDouble(t, imageID(1))
	c := coalescingClient(t, d, 3)
	gone, errs := make([]bool, 3), make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() { gone[i], errs[i] = c.DeleteImage(context.Background(), imageID(i)) })
	}
	wg.Wait()
	for i := range 3 {
		if errs[i] != nil || gone[i] != (i == 1) {
			t.Errorf("image %d: gone %v, err %v; want gone only for image 1", i, gone[i], errs[i])
		}
	}
	calls := d.CallsOf("DeleteImage")
	if len(calls) != 4 || strings.Count(calls[0].Params["ImageIds"], ",") != 2 {
		t.Errorf("requests %+v, want one of 3 IDs, then one per image", calls)
	}
}

// Without batching: one request; gone is success; other errors are returned.
func TestDeleteImageUnbatched(t *testing.T) {
	d := deleteDouble(t, imageID(1))
	c := doubleClient(t, d, SignatureV3, false)
	if gone, err := c.DeleteImage(context.Background(), imageID(0)); gone || err != nil {
		t.Errorf("existing: (%v, %v)", gone, err)
	}
	if gone, err := c.DeleteImage(context.Background(), imageID(1)); !gone || err != nil {
		t.Errorf("missing: (%v, %v), want already gone", gone, err)
	}
	denied := newRPCDouble(t, func(rpcCall) rpcAnswer { return apiError(403, "Forbidden", "denied") })
	if _, err := doubleClient(t, denied, SignatureV3, false).DeleteImage(context.Background(), imageID(0)); err == nil {
		t.Error("Forbidden was success")
	}
}
