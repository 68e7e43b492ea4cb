package vodemu

import "sync"

// store is what the emulator holds, as the wire types (messages.go): the images by ImageId, under
// one lock. Handlers take copies out and put whole values back; a stored value is replaced, never
// changed in place, so the shallow copies eachImage hands out stay valid once the lock is
// released. An action that reads and then writes (an update, say) does both under one mu.Lock,
// so that concurrent calls see each other's changes whole.
type store struct {
	mu     sync.RWMutex
	images map[string]Image
	cats   *categoryTree // the category tree (categories.go)
	// gen counts the writes: every writer takes mu through lock, which advances it, so that
	// what was computed from an older generation (search.go's cached searches) is not reused.
	gen uint64
}

// lock takes the store for writing and starts a new generation. Writers call it instead of
// mu.Lock, and release with mu.Unlock.
func (st *store) lock() {
	st.mu.Lock()
	st.gen++
}

// generation is the number of writes so far.
func (st *store) generation() uint64 {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.gen
}

func newStore(images []Image) *store {
	st := &store{images: make(map[string]Image, len(images))}
	for _, img := range images {
		st.images[img.ImageID] = img.clone()
	}
	return st
}

// image returns a deep copy of the image with this ID, which the caller may change (signImage
// signs its URLs in place). The ID matches exactly as sent: GetImageInfo answers NoSuchResource,
// and GetImageInfos lists the ID in NonExistImageIds as sent, for any other spelling, also one
// that differs in case only. Undocumented: the GetImageInfo and GetImageInfos references
// (help/en/vod/developer-reference/api-vod-2017-03-21-getimageinfo, -getimageinfos) and the SDK
// models call ImageId a string VOD issues and give no case rule; VOD issues 32 lower-case hex
// digits. Exact matching is the narrower promise: a client that works here never relies on case
// folding. The client matches the same way (internal/vod, imageIndex).
func (st *store) image(id string) (Image, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	img, ok := st.images[id]
	if !ok {
		return Image{}, false
	}
	return img.clone(), true
}

// eachImage calls f with a shallow copy of every image, in no particular order, under the read
// lock: f must not call the store.
func (st *store) eachImage(f func(Image)) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	for _, img := range st.images {
		f(img)
	}
}

// deleteImage removes an image and reports whether it existed.
func (st *store) deleteImage(id string) bool {
	st.lock()
	defer st.mu.Unlock()
	_, ok := st.images[id]
	delete(st.images, id)
	return ok
}
