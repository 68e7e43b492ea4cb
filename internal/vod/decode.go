package vod

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// decodeGetImageInfo turns a GetImageInfo response body into an Image, rejecting bodies that do
// not have the documented shape rather than returning a half-filled result.
func decodeGetImageInfo(body []byte) (*Image, error) {
	var resp getImageInfoResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fmt.Errorf("GetImageInfo: the response is not the documented JSON: %w (body starts %q)", err, prefix(body, 120))
	}
	if resp.ImageInfo == nil {
		return nil, fmt.Errorf("GetImageInfo: the response has no ImageInfo (request ID %q)", resp.RequestID)
	}
	if resp.ImageInfo.ImageID == "" {
		return nil, fmt.Errorf("GetImageInfo: the response's ImageInfo has no ImageId (request ID %q)", resp.RequestID)
	}
	return resp.ImageInfo.image(), nil
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

func prefix(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}
