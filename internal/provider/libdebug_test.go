package provider

import (
	"log"
	"strings"
	"testing"
)

func TestWithoutLibraryDebug(t *testing.T) {
	for in, want := range map[string]struct {
		out     string
		changed bool
	}{
		"dara": {"", true}, "tea,app": {"app", true}, "app,credential,sdk": {"app", true}, "app": {"app", false},
		"*": {"*", false}, "": {"", false},
	} {
		out, changed := withoutLibraryDebug(in)
		if out != want.out || changed != want.changed {
			t.Errorf("withoutLibraryDebug(%q) = %q, %v; want %q, %v", in, out, changed, want.out, want.changed)
		}
	}
}

// What libraries write to Go's standard logger is dropped: only a notice of its size remains.
func TestStandardLogIsDropped(t *testing.T) {
	var out strings.Builder
	w := &droppingWriter{out: &out}
	logger := log.New(w, "", 0)
	logger.Printf("unmarshal failed: %s", `{"access_key_secret": "LEAKED"}`)
	if strings.Contains(out.String(), "LEAKED") || !strings.Contains(out.String(), "dropped a line") {
		t.Errorf("standard log output = %q", out.String())
	}
}
