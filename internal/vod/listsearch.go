package vod

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"strconv"
	"time"
)

// ImageHit is an image ListImages found: its ID, and its title, creation time and last
// modification time as SearchMedia reported them ("" when VOD sent none; times are UTC,
// yyyy-MM-ddTHH:mm:ssZ).
type ImageHit struct {
	ImageID, Title, CreationTime, ModificationTime string
}

// listFields are the Image fields ListImages asks SearchMedia for beyond the basic ones (ImageId
// and CreationTime): the title names each hit for the user.
const listFields = "Title,ModificationTime"

// ListStats counts what a ListImages run did: the SearchMedia calls and the creation-time windows
// it searched (1 when the filter matched at most MaxSearchResults images).
type ListStats struct {
	Calls, Windows int
}

// ListImages lists every image filter matches, each once, oldest first, however many match.
// SearchMedia's page browsing reaches only the first MaxSearchResults hits of a search (the
// SearchMedia reference; vod-api.md), so a search that has more is split by creation time: once a
// window's hits reach the cap, the next search starts at the creation time of the window's last
// hit, included (several images can share a second), and the images already listed at that second
// are skipped. Images created while the list runs are listed if they sort after the window being
// read; an image deleted meanwhile can shift a page and be listed although it is gone.
//
// It yields each hit with a nil error, or, at most once and last, a zero hit with an error: the
// errors of SearchImages, or one saying that more than MaxSearchResults images share one creation
// second (no search by creation time can reach the rest of them). stats, if not nil, is updated
// as the list goes. Stopping the loop stops the search.
func (c *Client) ListImages(ctx context.Context, filter ImageFilter, stats *ListStats) iter.Seq2[ImageHit, error] {
	if stats == nil {
		stats = &ListStats{}
	}
	return func(yield func(ImageHit, error) bool) {
		// atStart holds the IDs listed whose creation time is the current window's start.
		atStart := map[string]bool{}
		window := filter
		for {
			stats.Windows++
			w, err := c.searchWindow(ctx, window, atStart, stats, func(h ImageHit) bool { return yield(h, nil) })
			if err != nil {
				yield(ImageHit{}, err)
				return
			}
			if w.stopped || !w.truncated {
				return
			}
			// The cap cut this window: the next one starts at its last hit's second.
			next, err := time.Parse(time.RFC3339, w.lastTime)
			if err != nil {
				yield(ImageHit{}, fmt.Errorf("SearchMedia: more than %d images match %q, so the list is split by creation "+
					"time, but the last hit of a full search (image %s) has no creation time to start the next search at "+
					"(CreationTime %q, request ID %q)", MaxSearchResults, window.Match(), w.lastID, w.lastTime, w.requestID))
				return
			}
			if !window.CreatedAfter.IsZero() && !next.After(window.CreatedAfter) {
				yield(ImageHit{}, fmt.Errorf("SearchMedia: more than %d images match %q and were all created in the same "+
					"second, %s: SearchMedia's paging reaches only %d hits of a search, and no narrower creation-time "+
					"range exists. Narrow the filter with other attributes (title, tags, category, status, storage "+
					"location or app) to list them", MaxSearchResults, window.Match(), w.lastTime, MaxSearchResults))
				return
			}
			window.CreatedAfter = next
			atStart = w.atEnd
		}
	}
}

// windowResult is what searchWindow saw of one creation-time window.
type windowResult struct {
	// truncated: the cap cut the search (hits beyond MaxSearchResults exist or may exist).
	truncated bool
	// stopped: the consumer stopped the list.
	stopped bool
	// lastID, lastTime and requestID describe the window's last hit; atEnd holds the IDs of the
	// window's hits created in lastTime's second.
	lastID, lastTime, requestID string
	atEnd                       map[string]bool
}

// listPrefetch is how many SearchMedia pages of a window ListImages asks for ahead of the one it
// is yielding, once the first page's Total says how many there are: enough to keep SearchMedia's
// documented 50 calls per second busy at a real API's latency, while the action's rate (Client's
// pacing) still decides how fast they go.
const listPrefetch = 8

// pageAnswer is one fetched page of a window, or the call's error.
type pageAnswer struct {
	page *searchPage
	err  error
}

// searchWindow pages through one search, oldest first, to the cap, yielding the hits not yet
// listed: skip holds those listed by the previous window at this window's start. The first page is
// read alone; the rest are fetched up to listPrefetch ahead (one ahead when VOD sends no Total)
// and yielded in order.
func (c *Client) searchWindow(ctx context.Context, f ImageFilter, skip map[string]bool, stats *ListStats,
	yield func(ImageHit) bool) (windowResult, error) {
	query := map[string]string{"SearchType": "image", "SortBy": SortCreationTimeAsc,
		"PageSize": strconv.Itoa(maxSearchPageSize), "Fields": listFields}
	if m := f.Match(); m != "" {
		query["Match"] = m
	}
	fetch := func(ctx context.Context, page int) (*searchPage, error) {
		q := maps.Clone(query)
		q["PageNo"] = strconv.Itoa(page)
		var resp *searchPage
		err := c.call(ctx, "SearchMedia", q, func(body []byte) (err error) {
			resp, err = decodeSearchMedia(body, int64((page-1)*maxSearchPageSize))
			return err
		})
		return resp, err
	}
	res := windowResult{atEnd: map[string]bool{}}
	seen := map[string]bool{} // hits can shift between pages while images are added
	// take yields a page's new hits; it reports whether the window goes on after it.
	take := func(page int, resp *searchPage) bool {
		stats.Calls++
		for _, h := range resp.Hits {
			if h.CreationTime != res.lastTime {
				clear(res.atEnd)
			}
			res.lastID, res.lastTime, res.requestID = h.ImageID, h.CreationTime, resp.RequestID
			res.atEnd[h.ImageID] = true
			if seen[h.ImageID] || skip[h.ImageID] {
				continue
			}
			seen[h.ImageID] = true
			if !yield(ImageHit{ImageID: h.ImageID, Title: h.Title, CreationTime: h.CreationTime, ModificationTime: h.ModificationTime}) {
				res.stopped = true
				return false
			}
		}
		end := page * maxSearchPageSize
		if resp.Listed < maxSearchPageSize || (resp.TotalKnown && int64(end) >= resp.Total) {
			return false // the search's last page
		}
		if end >= MaxSearchResults {
			// A full last page at the cap: more hits exist by Total, or may exist without it.
			res.truncated = true
			return false
		}
		return true
	}

	first, err := fetch(ctx, 1)
	if err != nil {
		return res, err
	}
	if !take(1, first) {
		return res, nil
	}
	pages, ahead := MaxSearchResults/maxSearchPageSize, listPrefetch
	if first.TotalKnown {
		pages = min(pages, int((first.Total+maxSearchPageSize-1)/maxSearchPageSize))
	} else {
		ahead = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the fetches ahead when the window ends early
	answers := make([]chan pageAnswer, pages+1)
	for p := range answers {
		answers[p] = make(chan pageAnswer, 1)
	}
	slots := make(chan struct{}, ahead)
	go func() {
		for p := 2; p <= pages; p++ {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func() {
				resp, err := fetch(ctx, p)
				answers[p] <- pageAnswer{resp, err}
			}()
		}
	}()
	for p := 2; p <= pages; p++ {
		var a pageAnswer
		select {
		case a = <-answers[p]:
		case <-ctx.Done():
			return res, ctx.Err()
		}
		<-slots
		if a.err != nil {
			return res, a.err
		}
		if !take(p, a.page) {
			return res, nil
		}
	}
	return res, nil
}
