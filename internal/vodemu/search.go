package vodemu

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SearchMedia limits [Search; Models, SearchMedia "limits"]: PageSize 1 to 100, default 10, and page
// browsing reaches only the first 5,000 hits (beyond them the API wants a
// ScrollToken, which image searches do not support).
const (
	defaultSearchPageSize = 10
	maxSearchPageSize     = 100
	maxSearchHits         = 5000
)

// sortKey is one SortBy item.
type sortKey struct {
	field string
	desc  bool
}

// imageSortFields are the image fields [Protocol] marks as sort fields.
var imageSortFields = []string{"CreationTime", "ModificationTime"}

// maxSortFields is [Search]'s limit for page browsing.
const maxSortFields = 3

// parseSortBy reads up to maxSortFields comma-separated Field:Desc or
// Field:Asc items, default CreationTime:Desc [Search]. Naming a field twice
// is InvalidParameter (undocumented: the order would be ambiguous).
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
// other SearchTypes (video, audio, attached [Search]; video is the default,
// also when SearchType is empty) answer Total 0: their paging and sorting
// are still checked, their Match is not (their fields differ). An empty
// parameter counts as not sent (undocumented). The parameters are checked
// in this order, each failure InvalidParameter naming it: SearchType,
// SortBy, PageNo (an integer >= 1, default 1), PageSize, then
// (PageNo-1)*PageSize < maxSearchHits, named PageNo, then Match
// (ErrorMatchSyntax).
func (s *Server) searchMedia(requestID string, p map[string]string) (any, *apiError) {
	searchType := p["SearchType"]
	switch searchType {
	case "image", "", "video", "audio", "attached":
	default:
		return nil, errInvalid("SearchType", "Valid values are video, audio, image and attached.")
	}
	// ScrollToken "only takes effect when you query the data of video and
	// audio files" [Search]: an image search ignores it.
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
	hits := s.searchImages(q, keys, p["Match"]+"\x00"+p["SortBy"])
	resp.Total = int64(len(hits))
	if len(hits) > 0 {
		resp.ScrollToken = newScrollToken()
	}
	// A page across hit 5,000 is cut there; Total counts every hit.
	start := int((pageNo - 1) * pageSize) // below maxSearchHits
	end := min(start+int(pageSize), maxSearchHits, len(hits))
	for i := start; i < end; i++ {
		img := *hits[i]
		if fields["URL"] {
			// Signed as GetImageInfo signs it without OutputType and
			// AuthTimeout (undocumented which URL SearchMedia gives).
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

// searchImage is img as SearchMedia's Image carries it (messages.go): ImageId and CreationTime,
// and the fields Fields names that img has set (searchImage's omitempty drops the others). Names
// the model's Image lacks (ImageType, Mezzanine, FileName) are ignored, and so are other media
// types' fields, as Fields is shared by all of them.
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

// newScrollToken is 32 hex characters, the documented length [Search].
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

// searchCache holds the hits of the searches made since the store's last write, by Match and
// SortBy as sent. A client paging through a search of thousands of images asks for the same hits
// at every page, and finding and sorting them again each time (20 ms a page at 12,000 images on
// a 2-core machine) made the emulator the slowest part of a listed library, which the real
// service is not for its clients. A write to the store (any writer, through store.lock) starts a
// new generation, and the cache of an older one is dropped whole: the answers are those a search
// of the store as it is would give.
type searchCache struct {
	mu   sync.Mutex
	gen  uint64
	hits map[string][]*Image
}

// maxCachedSearches bounds the cache within one generation: a client makes a few searches (a
// window of a list) and pages through each.
const maxCachedSearches = 64

// searchImages returns the images q matches, sorted by keys in turn, then by
// ImageId ascending. Undocumented choices: an image without the time counts
// as oldest, and the ties' order is stable so that pages do not shuffle
// between calls. key names the search (Match and SortBy as sent) in the
// cache; the images returned are copies shared with other callers, to read.
func (s *Server) searchImages(q *matchExpr, keys []sortKey, key string) []*Image {
	s.settleUploads(false) // SearchMedia shows a change that is due; it is no GetImageInfo read
	c := &s.searches
	c.mu.Lock() // held while searching: the pages asked at once of a new search wait for one search
	defer c.mu.Unlock()
	gen := s.store.generation()
	if c.gen != gen || len(c.hits) >= maxCachedSearches {
		c.gen, c.hits = gen, map[string][]*Image{}
	}
	if hits, ok := c.hits[key]; ok {
		return hits
	}
	hits := s.findImages(q, keys)
	c.hits[key] = hits
	return hits
}

// findImages searches the store: the images q matches, in searchImages' order.
func (s *Server) findImages(q *matchExpr, keys []sortKey) []*Image {
	// The hits are sorted as small values (an index and the parsed sort times), not as Images:
	// a library of thousands of images is searched again at every page.
	type hit struct {
		i     int
		times [maxSortFields]time.Time
		dated [maxSortFields]bool
	}
	var imgs []*Image // pointers: the slice grows without copying Images
	var hits []hit
	s.store.eachImage(func(img Image) {
		if !q.match(img) {
			return
		}
		h := hit{i: len(imgs)}
		for k, key := range keys {
			h.times[k], h.dated[k] = parseStrictTime(matchFieldValue(img, key.field))
		}
		imgs = append(imgs, &img)
		hits = append(hits, h)
	})
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
		return strings.Compare(imgs[a.i].ImageID, imgs[b.i].ImageID)
	})
	out := make([]*Image, len(hits))
	for i, h := range hits {
		out[i] = imgs[h.i]
	}
	return out
}
