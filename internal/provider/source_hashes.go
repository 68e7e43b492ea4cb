package provider

import (
	"io/fs"
	"sync"
	"time"
)

// sourceHashes remembers the SHA-256 of the files planned in this provider process, so that
// Create, which Terraform calls in the same process right after planning the resource again for
// the apply, does not read the whole file a third time (the plan and the apply's plan read it
// already): for a 200 MB image, 200 MB of reading and hashing saved. A remembered hash serves only
// the very same file, unchanged since it was hashed: the same path, device, inode, size,
// modification and status-change times (the status-change time moves with every write and cannot
// be set back). It is remembered only when the file had last changed settledAge before the
// hashing began, so that a write in the same clock tick as the hashing, on a file system with
// coarse timestamps, cannot pass for no change (what git calls racy entries). Where the platform
// gives no inode or status-change time, nothing is remembered. The zero value is ready; a nil
// *sourceHashes remembers nothing.
type sourceHashes struct {
	mu    sync.Mutex
	files map[string]hashedFile
}

// hashedFile is a remembered hash and the file it is the hash of.
type hashedFile struct {
	id  fileIdentity
	sum string
}

// fileIdentity is what stat says of a file that any write changes.
type fileIdentity struct {
	dev, ino         uint64
	size             int64
	modified, change time.Time
}

// settledAge is how long before its hashing began a file must have last changed for the hash to be
// remembered: more than the coarsest timestamps of common file systems (FAT's 2 s).
const settledAge = 3 * time.Second

// hash is hashSource, remembering the hash of a file that has settled.
func (h *sourceHashes) hash(path string) (sourceFile, error) {
	started := time.Now()
	file, info, err := hashSourceInfo(path)
	if err == nil {
		h.remember(path, info, started, file.SHA256)
	}
	return file, err
}

// remember records sum as the hash of the file at path that info describes, read from started on.
func (h *sourceHashes) remember(path string, info fs.FileInfo, started time.Time, sum string) {
	id, ok := identify(info)
	settled := started.Add(-settledAge)
	if h == nil || !ok || !id.change.Before(settled) || !id.modified.Before(settled) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.files == nil {
		h.files = map[string]hashedFile{}
	}
	h.files[path] = hashedFile{id: id, sum: sum}
}

// lookup returns the remembered hash of the file at path that info (from the open file) describes,
// if it is the file hashed and unchanged since.
func (h *sourceHashes) lookup(path string, info fs.FileInfo) (string, bool) {
	id, ok := identify(info)
	if h == nil || !ok {
		return "", false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	f, found := h.files[path]
	if !found || f.id.dev != id.dev || f.id.ino != id.ino || f.id.size != id.size ||
		!f.id.modified.Equal(id.modified) || !f.id.change.Equal(id.change) {
		return "", false
	}
	return f.sum, true
}
