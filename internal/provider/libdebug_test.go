package provider

import "testing"

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
