package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// Creating a vod_image: CreateUploadImage, the upload, the wait for Normal, and what becomes of the
// image when a step after CreateUploadImage fails. It depends on the client only through
// imageAPI, so that image_resource_create_test.go drives every failure with a fake.

// imageAPI is what creating an image calls; *vod.Client has it.
type imageAPI interface {
	CreateUploadImage(ctx context.Context, in vod.CreateUploadImageInput) (*vod.UploadTicket, error)
	Upload(ctx context.Context, in vod.UploadInput) (*vod.UploadOutput, error)
	GetImage(ctx context.Context, in vod.GetImageInfoInput) (*vod.Image, error)
	DeleteImage(ctx context.Context, imageID string) (alreadyGone bool, err error)
}

// Bounds of creating an image.
const (
	// maxUploadCredentials is how many CreateUploadImage calls one create makes at most when the
	// upload credential expires before the upload is done (each failed image deleted).
	maxUploadCredentials = 3
	// Polling GetImageInfo until Normal: the first wait, the factor, the longest wait.
	firstStatusWait = 250 * time.Millisecond
	maxStatusWait   = 10 * time.Second
	// notFoundPolls is how many answers "no such image" the wait accepts, right after the upload,
	// before concluding the image is gone.
	notFoundPolls = 3
	// cleanupTimeout bounds the DeleteImage sent after a failure: ctx may be over (a timeout, a
	// cancellation), and the image must not be left behind because of it.
	cleanupTimeout = 2 * time.Minute
)

// imageCreator creates images. sleep waits (ctx ends it early, with ctx's error) and jitter
// spreads the waits; tests replace both.
type imageCreator struct {
	api    imageAPI
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(d time.Duration) time.Duration
}

func newImageCreator(api imageAPI) *imageCreator {
	return &imageCreator{api: api, sleep: vod.Sleep, jitter: fullJitterAbove}
}

// fullJitterAbove is d plus up to half of d, at random: concurrent creates do not poll in step.
func fullJitterAbove(d time.Duration) time.Duration {
	return d + time.Duration(rand.Int64N(int64(d)/2+1)) //nolint:gosec // jitter, not security
}

// createResult is the outcome of creating an image.
type createResult struct {
	// image is the image, Normal, when err is nil.
	image *vod.Image
	// err is what failed; step says at which step ("CreateUploadImage", "upload", "wait").
	err  error
	step string
	// kept is the ID of an image that exists and could not be deleted after the failure: the
	// resource keeps it in the state, tainted. deleteErr is why it could not be deleted.
	kept      string
	deleteErr error
	// deleted are the images created and then deleted because of a failure or an expired
	// credential.
	deleted []string
}

// create makes the image: CreateUploadImage right before the upload (its credential lasts about
// 50 minutes and cannot be refreshed), the upload of size bytes of file, then the wait for Normal
// until ctx ends. unchanged, called after the upload, reports whether the file is still what was
// hashed. A failure after CreateUploadImage deletes the image, or reports it kept when deleting
// fails; an expired credential deletes the image and starts again with a new one, at most
// maxUploadCredentials times.
func (c *imageCreator) create(ctx context.Context, in vod.CreateUploadImageInput, file io.ReaderAt, size int64,
	unchanged func() error) createResult {
	var res createResult
	for attempt := 1; ; attempt++ {
		ticket, err := c.api.CreateUploadImage(ctx, in)
		if err != nil {
			res.err, res.step = err, "CreateUploadImage"
			return res
		}
		id := ticket.ImageID
		ictx := tflog.SetField(ctx, "image_id", id)
		tflog.Debug(ictx, "uploading the image file", map[string]any{"bytes": size, "attempt": attempt})
		out, err := c.api.Upload(ictx, vod.UploadInput{Ticket: ticket, Body: io.NewSectionReader(file, 0, size), Size: size})
		if vod.IsUploadCredentialExpired(err) && attempt < maxUploadCredentials && ctx.Err() == nil {
			tflog.Warn(ictx, "the upload credential expired before the upload was done: deleting the image and asking for a new one")
			if c.abandon(ctx, id, &res); res.kept != "" {
				res.err, res.step = err, "upload"
				return res
			}
			continue
		}
		if err != nil {
			res.err, res.step = err, "upload"
			c.abandon(ctx, id, &res)
			return res
		}
		tflog.Debug(ictx, "image file uploaded", map[string]any{"multipart": out.Multipart, "oss_request_id": out.RequestID})
		if err := unchanged(); err != nil {
			res.err, res.step = err, "upload"
			c.abandon(ctx, id, &res)
			return res
		}
		img, err := c.waitNormal(ictx, id)
		if err != nil {
			res.err, res.step = err, "wait"
			c.abandon(ctx, id, &res)
			return res
		}
		res.image = img
		return res
	}
}

// abandon deletes the image id after a failure, with a context of its own (ctx may be over), and
// records the outcome in res.
func (c *imageCreator) abandon(ctx context.Context, id string, res *createResult) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if _, err := c.api.DeleteImage(dctx, id); err != nil {
		tflog.Warn(ctx, "deleting the image after a failed create failed: it stays in the state, tainted",
			map[string]any{"image_id": id, "error": oneLine(err.Error())})
		res.kept, res.deleteErr = id, err
		return
	}
	tflog.Info(ctx, "deleted the image after a failed create", map[string]any{"image_id": id})
	res.deleted = append(res.deleted, id)
}

// uploadFailedError is VOD's report that it could not take the uploaded file.
type uploadFailedError struct{ imageID string }

func (e *uploadFailedError) Error() string {
	return fmt.Sprintf("VOD reports image %s as UploadFail: it could not take the uploaded file (not an image of the "+
		"declared type, or a storage failure)", e.imageID)
}

// waitTimeoutError says the wait for Normal ended with ctx, and the last status seen.
type waitTimeoutError struct {
	imageID, status string
	polls           int
	cause           error
}

func (e *waitTimeoutError) Error() string {
	return fmt.Sprintf("image %s was still %q after %d status checks when the create timeout ended (%v)",
		e.imageID, e.status, e.polls, e.cause)
}

func (e *waitTimeoutError) Unwrap() error { return e.cause }

// waitNormal reads the image until VOD reports it Normal, with growing waits (firstStatusWait,
// doubling, at most maxStatusWait, jittered), until ctx ends. UploadFail is an
// *uploadFailedError; ctx's end a *waitTimeoutError.
func (c *imageCreator) waitNormal(ctx context.Context, id string) (*vod.Image, error) {
	wait := firstStatusWait
	status, missing := "(not read yet)", 0
	for polls := 1; ; polls++ {
		img, err := c.api.GetImage(ctx, vod.GetImageInfoInput{ImageID: id})
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, &waitTimeoutError{imageID: id, status: status, polls: polls - 1, cause: ctx.Err()}
		case vod.IsNotFound(err):
			if missing++; missing >= notFoundPolls {
				return nil, fmt.Errorf("image %s was not found %d times right after its upload: %w", id, missing, err)
			}
		case err != nil:
			return nil, err
		case img.Status == "Normal":
			return img, nil
		case img.Status == "UploadFail":
			return nil, &uploadFailedError{imageID: id}
		default:
			status = img.Status
		}
		tflog.Trace(ctx, "waiting for the image to be Normal", map[string]any{"status": status, "wait_ms": wait.Milliseconds()})
		if err := c.sleep(ctx, c.jitter(wait)); err != nil {
			return nil, &waitTimeoutError{imageID: id, status: status, polls: polls, cause: err}
		}
		wait = min(2*wait, maxStatusWait)
	}
}

// fileUnchanged returns the check, run after the upload, that the file is still what was hashed:
// same size and modification time as when opened.
func fileUnchanged(f *os.File, before os.FileInfo) func() error {
	return func() error {
		after, err := f.Stat()
		if err != nil {
			return fmt.Errorf("the file %s could not be examined after the upload: %w", f.Name(), err)
		}
		if after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
			return fmt.Errorf("the file %s changed while it was being uploaded (size %d → %d bytes, modified %s): "+
				"what VOD received may be neither version", f.Name(), before.Size(), after.Size(), after.ModTime().UTC().Format(time.RFC3339))
		}
		return nil
	}
}

// errSourceChanged says the file is not the one planned.
var errSourceChanged = errors.New("source changed since the plan")
