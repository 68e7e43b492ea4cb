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
}

func newStore(images []Image) *store {
	st := &store{images: make(map[string]Image, len(images))}
	for _, img := range images {
		st.images[img.ImageID] = img.clone()
	}
	return st
}

// image returns a deep copy of the image with this ID, which the caller may change (signImage
// signs its URLs in place).
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

// putImage adds or replaces an image, keeping its own copy.
func (st *store) putImage(img Image) {
	img = img.clone()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.images[img.ImageID] = img
}

// deleteImage removes an image and reports whether it existed.
func (st *store) deleteImage(id string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	_, ok := st.images[id]
	delete(st.images, id)
	return ok
}
