package provider

import (
	"os"
	"slices"
	"strings"
)

// libraryDebugFlags are the DEBUG values with which Alibaba Cloud's Go libraries (through
// github.com/alibabacloud-go/debug: credentials-go's "credential", the SDK core's "dara", "tea" and
// "sdk") print every request's headers, the STS security token among them, to stdout, which
// reaches Terraform's log. They read DEBUG once, while the program initialises.
var libraryDebugFlags = []string{"credential", "dara", "sdk", "tea"}

// withoutLibraryDebug returns DEBUG's value without those flags, and whether any was removed.
func withoutLibraryDebug(debug string) (string, bool) {
	parts := strings.Split(debug, ",")
	kept := slices.DeleteFunc(slices.Clone(parts), func(p string) bool { return slices.Contains(libraryDebugFlags, p) })
	return strings.Join(kept, ","), len(kept) != len(parts)
}

// DropLibraryDebug makes sure those libraries print nothing: if DEBUG names one of their flags,
// the provider runs itself again without it (before it talks to Terraform), as the libraries
// offer no other switch once initialised. Call it first thing in main.
func DropLibraryDebug() {
	value, ok := os.LookupEnv("DEBUG")
	if !ok {
		return
	}
	kept, changed := withoutLibraryDebug(value)
	if !changed {
		return
	}
	_ = os.Setenv("DEBUG", kept)
	reexec() // returns only where the platform cannot run the program again in place
}
