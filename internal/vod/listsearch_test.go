package vod

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// listAll runs ListImages to the end and returns the IDs in order, the stats and the error.
func listAll(t *testing.T, c *Client, f ImageFilter) ([]string, ListStats, error) {
	t.Helper()
	var stats ListStats
	var ids []string
	for hit, err := range c.ListImages(context.Background(), f, &stats) {
		if err != nil {
			return ids, stats, err
		}
		ids = append(ids, hit.ImageID)
	}
	return ids, stats, nil
}

// checkOnce fails unless ids are exactly want's, each once, in want's order.
func checkOnce(t *testing.T, ids, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range ids {
		seen[id]++
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("image %s listed %d times", id, n)
		}
	}
	if len(ids) != len(want) {
		t.Fatalf("listed %d images, want %d", len(ids), len(want))
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("image %d of the list is %s, want %s (oldest first)", i, ids[i], want[i])
		}
	}
}

// A filter that matches 5,500 images (of 5,600 created a minute apart, bounded by its creation
// range), 200 of which share one second across hit 5,000: beyond SearchMedia's 5,000-hit cap, so
// listed in two creation-time windows, the second starting at that shared second, each image once,
// oldest first, in the pages the images fill plus one per window boundary. Each window keeps the
// filter's upper bound. (The acceptance test TestAccImageList_beyondThePagingCap lists 12,000, in
// three windows.)
func TestListImagesBeyondThePagingCap(t *testing.T) {
	t.Parallel()
	const n = 5600
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	_, c := searchEmulator(t, n, func(img *vodemu.Image) {
		if i := fixtureIndex(img.ImageID); i >= 4990 && i < 5190 {
			img.CreationTime = base.Add(4990 * time.Minute).Format("2006-01-02T15:04:05Z")
		}
	})
	f := ImageFilter{CreatedAfter: base.Add(50 * time.Minute), CreatedBefore: base.Add(5549 * time.Minute)}
	ids, stats, err := listAll(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	// Ties sort by ImageId in the emulator, as the IDs' numbers do.
	checkOnce(t, ids, idsOf(seq(50, 5550)...))
	if stats.Windows != 2 {
		t.Errorf("searched %d creation-time windows, want 2", stats.Windows)
	}
	if limit := 5500/maxSearchPageSize + stats.Windows; stats.Calls > limit {
		t.Errorf("made %d SearchMedia calls, want at most %d", stats.Calls, limit)
	}
}

// More than 5,000 matching images created in one second cannot be reached by creation time: an
// error says so and what to do, after the images that could be listed.
func TestListImagesTooManyInOneSecond(t *testing.T) {
	t.Parallel()
	_, c := searchEmulator(t, 5100, func(img *vodemu.Image) { img.CreationTime = "2024-01-01T00:00:00Z" })
	ids, _, err := listAll(t, c, ImageFilter{})
	if err == nil {
		t.Fatalf("listed %d images without an error", len(ids))
	}
	for _, want := range []string{"more than 5000 images", "same second, 2024-01-01T00:00:00Z", "Narrow the filter"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if len(ids) != MaxSearchResults {
		t.Errorf("listed %d images before the error, want the %d the first search reached", len(ids), MaxSearchResults)
	}
}

// Stopping the loop stops the search: no page is asked for beyond the ones fetched ahead of the
// page being read.
func TestListImagesStopsWhenTheLoopStops(t *testing.T) {
	t.Parallel()
	emu, c := searchEmulator(t, 4000)
	var stats ListStats
	var got []ImageHit
	for hit, err := range c.ListImages(context.Background(), ImageFilter{Title: "cover"}, &stats) {
		if err != nil {
			t.Fatal(err)
		}
		if got = append(got, hit); len(got) == 150 {
			break
		}
	}
	if stats.Calls != 2 {
		t.Errorf("read %d SearchMedia answers for 150 of 2,000 hits, want 2", stats.Calls)
	}
	if n := emu.Server.Stats().ByAction["SearchMedia"]; n > 2+listPrefetch {
		t.Errorf("the emulator answered %d SearchMedia calls for 150 of 2,000 hits, want at most %d (2, and %d ahead)", n, 2+listPrefetch, listPrefetch)
	}
	if h := got[1]; h.ImageID != imageID(2) || h.Title != "cover 2" || h.CreationTime != "2024-01-01T00:02:00Z" ||
		h.ModificationTime != "2024-01-01T01:02:00Z" {
		t.Errorf("second hit = %+v, want image 2 with its title and times", h)
	}
}

// The pages after the first are fetched ahead, concurrently, and yielded in order: the list is the
// same as read page by page.
func TestListImagesFetchesAheadInOrder(t *testing.T) {
	t.Parallel()
	emu, c := searchEmulator(t, 3000)
	ids, stats, err := listAll(t, c, ImageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	checkOnce(t, ids, idsOf(seq(0, 3000)...))
	if n := emu.Server.Stats().ByAction["SearchMedia"]; n != 30 || stats.Calls != 30 {
		t.Errorf("SearchMedia calls: %d made, %d read; want 30 (3,000 hits, 100 a page)", n, stats.Calls)
	}
}

// fixtureIndex is i for imageID(i).
func fixtureIndex(id string) int {
	n, _ := strconv.ParseInt(id, 16, 64)
	return int(n) - 1
}

// seq is from, from+1, ..., to-1.
func seq(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// A page fetched ahead that fails ends the list with its error, after the pages before it.
func TestListImagesErrorOfAPageAhead(t *testing.T) {
	t.Parallel()
	c, _ := searchServer(t, func(page int) string {
		if page == 3 {
			return `{"RequestId":"R3","Total":500,"MediaList":{}}` // the wrong shape: not retried
		}
		var items []string
		for i := range 100 {
			items = append(items, fmt.Sprintf(`{"MediaId":"%032x","CreationTime":"2024-01-01T00:00:00Z"}`, (page-1)*100+i+1))
		}
		return fmt.Sprintf(`{"RequestId":"R%d","Total":500,"MediaList":[%s]}`, page, strings.Join(items, ","))
	})
	ids, _, err := listAll(t, c, ImageFilter{})
	if err == nil || !strings.Contains(err.Error(), "SearchMedia") {
		t.Fatalf("listed %d images, error %v; want page 3's error", len(ids), err)
	}
	if len(ids) != 200 {
		t.Errorf("listed %d images before the error, want pages 1 and 2's 200", len(ids))
	}
}
