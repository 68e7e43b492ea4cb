package vod

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// noiseImage is a w×h PNG of seeded random pixels (incompressible).
func noiseImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(7, 1))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.UintN(256))
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestUploadAgainstEmulator drives the real client (CreateUploadImage, Upload through the OSS SDK,
// UpdateImage, DeleteImage) against the emulator, which verifies every signature from the
// documentation: V4 and V1, one PutObject and a multipart upload in 100 KB parts.
func TestUploadAgainstEmulator(t *testing.T) {
	t.Parallel()
	emu, err := vodemu.Start(vodemu.Options{AccessKeyID: testKeyID, AccessKeySecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	ctx := context.Background()
	for _, c := range []struct {
		name      string
		v1        bool
		w, h      int
		multipart bool
	}{{"v4 put", false, 20, 10, false}, {"v1 multipart", true, 200, 150, true}, {"v4 multipart", false, 200, 150, true}} {
		client, err := New(Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret),
			Upload: UploadConfig{Endpoint: emu.URL, PathStyle: true, SignatureV1: c.v1, PartSize: 100 << 10}})
		if err != nil {
			t.Fatal(err)
		}
		tk, err := client.CreateUploadImage(ctx, CreateUploadImageInput{ImageType: "default", Title: "before", OriginalFileName: "a.png"})
		if err != nil {
			t.Fatalf("%s: CreateUploadImage: %v", c.name, err)
		}
		body := noiseImage(t, c.w, c.h)
		out, err := client.Upload(ctx, UploadInput{Ticket: tk, Body: bytes.NewReader(body), Size: int64(len(body)), ContentType: "image/png"})
		if err != nil {
			t.Fatalf("%s: Upload: %v", c.name, err)
		}
		if out.Multipart != c.multipart {
			t.Errorf("%s: multipart %v", c.name, out.Multipart)
		}
		img, err := client.GetImage(ctx, GetImageInfoInput{ImageID: tk.ImageID})
		if err != nil {
			t.Fatalf("%s: GetImage: %v", c.name, err)
		}
		if img.Status != "Normal" {
			t.Errorf("%s: status %s", c.name, img.Status)
		}
		title := "after"
		if err := client.UpdateImage(ctx, ImageUpdate{ImageID: tk.ImageID, Title: &title}); err != nil {
			t.Fatalf("%s: UpdateImage: %v", c.name, err)
		}
		if img, err := client.GetImage(ctx, GetImageInfoInput{ImageID: tk.ImageID}); err != nil || img.Title != "after" {
			t.Errorf("%s: after UpdateImage: %+v %v", c.name, img, err)
		}
		if gone, err := client.DeleteImage(ctx, tk.ImageID); err != nil || gone {
			t.Errorf("%s: DeleteImage: %v %v", c.name, gone, err)
		}
		if gone, err := client.DeleteImage(ctx, tk.ImageID); err != nil || !gone {
			t.Errorf("%s: DeleteImage again: %v %v", c.name, gone, err)
		}
	}
}

// TestUploadFailuresAgainstEmulator: an upload credential the emulator's clock has expired is
// IsUploadCredentialExpired; faults on every UploadPart attempt fail the upload half-way, and the
// client aborts the multipart upload.
func TestUploadFailuresAgainstEmulator(t *testing.T) {
	t.Parallel()
	var offset atomic.Int64
	emu, err := vodemu.Start(vodemu.Options{AccessKeyID: testKeyID, AccessKeySecret: testSecret,
		Upload: vodemu.UploadOptions{CredentialLifetime: time.Minute},
		Now:    func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	ctx := context.Background()
	client, err := New(Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(t, testSecret),
		Upload: UploadConfig{Endpoint: emu.URL, PathStyle: true, PartSize: 100 << 10, Parallel: 1, MaxAttempts: 2}})
	if err != nil {
		t.Fatal(err)
	}
	body := noiseImage(t, 200, 150)

	tk, err := client.CreateUploadImage(ctx, CreateUploadImageInput{ImageType: "default"})
	if err != nil {
		t.Fatal(err)
	}
	emu.Server.InjectNext(vodemu.FaultInternal, 2, "UploadPart")
	_, err = client.Upload(ctx, UploadInput{Ticket: tk, Body: bytes.NewReader(body), Size: int64(len(body))})
	if err == nil {
		t.Fatal("an upload whose part failed twice succeeded")
	}
	if st := emu.Server.Stats(); st.OSSByOperation["AbortMultipartUpload"] != 1 || st.OSSByCode["InternalError"] != 2 {
		t.Errorf("after the failed upload: %v %v", st.OSSByOperation, st.OSSByCode)
	}
	if img, err := client.GetImage(ctx, GetImageInfoInput{ImageID: tk.ImageID}); err != nil || img.Status != "Uploading" {
		t.Errorf("image after the failed upload: %+v %v", img, err)
	}

	tk, err = client.CreateUploadImage(ctx, CreateUploadImageInput{ImageType: "default"})
	if err != nil {
		t.Fatal(err)
	}
	// The emulator's clock only, within OSS's 15-minute skew: the client still thinks it valid.
	offset.Store(int64(61 * time.Second))
	_, err = client.Upload(ctx, UploadInput{Ticket: tk, Body: bytes.NewReader(body[:1000]), Size: 1000})
	if !IsUploadCredentialExpired(err) {
		t.Errorf("upload with an expired credential: %v", err)
	}
}
