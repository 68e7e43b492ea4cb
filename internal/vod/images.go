package vod

import (
	"context"
	"fmt"
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

// GetImage reads one image: through a batch shared with concurrent reads when the client batches,
// else with GetImageInfo. Both give the same result.
func (c *Client) GetImage(ctx context.Context, in GetImageInfoInput) (*Image, error) {
	if c.batcher != nil {
		return c.batcher.get(ctx, in)
	}
	return c.GetImageInfo(ctx, in)
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

// MaxImageIDsPerBatch is how many IDs one GetImageInfos call takes.
const MaxImageIDsPerBatch = 20

// GetImageInfosInput is the request of GetImageInfos: up to MaxImageIDsPerBatch IDs sharing one
// output type and validity.
type GetImageInfosInput struct {
	ImageIDs    []string
	OutputType  string
	AuthTimeout int64
}

// GetImageInfosOutput holds the images found and the IDs VOD reports as not existing.
type GetImageInfosOutput struct {
	RequestID string
	Images    []*Image
	Missing   []string
}

// GetImageInfos reads several images in one request.
func (c *Client) GetImageInfos(ctx context.Context, in GetImageInfosInput) (*GetImageInfosOutput, error) {
	if n := len(in.ImageIDs); n == 0 || n > MaxImageIDsPerBatch {
		return nil, fmt.Errorf("GetImageInfos takes 1 to %d image IDs, got %d", MaxImageIDsPerBatch, n)
	}
	query := map[string]string{"ImageIds": strings.Join(in.ImageIDs, ",")}
	if in.OutputType != "" {
		query["OutputType"] = in.OutputType
	}
	if in.AuthTimeout != 0 {
		query["AuthTimeout"] = strconv.FormatInt(in.AuthTimeout, 10)
	}
	var out *GetImageInfosOutput
	err := c.call(ctx, "GetImageInfos", query, func(body []byte) (err error) {
		out, err = decodeGetImageInfos(body)
		return err
	})
	return out, err
}
