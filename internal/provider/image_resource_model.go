package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// vod_image resource's model, the reading of its source file (hash, extension) and the merging of
// VOD's answers into the model.

// imageResourceModel maps the vod_image resource's schema. It goes through the framework's struct
// conversion: a resource is converted once or twice per operation, not per element of a list.
type imageResourceModel struct {
	ID              types.String   `tfsdk:"id"`
	Source          types.String   `tfsdk:"source"`
	ContentSHA256   types.String   `tfsdk:"content_sha256"`
	ImageType       types.String   `tfsdk:"image_type"`
	ImageExt        types.String   `tfsdk:"image_ext"`
	Title           types.String   `tfsdk:"title"`
	Description     types.String   `tfsdk:"description"`
	Tags            types.Set      `tfsdk:"tags"`
	CateID          types.Int64    `tfsdk:"cate_id"`
	StorageLocation types.String   `tfsdk:"storage_location"`
	AppID           types.String   `tfsdk:"app_id"`
	Status          types.String   `tfsdk:"status"`
	URL             types.String   `tfsdk:"url"`
	CreationTime    types.String   `tfsdk:"creation_time"`
	Width           types.Int64    `tfsdk:"width"`
	Height          types.Int64    `tfsdk:"height"`
	FileSize        types.Int64    `tfsdk:"file_size"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// sourceFile is what planning learns of the file at source.
type sourceFile struct {
	SHA256 string
	Size   int64
}

// sourceError is a problem with the file at source, said for the user: what and what to do.
type sourceError struct {
	summary, detail string
}

func (e *sourceError) Error() string { return e.summary + ": " + e.detail }

// hashSource reads the file at path once, streaming, and returns its SHA-256 and size. Its errors
// are *sourceError.
func hashSource(path string) (sourceFile, error) {
	file, _, err := hashSourceInfo(path)
	return file, err
}

// hashSourceInfo is hashSource, with what stat said of the file when it was opened.
func hashSourceInfo(path string) (sourceFile, fs.FileInfo, error) {
	f, info, err := openSource(path)
	if err != nil {
		return sourceFile{}, nil, err
	}
	defer func() { _ = f.Close() }()
	sum, n, err := hashReader(f)
	if err != nil {
		return sourceFile{}, nil, &sourceError{"Cannot read the image file", fmt.Sprintf("Reading %q failed after %d bytes: %s.", path, n, err)}
	}
	if n != info.Size() {
		return sourceFile{}, nil, &sourceError{"Image file changed while being read",
			fmt.Sprintf("%q was %d bytes long when opened and %d bytes were read: something is writing it. Plan again once it is complete.", path, info.Size(), n)}
	}
	return sourceFile{SHA256: sum, Size: n}, info, nil
}

// hashReader is the hex SHA-256 of what r holds, and how many bytes were read.
func hashReader(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// openSource opens the file at path for reading and checks that it is a non-empty regular file.
// Its errors are *sourceError.
func openSource(path string) (*os.File, fs.FileInfo, error) {
	// A named pipe or a device is refused before it is opened: opening one can wait, and the plan
	// with it, until something writes to it. (What os.Stat cannot tell, Open reports below.)
	if info, err := os.Stat(path); err == nil && !info.IsDir() && !info.Mode().IsRegular() {
		return nil, nil, notRegularFile(path, info)
	}
	f, err := os.Open(path) //nolint:gosec // the user's own configured file is what is uploaded
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, nil, &sourceError{"Image file not found", fmt.Sprintf("No file exists at %q%s. Relative paths are "+
				"relative to the directory Terraform runs in: write \"${path.module}/<file>\" for a file beside the configuration.",
				path, absolute(path))}
		case errors.Is(err, fs.ErrPermission):
			return nil, nil, &sourceError{"Image file not readable", fmt.Sprintf("%q cannot be read: permission denied. "+
				"Let the user running Terraform read it.", path)}
		}
		return nil, nil, &sourceError{"Cannot open the image file", fmt.Sprintf("Opening %q failed: %s.", path, unwrapPathError(err))}
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, nil, &sourceError{"Cannot read the image file", fmt.Sprintf("%q cannot be examined: %s.", path, unwrapPathError(err))}
	}
	switch {
	case info.IsDir():
		_ = f.Close()
		return nil, nil, &sourceError{"Image source is a directory", fmt.Sprintf("%q is a directory: source takes the path of one image file.", path)}
	case !info.Mode().IsRegular():
		_ = f.Close()
		return nil, nil, notRegularFile(path, info)
	case info.Size() == 0:
		_ = f.Close()
		return nil, nil, &sourceError{"Image file is empty", fmt.Sprintf("%q is empty: there is no image to upload.", path)}
	}
	return f, info, nil
}

// notRegularFile refuses a source that is neither a regular file nor a directory.
func notRegularFile(path string, info fs.FileInfo) *sourceError {
	return &sourceError{"Image source is not a regular file", fmt.Sprintf("%q is not a regular file (%s): "+
		"its size and content cannot be known when planning. Write the image to a file first.", path, info.Mode().Type())}
}

func absolute(path string) string {
	if filepath.IsAbs(path) {
		return ""
	}
	if abs, err := filepath.Abs(path); err == nil {
		return " (" + abs + ")"
	}
	return ""
}

// unwrapPathError is the system's reason without the path, which the messages say themselves.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sourceExt is the extension of path as CreateUploadImage's ImageExt takes it: lower case, no dot;
// "" when the file has none.
func sourceExt(path string) string {
	return strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
}

// acceptedExt reports whether VOD takes ext as ImageExt.
func acceptedExt(ext string) bool { return slices.Contains(vod.ImageExts, ext) }

// originalFileName is what CreateUploadImage's OriginalFileName gets: the file's name, which must
// have an extension (models.json, CreateUploadImage "limits"); ext is added when it has none or
// another one.
func originalFileName(path, ext string) string {
	name := filepath.Base(path)
	if sourceExt(name) != ext {
		name += "." + ext
	}
	return name
}

// setStrings is the set's known string elements.
func setStrings(s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	out := make([]string, 0, len(s.Elements()))
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok && !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	slices.Sort(out)
	return out
}

// stringSet is a known set of strings.
func stringSet(ss []string) types.Set {
	elems := make([]attr.Value, len(ss))
	for i, s := range ss {
		elems[i] = types.StringValue(s)
	}
	return types.SetValueMust(types.StringType, elems)
}

// fill merges an image as VOD reports it into m. Arguments the configuration sets (known values
// in m, keepKnown) are kept as they are, so that Create and Update return what was planned; the
// others, and every computed attribute, take VOD's value. A value VOD reports empty is null unless
// m had it non-null, so that leaving an argument out shows no difference. url is kept while VOD's
// differs from it only in its query (a new signature).
func (m *imageResourceModel) fill(img *vod.Image, keepKnown bool) {
	known := func(v attr.Value) bool { return keepKnown && !v.IsNull() && !v.IsUnknown() }
	str := func(cur types.String, vodValue string) types.String {
		switch {
		case known(cur):
			return cur
		case vodValue == "" && (cur.IsNull() || cur.IsUnknown()):
			return types.StringNull()
		}
		return types.StringValue(vodValue)
	}
	m.ID = types.StringValue(img.ImageID)
	m.Title = str(m.Title, img.Title)
	m.Description = str(m.Description, img.Description)
	m.StorageLocation = str(m.StorageLocation, img.StorageLocation)
	m.AppID = str(m.AppID, img.AppID)
	m.Status = types.StringValue(img.Status)
	m.CreationTime = str(types.StringNull(), img.CreationTime)
	if !known(m.Tags) {
		switch {
		case len(img.Tags) == 0 && (m.Tags.IsNull() || m.Tags.IsUnknown()):
			m.Tags = types.SetNull(types.StringType)
		default:
			m.Tags = stringSet(img.Tags)
		}
	}
	if !known(m.CateID) {
		m.CateID = types.Int64Null()
		if img.CateID > 0 {
			m.CateID = types.Int64Value(img.CateID)
		}
	}
	if !sameURL(m.URL, img.URL) {
		m.URL = str(types.StringNull(), img.URL)
	}
	m.Width, m.Height, m.FileSize = types.Int64Null(), types.Int64Null(), types.Int64Null()
	if mz := img.Mezzanine; mz != nil {
		m.Width, m.Height, m.FileSize = positive(mz.Width), positive(mz.Height), positive(mz.FileSize)
	}
}

func positive(n vod.Int64) types.Int64 {
	if n <= 0 {
		return types.Int64Null()
	}
	return types.Int64Value(int64(n))
}

// sameURL reports whether the stored URL and VOD's differ at most in their query: the same image
// at the same address, signed anew.
func sameURL(stored types.String, fresh string) bool {
	if stored.IsNull() || stored.IsUnknown() || fresh == "" {
		return false
	}
	a, errA := url.Parse(stored.ValueString())
	b, errB := url.Parse(fresh)
	if errA != nil || errB != nil {
		return false
	}
	return a.Scheme == b.Scheme && a.Host == b.Host && a.Path == b.Path
}

// nullUnknowns replaces the unknown values of m by nulls: the state a failed create keeps for a
// tainted image must be wholly known.
func (m *imageResourceModel) nullUnknowns() {
	for _, s := range []*types.String{&m.ID, &m.Source, &m.ContentSHA256, &m.ImageType, &m.ImageExt, &m.Title,
		&m.Description, &m.StorageLocation, &m.AppID, &m.Status, &m.URL, &m.CreationTime} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	for _, n := range []*types.Int64{&m.CateID, &m.Width, &m.Height, &m.FileSize} {
		if n.IsUnknown() {
			*n = types.Int64Null()
		}
	}
	if m.Tags.IsUnknown() {
		m.Tags = types.SetNull(types.StringType)
	}
}

// createInput is CreateUploadImage's request for the planned m, whose file is at path with
// extension ext.
func (m *imageResourceModel) createInput(ext string) vod.CreateUploadImageInput {
	in := vod.CreateUploadImageInput{
		ImageType:        m.ImageType.ValueString(),
		ImageExt:         ext,
		Title:            knownString(m.Title),
		Description:      knownString(m.Description),
		Tags:             setStrings(m.Tags),
		StorageLocation:  knownString(m.StorageLocation),
		AppID:            knownString(m.AppID),
		OriginalFileName: originalFileName(m.Source.ValueString(), ext),
	}
	if !m.CateID.IsNull() && !m.CateID.IsUnknown() {
		id := m.CateID.ValueInt64()
		in.CateID = &id
	}
	return in
}

func knownString(s types.String) string {
	if s.IsNull() || s.IsUnknown() {
		return ""
	}
	return s.ValueString()
}

// imageUpdate is the UpdateImageInfos change from state to plan: the fields the plan knows and
// that differ. It is empty (vod.ImageUpdate with only the ID) when nothing VOD holds changes.
func imageUpdate(id string, plan, state *imageResourceModel) vod.ImageUpdate {
	u := vod.ImageUpdate{ImageID: id}
	changed := func(p, s attr.Value) bool { return !p.IsUnknown() && !p.IsNull() && !p.Equal(s) }
	if changed(plan.Title, state.Title) {
		v := plan.Title.ValueString()
		u.Title = &v
	}
	if changed(plan.Description, state.Description) {
		v := plan.Description.ValueString()
		u.Description = &v
	}
	if changed(plan.Tags, state.Tags) {
		v := setStrings(plan.Tags)
		u.Tags = &v
	}
	if changed(plan.CateID, state.CateID) {
		v := plan.CateID.ValueInt64()
		u.CateID = &v
	}
	return u
}
