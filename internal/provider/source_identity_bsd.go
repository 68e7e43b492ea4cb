//go:build darwin || freebsd

package provider

import (
	"io/fs"
	"syscall"
	"time"
)

// identify reads a file's identity from stat: macOS and FreeBSD name the status-change time
// Ctimespec.
func identify(info fs.FileInfo) (fileIdentity, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileIdentity{}, false
	}
	return fileIdentity{dev: uint64(st.Dev), ino: uint64(st.Ino), size: info.Size(), modified: info.ModTime(), //nolint:unconvert,gosec // Dev is int32 on macOS: a device number, never negative
		change: time.Unix(st.Ctimespec.Unix())}, true
}
