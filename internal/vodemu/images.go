package vodemu

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Image is one stored image, shaped exactly like GetImageInfo's ImageInfo
// (field names and order from the API reference). URL and Mezzanine.FileURL
// hold the unsigned locations; responses carry freshly signed ones.
type Image struct {
	CreationTime    string     `json:"CreationTime"`
	StorageLocation string     `json:"StorageLocation"` // OSS host, e.g. outin-xxx.oss-cn-shanghai.aliyuncs.com
	Status          string     `json:"Status"`
	CateId          int64      `json:"CateId"`
	Tags            string     `json:"Tags"`
	ImageType       string     `json:"ImageType"`
	CateName        string     `json:"CateName"`
	Description     string     `json:"Description"`
	AppId           string     `json:"AppId"`
	URL             string     `json:"URL"` // a CDN host here means "a CDN domain is configured"
	Title           string     `json:"Title"`
	ImageId         string     `json:"ImageId"`
	Mezzanine       *Mezzanine `json:"Mezzanine,omitempty"`

	// Only GetImageInfos returns these.
	ModificationTime string `json:"ModificationTime,omitempty"`
	Ext              string `json:"Ext,omitempty"`
	Type             string `json:"Type,omitempty"`
}

// Mezzanine is the source file's information.
type Mezzanine struct {
	FileURL          string `json:"FileURL"`
	OriginalFileName string `json:"OriginalFileName"`
	Width            int64  `json:"Width"`
	Height           int64  `json:"Height"`
	// FileSize is a decimal byte count. The API sends it as a JSON string.
	FileSize string `json:"FileSize"`
	// FileSizeAsNumber makes responses carry FileSize as a JSON number, so a
	// client's tolerance of both can be tested. LoadImages sets it when the
	// data file wrote FileSize as a number.
	FileSizeAsNumber bool `json:"-"`
}

type mezzanineJSON struct {
	FileURL          string          `json:"FileURL"`
	OriginalFileName string          `json:"OriginalFileName"`
	Width            int64           `json:"Width"`
	Height           int64           `json:"Height"`
	FileSize         json.RawMessage `json:"FileSize"`
}

// MarshalJSON writes FileSize as a string, or as a number if asked to.
func (m Mezzanine) MarshalJSON() ([]byte, error) {
	size, _ := json.Marshal(m.FileSize)
	if m.FileSizeAsNumber && isDigits(m.FileSize) {
		size = []byte(m.FileSize)
	}
	return json.Marshal(mezzanineJSON{m.FileURL, m.OriginalFileName, m.Width, m.Height, size})
}

// UnmarshalJSON accepts FileSize as a string or a number and remembers which.
func (m *Mezzanine) UnmarshalJSON(b []byte) error {
	var raw mezzanineJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // not inherited from the outer decoder
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("Mezzanine: %w", err)
	}
	*m = Mezzanine{FileURL: raw.FileURL, OriginalFileName: raw.OriginalFileName, Width: raw.Width, Height: raw.Height}
	size := bytes.TrimSpace(raw.FileSize)
	switch {
	case len(size) == 0 || string(size) == "null":
	case size[0] == '"':
		if err := json.Unmarshal(size, &m.FileSize); err != nil {
			return fmt.Errorf("Mezzanine.FileSize: %w", err)
		}
	default:
		m.FileSize, m.FileSizeAsNumber = string(size), true
	}
	if m.FileSize != "" && !isDigits(m.FileSize) {
		return fmt.Errorf("Mezzanine.FileSize %q is not a whole number of bytes", m.FileSize)
	}
	return nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (img Image) clone() Image {
	if img.Mezzanine != nil {
		m := *img.Mezzanine
		img.Mezzanine = &m
	}
	return img
}

// LoadImages reads a JSON array of ImageInfo-shaped objects. Unknown fields
// are errors, so that a misspelt field name does not silently vanish.
func LoadImages(path string) ([]Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load images: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var imgs []Image
	if err := dec.Decode(&imgs); err != nil {
		return nil, fmt.Errorf("load images from %s: want a JSON array of ImageInfo objects: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("load images from %s: unexpected data after the JSON array", path)
	}
	if err := validateImages(imgs); err != nil {
		return nil, fmt.Errorf("load images from %s: %w", path, err)
	}
	return imgs, nil
}

func validateImages(imgs []Image) error {
	seen := map[string]bool{}
	for i, img := range imgs {
		if err := validateImage(img); err != nil {
			return fmt.Errorf("image #%d (%q): %w", i, img.ImageId, err)
		}
		if seen[img.ImageId] {
			return fmt.Errorf("image #%d: duplicate ImageId %q", i, img.ImageId)
		}
		seen[img.ImageId] = true
	}
	return nil
}

func validateImage(img Image) error {
	if img.ImageId == "" {
		return errors.New("ImageId is missing")
	}
	if strings.Contains(img.ImageId, ",") {
		return errors.New("ImageId must not contain a comma")
	}
	for _, f := range []struct{ name, value string }{{"CreationTime", img.CreationTime}, {"ModificationTime", img.ModificationTime}} {
		if f.value != "" {
			if _, err := time.Parse(timestampLayout, f.value); err != nil {
				return fmt.Errorf("%s %q is not yyyy-MM-ddTHH:mm:ssZ", f.name, f.value)
			}
		}
	}
	if loc := img.StorageLocation; loc != "" && (strings.ContainsAny(loc, "/:") || !strings.Contains(loc, ".")) {
		return fmt.Errorf("StorageLocation %q must be a bucket host such as outin-xxx.oss-cn-shanghai.aliyuncs.com", loc)
	}
	if err := validateURL("URL", img.URL); err != nil {
		return err
	}
	if img.Mezzanine != nil {
		if err := validateURL("Mezzanine.FileURL", img.Mezzanine.FileURL); err != nil {
			return err
		}
		if img.Mezzanine.FileSize != "" && !isDigits(img.Mezzanine.FileSize) {
			return fmt.Errorf("Mezzanine.FileSize %q is not a whole number", img.Mezzanine.FileSize)
		}
	}
	return nil
}

func validateURL(name, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(u.Path) < 2 {
		return fmt.Errorf("%s %q must be an absolute http(s) URL with an object path", name, raw)
	}
	return nil
}

// maxImageIDs is GetImageInfos' documented limit.
const maxImageIDs = 20

type getImageInfoResponse struct {
	RequestId string
	ImageInfo Image
}

type getImageInfosResponse struct {
	RequestId        string
	ImageInfo        []Image
	NonExistImageIds []string
}

func (s *Server) getImageInfo(requestID string, p map[string]string) (any, *apiError) {
	id := p["ImageId"]
	if id == "" {
		return nil, errMissing("ImageId")
	}
	opts, aerr := parseURLOptions(p)
	if aerr != nil {
		return nil, aerr
	}
	img, ok := s.image(id)
	if !ok {
		return nil, errNoSuchResource()
	}
	out, aerr := s.signImage(img, opts)
	if aerr != nil {
		return nil, aerr
	}
	// GetImageInfo's documented ImageInfo has no such fields.
	out.ModificationTime, out.Ext, out.Type = "", "", ""
	return getImageInfoResponse{RequestId: requestID, ImageInfo: out}, nil
}

func (s *Server) getImageInfos(requestID string, p map[string]string) (any, *apiError) {
	var ids []string
	seen := map[string]bool{}
	for _, id := range strings.Split(p["ImageIds"], ",") {
		if id = strings.TrimSpace(id); id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, errMissing("ImageIds")
	}
	if len(ids) > maxImageIDs {
		return nil, errInvalid("ImageIds", "At most "+strconv.Itoa(maxImageIDs)+" image IDs are allowed.")
	}
	opts, aerr := parseURLOptions(p)
	if aerr != nil {
		return nil, aerr
	}
	resp := getImageInfosResponse{RequestId: requestID, ImageInfo: []Image{}, NonExistImageIds: []string{}}
	for _, id := range ids {
		img, ok := s.image(id)
		if !ok {
			resp.NonExistImageIds = append(resp.NonExistImageIds, id)
			continue
		}
		out, aerr := s.signImage(img, opts)
		if aerr != nil {
			return nil, aerr
		}
		resp.ImageInfo = append(resp.ImageInfo, out)
	}
	return resp, nil
}

func errNoSuchResource() *apiError {
	return &apiError{http.StatusNotFound, "NoSuchResource", "The specified resource does not exist."}
}
