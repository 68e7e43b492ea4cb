package vodemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// putRaw uploads body to tk's object with one V1-signed PutObject stamped with the harness clock.
func (h *harness) putRaw(tk ticket, body []byte) {
	h.t.Helper()
	if status, resp := rawOSS(h.t, h, h.clock.Now(), tk, http.MethodPut, "", body); status != http.StatusOK {
		h.t.Fatalf("PutObject: %d %s", status, resp)
	}
}

// searchFields answers SearchMedia's images for match, with every field.
func (h *harness) searchFields(match string) []searchImage {
	h.t.Helper()
	status, body := h.call("SearchMedia", map[string]string{"SearchType": "image", "Match": match,
		"Fields": "Title,Description,Tags,CateId,CateName,Status,ModificationTime"})
	if status != http.StatusOK {
		h.t.Fatalf("SearchMedia: %d %s", status, body)
	}
	var resp struct{ MediaList []searchMediaItem }
	if err := json.Unmarshal(body, &resp); err != nil {
		h.t.Fatal(err)
	}
	out := make([]searchImage, len(resp.MediaList))
	for i, m := range resp.MediaList {
		out[i] = m.Image
	}
	return out
}

func TestUploadCompletionAfterReads(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Upload.Completion = UploadCompletion{AfterReads: 2} })
	tk := h.createUpload(nil)
	h.putRaw(tk, noisePNG(t, 3, 3, 1))
	for i, want := range []string{"Uploading", "Uploading", "Normal", "Normal"} {
		if got := h.getImage(tk.ImageID).Status; got != want {
			t.Fatalf("read %d: %s, want %s", i+1, got, want)
		}
	}
}

func TestUploadCompletionDelayAndSearch(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Upload.Completion = UploadCompletion{Delay: 30 * time.Second} })
	tk := h.createUpload(map[string]string{"Title": "delayed"})
	match := "ImageId = '" + tk.ImageID + "'"
	if got := h.searchFields(match); len(got) != 1 || got[0].Status != "Uploading" {
		t.Fatalf("before the upload: %+v", got)
	}
	h.putRaw(tk, noisePNG(t, 3, 3, 1))
	h.clock.Set(testNow.Add(29 * time.Second))
	if got := h.getImage(tk.ImageID).Status; got != "Uploading" {
		t.Fatalf("29 s after: %s", got)
	}
	h.clock.Set(testNow.Add(30 * time.Second))
	// SearchMedia shows the change once it is due, without a GetImageInfo read.
	if got := h.searchFields(match); len(got) != 1 || got[0].Status != "Normal" || got[0].ModificationTime != testNow.Add(30*time.Second).Format(timestampLayout) {
		t.Fatalf("30 s after: %+v", got)
	}
}

func TestUploadFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.run.Server.FailNextUploads(1)
	a, b := h.createUpload(nil), h.createUpload(nil)
	h.putRaw(a, noisePNG(t, 3, 3, 1))
	h.putRaw(b, noisePNG(t, 3, 3, 1))
	if got := h.getImage(a.ImageID).Status; got != "UploadFail" {
		t.Errorf("first upload: %s, want UploadFail", got)
	}
	if got := h.getImage(b.ImageID).Status; got != "Normal" {
		t.Errorf("second upload: %s, want Normal", got)
	}
	// The control endpoint: every upload fails, after one read.
	resp, err := http.Post(h.run.URL+"/_emulator/uploads", "application/json", strings.NewReader(`{"fail":true,"after_reads":1}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("control: %d", resp.StatusCode)
	}
	c := h.createUpload(nil)
	h.putRaw(c, []byte("not an image"))
	if got := h.getImage(c.ImageID); got.Status != "Uploading" {
		t.Errorf("first read: %s", got.Status)
	}
	if got := h.getImage(c.ImageID); got.Status != "UploadFail" || got.Mezzanine == nil || got.Mezzanine.Width != 0 || got.Mezzanine.FileSize.Bytes != "12" {
		t.Errorf("second read: %+v %+v", got, got.Mezzanine)
	}
	for _, bad := range []string{`{"after_reads":-1}`, `{"delay_seconds":-1}`, `{"fail_next":-2}`, `{"nope":1}`, `[`} {
		resp, err := http.Post(h.run.URL+"/_emulator/uploads", "application/json", strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("control %s: %d", bad, resp.StatusCode)
		}
	}
}

func TestUpdateImageInfos(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) {
		o.Categories = []Category{{CateID: 5, CateName: "five"}, {CateID: 6, CateName: "six"}}
	})
	tk := h.createUpload(map[string]string{"Title": "old", "Description": "old d", "Tags": "x", "CateId": "5"})
	h.clock.Set(testNow.Add(time.Minute))
	content := `[{"ImageId":"` + tk.ImageID + `","Title":"new","Tags":"a,b","CateId":6},{"ImageId":"img-oss","Description":""},{"ImageId":"nope"}]`
	status, body := h.call("UpdateImageInfos", map[string]string{"UpdateContent": content})
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, body)
	}
	var resp updateImageInfosResponse
	if err := json.Unmarshal(body, &resp); err != nil || strings.Join(resp.NonExistImageIDs.ImageID, ",") != "nope" {
		t.Fatalf("answer %s: %v", body, err)
	}
	img := h.getImage(tk.ImageID)
	if img.Title != "new" || img.Description != "old d" || img.Tags != "a,b" || img.CateID != 6 || img.CateName != "six" {
		t.Errorf("GetImageInfo after the update: %+v", img)
	}
	status, body = h.call("GetImageInfos", map[string]string{"ImageIds": tk.ImageID})
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"Title":"new"`)) || !bytes.Contains(body, []byte(`"CateName":"six"`)) {
		t.Errorf("GetImageInfos: %d %s", status, body)
	}
	got := h.searchFields("ImageId = '" + tk.ImageID + "'")
	if len(got) != 1 || got[0].Title != "new" || got[0].Tags != "a,b" || got[0].CateID != 6 || got[0].CateName != "six" ||
		got[0].ModificationTime != testNow.Add(time.Minute).Format(timestampLayout) {
		t.Errorf("SearchMedia: %+v", got)
	}
	if got := h.searchFields("Title = 'new'"); len(got) != 1 {
		t.Errorf("SearchMedia by the new title: %+v", got)
	}
	if img := h.getImage("img-oss"); img.Description != "" || img.Title != "oss image" {
		t.Errorf("img-oss after clearing its description: %+v", img)
	}

	items := func(n int) string {
		var b []string
		for i := range n {
			b = append(b, fmt.Sprintf(`{"ImageId":"id-%d"}`, i))
		}
		return "[" + strings.Join(b, ",") + "]"
	}
	status, body = h.call("UpdateImageInfos", map[string]string{"UpdateContent": items(20)})
	if status != http.StatusOK || strings.Count(string(body), `"id-`) != 20 {
		t.Errorf("20 missing images: %d %s", status, body)
	}
	id := tk.ImageID
	for _, c := range []struct {
		name, content, code string
	}{
		{"absent", "", "MissingParameter"},
		{"not JSON", "{", "InvalidParameter"},
		{"an object", `{"ImageId":"` + id + `"}`, "InvalidParameter"},
		{"empty", `[]`, "InvalidParameter"},
		{"21 items", items(21), "InvalidParameter"},
		{"no ImageId", `[{"Title":"x"}]`, "InvalidParameter"},
		{"unknown field", `[{"ImageId":"` + id + `","Ttle":"x"}]`, "InvalidParameter"},
		{"twice", `[{"ImageId":"` + id + `"},{"ImageId":"` + id + `"}]`, "InvalidParameter"},
		{"129-byte title", `[{"ImageId":"` + id + `","Title":"` + strings.Repeat("x", 129) + `"}]`, "InvalidParameter"},
		{"1025-byte description", `[{"ImageId":"` + id + `","Description":"` + strings.Repeat("x", 1025) + `"}]`, "InvalidParameter"},
		{"17 tags", `[{"ImageId":"` + id + `","Tags":"` + strings.TrimSuffix(strings.Repeat("t,", 17), ",") + `"}]`, "InvalidParameter"},
		{"emoji", `[{"ImageId":"` + id + `","Title":"cat 🐱"}]`, "InvalidParameter"},
		{"unknown category", `[{"ImageId":"` + id + `","CateId":404}]`, "InvalidCateId.NotFound"},
		{"CateId as a string", `[{"ImageId":"` + id + `","CateId":"6"}]`, "InvalidParameter"},
	} {
		p := map[string]string{}
		if c.content != "" {
			p["UpdateContent"] = c.content
		}
		status, hdr, body := h.callH("UpdateImageInfos", p)
		want := http.StatusBadRequest
		if c.code == "InvalidCateId.NotFound" {
			want = http.StatusNotFound
		}
		if msg := checkError(t, status, hdr, body, want, c.code); t.Failed() {
			t.Fatalf("%s: %s", c.name, msg)
		}
	}
	// A refused call changes nothing, not even the valid items before the fault.
	status, _ = h.call("UpdateImageInfos", map[string]string{"UpdateContent": `[{"ImageId":"` + id + `","Title":"changed"},{"ImageId":"x","Title":"🐱"}]`})
	if status != http.StatusBadRequest || h.getImage(id).Title != "new" {
		t.Errorf("a refused call changed the title: %d %q", status, h.getImage(id).Title)
	}
}

func TestDeleteImageAction(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	a, b := h.createUpload(nil), h.createUpload(nil)
	h.putRaw(a, noisePNG(t, 2, 2, 1))
	// One missing ID refuses the call and deletes nothing.
	status, hdr, body := h.callH("DeleteImage", map[string]string{"DeleteImageType": "ImageId", "ImageIds": a.ImageID + ",nope"})
	checkError(t, status, hdr, body, http.StatusNotFound, "NoSuchResource")
	h.getImage(a.ImageID)
	status, body = h.call("DeleteImage", map[string]string{"DeleteImageType": "ImageId", "ImageIds": a.ImageID + "," + b.ImageID})
	if status != http.StatusOK || !bytes.HasPrefix(body, []byte(`{"RequestId":"`)) {
		t.Fatalf("%d %s", status, body)
	}
	for _, id := range []string{a.ImageID, b.ImageID} {
		status, hdr, body := h.callH("GetImageInfo", map[string]string{"ImageId": id})
		checkError(t, status, hdr, body, http.StatusNotFound, "NoSuchResource")
	}
	if got := h.searchFields("(ImageId = '" + a.ImageID + "' or ImageId = '" + b.ImageID + "')"); len(got) != 0 {
		t.Errorf("SearchMedia still finds %+v", got)
	}
	// An image already gone: NoSuchResource, the documented error [DeleteImages].
	status, hdr, body = h.callH("DeleteImage", map[string]string{"DeleteImageType": "ImageId", "ImageIds": a.ImageID})
	checkError(t, status, hdr, body, http.StatusNotFound, "NoSuchResource")
	// By URL: a signed URL of the image names it.
	signed := h.getImage("img-oss").URL
	status, body = h.call("DeleteImage", map[string]string{"DeleteImageType": "ImageURL", "ImageURLs": signed})
	if status != http.StatusOK {
		t.Fatalf("by URL: %d %s", status, body)
	}
	status, _ = h.call("GetImageInfo", map[string]string{"ImageId": "img-oss"})
	if status != http.StatusNotFound {
		t.Errorf("img-oss after its deletion by URL: %d", status)
	}
	ids21 := strings.TrimSuffix(strings.Repeat("x,", 0), ",")
	for i := range 21 {
		ids21 += fmt.Sprintf("id-%d,", i)
	}
	for _, c := range []struct {
		name   string
		params map[string]string
		status int
		code   string
	}{
		{"no type", map[string]string{"ImageIds": "img-cdn"}, 400, "MissingParameter"},
		{"bad type", map[string]string{"DeleteImageType": "Name"}, 400, "InvalidParameter"},
		{"no IDs", map[string]string{"DeleteImageType": "ImageId"}, 400, "MissingParameter"},
		{"21 IDs", map[string]string{"DeleteImageType": "ImageId", "ImageIds": ids21}, 400, "InvalidParameter"},
		{"no URLs", map[string]string{"DeleteImageType": "ImageURL", "ImageURLs": ","}, 400, "MissingParameter"},
		{"unknown URL", map[string]string{"DeleteImageType": "ImageURL", "ImageURLs": "https://x.example.com/a.png"}, 404, "NoSuchResource"},
		{"no VideoId", map[string]string{"DeleteImageType": "VideoId", "ImageType": "All"}, 400, "MissingParameter"},
		{"no ImageType", map[string]string{"DeleteImageType": "VideoId", "VideoId": "v1"}, 400, "MissingParameter"},
		{"All with another", map[string]string{"DeleteImageType": "VideoId", "VideoId": "v1", "ImageType": "All,CoverSnapshot"}, 400, "InvalidParameter"},
		{"a video", map[string]string{"DeleteImageType": "VideoId", "VideoId": "v1", "ImageType": "CoverSnapshot,SpriteSnapshot"}, 404, "NoSuchResource"},
	} {
		status, hdr, body := h.callH("DeleteImage", c.params)
		if msg := checkError(t, status, hdr, body, c.status, c.code); t.Failed() {
			t.Fatalf("%s: %s", c.name, msg)
		}
	}
	// The deleted image's object is gone; its upload credential writes nothing that comes back.
	if status, _ := rawOSS(t, h, h.clock.Now(), a, http.MethodPut, "", []byte("late")); status != http.StatusOK {
		t.Errorf("a late PutObject: %d", status)
	}
	status, _ = h.call("GetImageInfo", map[string]string{"ImageId": a.ImageID})
	if status != http.StatusNotFound {
		t.Errorf("a late PutObject brought the image back: %d", status)
	}
}
