package acctest

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

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
// the provider lists without the spaces around each tag; the fixture's FileSize is a string or a
// number of bytes.
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
		size, err := strconv.ParseInt(mz.FileSize.Bytes, 10, 64)
		if err != nil {
			panic(fmt.Sprintf("fixture image %q: FileSize %q is not a number of bytes", id, mz.FileSize.Bytes))
		}
		checks["mezzanine"] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"file_url":           fileURL,
			"original_file_name": knownvalue.StringExact(mz.OriginalFileName),
			"width":              knownvalue.Int64Exact(mz.Width),
			"height":             knownvalue.Int64Exact(mz.Height),
			"file_size":          knownvalue.Int64Exact(size),
		})
	}
	return checks
}
