package vod

import (
	"context"
	"strconv"
	"strings"
)

// Output types for image URLs.
const (
	OutputTypeOSS = "oss"
	OutputTypeCDN = "cdn"
)

// MaxAuthTimeoutOSS is the longest validity, in seconds, of an OSS URL for an image in a VOD bucket.
const MaxAuthTimeoutOSS = 2592000

// GetImageInfoInput is the request of GetImageInfo. Zero values are not sent.
type GetImageInfoInput struct {
	ImageID     string
	OutputType  string
	AuthTimeout int64
}

// Image is an image's metadata and access URL.
type Image struct {
	ImageID         string
	URL             string
	Status          string
	CreationTime    string
	StorageLocation string
	CateID          int64
	CateName        string
	Tags            []string
	ImageType       string
	Description     string
	AppID           string
	Title           string
	// Mezzanine is nil when the API sent none.
	Mezzanine *Mezzanine
}

// Mezzanine describes an image's source file.
type Mezzanine struct {
	FileURL          string
	OriginalFileName string
	Width            int64
	Height           int64
	FileSize         int64
}

// GetImageInfo returns an image's metadata and a URL of the requested type.
func (c *Client) GetImageInfo(ctx context.Context, in GetImageInfoInput) (*Image, error) {
	query := map[string]string{"ImageId": in.ImageID}
	if in.OutputType != "" {
		query["OutputType"] = in.OutputType
	}
	if in.AuthTimeout != 0 {
		query["AuthTimeout"] = strconv.FormatInt(in.AuthTimeout, 10)
	}
	var img *Image
	err := c.call(ctx, "GetImageInfo", query, func(body []byte) (err error) {
		img, err = decodeGetImageInfo(body)
		return err
	})
	return img, err
}

// splitTags turns the API's comma-separated tag string into a list, dropping empty entries.
func splitTags(s string) []string {
	tags := []string{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}
