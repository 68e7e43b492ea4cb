package vod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ImageUpdate is one image's change for UpdateImage (an item of UpdateImageInfos' UpdateContent,
// models.json "UpdateContent.shape"). A nil field is left out, and VOD leaves it unchanged; a
// field set to its zero value ("" or an empty list) is sent as such.
type ImageUpdate struct {
	ImageID     string
	Title       *string
	Description *string
	// Tags, when set, replaces the image's tags (sent comma-separated).
	Tags   *[]string
	CateID *int64
}

// wireImageUpdate is an UpdateContent item as VOD reads it.
type wireImageUpdate struct {
	ImageID     string  `json:"ImageId"`
	Title       *string `json:"Title,omitempty"`
	Description *string `json:"Description,omitempty"`
	Tags        *string `json:"Tags,omitempty"`
	CateID      *int64  `json:"CateId,omitempty"`
}

func (u ImageUpdate) wire() wireImageUpdate {
	w := wireImageUpdate{ImageID: u.ImageID, Title: u.Title, Description: u.Description, CateID: u.CateID}
	if u.Tags != nil {
		tags := strings.Join(*u.Tags, ",")
		w.Tags = &tags
	}
	return w
}

func (u ImageUpdate) empty() bool {
	return u.Title == nil && u.Description == nil && u.Tags == nil && u.CateID == nil
}

func (u ImageUpdate) check() error {
	if u.ImageID == "" {
		return errors.New("no image ID given")
	}
	var title, desc string
	var tags []string
	if u.Title != nil {
		title = *u.Title
	}
	if u.Description != nil {
		desc = *u.Description
	}
	if u.Tags != nil {
		tags = *u.Tags
	}
	return CheckImageMetadata(title, desc, tags)
}

// UpdateImage changes an image's title, description, tags or category with UpdateImageInfos. When
// the client batches (Config.Batch), concurrent calls are coalesced into UpdateImageInfos requests
// of up to MaxImagesPerUpdate images, by the rules reads follow (see coalescer); two changes of
// one image never share a request. An update with no field set sends nothing.
//
// Errors: a plain error before any request for what CheckImageMetadata refuses; an *APIError with
// code NoSuchResource (IsNotFound) when VOD lists the image in NonExistImageIds; the errors of
// every call (see Client) otherwise. When a request of several images is refused as a client error
// (an InvalidParameter, say), each image is sent again alone, so that the error reaches only the
// image it is about.
func (c *Client) UpdateImage(ctx context.Context, u ImageUpdate) error {
	if err := u.check(); err != nil {
		return fmt.Errorf("UpdateImageInfos: image %s: %w", u.ImageID, err)
	}
	if u.empty() {
		return nil
	}
	if c.updater != nil {
		_, err := c.updater.get(ctx, u)
		return err
	}
	var err error
	c.updateMany(ctx, []ImageUpdate{u}, func(_ int, _ struct{}, e error) { err = e })
	return err
}

// updater coalesces UpdateImage calls (one key: every update can share a request).
type updater = coalescer[struct{}, ImageUpdate, struct{}]

func newUpdater(c *Client, window time.Duration) *updater {
	u := newCoalescer[struct{}, ImageUpdate, struct{}](window, MaxImagesPerUpdate)
	u.identify = func(in ImageUpdate) (struct{}, string) { return struct{}{}, strings.ToLower(in.ImageID) }
	u.send = func(ctx context.Context, _ struct{}, ins []ImageUpdate, deliver func(int, struct{}, error)) {
		c.updateMany(ctx, ins, deliver)
	}
	return u
}

type updateImageInfosResponse struct {
	RequestID        string          `json:"RequestId"`
	NonExistImageIDs json.RawMessage `json:"NonExistImageIds"`
}

// updateImageInfos sends one UpdateImageInfos request and returns the IDs VOD says do not exist.
func (c *Client) updateImageInfos(ctx context.Context, ups []ImageUpdate) (missing []string, requestID string, err error) {
	if n := len(ups); n == 0 || n > MaxImagesPerUpdate {
		return nil, "", fmt.Errorf("UpdateImageInfos takes 1 to %d images, got %d", MaxImagesPerUpdate, n)
	}
	items := make([]wireImageUpdate, len(ups))
	for i, u := range ups {
		items[i] = u.wire()
	}
	content, err := json.Marshal(items)
	if err != nil {
		return nil, "", fmt.Errorf("UpdateImageInfos: %w", err)
	}
	err = c.call(ctx, "UpdateImageInfos", map[string]string{"UpdateContent": string(content)}, func(body []byte) error {
		var resp updateImageInfosResponse
		if err := unmarshal("UpdateImageInfos", body, &resp); err != nil {
			return err
		}
		ids, err := decodeIDList(resp.NonExistImageIDs, "ImageId")
		if err != nil {
			return fmt.Errorf("UpdateImageInfos: NonExistImageIds: %w (request ID %q)", err, resp.RequestID)
		}
		missing, requestID = ids, resp.RequestID
		return nil
	})
	return missing, requestID, err
}

// decodeIDList reads a list of IDs sent as {"<field>": [...]} (the documented shape), as a bare
// array, or as null or absent.
func decodeIDList(raw json.RawMessage, field string) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var ids []string
	if err := json.Unmarshal(raw, &ids); err == nil {
		return ids, nil
	}
	var obj map[string][]string
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("neither a list nor an object with %s", field)
	}
	return obj[field], nil
}

// updateMany sends ups as one UpdateImageInfos request and tells each its outcome: nil, a
// NoSuchResource *APIError for the images VOD lists as not existing, or the request's error. A
// client error for several images is isolated by sending each alone (see UpdateImage).
func (c *Client) updateMany(ctx context.Context, ups []ImageUpdate, deliver func(int, struct{}, error)) {
	missing, requestID, err := c.updateImageInfos(ctx, ups)
	if err != nil {
		if len(ups) > 1 && isolatable(err) {
			eachAlone(len(ups), func(i int) {
				c.updateMany(ctx, ups[i:i+1], func(_ int, v struct{}, err error) { deliver(i, v, err) })
			})
			return
		}
		for i := range ups {
			deliver(i, struct{}{}, err)
		}
		return
	}
	gone := map[string]bool{}
	for _, id := range missing {
		gone[strings.ToLower(id)] = true
	}
	for i, u := range ups {
		if gone[strings.ToLower(u.ImageID)] {
			deliver(i, struct{}{}, notFound("UpdateImageInfos", requestID))
			continue
		}
		deliver(i, struct{}{}, nil)
	}
}

// notFound is the NoSuchResource error GetImageInfo gives for a missing image, for an image a
// batch answer lists as missing.
func notFound(action, requestID string) error {
	return &APIError{Action: action, HTTPStatus: 404, Code: "NoSuchResource",
		Message: "The specified resource does not exist.", RequestID: requestID, Attempts: 1}
}

// isolatable reports whether a request of several images failed on something one image may have
// caused: a client error that is not about the caller (throttling, permissions, signatures).
func isolatable(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus < 400 || apiErr.HTTPStatus >= 500 {
		return false
	}
	switch {
	case isThrottling(err), apiErr.HTTPStatus == 401, apiErr.HTTPStatus == 403,
		strings.HasPrefix(apiErr.Code, "Forbidden"), strings.HasPrefix(apiErr.Code, "OperationDenied"),
		strings.Contains(apiErr.Code, "Signature"), strings.Contains(apiErr.Code, "AccessKey"):
		return false
	}
	return true
}

// eachAlone runs f(0..n-1) concurrently and waits; the rate control paces their requests.
func eachAlone(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}

// DeleteImage deletes an image with DeleteImage (DeleteImageType ImageId). An image that does not
// exist is success, with alreadyGone true: DeleteImage's documented NoSuchResource ("the specified
// image does not exist", models.json). When the client batches (Config.Batch), concurrent calls
// are coalesced into requests of up to MaxImagesPerDelete IDs; VOD's NoSuchResource answer to such
// a request does not say which image is missing, so each is then deleted alone. The other errors
// are those of every call (see Client). Deletion is permanent; CDN-cached URLs may work a while.
func (c *Client) DeleteImage(ctx context.Context, imageID string) (alreadyGone bool, err error) {
	if imageID == "" {
		return false, errors.New("DeleteImage: no image ID given")
	}
	if c.deleter != nil {
		return c.deleter.get(ctx, imageID)
	}
	c.deleteMany(ctx, []string{imageID}, func(_ int, gone bool, e error) { alreadyGone, err = gone, e })
	return alreadyGone, err
}

// deleter coalesces DeleteImage calls; deleting one image twice at once shares the answer.
type deleter = coalescer[struct{}, string, bool]

func newDeleter(c *Client, window time.Duration) *deleter {
	d := newCoalescer[struct{}, string, bool](window, MaxImagesPerDelete)
	d.shareRepeats = true
	d.identify = func(id string) (struct{}, string) { return struct{}{}, strings.ToLower(id) }
	d.send = func(ctx context.Context, _ struct{}, ids []string, deliver func(int, bool, error)) {
		c.deleteMany(ctx, ids, deliver)
	}
	return d
}

// deleteMany deletes 1 to MaxImagesPerDelete images in one request, and each alone when that
// request fails on something one of them may have caused.
func (c *Client) deleteMany(ctx context.Context, ids []string, deliver func(int, bool, error)) {
	query := map[string]string{"DeleteImageType": "ImageId", "ImageIds": strings.Join(ids, ",")}
	err := c.call(ctx, "DeleteImage", query, func(body []byte) error {
		var resp struct {
			RequestID string `json:"RequestId"`
		}
		return unmarshal("DeleteImage", body, &resp)
	})
	switch {
	case err == nil:
		for i := range ids {
			deliver(i, false, nil)
		}
	case len(ids) > 1 && (IsNotFound(err) || isolatable(err)):
		eachAlone(len(ids), func(i int) {
			c.deleteMany(ctx, ids[i:i+1], func(_ int, gone bool, err error) { deliver(i, gone, err) })
		})
	case IsNotFound(err):
		deliver(0, true, nil)
	default:
		for i := range ids {
			deliver(i, false, err)
		}
	}
}
