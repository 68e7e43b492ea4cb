//go:build linux

package provider

import (
	"io/fs"
	"syscall"
	"testing"
	"time"
)

// statInfo is a FileInfo whose stat fields a test sets.
type statInfo struct {
	fs.FileInfo
	size     int64
	modified time.Time
	st       syscall.Stat_t
}

func (s statInfo) Size() int64        { return s.size }
func (s statInfo) ModTime() time.Time { return s.modified }
func (s statInfo) Sys() any           { return &s.st }

func newStatInfo(dev, ino uint64, size int64, modified, change time.Time) statInfo {
	var st syscall.Stat_t
	st.Dev, st.Ino = dev, ino
	st.Ctim = syscall.NsecToTimespec(change.UnixNano())
	return statInfo{size: size, modified: modified, st: st}
}

func TestSourceHashesServeTheFileHashedOnly(t *testing.T) {
	t.Parallel()
	changed := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	hashed := newStatInfo(7, 42, 1000, changed.Add(-time.Minute), changed)
	var h sourceHashes
	h.remember("/img/logo.png", hashed, changed.Add(time.Hour), "sum")
	if sum, ok := h.lookup("/img/logo.png", hashed); !ok || sum != "sum" {
		t.Fatalf("the same file: lookup = %q, %v; want the remembered hash", sum, ok)
	}
	for name, info := range map[string]statInfo{
		"another device":             newStatInfo(8, 42, 1000, changed.Add(-time.Minute), changed),
		"another inode (replaced)":   newStatInfo(7, 43, 1000, changed.Add(-time.Minute), changed),
		"another size":               newStatInfo(7, 42, 1001, changed.Add(-time.Minute), changed),
		"modified later":             newStatInfo(7, 42, 1000, changed.Add(-time.Minute+time.Nanosecond), changed),
		"written (status changed)":   newStatInfo(7, 42, 1000, changed.Add(-time.Minute), changed.Add(time.Nanosecond)),
		"mtime set back after write": newStatInfo(7, 42, 1000, changed.Add(-time.Hour), changed.Add(time.Second)),
	} {
		if sum, ok := h.lookup("/img/logo.png", info); ok {
			t.Errorf("%s: lookup = %q; want no hash", name, sum)
		}
	}
	if sum, ok := h.lookup("/img/other.png", hashed); ok {
		t.Errorf("another path: lookup = %q; want no hash", sum)
	}
}

func TestSourceHashesForgetFilesChangedJustBeforeHashing(t *testing.T) {
	t.Parallel()
	changed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	info := newStatInfo(7, 42, 1000, changed, changed)
	var h sourceHashes
	h.remember("/img/logo.png", info, changed.Add(settledAge), "sum") // a write in the same tick could follow unseen
	if _, ok := h.lookup("/img/logo.png", info); ok {
		t.Fatal("a file changed less than settledAge before its hashing was remembered")
	}
	h.remember("/img/logo.png", info, changed.Add(settledAge+time.Nanosecond), "sum")
	if _, ok := h.lookup("/img/logo.png", info); !ok {
		t.Fatal("a file settled before its hashing was not remembered")
	}
	old := newStatInfo(7, 42, 1000, changed.Add(time.Hour), changed) // mtime set into the future
	h.remember("/img/future.png", old, changed.Add(time.Minute), "sum")
	if _, ok := h.lookup("/img/future.png", old); ok {
		t.Fatal("a file modified after its hashing began was remembered")
	}
}

func TestSourceHashesOfARealFile(t *testing.T) {
	t.Parallel()
	p := writeTemp(t, "logo.png", []byte("image bytes"))
	var h sourceHashes
	file, err := h.hash(p) // just written: not settled, not remembered
	if err != nil {
		t.Fatal(err)
	}
	opened := func() fs.FileInfo {
		f, info, err := openSource(p)
		if err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
		return info
	}
	if _, ok := h.lookup(p, opened()); ok {
		t.Fatal("a file written just now was remembered")
	}
	h.remember(p, opened(), time.Now().Add(time.Hour), file.SHA256) // as if hashed an hour from now
	if sum, ok := h.lookup(p, opened()); !ok || sum != file.SHA256 {
		t.Fatalf("lookup of the unchanged file = %q, %v; want %s", sum, ok, file.SHA256)
	}
	var none *sourceHashes
	none.remember(p, opened(), time.Now().Add(time.Hour), "sum")
	if _, ok := none.lookup(p, opened()); ok {
		t.Fatal("a nil sourceHashes remembered a hash")
	}
}
