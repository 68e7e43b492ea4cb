package acctest

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"FileURL": "file_url", "OriginalFileName": "original_file_name", "Width": "width", "FileSize": "file_size",
		"CateId": "cate_id", "URL": "url", "URLPath": "url_path", "Size2x": "size2x", "": "",
	} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// A fixture image's mezzanine gets a check of every field of the emulator's Mezzanine, by the
// attribute's name, with the fixture's value; file_url gets the caller's check.
func TestMezzanineChecksCoverEveryField(t *testing.T) {
	img := Fixture(ImageCDN)
	fileURL := knownvalue.StringExact("the caller's")
	checks := mezzanineChecks(ImageCDN, img.Mezzanine, fileURL)
	names := slices.Sorted(maps.Keys(checks))
	for _, want := range []string{"file_size", "file_url", "height", "original_file_name", "width"} {
		if !slices.Contains(names, want) {
			t.Errorf("no check of %s among %v", want, names)
		}
	}
	if fields := reflect.TypeFor[vodemu.Mezzanine]().NumField(); len(names) != fields {
		t.Errorf("%d checks (%v) for the %d fields of vodemu.Mezzanine", len(names), names, fields)
	}
	for name, value := range map[string]any{
		"original_file_name": img.Mezzanine.OriginalFileName,
		"width":              json.Number(strconv.FormatInt(img.Mezzanine.Width, 10)),
		"file_size":          json.Number(img.Mezzanine.FileSize.Bytes),
		"file_url":           "the caller's",
	} {
		if err := checks[name].CheckValue(value); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := checks["height"].CheckValue(json.Number("-1")); err == nil {
		t.Error("height's check accepts a value the fixture does not have")
	}
}
