package vodemu

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SearchMedia limits from the API reference: PageSize at most 100, and page
// browsing reaches only the first 5,000 hits (beyond them the API wants a
// ScrollToken, which image searches do not support).
const (
	defaultSearchPageSize = 10
	maxSearchPageSize     = 100
	maxSearchHits         = 5000
)

type searchMediaResponse struct {
	RequestId string
	Total     int
	MediaList []searchMediaItem
}

type searchMediaItem struct {
	MediaType    string
	MediaId      string
	CreationTime string
	Image        Image
}

// searchMedia answers SearchMedia. The emulator stores images only, so
// other SearchTypes (video is the API's default) find nothing; their
// paging is still checked, their Match is not (video fields differ).
func (s *Server) searchMedia(requestID string, p map[string]string) (any, *apiError) {
	searchType := p["SearchType"]
	switch searchType {
	case "image", "", "video", "audio", "attached":
	default:
		return nil, errInvalid("SearchType", "Valid values are video, audio, image and attached.")
	}
	if searchType == "image" && p["ScrollToken"] != "" {
		return nil, errInvalid("ScrollToken", "ScrollToken traversal is only for audio and video; page images with PageNo and PageSize.")
	}
	var desc bool
	switch p["SortBy"] {
	case "", "CreationTime:Desc":
		desc = true
	case "CreationTime:Asc":
	default:
		return nil, errInvalid("SortBy", "Valid values are CreationTime:Desc and CreationTime:Asc.")
	}
	pageNo, aerr := pageParam(p, "PageNo", 1, math.MaxInt64)
	if aerr != nil {
		return nil, aerr
	}
	pageSize, aerr := pageParam(p, "PageSize", defaultSearchPageSize, maxSearchPageSize)
	if aerr != nil {
		return nil, aerr
	}
	// (PageNo-1)*PageSize >= 5000, without overflowing.
	if pageNo-1 >= (maxSearchHits+pageSize-1)/pageSize {
		return nil, errInvalid("PageNo", fmt.Sprintf("Page browsing reaches only the first %d results: "+
			"(PageNo-1)*PageSize must be less than %d. Narrow Match to reach the others.", maxSearchHits, maxSearchHits))
	}
	resp := searchMediaResponse{RequestId: requestID, MediaList: []searchMediaItem{}}
	if searchType != "image" {
		return resp, nil
	}
	q, merr := parseMatch(p["Match"])
	if merr != nil {
		return nil, errInvalid("Match", merr.Error())
	}
	hits := s.searchImages(q, desc)
	resp.Total = len(hits)
	start := int((pageNo - 1) * pageSize) // below maxSearchHits
	end := min(start+int(pageSize), maxSearchHits, len(hits))
	for i := start; i < end; i++ {
		img, aerr := s.signImage(hits[i].clone(), urlOptions{authTimeout: DefaultAuthTimeout})
		if aerr != nil {
			return nil, aerr
		}
		resp.MediaList = append(resp.MediaList, searchMediaItem{
			MediaType: "image", MediaId: img.ImageId, CreationTime: img.CreationTime, Image: img,
		})
	}
	return resp, nil
}

// pageParam reads an integer in [1, hi]; empty counts as not sent.
func pageParam(p map[string]string, name string, def, hi int64) (int64, *apiError) {
	raw := p[name]
	if raw == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 1 || n > hi {
		if hi == math.MaxInt64 {
			return 0, errInvalid(name, "It must be an integer of at least 1.")
		}
		return 0, errInvalid(name, fmt.Sprintf("It must be an integer from 1 to %d.", hi))
	}
	return n, nil
}

// searchImages returns the images q matches, sorted by CreationTime (those
// without one count as oldest), ties by ImageId ascending so that pages do
// not shuffle between calls. Stored Mezzanines are never modified in place,
// so the shallow copies stay valid after the lock is released.
func (s *Server) searchImages(q matchQuery, desc bool) []Image {
	type hit struct {
		img   Image
		t     time.Time
		dated bool
	}
	var hits []hit
	s.mu.RLock()
	for _, img := range s.images {
		if q.match(img) {
			t, ok := parseStrictTime(img.CreationTime)
			hits = append(hits, hit{img, t, ok})
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(hits, func(a, b hit) int {
		c := 0
		switch {
		case a.dated && b.dated:
			c = a.t.Compare(b.t)
		case a.dated:
			c = 1
		case b.dated:
			c = -1
		}
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		return strings.Compare(a.img.ImageId, b.img.ImageId)
	})
	out := make([]Image, len(hits))
	for i, h := range hits {
		out[i] = h.img
	}
	return out
}
