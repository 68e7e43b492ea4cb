package vodemu

import (
	"crypto/rand"
	"encoding/hex"
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
	RequestID   string `json:"RequestId"`
	Total       int64
	ScrollToken string `json:",omitempty"`
	MediaList   []searchMediaItem
}

type searchMediaItem struct {
	CreationTime string
	MediaType    string
	MediaID      string `json:"MediaId"`
	Image        searchImage
}

// searchImage is SearchMedia's Image (models.json): ImageId and
// CreationTime always, the other fields when Fields names them and they are
// set. Those are the protocol page's image returned fields that the model
// has (FileName is listed as returned, but no model carries it).
type searchImage struct {
	AppID            string `json:"AppId,omitempty"`
	CateID           int64  `json:"CateId,omitempty"`
	CateName         string `json:",omitempty"`
	CreationTime     string
	Description      string `json:",omitempty"`
	ImageID          string `json:"ImageId"`
	ModificationTime string `json:",omitempty"`
	Status           string `json:",omitempty"`
	StorageLocation  string `json:",omitempty"`
	Tags             string `json:",omitempty"`
	Title            string `json:",omitempty"`
	URL              string `json:",omitempty"`
}

// sortKey is one SortBy item.
type sortKey struct {
	field string
	desc  bool
}

// imageSortFields are the image fields the protocol page marks as sort fields.
var imageSortFields = []string{"CreationTime", "ModificationTime"}

// maxSortFields is the SearchMedia reference's limit for page browsing.
const maxSortFields = 3

func parseSortBy(raw string) ([]sortKey, *apiError) {
	if raw == "" {
		return []sortKey{{"CreationTime", true}}, nil
	}
	items := strings.Split(raw, ",")
	if len(items) > maxSortFields {
		return nil, errInvalid("SortBy", fmt.Sprintf("At most %d sort fields are allowed.", maxSortFields))
	}
	var keys []sortKey
	for _, item := range items {
		field, order, ok := strings.Cut(strings.TrimSpace(item), ":")
		if !ok || !slices.Contains(imageSortFields, field) || (order != "Desc" && order != "Asc") {
			return nil, errInvalid("SortBy", "Each sort field is CreationTime or ModificationTime, then :Desc or :Asc, "+
				"separated by commas, such as CreationTime:Desc.")
		}
		if slices.ContainsFunc(keys, func(k sortKey) bool { return k.field == field }) {
			return nil, errInvalid("SortBy", field+" is named twice.")
		}
		keys = append(keys, sortKey{field, order == "Desc"})
	}
	return keys, nil
}

// searchMedia answers SearchMedia. The emulator stores images only, so
// other SearchTypes (video is the API's default) find nothing; their
// paging and sorting are still checked, their Match is not (video fields
// differ).
func (s *Server) searchMedia(requestID string, p map[string]string) (any, *apiError) {
	searchType := p["SearchType"]
	switch searchType {
	case "image", "", "video", "audio", "attached":
	default:
		return nil, errInvalid("SearchType", "Valid values are video, audio, image and attached.")
	}
	// ScrollToken takes effect for video and audio only (SearchMedia
	// reference): an image search ignores it.
	keys, aerr := parseSortBy(p["SortBy"])
	if aerr != nil {
		return nil, aerr
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
	resp := searchMediaResponse{RequestID: requestID, MediaList: []searchMediaItem{}}
	if searchType != "image" {
		return resp, nil
	}
	q, merr := parseMatch(p["Match"])
	if merr != nil {
		return nil, merr.apiError()
	}
	fields := map[string]bool{}
	for _, f := range strings.Split(p["Fields"], ",") {
		fields[strings.TrimSpace(f)] = true // names of other media types' fields are ignored
	}
	hits := s.searchImages(q, keys)
	resp.Total = int64(len(hits))
	if len(hits) > 0 {
		resp.ScrollToken = newScrollToken()
	}
	start := int((pageNo - 1) * pageSize) // below maxSearchHits
	end := min(start+int(pageSize), maxSearchHits, len(hits))
	for i := start; i < end; i++ {
		img := hits[i]
		if fields["URL"] {
			signed, aerr := s.signImage(img.clone(), urlOptions{authTimeout: DefaultAuthTimeout})
			if aerr != nil {
				return nil, aerr
			}
			img.URL = signed.URL
		}
		resp.MediaList = append(resp.MediaList, searchMediaItem{
			CreationTime: img.CreationTime, MediaType: "image", MediaID: img.ImageID, Image: img.searchImage(fields),
		})
	}
	return resp, nil
}

func (img Image) searchImage(fields map[string]bool) searchImage {
	out := searchImage{ImageID: img.ImageID, CreationTime: img.CreationTime}
	pick := func(name string, dst *string, v string) {
		if fields[name] {
			*dst = v
		}
	}
	pick("AppId", &out.AppID, img.AppID)
	pick("CateName", &out.CateName, img.CateName)
	pick("Description", &out.Description, img.Description)
	pick("ModificationTime", &out.ModificationTime, img.ModificationTime)
	pick("Status", &out.Status, img.Status)
	pick("StorageLocation", &out.StorageLocation, img.StorageLocation)
	pick("Tags", &out.Tags, img.Tags)
	pick("Title", &out.Title, img.Title)
	pick("URL", &out.URL, img.URL)
	if fields["CateId"] {
		out.CateID = img.CateID
	}
	return out
}

// newScrollToken is 32 hex characters, the documented length.
func newScrollToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
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

// searchImages returns the images q matches, sorted by keys (an image
// without the time counts as oldest), ties by ImageId ascending so that
// pages do not shuffle between calls. Stored Mezzanines are never modified
// in place, so the shallow copies stay valid after the lock is released.
func (s *Server) searchImages(q *matchExpr, keys []sortKey) []Image {
	type hit struct {
		img   Image
		times []time.Time
		dated []bool
	}
	var hits []hit
	s.mu.RLock()
	for _, img := range s.images {
		if q.match(img) {
			h := hit{img: img}
			for _, k := range keys {
				t, ok := parseStrictTime(matchFieldValue(img, k.field))
				h.times, h.dated = append(h.times, t), append(h.dated, ok)
			}
			hits = append(hits, h)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(hits, func(a, b hit) int {
		for i, k := range keys {
			c := 0
			switch {
			case a.dated[i] && b.dated[i]:
				c = a.times[i].Compare(b.times[i])
			case a.dated[i]:
				c = 1
			case b.dated[i]:
				c = -1
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return strings.Compare(a.img.ImageID, b.img.ImageID)
	})
	out := make([]Image, len(hits))
	for i, h := range hits {
		out[i] = h.img
	}
	return out
}
