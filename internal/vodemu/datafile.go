package vodemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// DataFile is what a data file holds (DataFileFormat): images and, optionally, the category tree
// and the upload settings (Options.Upload; zero when the file has none).
type DataFile struct {
	Images     []Image
	Categories []Category
	Upload     UploadOptions
}

// dataFileUpload is a data file's Upload object: UploadOptions in the file's spelling (the API's
// PascalCase, durations in seconds as CreateUploadImage's Expiration is).
type dataFileUpload struct {
	StorageLocation           string
	CredentialLifetimeSeconds float64
	Completion                struct {
		AfterReads   int
		DelaySeconds float64
		Fail         bool
	}
}

// options checks u as New checks Options.Upload and converts it.
func (u dataFileUpload) options() (UploadOptions, error) {
	c := u.Completion
	switch {
	case !(u.CredentialLifetimeSeconds >= 0 && u.CredentialLifetimeSeconds < 1e9):
		return UploadOptions{}, fmt.Errorf("CredentialLifetimeSeconds is %v: want 0 (the default, %v) to 1e9",
			u.CredentialLifetimeSeconds, DefaultUploadCredentialLifetime)
	case c.AfterReads < 0:
		return UploadOptions{}, fmt.Errorf("Completion.AfterReads is %d: want 0 or more", c.AfterReads)
	case !(c.DelaySeconds >= 0 && c.DelaySeconds < 1e9):
		return UploadOptions{}, fmt.Errorf("Completion.DelaySeconds is %v: want 0 to 1e9", c.DelaySeconds)
	}
	if u.StorageLocation != "" {
		if err := validateStorageLocation(u.StorageLocation); err != nil {
			return UploadOptions{}, fmt.Errorf("StorageLocation: %w", err)
		}
	}
	return UploadOptions{
		StorageLocation:    u.StorageLocation,
		CredentialLifetime: time.Duration(u.CredentialLifetimeSeconds * float64(time.Second)),
		Completion:         UploadCompletion{AfterReads: c.AfterReads, Delay: time.Duration(c.DelaySeconds * float64(time.Second)), Fail: c.Fail},
	}, nil
}

// LoadDataFile reads a data file: either a JSON array of images (the original format, still
// accepted) or an object {"Categories": [...], "Images": [...], "Upload": {...}} (each optional). Unknown fields are
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
		rawUpload     json.RawMessage
	)
	dec := json.NewDecoder(bytes.NewReader(data))
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		var obj struct {
			Images     []json.RawMessage
			Categories []json.RawMessage
			Upload     json.RawMessage
		}
		dec.DisallowUnknownFields()
		if err := dec.Decode(&obj); err != nil {
			return DataFile{}, fmt.Errorf("load images from %s: want a JSON array of images or an object with Images and Categories arrays: %w", path, err)
		}
		rawImages, rawCategories, rawUpload = obj.Images, obj.Categories, obj.Upload
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
	var upload UploadOptions
	if len(rawUpload) > 0 && !bytes.Equal(rawUpload, []byte("null")) {
		var u dataFileUpload
		ud := json.NewDecoder(bytes.NewReader(rawUpload))
		ud.DisallowUnknownFields()
		if err := ud.Decode(&u); err != nil {
			return DataFile{}, fmt.Errorf("load upload settings from %s: %s", path, entryError(err))
		}
		if upload, err = u.options(); err != nil {
			return DataFile{}, fmt.Errorf("load upload settings from %s: Upload.%w", path, err)
		}
	}
	return DataFile{Images: imgs, Categories: cats, Upload: upload}, nil
}
