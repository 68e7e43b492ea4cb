package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// fakeImageAPI is an imageAPI whose answers the test scripts: each CreateUploadImage makes a new
// image "img-N"; Upload, GetImage and DeleteImage answer from the scripts and record what they saw.
type fakeImageAPI struct {
	mu sync.Mutex
	// createErr fails CreateUploadImage.
	createErr error
	// uploadErrs are the errors of successive uploads (nil: success); past the end, success.
	uploadErrs []error
	// statuses are the statuses successive GetImage calls report; past the end, the last one.
	statuses []string
	// getErr fails every GetImage.
	getErr error
	// deleteErr fails every DeleteImage.
	deleteErr error
	// cancelOnGet cancels this context when GetImage is called (a timeout during the wait).
	cancelOnGet context.CancelFunc

	created, deleted, uploaded []string
	uploadedBytes              []string
	gets                       int
}

func (f *fakeImageAPI) CreateUploadImage(_ context.Context, in vod.CreateUploadImageInput) (*vod.UploadTicket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.createErr != nil {
		return nil, f.createErr
	}
	id := fmt.Sprintf("img-%d", len(f.created)+1)
	f.created = append(f.created, id)
	return &vod.UploadTicket{ImageID: id}, nil
}

func (f *fakeImageAPI) Upload(_ context.Context, in vod.UploadInput) (*vod.UploadOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.uploaded)
	f.uploaded = append(f.uploaded, in.Ticket.ImageID)
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	f.uploadedBytes = append(f.uploadedBytes, string(b))
	if n < len(f.uploadErrs) && f.uploadErrs[n] != nil {
		return nil, f.uploadErrs[n]
	}
	return &vod.UploadOutput{}, nil
}

func (f *fakeImageAPI) GetImage(ctx context.Context, in vod.GetImageInfoInput) (*vod.Image, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	if f.cancelOnGet != nil {
		f.cancelOnGet()
		return nil, ctx.Err()
	}
	if f.getErr != nil {
		return nil, f.getErr
	}
	status := "Uploading"
	if len(f.statuses) > 0 {
		status = f.statuses[min(f.gets, len(f.statuses))-1]
	}
	return &vod.Image{ImageID: in.ImageID, Status: status}, nil
}

func (f *fakeImageAPI) DeleteImage(ctx context.Context, id string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ctx.Err() != nil {
		return false, ctx.Err() // the clean-up must not inherit an ended context
	}
	if f.deleteErr != nil {
		return false, f.deleteErr
	}
	f.deleted = append(f.deleted, id)
	return false, nil
}

// testCreator is a creator on api whose waits are recorded instead of slept.
func testCreator(api imageAPI, waits *[]time.Duration) *imageCreator {
	return &imageCreator{api: api, jitter: func(d time.Duration) time.Duration { return d },
		sleep: func(ctx context.Context, d time.Duration) error {
			*waits = append(*waits, d)
			return ctx.Err()
		}}
}

func runCreate(t *testing.T, ctx context.Context, api *fakeImageAPI) (createResult, []time.Duration) {
	t.Helper()
	var waits []time.Duration
	content := "\x89PNG fake image bytes"
	res := testCreator(api, &waits).create(ctx, vod.CreateUploadImageInput{ImageType: "default"}, strings.NewReader(content),
		int64(len(content)), func() error { return nil })
	for _, b := range api.uploadedBytes {
		if b != content {
			t.Errorf("uploaded %q, want the file's bytes %q", b, content)
		}
	}
	return res, waits
}

func expiredErr() error {
	return &vod.UploadError{Kind: vod.UploadCredentialExpired, ImageID: "x", Message: "the upload credential expired"}
}

func TestImageCreateWaitsForNormalWithBackoff(t *testing.T) {
	t.Parallel()
	api := &fakeImageAPI{statuses: []string{"Uploading", "Uploading", "Uploading", "Uploading", "Uploading", "Uploading", "Uploading", "Normal"}}
	res, waits := runCreate(t, context.Background(), api)
	if res.err != nil || res.image == nil || res.image.ImageID != "img-1" {
		t.Fatalf("create = %+v, want image img-1", res)
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second,
		8 * time.Second, 10 * time.Second}
	if !slices.Equal(waits, want) {
		t.Errorf("waits = %v, want %v (doubling from 250ms, at most 10s)", waits, want)
	}
	if len(api.deleted) != 0 {
		t.Errorf("deleted %v after a successful create", api.deleted)
	}
}

func TestImageCreateFailureBeforeImageCreatesNothing(t *testing.T) {
	t.Parallel()
	api := &fakeImageAPI{createErr: &vod.APIError{Action: "CreateUploadImage", Code: "Throttling.User", HTTPStatus: 503}}
	res, _ := runCreate(t, context.Background(), api)
	if res.step != "CreateUploadImage" || res.err == nil || res.kept != "" || len(res.deleted) != 0 || len(api.uploaded) != 0 {
		t.Fatalf("create = %+v, uploads %v; want a CreateUploadImage failure and nothing else", res, api.uploaded)
	}
}

func TestImageCreateUploadFailureDeletesImage(t *testing.T) {
	t.Parallel()
	api := &fakeImageAPI{uploadErrs: []error{&vod.UploadError{Kind: vod.UploadServerFailed, Op: "UploadPart", HTTPStatus: 500}}}
	res, _ := runCreate(t, context.Background(), api)
	if res.step != "upload" || res.kept != "" || !slices.Equal(res.deleted, []string{"img-1"}) || !slices.Equal(api.deleted, []string{"img-1"}) {
		t.Fatalf("create = %+v, deleted %v; want the upload failure and img-1 deleted", res, api.deleted)
	}
	if api.gets != 0 {
		t.Errorf("the wait ran %d times after a failed upload", api.gets)
	}
}

func TestImageCreateKeepsImageWhenDeleteFails(t *testing.T) {
	t.Parallel()
	deleteErr := &vod.APIError{Action: "DeleteImage", Code: "InternalError", HTTPStatus: 500}
	api := &fakeImageAPI{uploadErrs: []error{&vod.UploadError{Kind: vod.UploadRejected}}, deleteErr: deleteErr}
	res, _ := runCreate(t, context.Background(), api)
	if res.kept != "img-1" || !errors.Is(res.deleteErr, deleteErr) || len(res.deleted) != 0 {
		t.Fatalf("create = %+v; want img-1 kept (tainted) with the delete's error", res)
	}
}

func TestImageCreateUploadFailStatusDeletesImage(t *testing.T) {
	t.Parallel()
	api := &fakeImageAPI{statuses: []string{"Uploading", "UploadFail"}}
	res, _ := runCreate(t, context.Background(), api)
	var uf *uploadFailedError
	if res.step != "wait" || !errors.As(res.err, &uf) || !slices.Equal(api.deleted, []string{"img-1"}) {
		t.Fatalf("create = %+v, deleted %v; want UploadFail and img-1 deleted", res, api.deleted)
	}
}

func TestImageCreateTimeoutDeletesImageWithFreshContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	api := &fakeImageAPI{cancelOnGet: cancel}
	res, _ := runCreate(t, ctx, api)
	var wt *waitTimeoutError
	if res.step != "wait" || !errors.As(res.err, &wt) || !errors.Is(res.err, context.Canceled) {
		t.Fatalf("create error = %v (step %s), want a wait timeout", res.err, res.step)
	}
	if !slices.Equal(api.deleted, []string{"img-1"}) || res.kept != "" {
		t.Fatalf("deleted %v, kept %q: the clean-up must run even though the create's context ended", api.deleted, res.kept)
	}
}

func TestImageCreateExpiredCredentialStartsAgain(t *testing.T) {
	t.Parallel()
	api := &fakeImageAPI{uploadErrs: []error{expiredErr()}, statuses: []string{"Normal"}}
	res, _ := runCreate(t, context.Background(), api)
	if res.err != nil || res.image == nil || res.image.ImageID != "img-2" {
		t.Fatalf("create = %+v, want image img-2 after a new CreateUploadImage", res)
	}
	if !slices.Equal(api.deleted, []string{"img-1"}) || !slices.Equal(api.uploaded, []string{"img-1", "img-2"}) {
		t.Fatalf("deleted %v, uploaded %v; want img-1 deleted and the file uploaded again to img-2", api.deleted, api.uploaded)
	}
}

func TestImageCreateExpiredCredentialIsBounded(t *testing.T) {
	t.Parallel()
	api := &fakeImageAPI{uploadErrs: []error{expiredErr(), expiredErr(), expiredErr(), expiredErr()}}
	res, _ := runCreate(t, context.Background(), api)
	if !vod.IsUploadCredentialExpired(res.err) || len(api.created) != maxUploadCredentials {
		t.Fatalf("create error = %v after %d CreateUploadImage calls; want the expiry after %d", res.err, len(api.created), maxUploadCredentials)
	}
	if !slices.Equal(api.deleted, api.created) || res.kept != "" {
		t.Fatalf("created %v, deleted %v, kept %q: every image must be deleted", api.created, api.deleted, res.kept)
	}
}

func TestImageCreateExpiredCredentialStopsWhenDeleteFails(t *testing.T) {
	t.Parallel()
	api := &fakeImageAPI{uploadErrs: []error{expiredErr()}, deleteErr: errors.New("connection reset")}
	res, _ := runCreate(t, context.Background(), api)
	if res.kept != "img-1" || len(api.created) != 1 {
		t.Fatalf("create = %+v after %d images; want img-1 kept and no second image", res, len(api.created))
	}
}

func TestImageCreateFileChangedDuringUploadDeletesImage(t *testing.T) {
	t.Parallel()
	api := &fakeImageAPI{statuses: []string{"Normal"}}
	var waits []time.Duration
	res := testCreator(api, &waits).create(context.Background(), vod.CreateUploadImageInput{ImageType: "default"},
		strings.NewReader("abc"), 3, func() error { return errors.New("the file changed") })
	if res.err == nil || res.step != "upload" || !slices.Equal(api.deleted, []string{"img-1"}) {
		t.Fatalf("create = %+v, deleted %v; want the change reported and img-1 deleted", res, api.deleted)
	}
}

func TestImageCreateNotFoundAfterUploadIsBounded(t *testing.T) {
	t.Parallel()
	api := &fakeImageAPI{getErr: &vod.APIError{Action: "GetImageInfo", Code: "NoSuchResource", HTTPStatus: 404}}
	res, waits := runCreate(t, context.Background(), api)
	if res.err == nil || !vod.IsNotFound(res.err) || api.gets != notFoundPolls || len(waits) != notFoundPolls-1 {
		t.Fatalf("create error = %v after %d reads and %d waits; want NoSuchResource after %d reads", res.err, api.gets, len(waits), notFoundPolls)
	}
}
