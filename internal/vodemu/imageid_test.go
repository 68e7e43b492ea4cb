package vodemu

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

// Image IDs are matched exactly (Server.image): another case is another ID, which does not exist,
// and GetImageInfos lists it in NonExistImageIds as it was sent. The client matches the same way
// (internal/vod, imageIndex).
func TestImageIDsAreCaseSensitive(t *testing.T) {
	h := newHarness(t, nil)
	p := v1Params("GetImageInfo", testNow)
	p.Set("ImageId", "IMG-CDN")
	status, hdr, body := h.callV1(http.MethodPost, testSecret, p)
	checkError(t, status, hdr, body, http.StatusNotFound, "NoSuchResource")

	p = v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", "Img-Cdn,img-cdn,IMG-OSS")
	status, _, body = h.callV1(http.MethodPost, testSecret, p)
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, body)
	}
	var resp struct {
		ImageInfo        []struct{ ImageId string }
		NonExistImageIds []string
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.ImageInfo) != 1 || resp.ImageInfo[0].ImageId != "img-cdn" ||
		!reflect.DeepEqual(resp.NonExistImageIds, []string{"Img-Cdn", "IMG-OSS"}) {
		t.Fatalf("want img-cdn found and Img-Cdn, IMG-OSS missing as sent: %s", body)
	}
}
