package vod

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Wire shapes of the API's JSON. Numbers that the API sends sometimes as strings use flexInt.
//
// What a missing field means. Alibaba's SDK models declare every response field optional
// (vod-20170321 and sts-20150401, api-models/models.json: pointers with omitempty), so each decoder
// decides, field by field, what an answer without it means: "empty" (the zero value, which the
// provider stores as VOD's own empty value: "", 0, no tags), "null" (nil here, null in state), or
// "error" (the answer is useless without it: the error names the action, the field and the
// request ID, and is not retried, as a well-formed answer of the wrong shape). decode_test.go has a
// case for every row.
//
//	GetImageInfo / GetImageInfos
//	  RequestId                       empty: only quoted in errors
//	  ImageInfo (GetImageInfo)        error: there is no image to return
//	  ImageInfo and NonExistImageIds  GetImageInfos: both absent is an error (neither an image nor
//	                                  its absence is said); either alone is an empty list, and an
//	                                  ID found in neither is readMany's error naming it
//	  ImageInfo[i] null               error, as an entry without ImageId
//	  ImageInfo.ImageId               error: the image cannot be named (or matched to a request)
//	  URL, Status, CreationTime,      empty: descriptive values the image is still usable
//	  StorageLocation, CateName,      without; the provider stores them as strings, and an
//	  ImageType, Description, AppId,  absent one as "" (telling absent from "" apart would need
//	  Title                           presence in Image and in the provider's models)
//	  CateId                          empty: 0
//	  Tags                            empty: no tags (an empty, non-nil list)
//	  Mezzanine                       null: Image.Mezzanine is nil, the mezzanine block null
//	  each field of Mezzanine         empty: "" or 0 (Mezzanine is its own wire shape)
//
//	SearchMedia (searchMediaResponse)
//	  RequestId                       empty: only quoted in errors
//	  Total                           absent: unknown; paging goes on while pages are full, and
//	                                  SearchImagesOutput.Total counts the hits seen
//	  MediaList                       absent with no hits due on this page by Total (Total absent,
//	                                  0, or ending before the page): no hits, the search's end;
//	                                  absent while Total says the page has hits: error
//	  MediaList[i] null               error, as an entry without an ID
//	  MediaList[i].MediaType          absent: an image (the search asks for images only); any other
//	                                  type is skipped
//	  MediaList[i].MediaId            absent: Image.ImageId names the hit; both absent: error (an
//	                                  image would silently be missing from the list)
//	  MediaList[i].Image              null: no ModificationTime, Title or CreationTime
//	  Image.ModificationTime          null: not in ModificationTimes, modification_time null
//	  Image.Title                     empty: the hit's title is "" (ListImages' display names)
//	  Image.CreationTime              empty: MediaList[i].CreationTime; both empty: ListImages
//	                                  cannot start its next window at that hit, which is an error
//	                                  only when it needs to (listsearch.go)
//	  ScrollToken and the other       not read
//	  Image fields
//
//	STS AssumeRole / AssumeRoleWithOIDC (stsAnswer, credfetch.go)
//	  RequestId                       empty: only quoted in errors
//	  Credentials, and each of its    error naming every missing field: temporary credentials
//	  AccessKeyId, AccessKeySecret,   are unusable without any of them
//	  SecurityToken, Expiration
//	  AssumedRoleUser, SourceIdentity, not read
//	  OIDCTokenInfo
//
//	Credentials URI and ECS metadata service answers (sessionFields, credfetch.go; not in the
//	models: the shape credentials-go reads)
//	  Code                            absent: judged by the fields below (credentials-go's URI
//	                                  provider does not read it); present and not "Success": error
//	  AccessKeyId, AccessKeySecret,   error naming every missing field
//	  SecurityToken, Expiration
type wireImage struct {
	ImageID         string     `json:"ImageId"`
	URL             string     `json:"URL"`
	Status          string     `json:"Status"`
	CreationTime    string     `json:"CreationTime"`
	StorageLocation string     `json:"StorageLocation"`
	CateID          flexInt    `json:"CateId"`
	CateName        string     `json:"CateName"`
	Tags            string     `json:"Tags"`
	ImageType       string     `json:"ImageType"`
	Description     string     `json:"Description"`
	AppID           string     `json:"AppId"`
	Title           string     `json:"Title"`
	Mezzanine       *Mezzanine `json:"Mezzanine"`
}

type getImageInfosResponse struct {
	RequestID        string       `json:"RequestId"`
	ImageInfo        []*wireImage `json:"ImageInfo"`
	NonExistImageIDs []string     `json:"NonExistImageIds"`
}

type getImageInfoResponse struct {
	RequestID string     `json:"RequestId"`
	ImageInfo *wireImage `json:"ImageInfo"`
}

// flexInt accepts a JSON number, a string holding an integer, an empty string or null.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not an integer", s)
	}
	*f = flexInt(n)
	return nil
}

// MalformedResponseError is a successful answer whose body is not JSON at all: empty, cut short or
// garbled on the way, as proxies and broken connections produce. Sending the request again may
// help, unlike a well-formed body of the wrong shape. Calls return it wrapped, after their retries.
type MalformedResponseError struct {
	// Action is the API action called, such as GetImageInfo.
	Action string
	// Err is the JSON syntax error (io.ErrUnexpectedEOF for an empty body).
	Err  error
	Body string // the first bytes, for the error message
}

// Error names the action and says the body is empty or not JSON, quoting its first bytes.
func (e *MalformedResponseError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("%s: the response body is empty", e.Action)
	}
	return fmt.Sprintf("%s: the response is not JSON: %v (body starts %q)", e.Action, e.Err, e.Body)
}

// Unwrap returns the JSON syntax error.
func (e *MalformedResponseError) Unwrap() error { return e.Err }

// decodeGetImageInfo turns a GetImageInfo response body into an Image, rejecting bodies that do
// not have the documented shape rather than returning a half-filled result.
func decodeGetImageInfo(body []byte) (*Image, error) {
	var resp getImageInfoResponse
	if err := unmarshal("GetImageInfo", body, &resp); err != nil {
		return nil, err
	}
	if resp.ImageInfo == nil {
		return nil, fmt.Errorf("GetImageInfo: the response has no ImageInfo (request ID %q)", resp.RequestID)
	}
	if resp.ImageInfo.ImageID == "" {
		return nil, fmt.Errorf("GetImageInfo: the response's ImageInfo has no ImageId (request ID %q)", resp.RequestID)
	}
	return resp.ImageInfo.image(), nil
}

// decodeGetImageInfos turns a GetImageInfos response body into images and missing IDs.
func decodeGetImageInfos(body []byte) (*getImageInfosOutput, error) {
	var resp getImageInfosResponse
	if err := unmarshal("GetImageInfos", body, &resp); err != nil {
		return nil, err
	}
	if resp.ImageInfo == nil && resp.NonExistImageIDs == nil {
		return nil, fmt.Errorf("GetImageInfos: the response has neither ImageInfo nor NonExistImageIds (request ID %q)", resp.RequestID)
	}
	out := &getImageInfosOutput{RequestID: resp.RequestID}
	for _, id := range resp.NonExistImageIDs {
		if id != "" {
			out.Missing = append(out.Missing, id)
		}
	}
	for i, w := range resp.ImageInfo {
		if w == nil || w.ImageID == "" {
			return nil, fmt.Errorf("GetImageInfos: ImageInfo[%d] has no ImageId (request ID %q)", i, resp.RequestID)
		}
		out.Images = append(out.Images, w.image())
	}
	return out, nil
}

// searchMediaResponse is SearchMedia's answer; see the table above for its missing fields.
type searchMediaResponse struct {
	RequestID string   `json:"RequestId"`
	Total     *flexInt `json:"Total"` // nil when absent or null
	MediaList []*struct {
		MediaType    string `json:"MediaType"`
		MediaID      string `json:"MediaId"`
		CreationTime string `json:"CreationTime"`
		Image        *struct {
			ImageID          string `json:"ImageId"`
			ModificationTime string `json:"ModificationTime"`
			CreationTime     string `json:"CreationTime"`
			Title            string `json:"Title"`
		} `json:"Image"`
	} `json:"MediaList"`
}

// searchPage is one decoded SearchMedia page.
type searchPage struct {
	RequestID string
	// Total is how many hits the search has in all; TotalKnown is false when the answer left it out.
	Total      int64
	TotalKnown bool
	// Listed is how many entries MediaList had, images or not: a page shorter than asked for is
	// the last.
	Listed int
	Hits   []searchHit
}

// searchHit is an image a SearchMedia page lists, with its ModificationTime, CreationTime and
// Title ("" when not sent).
type searchHit struct {
	ImageID, ModificationTime, CreationTime, Title string
}

// decodeSearchMedia turns a SearchMedia answer into a page whose first hit is number offset (from
// 0) of the search.
func decodeSearchMedia(body []byte, offset int64) (*searchPage, error) {
	var resp searchMediaResponse
	if err := unmarshal("SearchMedia", body, &resp); err != nil {
		return nil, err
	}
	page := &searchPage{RequestID: resp.RequestID, Listed: len(resp.MediaList)}
	if resp.Total != nil {
		page.Total, page.TotalKnown = int64(*resp.Total), true
	}
	if resp.MediaList == nil && page.TotalKnown && page.Total > offset {
		return nil, fmt.Errorf("SearchMedia: the response has no MediaList, but its Total (%d) says this page has hits (request ID %q)",
			page.Total, resp.RequestID)
	}
	for i, m := range resp.MediaList {
		id := ""
		if m != nil {
			id = m.MediaID
			if id == "" && m.Image != nil {
				id = m.Image.ImageID
			}
		}
		if id == "" {
			return nil, fmt.Errorf("SearchMedia: MediaList[%d] has no MediaId (request ID %q)", i, resp.RequestID)
		}
		if m.MediaType != "" && m.MediaType != "image" {
			continue
		}
		hit := searchHit{ImageID: id, CreationTime: m.CreationTime}
		if m.Image != nil {
			hit.ModificationTime, hit.Title = m.Image.ModificationTime, m.Image.Title
			if m.Image.CreationTime != "" {
				hit.CreationTime = m.Image.CreationTime
			}
		}
		page.Hits = append(page.Hits, hit)
	}
	return page, nil
}

func (w *wireImage) image() *Image {
	img := &Image{
		ImageID:         w.ImageID,
		URL:             w.URL,
		Status:          w.Status,
		CreationTime:    w.CreationTime,
		StorageLocation: w.StorageLocation,
		CateID:          int64(w.CateID),
		CateName:        w.CateName,
		Tags:            splitTags(w.Tags),
		ImageType:       w.ImageType,
		Description:     w.Description,
		AppID:           w.AppID,
		Title:           w.Title,
		Mezzanine:       w.Mezzanine,
	}
	return img
}

// unmarshal decodes a response body, telling a body that is not JSON (MalformedResponseError)
// from JSON of the wrong shape.
func unmarshal(action string, body []byte, v any) error {
	if !json.Valid(body) {
		syntaxErr := io.ErrUnexpectedEOF
		if len(bytes.TrimSpace(body)) > 0 {
			syntaxErr = json.Unmarshal(body, new(any))
		}
		return &MalformedResponseError{Action: action, Err: syntaxErr, Body: prefix(body, 120)}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s: the response does not have the documented shape: %w", action, err)
	}
	return nil
}

func prefix(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}
