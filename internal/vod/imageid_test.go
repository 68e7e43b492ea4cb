package vod

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Image IDs are matched exactly, as the emulator does: two spellings of an ID are two images, and
// an uppercase spelling of an existing ID does not exist.
func TestGetImagesMatchesIDsExactly(t *testing.T) {
	emu := batchEmulator(t, 12)
	c := newTestClient(t, emu.URL, testSecret, SignatureV3, 0)
	lower := imageID(10) // ends in "b"
	upper := strings.ToUpper(lower)
	if upper == lower {
		t.Fatal("test ID has no letters")
	}
	out, err := c.GetImages(context.Background(), GetImagesInput{ImageIDs: []string{lower, upper, lower}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Images[0] == nil || out.Images[0].ImageID != lower || out.Images[1] != nil || out.Images[2] != out.Images[0] {
		t.Errorf("images = %+v, want %s found twice and %s missing", out.Images, lower, upper)
	}
	if !reflect.DeepEqual(out.Missing, []string{upper}) {
		t.Errorf("missing = %q, want [%s]", out.Missing, upper)
	}
	if _, err := c.GetImage(context.Background(), GetImageInfoInput{ImageID: upper}); !IsNotFound(err) {
		t.Errorf("GetImage(%s) = %v, want NoSuchResource", upper, err)
	}
}

// An answer that names the image asked for in another case is said to be so, not matched.
func TestReadManyCaseMismatch(t *testing.T) {
	lower := imageID(10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"RequestId":"R","ImageInfo":[{"ImageId":"` + lower + `"}],"NonExistImageIds":[]}`))
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, testSecret, SignatureV3, 0)
	upper := strings.ToUpper(lower)
	_, err := c.GetImages(context.Background(), GetImagesInput{ImageIDs: []string{upper}})
	if err == nil || !strings.Contains(err.Error(), "case-sensitive") || !strings.Contains(err.Error(), strconv.Quote(lower)) {
		t.Fatalf("got %v, want an error naming %s and case", err, lower)
	}
}
