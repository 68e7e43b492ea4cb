package vodemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// DataFile is what a data file holds (DataFileFormat): images and, optionally, the category tree.
type DataFile struct {
	Images     []Image
	Categories []Category
}

// LoadDataFile reads a data file: either a JSON array of images (the original format, still
// accepted) or an object {"Categories": [...], "Images": [...]} (both optional). Unknown fields are
// errors, so that a misspelt field name does not silently vanish; images and categories are then
// checked together as New checks Options.Images and Options.Categories.
func LoadDataFile(path string) (DataFile, error) {
	data, err := os.ReadFile(path) //nolint:gosec // G304: the data file the user names with -data
	if err != nil {
		return DataFile{}, fmt.Errorf("load images: %w", err)
	}
	var (
		rawImages     []json.RawMessage
		rawCategories []json.RawMessage
	)
	dec := json.NewDecoder(bytes.NewReader(data))
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		var obj struct {
			Images     []json.RawMessage
			Categories []json.RawMessage
		}
		dec.DisallowUnknownFields()
		if err := dec.Decode(&obj); err != nil {
			return DataFile{}, fmt.Errorf("load images from %s: want a JSON array of images or an object with Images and Categories arrays: %w", path, err)
		}
		rawImages, rawCategories = obj.Images, obj.Categories
	} else if err := dec.Decode(&rawImages); err != nil {
		return DataFile{}, fmt.Errorf("load images from %s: want a JSON array of ImageInfo objects: %w", path, err)
	}
	if dec.More() {
		return DataFile{}, fmt.Errorf("load images from %s: unexpected data after the JSON value", path)
	}
	imgs, err := decodeImages(path, rawImages)
	if err != nil {
		return DataFile{}, err
	}
	cats := make([]Category, len(rawCategories))
	for i, raw := range rawCategories {
		cd := json.NewDecoder(bytes.NewReader(raw))
		cd.DisallowUnknownFields()
		if err := cd.Decode(&cats[i]); err != nil {
			return DataFile{}, fmt.Errorf("load categories from %s: category %d: %s", path, i+1, entryError(err))
		}
	}
	if err := validateCategories(cats, imgs); err != nil {
		return DataFile{}, fmt.Errorf("load categories from %s: %w", path, err)
	}
	return DataFile{Images: imgs, Categories: cats}, nil
}
