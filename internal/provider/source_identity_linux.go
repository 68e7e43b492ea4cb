//go:build linux

package provider

import (
	"io/fs"
	"syscall"
	"time"
)

// identify reads a file's identity from stat: Linux names the status-change time Ctim.
func identify(info fs.FileInfo) (fileIdentity, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileIdentity{}, false
	}
	return fileIdentity{dev: uint64(st.Dev), ino: uint64(st.Ino), size: info.Size(), modified: info.ModTime(), //nolint:unconvert // Dev and Ino are not uint64 on every architecture
		change: time.Unix(st.Ctim.Unix())}, true
}
