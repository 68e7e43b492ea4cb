package vodemu

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// UpdateImageInfos and DeleteImage. Sources (keys listed in README.md):
//
//	[Models]       models.json's UpdateImageInfos (UpdateContent.shape: a JSON array of up to 20
//	               items, ImageId required, Title 128 bytes, Description 1,024 bytes, Tags 16 × 32
//	               bytes, CateId, no emoji, fields left out unchanged; NonExistImageIds.ImageId) and
//	               DeleteImage (DeleteImageType ImageURL|ImageId|VideoId, ImageIds and ImageURLs up
//	               to 20, VideoId one, ImageType for VideoId only, NoSuchResource 404).
//	[UpdateImages] "UpdateImageInfos" API reference (api-vod-2017-03-21-updateimageinfos), its
//	               UpdateContent table.
//	[DeleteImages] "DeleteImage" API reference (api-vod-2017-03-21-deleteimage; AlibabaCloudDocs/vod
//	               DeleteImage.md, "Common errors": NoSuchResource, the image does not exist).

// maxUpdateItems and maxDeleteIDs are the per-call limits [Models].
const (
	maxUpdateItems = 20
	maxDeleteIDs   = 20
)

// updateImageInfosResponse is UpdateImageInfos' answer [Models]: NonExistImageIds.ImageId lists the
// IDs no image has, [] when every image exists (undocumented whether the real API sends the empty
// list; the emulator's other lists are [] too).
type updateImageInfosResponse struct {
	RequestID        string           `json:"RequestId"`
	NonExistImageIDs nonExistImageIDs `json:"NonExistImageIds"`
}

type nonExistImageIDs struct {
	ImageID []string `json:"ImageId"`
}

// updateItem is an UpdateContent item [Models UpdateContent.shape]; CateId is a JSON number (int64
// in the model; a string is refused).
type updateItem struct {
	ImageID     *string         `json:"ImageId"`
	Title       *string         `json:"Title"`
	Description *string         `json:"Description"`
	Tags        *string         `json:"Tags"`
	CateID      json.RawMessage `json:"CateId"`
}

// hasEmoji reports whether s holds an emoji, which Title, Description and Tags must not [Models
// UpdateContent.shape rules; UpdateImages]. Which code points count is undocumented: the emulator
// takes the pictographic blocks (U+1F000–U+1FAFF), the miscellaneous symbols and dingbats
// (U+2600–U+27BF) and the variation selector U+FE0F that makes a character an emoji.
func hasEmoji(s string) bool {
	for _, r := range s {
		if r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF || r == 0xFE0F {
			return true
		}
	}
	return false
}

// updateImageInfos answers UpdateImageInfos [UpdateImages; Models]: every item is checked first,
// and any fault refuses the whole call (InvalidParameter naming UpdateContent and the item);
// then the images that exist are changed (each field sent replaces the stored one, a field left
// out is unchanged, ModificationTime becomes now), and the IDs of those that do not are listed in
// NonExistImageIds.
//
// Undocumented choices: an empty array, an item that is no object or has a field the table does
// not list, and an ImageId twice in one call are InvalidParameter (a client sending them has a
// bug that a silent answer would hide); an unknown CateId is InvalidCateId.NotFound (checkCateID).
func (s *Server) updateImageInfos(requestID string, p map[string]string) (any, *apiError) {
	raw := p["UpdateContent"]
	if raw == "" {
		return nil, errMissing("UpdateContent")
	}
	var rawItems []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &rawItems); err != nil {
		return nil, errInvalid("UpdateContent", "It must be a JSON array of objects.")
	}
	if len(rawItems) == 0 {
		return nil, errInvalid("UpdateContent", "The array is empty.")
	}
	if len(rawItems) > maxUpdateItems {
		return nil, errInvalid("UpdateContent", "At most "+strconv.Itoa(maxUpdateItems)+" images may be updated in one call.")
	}
	type change struct {
		id                       string
		title, description, tags *string
		cateID                   int64
		setCate                  bool
	}
	changes := make([]change, len(rawItems))
	seen := map[string]bool{}
	for i, rawItem := range rawItems {
		name := "UpdateContent[" + strconv.Itoa(i) + "]"
		var it updateItem
		dec := json.NewDecoder(bytes.NewReader(rawItem))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&it); err != nil || !bytes.HasPrefix(bytes.TrimSpace(rawItem), []byte("{")) {
			return nil, errInvalid("UpdateContent", "Item "+strconv.Itoa(i)+" is not an object with ImageId, Title, Description, Tags and CateId.")
		}
		if it.ImageID == nil || *it.ImageID == "" {
			return nil, errInvalid("UpdateContent", "Item "+strconv.Itoa(i)+" has no ImageId.")
		}
		c := change{id: *it.ImageID, title: it.Title, description: it.Description, tags: it.Tags}
		if seen[c.id] {
			return nil, errInvalid("UpdateContent", "The image "+c.id+" is listed twice.")
		}
		seen[c.id] = true
		for _, f := range []struct {
			field string
			v     *string
			check func(string, string) *apiError
		}{{"Title", it.Title, checkTitle}, {"Description", it.Description, checkDescription}, {"Tags", it.Tags, checkTags}} {
			if f.v == nil {
				continue
			}
			if aerr := f.check(name+"."+f.field, *f.v); aerr != nil {
				return nil, aerr
			}
			if hasEmoji(*f.v) {
				return nil, errInvalid(name+"."+f.field, "It must not contain emoji.")
			}
		}
		if len(it.CateID) > 0 && string(it.CateID) != "null" {
			id, aerr := s.checkCateID(name+".CateId", string(it.CateID))
			if aerr != nil {
				return nil, aerr
			}
			c.cateID, c.setCate = id, true
		}
		changes[i] = c
	}

	resp := updateImageInfosResponse{RequestID: requestID, NonExistImageIDs: nonExistImageIDs{ImageID: []string{}}}
	stamp := s.opts.Now().UTC().Format(timestampLayout)
	st := s.store
	st.lock()
	defer st.mu.Unlock()
	for _, c := range changes {
		img, ok := st.images[c.id]
		if !ok {
			resp.NonExistImageIDs.ImageID = append(resp.NonExistImageIDs.ImageID, c.id)
			continue
		}
		img = img.clone()
		if c.title != nil {
			img.Title = *c.title
		}
		if c.description != nil {
			img.Description = *c.description
		}
		if c.tags != nil {
			img.Tags = *c.tags
		}
		if c.setCate {
			img.CateID = c.cateID
			img = st.fileImage(img, s.opts.Now())
		}
		img.ModificationTime = stamp
		st.images[c.id] = img
	}
	return resp, nil
}

// deleteImage answers DeleteImage [DeleteImages; Models]. DeleteImageType ImageId deletes the
// images ImageIds names, ImageURL those ImageURLs names (up to 20 each); any one that does not
// exist is 404 NoSuchResource [DeleteImages, Common errors], and then none is deleted
// (undocumented whether the others go: all or nothing is the narrower promise, and the answer does
// not say which ID was missing). VideoId deletes a video's snapshots: the emulator stores no
// videos, so a VideoId always names none, NoSuchResource (undocumented for an unknown video).
//
// Undocumented choices: empty and repeated items are ignored, as GetImageInfos ignores them; an
// ImageURL matches an image whose URL or source file URL has the same host and path, the query
// (a signature) ignored, since the URLs a client holds are signed ones.
func (s *Server) deleteImage(requestID string, p map[string]string) (any, *apiError) {
	kind := p["DeleteImageType"]
	var list, name string
	switch kind {
	case "":
		return nil, errMissing("DeleteImageType")
	case "ImageId":
		name = "ImageIds"
	case "ImageURL":
		name = "ImageURLs"
	case "VideoId":
		if p["VideoId"] == "" {
			return nil, errMissing("VideoId")
		}
		if aerr := checkSnapshotTypes(p["ImageType"]); aerr != nil {
			return nil, aerr
		}
		return nil, errNoSuchResource()
	default:
		return nil, errInvalid("DeleteImageType", "Valid values are ImageURL, ImageId and VideoId.")
	}
	list = p[name]
	var items []string
	for _, v := range strings.Split(list, ",") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(items, v) {
			items = append(items, v)
		}
	}
	if len(items) == 0 {
		return nil, errMissing(name)
	}
	if len(items) > maxDeleteIDs {
		return nil, errInvalid(name, "At most "+strconv.Itoa(maxDeleteIDs)+" items are allowed.")
	}

	st := s.store
	st.lock()
	var gone []Image
	for _, item := range items {
		img, ok := st.findForDelete(kind, item)
		if !ok {
			st.mu.Unlock()
			return nil, errNoSuchResource()
		}
		gone = append(gone, img)
	}
	for _, img := range gone {
		delete(st.images, img.ImageID)
	}
	st.mu.Unlock()
	for _, img := range gone {
		s.forgetUpload(img)
	}
	return requestIDResponse{RequestID: requestID}, nil
}

// findForDelete finds the image an ImageIds or ImageURLs item names, st.mu held.
func (st *store) findForDelete(kind, item string) (Image, bool) {
	if kind == "ImageId" {
		img, ok := st.images[item]
		return img, ok
	}
	want, err := url.Parse(item)
	if err != nil || want.Host == "" {
		return Image{}, false
	}
	for _, img := range st.images {
		for _, raw := range []string{img.URL, mezzanineURL(img)} {
			if u, err := url.Parse(raw); err == nil && strings.EqualFold(u.Host, want.Host) && u.Path == want.Path {
				return img, true
			}
		}
	}
	return Image{}, false
}

// snapshotTypes are DeleteImage's ImageType values, for DeleteImageType VideoId [Models].
var snapshotTypes = []string{"CoverSnapshot", "NormalSnapshot", "SpriteSnapshot", "SpriteOriginSnapshot", "All"}

// checkSnapshotTypes checks ImageType: required with VideoId (undocumented: with no type nothing
// is named), comma-separated values, All alone [Models].
func checkSnapshotTypes(raw string) *apiError {
	if raw == "" {
		return errMissing("ImageType")
	}
	types := strings.Split(raw, ",")
	for _, t := range types {
		if !slices.Contains(snapshotTypes, t) || t == "All" && len(types) > 1 {
			return errInvalid("ImageType", "Valid values are CoverSnapshot, NormalSnapshot, SpriteSnapshot, SpriteOriginSnapshot (comma-separated) or All alone.")
		}
	}
	return nil
}
