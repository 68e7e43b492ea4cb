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
type wireImage struct {
	ImageID         string         `json:"ImageId"`
	URL             string         `json:"URL"`
	Status          string         `json:"Status"`
	CreationTime    string         `json:"CreationTime"`
	StorageLocation string         `json:"StorageLocation"`
	CateID          flexInt        `json:"CateId"`
	CateName        string         `json:"CateName"`
	Tags            string         `json:"Tags"`
	ImageType       string         `json:"ImageType"`
	Description     string         `json:"Description"`
	AppID           string         `json:"AppId"`
	Title           string         `json:"Title"`
	Mezzanine       *wireMezzanine `json:"Mezzanine"`
}

type wireMezzanine struct {
	FileURL          string  `json:"FileURL"`
	OriginalFileName string  `json:"OriginalFileName"`
	Width            flexInt `json:"Width"`
	Height           flexInt `json:"Height"`
	FileSize         flexInt `json:"FileSize"`
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
	out := &getImageInfosOutput{RequestID: resp.RequestID, Missing: resp.NonExistImageIDs}
	for i, w := range resp.ImageInfo {
		if w == nil || w.ImageID == "" {
			return nil, fmt.Errorf("GetImageInfos: ImageInfo[%d] has no ImageId (request ID %q)", i, resp.RequestID)
		}
		out.Images = append(out.Images, w.image())
	}
	return out, nil
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
	}
	if m := w.Mezzanine; m != nil {
		img.Mezzanine = &Mezzanine{
			FileURL:          m.FileURL,
			OriginalFileName: m.OriginalFileName,
			Width:            int64(m.Width),
			Height:           int64(m.Height),
			FileSize:         int64(m.FileSize),
		}
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
