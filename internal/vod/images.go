package vod

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
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

// Image is an image's metadata and access URL: the fields of GetImageInfo's ImageInfo, which
// GetImageInfos' items share exactly (vod-20170321 models). The last-modified time is not among
// them: only SearchMedia returns it (SearchImagesOutput.ModificationTimes).
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
	query := withURLOptions(map[string]string{"ImageId": in.ImageID}, in.OutputType, in.AuthTimeout)
	var img *Image
	err := c.call(ctx, "GetImageInfo", query, func(body []byte) (err error) {
		img, err = decodeGetImageInfo(body)
		return err
	})
	return img, err
}

// withURLOptions adds to query the URL options that are set: zero values are not sent.
func withURLOptions(query map[string]string, outputType string, authTimeout int64) map[string]string {
	if outputType != "" {
		query["OutputType"] = outputType
	}
	if authTimeout != 0 {
		query["AuthTimeout"] = strconv.FormatInt(authTimeout, 10)
	}
	return query
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
	query := withURLOptions(map[string]string{"ImageIds": strings.Join(in.ImageIDs, ",")}, in.OutputType, in.AuthTimeout)
	var out *GetImageInfosOutput
	err := c.call(ctx, "GetImageInfos", query, func(body []byte) (err error) {
		out, err = decodeGetImageInfos(body)
		return err
	})
	return out, err
}

// imageIndex matches GetImageInfos answers to the IDs asked, ignoring case as VOD does.
type imageIndex struct {
	found   map[string]*Image
	missing map[string]bool
}

func newImageIndex() imageIndex {
	return imageIndex{found: map[string]*Image{}, missing: map[string]bool{}}
}

func (x imageIndex) add(out *GetImageInfosOutput) {
	for _, img := range out.Images {
		x.found[strings.ToLower(img.ImageID)] = img
	}
	for _, id := range out.Missing {
		x.missing[strings.ToLower(id)] = true
	}
}

// lookup returns id's image, or nil and whether an answer reported id as not existing.
func (x imageIndex) lookup(id string) (img *Image, missing bool) {
	key := strings.ToLower(id)
	return x.found[key], x.missing[key]
}

// GetImagesOutput holds images in the order their IDs were asked for (nil where an ID does not
// exist), the IDs that do not exist, and the request IDs of the answers that said so.
type GetImagesOutput struct {
	Images            []*Image
	Missing           []string
	MissingRequestIDs []string
}

// getImagesConcurrency bounds the GetImageInfos calls of one GetImages in flight at once; the
// client's rate limiter still paces them.
const getImagesConcurrency = 4

// GetImages reads any number of images with GetImageInfos calls of up to MaxImageIDsPerBatch IDs,
// several at a time. IDs are matched case-insensitively, as VOD does; a repeated ID is fetched once.
func (c *Client) GetImages(ctx context.Context, ids []string, outputType string, authTimeout int64) (*GetImagesOutput, error) {
	var distinct []string
	seen := map[string]bool{}
	for _, id := range ids {
		if key := strings.ToLower(id); !seen[key] {
			seen[key] = true
			distinct = append(distinct, id)
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		index    = newImageIndex()
		reqIDs   []string // of the answers naming missing IDs
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, getImagesConcurrency)
	)
	for start := 0; start < len(distinct); start += MaxImageIDsPerBatch {
		chunk := distinct[start:min(start+MaxImageIDsPerBatch, len(distinct))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				return
			}
			out, err := c.GetImageInfos(ctx, GetImageInfosInput{ImageIDs: chunk, OutputType: outputType, AuthTimeout: authTimeout})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				return
			}
			index.add(out)
			if len(out.Missing) > 0 {
				reqIDs = append(reqIDs, out.RequestID)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	out := &GetImagesOutput{Images: make([]*Image, len(ids)), MissingRequestIDs: reqIDs}
	listed := map[string]bool{}
	for i, id := range ids {
		switch img, missing := index.lookup(id); {
		case img != nil:
			out.Images[i] = img
		case missing:
			if key := strings.ToLower(id); !listed[key] { // a repeated ID is listed once
				listed[key] = true
				out.Missing = append(out.Missing, id)
			}
		default:
			return nil, fmt.Errorf("GetImageInfos: the answers name neither image %q nor its absence", id)
		}
	}
	return out, nil
}
