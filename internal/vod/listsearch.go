package vod

import (
	"context"
	"fmt"
	"iter"
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

// searchWindow pages through one search, oldest first, to the cap, yielding the hits not yet
// listed: skip holds those listed by the previous window at this window's start.
func (c *Client) searchWindow(ctx context.Context, f ImageFilter, skip map[string]bool, stats *ListStats,
	yield func(ImageHit) bool) (windowResult, error) {
	query := map[string]string{"SearchType": "image", "SortBy": SortCreationTimeAsc,
		"PageSize": strconv.Itoa(maxSearchPageSize), "Fields": listFields}
	if m := f.Match(); m != "" {
		query["Match"] = m
	}
	res := windowResult{atEnd: map[string]bool{}}
	seen := map[string]bool{} // hits can shift between pages while images are added
	for page := 1; (page-1)*maxSearchPageSize < MaxSearchResults; page++ {
		query["PageNo"] = strconv.Itoa(page)
		var resp *searchPage
		stats.Calls++
		err := c.call(ctx, "SearchMedia", query, func(body []byte) (err error) {
			resp, err = decodeSearchMedia(body, int64((page-1)*maxSearchPageSize))
			return err
		})
		if err != nil {
			return res, err
		}
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
				return res, nil
			}
		}
		end := page * maxSearchPageSize
		if resp.Listed < maxSearchPageSize || (resp.TotalKnown && int64(end) >= resp.Total) {
			return res, nil // the search's last page
		}
		if end >= MaxSearchResults {
			// A full last page at the cap: more hits exist by Total, or may exist without it.
			res.truncated = true
		}
	}
	return res, nil
}
