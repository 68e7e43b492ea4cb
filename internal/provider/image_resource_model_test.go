package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

func writeTemp(t *testing.T, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHashSource(t *testing.T) {
	t.Parallel()
	// Larger than io.Copy's buffer, so that the hash is made of several reads.
	content := []byte(strings.Repeat("vod image bytes ", 10000))
	p := writeTemp(t, "logo.png", content)
	got, err := hashSource(p)
	sum := sha256.Sum256(content)
	if err != nil || got.SHA256 != hex.EncodeToString(sum[:]) || got.Size != int64(len(content)) {
		t.Fatalf("hashSource = %+v, %v; want %x, %d bytes", got, err, sum, len(content))
	}
}

func TestHashSourceErrorsSayWhatToDo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := writeTemp(t, "empty.png", nil)
	for _, tc := range []struct {
		name, path, summary, detail string
	}{
		{"missing", filepath.Join(dir, "nope.png"), "Image file not found", "${path.module}"},
		{"directory", dir, "Image source is a directory", "is a directory"},
		{"empty", empty, "Image file is empty", "is empty"},
	} {
		_, err := hashSource(tc.path)
		var se *sourceError
		if !errors.As(err, &se) || se.summary != tc.summary || !strings.Contains(se.detail, tc.detail) || !strings.Contains(se.detail, tc.path) {
			t.Errorf("%s: hashSource error = %v; want %q naming the path and %q", tc.name, err, tc.summary, tc.detail)
		}
	}
}

// A named pipe is refused without being opened: opening it would wait, and the plan with it, until
// something wrote to it.
func TestHashSourceRefusesANamedPipe(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "pipe.png")
	if err := Mkfifo(p); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	_, err := hashSource(p)
	var se *sourceError
	if !errors.As(err, &se) || se.summary != "Image source is not a regular file" || !strings.Contains(se.detail, p) {
		t.Fatalf("hashSource error = %v, want the source refused as not a regular file", err)
	}
}

func TestHashSourceUnreadable(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	p := writeTemp(t, "secret.png", []byte("x"))
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	_, err := hashSource(p)
	var se *sourceError
	if !errors.As(err, &se) || se.summary != "Image file not readable" {
		t.Fatalf("hashSource error = %v, want the file not readable", err)
	}
}

func TestExtensionProblem(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"a.png", "dir/b.JPG", "c.jpeg", "d.gif"} {
		if d := extensionProblem(ok); d != nil {
			t.Errorf("extensionProblem(%q) = %v, want none", ok, d)
		}
	}
	for _, bad := range []string{"a.webp", "b", "c.png.bak"} {
		d := extensionProblem(bad)
		if d == nil || !strings.Contains(d.Detail(), "png, jpg, jpeg, gif") || !strings.Contains(d.Detail(), "image_ext") {
			t.Errorf("extensionProblem(%q) = %v, want an error listing what VOD takes and naming image_ext", bad, d)
		}
	}
}

func TestOriginalFileNameHasTheExtension(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ path, ext, want string }{
		{"/x/logo.png", "png", "logo.png"},
		{"/x/LOGO.PNG", "png", "LOGO.PNG"},
		{"/x/logo", "jpg", "logo.jpg"},
		{"/x/logo.bin", "gif", "logo.bin.gif"},
	} {
		if got := originalFileName(tc.path, tc.ext); got != tc.want {
			t.Errorf("originalFileName(%q, %q) = %q, want %q", tc.path, tc.ext, got, tc.want)
		}
	}
}

func TestImageFillKeepsPlannedValuesAndLeavesEmptiesNull(t *testing.T) {
	t.Parallel()
	img := &vod.Image{ImageID: "id1", Title: "VOD title", Description: "", Tags: nil, CateID: -1, Status: "Normal",
		StorageLocation: "outin-1.oss-cn-shanghai.aliyuncs.com", AppID: "app-1000000", CreationTime: "2026-01-01T00:00:00Z",
		URL: "https://cdn.example.com/image/a.png?auth_key=1", Mezzanine: &vod.Mezzanine{Width: 640, Height: 480, FileSize: 1234}}
	m := imageResourceModel{Title: types.StringValue("mine"), Description: types.StringUnknown(), Tags: types.SetUnknown(types.StringType),
		CateID: types.Int64Unknown(), StorageLocation: types.StringUnknown(), AppID: types.StringUnknown(), URL: types.StringUnknown()}
	m.fill(img, true)
	switch {
	case m.Title.ValueString() != "mine":
		t.Errorf("title = %s, want the planned one", m.Title)
	case !m.Description.IsNull() || !m.Tags.IsNull() || !m.CateID.IsNull():
		t.Errorf("description %s, tags %s, cate_id %s: want null for what VOD reports empty and the configuration leaves out",
			m.Description, m.Tags, m.CateID)
	case m.StorageLocation.ValueString() != img.StorageLocation || m.AppID.ValueString() != img.AppID || m.Status.ValueString() != "Normal":
		t.Errorf("storage_location %s, app_id %s, status %s: want VOD's", m.StorageLocation, m.AppID, m.Status)
	case m.Width.ValueInt64() != 640 || m.Height.ValueInt64() != 480 || m.FileSize.ValueInt64() != 1234 || m.URL.ValueString() != img.URL:
		t.Errorf("width %s, height %s, file_size %s, url %s: want VOD's", m.Width, m.Height, m.FileSize, m.URL)
	}
}

func TestImageFillShowsDrift(t *testing.T) {
	t.Parallel()
	m := imageResourceModel{Title: types.StringValue("mine"), Tags: stringSet([]string{"a"}), CateID: types.Int64Value(5),
		Description: types.StringValue("d")}
	m.fill(&vod.Image{ImageID: "id1", Title: "changed", Tags: []string{"b", "c"}, CateID: 7}, false)
	if m.Title.ValueString() != "changed" || !slices.Equal(setStrings(m.Tags), []string{"b", "c"}) || m.CateID.ValueInt64() != 7 {
		t.Errorf("after a refresh: title %s, tags %s, cate_id %s; want VOD's values", m.Title, m.Tags, m.CateID)
	}
	// Emptied outside Terraform: an empty value, not null, so that the plan shows the change.
	if m.Description.IsNull() || m.Description.ValueString() != "" {
		t.Errorf("description = %s, want \"\"", m.Description)
	}
}

func TestImageFillKeepsURLSignedAnew(t *testing.T) {
	t.Parallel()
	stored := "https://outin-1.oss-cn-shanghai.aliyuncs.com/image/a.png?Expires=1&Signature=x"
	m := imageResourceModel{URL: types.StringValue(stored)}
	m.fill(&vod.Image{ImageID: "id1", URL: "https://outin-1.oss-cn-shanghai.aliyuncs.com/image/a.png?Expires=2&Signature=y"}, false)
	if m.URL.ValueString() != stored {
		t.Errorf("url = %s, want the stored one kept when only the signature differs", m.URL)
	}
	m.fill(&vod.Image{ImageID: "id1", URL: "https://cdn.example.com/image/a.png"}, false)
	if m.URL.ValueString() != "https://cdn.example.com/image/a.png" {
		t.Errorf("url = %s, want VOD's new address", m.URL)
	}
}

func TestImageUpdateHasOnlyChanges(t *testing.T) {
	t.Parallel()
	state := imageResourceModel{Title: types.StringValue("a"), Description: types.StringValue("d"), Tags: stringSet([]string{"x", "y"}),
		CateID: types.Int64Value(1)}
	plan := state
	plan.Tags = stringSet([]string{"y", "x"})
	if u := imageUpdate("id", &plan, &state); u.Title != nil || u.Description != nil || u.Tags != nil || u.CateID != nil {
		t.Fatalf("imageUpdate = %+v for an unchanged plan (tags in another order), want nothing", u)
	}
	plan.Title, plan.Description, plan.CateID = types.StringValue("b"), types.StringValue(""), types.Int64Value(2)
	plan.Tags = stringSet([]string{"z"})
	u := imageUpdate("id", &plan, &state)
	if u.Title == nil || *u.Title != "b" || u.Description == nil || *u.Description != "" || u.Tags == nil ||
		!slices.Equal(*u.Tags, []string{"z"}) || u.CateID == nil || *u.CateID != 2 {
		t.Fatalf("imageUpdate = %+v, want title b, description \"\", tags [z], cate_id 2", u)
	}
}

func TestImageNullUnknownsLeavesAKnownState(t *testing.T) {
	t.Parallel()
	m := imageResourceModel{ID: types.StringValue("id"), Status: types.StringUnknown(), Tags: types.SetUnknown(types.StringType),
		Width: types.Int64Unknown(), Title: types.StringValue("t")}
	m.nullUnknowns()
	if !m.Status.IsNull() || !m.Tags.IsNull() || !m.Width.IsNull() || m.Title.ValueString() != "t" || m.ID.ValueString() != "id" {
		t.Fatalf("nullUnknowns left %+v", m)
	}
}

func TestImageResourceSchema(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := imageResourceSchema(ctx)
	if d := s.ValidateImplementation(ctx); d.HasError() {
		t.Fatalf("the schema is invalid: %v", d)
	}
	// The attributes the data source shows too are described by imageAttributes, once.
	for _, name := range []string{"title", "description", "status", "creation_time", "storage_location", "app_id", "cate_id",
		"width", "height", "file_size"} {
		if got, want := s.Attributes[name].GetDescription(), imageAttributeDescription(name); !strings.HasPrefix(got, want) {
			t.Errorf("%s's description %q does not start with imageAttributes' %q", name, got, want)
		}
	}
	id := imageIdentitySchema()
	if d := id.ValidateImplementation(ctx); d.HasError() {
		t.Fatalf("the identity schema is invalid: %v", d)
	}
}
