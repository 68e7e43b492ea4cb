package vod

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Output types for image URLs: a URL of the image's OSS bucket, or of its CDN domain.
const (
	OutputTypeOSS = "oss"
	OutputTypeCDN = "cdn"
)

// MaxAuthTimeoutOSS is the longest validity, in seconds, of an OSS URL for an image in a VOD bucket.
const MaxAuthTimeoutOSS = 2592000

// GetImageInfoInput is the request of GetImage (GetImageInfo). Zero values are not sent, leaving
// VOD's defaults.
type GetImageInfoInput struct {
	ImageID string
	// OutputType is OutputTypeOSS or OutputTypeCDN.
	OutputType string
	// AuthTimeout is the signed URL's validity in seconds (VOD's default: 3600 for OSS; the CDN's
	// URL signing setting for CDN). OSS URLs of a VOD bucket take at most MaxAuthTimeoutOSS.
	AuthTimeout int64
}

// Image is an image's metadata and access URL: the fields of GetImageInfo's ImageInfo, which
// GetImageInfos' items share exactly (vod-20170321 models). The last-modified time is not among
// them: only SearchMedia returns it (SearchImagesOutput.ModificationTimes). Fields VOD left out are
// zero.
type Image struct {
	ImageID string
	// URL is signed for the requested output type and validity.
	URL    string
	Status string
	// CreationTime is UTC, yyyy-MM-ddTHH:mm:ssZ, as VOD sends it.
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

// Mezzanine describes an image's source file. It is also the wire shape of the answers' Mezzanine
// (the json tags; decode.go's table says what a missing field means): a field VOD adds to it is one
// line here.
type Mezzanine struct {
	FileURL          string `json:"FileURL"`
	OriginalFileName string `json:"OriginalFileName"`
	// Width and Height are in pixels.
	Width  Int64 `json:"Width"`
	Height Int64 `json:"Height"`
	// FileSize is in bytes.
	FileSize Int64 `json:"FileSize"`
}

// Int64 is a whole number that VOD sends as a JSON number or as a string of digits: the models type
// Mezzanine.FileSize as a string and Width and Height as numbers, and the client takes either for
// each. Null, "" and an absent field are 0.
type Int64 int64

// UnmarshalJSON accepts a JSON number, a string holding an integer, an empty string or null.
func (n *Int64) UnmarshalJSON(b []byte) error { return (*flexInt)(n).UnmarshalJSON(b) }

// GetImage reads one image: through a batch shared with concurrent reads when the client batches
// (Config.Batch), else with GetImageInfo. Both give the same result. A missing image is an
// *APIError with code NoSuchResource (IsNotFound), also when a batch's GetImageInfos reported it;
// the other errors are those of every call (see Client): *APIError, *MalformedResponseError or a
// JSON answer of the wrong shape, a transport error after retries, *CredentialError, ctx's error.
func (c *Client) GetImage(ctx context.Context, in GetImageInfoInput) (*Image, error) {
	if c.batcher != nil {
		return c.batcher.get(ctx, in)
	}
	return c.getImageInfo(ctx, in)
}

// GetImageInfo returns an image's metadata and a URL of the requested type.
func (c *Client) getImageInfo(ctx context.Context, in GetImageInfoInput) (*Image, error) {
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

// maxImageIDsPerBatch is how many IDs one GetImageInfos call takes.
const maxImageIDsPerBatch = 20

// getImageInfosInput is the request of GetImageInfos: up to maxImageIDsPerBatch IDs sharing one
// output type and validity.
type getImageInfosInput struct {
	ImageIDs    []string
	OutputType  string
	AuthTimeout int64
}

// getImageInfosOutput holds the images found and the IDs VOD reports as not existing.
type getImageInfosOutput struct {
	RequestID string
	Images    []*Image
	Missing   []string
}

// GetImageInfos reads several images in one request.
func (c *Client) getImageInfos(ctx context.Context, in getImageInfosInput) (*getImageInfosOutput, error) {
	if n := len(in.ImageIDs); n == 0 || n > maxImageIDsPerBatch {
		return nil, fmt.Errorf("GetImageInfos takes 1 to %d image IDs, got %d", maxImageIDsPerBatch, n)
	}
	query := withURLOptions(map[string]string{"ImageIds": strings.Join(in.ImageIDs, ",")}, in.OutputType, in.AuthTimeout)
	var out *getImageInfosOutput
	err := c.call(ctx, "GetImageInfos", query, func(body []byte) (err error) {
		out, err = decodeGetImageInfos(body)
		return err
	})
	return out, err
}

// imageIndex matches GetImageInfos answers to the IDs asked, exactly: the client and the emulator
// (internal/vodemu, Server.image) both treat image IDs as case-sensitive. Alibaba documents no case
// rule for image IDs: the GetImageInfo, GetImageInfos and CreateUploadImage references
// (help/en/vod/developer-reference/api-vod-2017-03-21-getimageinfo and -getimageinfos) call
// ImageId a string that VOD issues, and the SDK models type it as a plain string; every ID VOD
// issues is 32 lower-case hexadecimal digits. Matching exactly never gives one ID's image or
// absence to another spelling; were VOD to fold case and answer with its own spelling, readMany
// says so (caseMismatch) instead of guessing.
type imageIndex struct {
	found   map[string]*Image
	missing map[string]bool
}

func newImageIndex() imageIndex {
	return imageIndex{found: map[string]*Image{}, missing: map[string]bool{}}
}

func (x imageIndex) add(out *getImageInfosOutput) {
	for _, img := range out.Images {
		x.found[img.ImageID] = img
	}
	for _, id := range out.Missing {
		x.missing[id] = true
	}
}

// lookup returns id's image, or nil and whether an answer reported id as not existing.
func (x imageIndex) lookup(id string) (img *Image, missing bool) {
	return x.found[id], x.missing[id]
}

// caseMismatch returns the ID of an image found whose ID differs from id in case only, or "".
func (x imageIndex) caseMismatch(id string) string {
	for other := range x.found {
		if strings.EqualFold(other, id) {
			return other
		}
	}
	return ""
}

// GetImagesInput is the request of GetImages: any number of image IDs sharing one output type and
// validity (AuthTimeout, in seconds, as in GetImageInfoInput). Zero values are not sent.
type GetImagesInput struct {
	ImageIDs    []string
	OutputType  string
	AuthTimeout int64
}

// GetImagesOutput holds images in the order their IDs were asked for (nil where an ID does not
// exist), the IDs that do not exist, and the request IDs of the answers that said so.
type GetImagesOutput struct {
	Images            []*Image
	Missing           []string
	MissingRequestIDs []string
}

// getImagesConcurrency bounds the reads of up to maxImageIDsPerBatch IDs that one GetImages has in
// flight at once; the per-action rates still pace them.
const getImagesConcurrency = 4

// readMany reads 1 to maxImageIDsPerBatch images of one output type and validity and calls deliver
// once for each ID (by its index in ids) as soon as its result is known: as one GetImageInfos
// call, or as one GetImageInfo call per ID, in parallel, when GetImageInfos is saturated (it has
// met the account's limit) and GetImageInfo's rate would carry them all before GetImageInfos' next
// turn. The two actions have separate limits, so a plan whose batches queue at GetImageInfos' 10
// per second gets GetImageInfo's rate on top; before GetImageInfos meets its limit, its rate is
// still growing and batches keep calls few. An ID the batch answer reports as missing gets the
// NoSuchResource error GetImageInfo would give, with the batch's request ID. deliver may be
// called from several goroutines at once; readMany returns after the last call.
func (c *Client) readMany(ctx context.Context, ids []string, outputType string, authTimeout int64, deliver func(int, batchResult)) {
	if !c.batchOnly && c.rates.saturated("GetImageInfos") &&
		c.rates.delay("GetImageInfo", len(ids)) < c.rates.delay("GetImageInfos", 1) {
		var wg sync.WaitGroup
		for i, id := range ids {
			wg.Go(func() {
				img, err := c.getImageInfo(ctx, GetImageInfoInput{ImageID: id, OutputType: outputType, AuthTimeout: authTimeout})
				deliver(i, batchResult{img, err})
			})
		}
		wg.Wait()
		return
	}
	out, err := c.getImageInfos(ctx, getImageInfosInput{ImageIDs: ids, OutputType: outputType, AuthTimeout: authTimeout})
	if err != nil {
		for i := range ids {
			deliver(i, batchResult{err: err})
		}
		return
	}
	index := newImageIndex()
	index.add(out)
	for i, id := range ids {
		switch img, missing := index.lookup(id); {
		case img != nil:
			deliver(i, batchResult{img: img})
		case missing:
			deliver(i, batchResult{err: &APIError{Action: "GetImageInfos", HTTPStatus: 404, Code: "NoSuchResource",
				Message: "The specified resource does not exist.", RequestID: out.RequestID, Attempts: 1}})
		default:
			err := fmt.Errorf("GetImageInfos: the answer names neither image %q nor its absence (request ID %q)", id, out.RequestID)
			if other := index.caseMismatch(id); other != "" {
				err = fmt.Errorf("GetImageInfos: asked for image %q, the answer names image %q (request ID %q): image IDs are "+
					"case-sensitive here; use the ID exactly as VOD spells it, %q", id, other, out.RequestID, other)
			}
			deliver(i, batchResult{err: err})
		}
	}
}

// GetImages reads any number of images, 20 IDs a request (see readMany), several requests at a
// time. IDs are matched exactly (see imageIndex); a repeated ID is fetched once. IDs that do
// not exist are listed in the output, not errors. The first other failure cancels the rest and is
// returned: an error of every call (see Client: *APIError, *MalformedResponseError or a JSON answer
// of the wrong shape, a transport error after retries, *CredentialError, ctx's error), or a plain
// error when the answers name neither an image nor its absence.
func (c *Client) GetImages(ctx context.Context, in GetImagesInput) (*GetImagesOutput, error) {
	ids, outputType, authTimeout := in.ImageIDs, in.OutputType, in.AuthTimeout
	var distinct []string
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			distinct = append(distinct, id)
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		found    = map[string]*Image{} // by ID
		missing  = map[string]bool{}
		reqIDs   []string // of the answers naming missing IDs
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, getImagesConcurrency)
	)
	for start := 0; start < len(distinct); start += maxImageIDsPerBatch {
		chunk := distinct[start:min(start+maxImageIDsPerBatch, len(distinct))]
		wg.Go(func() {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				return
			}
			c.readMany(ctx, chunk, outputType, authTimeout, func(i int, r batchResult) {
				mu.Lock()
				defer mu.Unlock()
				key := chunk[i]
				var apiErr *APIError
				switch {
				case r.err == nil:
					found[key] = r.img
				case IsNotFound(r.err) && errors.As(r.err, &apiErr):
					missing[key] = true
					if !slices.Contains(reqIDs, apiErr.RequestID) {
						reqIDs = append(reqIDs, apiErr.RequestID)
					}
				case firstErr == nil:
					firstErr = r.err
					cancel()
				}
			})
		})
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
		switch key := id; {
		case found[key] != nil:
			out.Images[i] = found[key]
		case missing[key]:
			if !listed[key] { // a repeated ID is listed once
				listed[key] = true
				out.Missing = append(out.Missing, id)
			}
		default:
			return nil, fmt.Errorf("GetImageInfos: the answers name neither image %q nor its absence", id)
		}
	}
	return out, nil
}
