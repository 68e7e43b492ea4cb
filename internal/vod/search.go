package vod

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SearchMedia's limits, in hits: a page holds at most maxSearchPageSize, and page browsing reaches
// only the first MaxSearchResults (the SearchMedia reference; models.json, SearchMedia "limits").
const (
	maxSearchPageSize = 100
	MaxSearchResults  = 5000
)

// Sort orders SearchMedia accepts for images.
const (
	SortCreationTimeDesc = "CreationTime:Desc"
	SortCreationTimeAsc  = "CreationTime:Asc"
)

// ImageFilter selects images by what they are. Zero-valued fields do not filter; the others must
// all match.
type ImageFilter struct {
	Title           string   // contained in the title (VOD matches titles fuzzily)
	Tags            []string // each contained in the tags
	CateID          *int64
	Statuses        []string // any of
	StorageLocation string
	AppID           string
	// CreatedAfter and CreatedBefore bound the creation time, both inclusive, to the second (sent
	// in UTC); the zero time leaves that end open.
	CreatedAfter, CreatedBefore time.Time
}

// Match renders the filter in SearchMedia's Match syntax, "" when nothing filters (the media-search protocol, doc 86991):
// clauses joined by "and", strings in single quotes with backslash escapes, AppId and Status as
// multi-value "in" queries (the only form the protocol's image table gives them), and the
// creation-time range with closed ends, [a,b], so that both bounds are included; a missing bound
// is left empty, as in ['2024-01-01T00:00:00Z',).
func (f ImageFilter) Match() string {
	var clauses []string
	add := func(format string, args ...any) { clauses = append(clauses, fmt.Sprintf(format, args...)) }
	if f.Title != "" {
		add("Title = %s", quote(f.Title))
	}
	for _, tag := range f.Tags {
		add("Tags = %s", quote(tag))
	}
	if f.CateID != nil {
		add("CateId = %d", *f.CateID)
	}
	if len(f.Statuses) > 0 {
		quoted := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			quoted[i] = quote(s)
		}
		add("Status in (%s)", strings.Join(quoted, ","))
	}
	if f.StorageLocation != "" {
		add("StorageLocation = %s", quote(f.StorageLocation))
	}
	if f.AppID != "" {
		add("AppId in (%s)", quote(f.AppID))
	}
	if !f.CreatedAfter.IsZero() || !f.CreatedBefore.IsZero() {
		open, from, to, end := "(", "", "", ")"
		if !f.CreatedAfter.IsZero() {
			open, from = "[", quote(apiTime(f.CreatedAfter))
		}
		if !f.CreatedBefore.IsZero() {
			to, end = quote(apiTime(f.CreatedBefore)), "]"
		}
		add("CreationTime = %s%s,%s%s", open, from, to, end)
	}
	return strings.Join(clauses, " and ")
}

// quote puts s in single quotes, escaping the quote and the backslash with a backslash.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// apiTime formats t as the API's UTC timestamps; the zero time is the empty string.
func apiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// SearchImagesInput is a search for images: Filter, in SortBy order (SortCreationTimeDesc, the
// default, or SortCreationTimeAsc), at most MaxResults image IDs (at most, and by default,
// MaxSearchResults).
type SearchImagesInput struct {
	Filter     ImageFilter
	SortBy     string
	MaxResults int
}

// SearchImagesOutput lists the IDs found, in order, and how many images matched in all (Total
// can exceed the IDs when MaxResults or the API's paging cap cut the list; when VOD leaves Total
// out of its answers, it is the number of hits seen). ModificationTimes
// holds, by image ID, the last-modified time SearchMedia reported (yyyy-MM-ddTHH:mm:ssZ), for the
// images that have one: SearchMedia is the only image read that returns it.
type SearchImagesOutput struct {
	ImageIDs          []string
	Total             int64
	ModificationTimes map[string]string
}

// searchFields are the Image fields SearchImages asks for beyond the basic ones: SearchMedia
// returns extra fields only when Fields names them.
const searchFields = "ModificationTime"

// SearchImages pages through SearchMedia, 100 hits a page, for the IDs of the images that match;
// no match is an empty list, not an error, also when VOD leaves MediaList out of the answer. Its
// errors are those of every call (see Client): *APIError, *MalformedResponseError or a JSON answer
// of the wrong shape (such as a hit without an ID, or no MediaList while Total says the page has
// hits; decode.go lists what each missing field means), a transport error after retries,
// *CredentialError, ctx's error.
func (c *Client) SearchImages(ctx context.Context, in SearchImagesInput) (*SearchImagesOutput, error) {
	limit := in.MaxResults
	if limit <= 0 || limit > MaxSearchResults {
		limit = MaxSearchResults
	}
	sortBy := in.SortBy
	if sortBy == "" {
		sortBy = SortCreationTimeDesc
	}
	pageSize := min(limit, maxSearchPageSize)
	query := map[string]string{"SearchType": "image", "SortBy": sortBy, "PageSize": strconv.Itoa(pageSize), "Fields": searchFields}
	if m := in.Filter.Match(); m != "" {
		query["Match"] = m
	}

	out := &SearchImagesOutput{ModificationTimes: map[string]string{}}
	seen := map[string]bool{} // hits can shift between pages while images are added
	for page := 1; len(out.ImageIDs) < limit && (page-1)*pageSize < MaxSearchResults; page++ {
		query["PageNo"] = strconv.Itoa(page)
		var resp *searchPage
		err := c.call(ctx, "SearchMedia", query, func(body []byte) (err error) {
			resp, err = decodeSearchMedia(body, int64((page-1)*pageSize))
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, h := range resp.Hits {
			if seen[h.ImageID] {
				continue
			}
			seen[h.ImageID] = true
			if len(out.ImageIDs) < limit {
				out.ImageIDs = append(out.ImageIDs, h.ImageID)
				if h.ModificationTime != "" {
					out.ModificationTimes[h.ImageID] = h.ModificationTime
				}
			}
		}
		if resp.TotalKnown {
			out.Total = resp.Total
		} else { // at least the hits seen
			out.Total = max(out.Total, int64(len(seen)))
		}
		if resp.Listed < pageSize || (resp.TotalKnown && int64(page*pageSize) >= resp.Total) {
			break
		}
	}
	return out, nil
}
