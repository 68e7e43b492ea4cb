package acctest

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// The expected values of the fixture images, read from testdata/images.json, the file the
// emulator serves, so that a test states what it expects once: by the image's ID.

var fixtureImages = sync.OnceValue(func() map[string]vodemu.Image {
	images, err := vodemu.LoadImages(fixturePath())
	if err != nil {
		panic(fmt.Sprintf("loading fixture images: %v", err)) // a broken fixture file is a bug in this repository
	}
	out := make(map[string]vodemu.Image, len(images))
	for _, img := range images {
		out[img.ImageID] = img
	}
	return out
})

// Fixture is the fixture image with this ID, as testdata/images.json gives it. An unknown ID is a
// bug in the test, and panics.
func Fixture(id string) vodemu.Image {
	img, ok := fixtureImages()[id]
	if !ok {
		panic(fmt.Sprintf("no fixture image %q in testdata/images.json", id))
	}
	return img
}

// ImageChecks are the checks of the metadata attributes of vod_image, the ephemeral vod_image and
// an element of vod_images for the fixture image id: every computed attribute but url, with
// fileURL checking mezzanine.file_url. The API sends tags as one comma-separated string, which
// the provider lists without the spaces around each tag; mezzanine's checks are derived from the
// emulator's wire type (mezzanineChecks).
func ImageChecks(id string, fileURL knownvalue.Check) map[string]knownvalue.Check {
	img := Fixture(id)
	tags := []knownvalue.Check{}
	for tag := range strings.SplitSeq(img.Tags, ",") {
		if tag = strings.TrimSpace(tag); tag != "" {
			tags = append(tags, knownvalue.StringExact(tag))
		}
	}
	checks := map[string]knownvalue.Check{
		"title":            knownvalue.StringExact(img.Title),
		"description":      knownvalue.StringExact(img.Description),
		"status":           knownvalue.StringExact(img.Status),
		"creation_time":    knownvalue.StringExact(img.CreationTime),
		"storage_location": knownvalue.StringExact(img.StorageLocation),
		"cate_id":          knownvalue.Int64Exact(img.CateID),
		"cate_name":        knownvalue.StringExact(img.CateName),
		"image_type":       knownvalue.StringExact(img.ImageType),
		"app_id":           knownvalue.StringExact(img.AppID),
		"tags":             knownvalue.ListExact(tags),
		"mezzanine":        knownvalue.Null(),
	}
	if mz := img.Mezzanine; mz != nil {
		checks["mezzanine"] = knownvalue.ObjectExact(mezzanineChecks(id, mz, fileURL))
	}
	return checks
}

// mezzanineChecks check every field the emulator serves in the fixture image's Mezzanine
// (vodemu.Mezzanine, its wire type) under the provider's name for it, the field's JSON name in
// snake_case (OriginalFileName: original_file_name, FileURL: file_url), except file_url, which
// fileURL checks. A field added to the emulator's Mezzanine is checked here without an edit, and
// fails until vod_image shows it under that name.
func mezzanineChecks(id string, mz *vodemu.Mezzanine, fileURL knownvalue.Check) map[string]knownvalue.Check {
	checks := map[string]knownvalue.Check{}
	v := reflect.ValueOf(*mz)
	for i := range v.NumField() {
		field := v.Type().Field(i)
		name := snakeCase(strings.Split(field.Tag.Get("json"), ",")[0])
		switch x := v.Field(i).Interface().(type) {
		case string:
			checks[name] = knownvalue.StringExact(x)
		case int64:
			checks[name] = knownvalue.Int64Exact(x)
		case vodemu.FileSize: // a string or a number of bytes on the wire, a number in the provider
			size, err := strconv.ParseInt(x.Bytes, 10, 64)
			if err != nil {
				panic(fmt.Sprintf("fixture image %q: %s %q is not a number of bytes", id, field.Name, x.Bytes))
			}
			checks[name] = knownvalue.Int64Exact(size)
		default:
			panic(fmt.Sprintf("mezzanineChecks: vodemu.Mezzanine.%s is a %T; say how the provider shows it", field.Name, x))
		}
	}
	checks["file_url"] = fileURL
	return checks
}

// snakeCase is a JSON field name as the provider names the attribute: words split where a lower-case
// letter or digit meets an upper-case one, or where an acronym meets the next word ("FileURL",
// "URLPath"), then lower-cased.
func snakeCase(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) &&
			(!unicode.IsUpper(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}
