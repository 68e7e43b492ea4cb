package acctest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The shim answers `version -json` from what the CLI answered once, and hands every other command,
// its arguments and its exit code to the CLI.
func TestVersionShim(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no shim on Windows")
	}
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	cli := filepath.Join(dir, "real it's", "terraform")
	if err := os.MkdirAll(filepath.Dir(cli), 0o700); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n" +
		"if [ \"$1\" = version ]; then echo '{\"terraform_version\": \"9.9.9\"}'; exit 0; fi\necho \"ran $*\"; exit 3\n"
	if err := os.WriteFile(cli, []byte(script), 0o700); err != nil { //nolint:gosec // G306: an executable stand-in
		t.Fatal(err)
	}
	shim := versionShim(filepath.Join(dir, "shim"), cli)
	if shim == cli || filepath.Base(shim) != "terraform" {
		t.Fatalf("versionShim = %q, want a shim named terraform", shim)
	}
	for range 3 {
		out, err := exec.Command(shim, "version", "-json").Output()
		if err != nil || !strings.Contains(string(out), `"9.9.9"`) {
			t.Fatalf("version -json: %q, %v", out, err)
		}
	}
	out, err := exec.Command(shim, "plan", "-out=a b").Output()
	var exit *exec.ExitError
	if !strings.Contains(string(out), "ran plan -out=a b") || !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("plan through the shim: %q, %v; want the CLI's output and exit code 3", out, err)
	}
	got, _ := os.ReadFile(calls)
	if want := "version -json\nplan -out=a b\n"; string(got) != want {
		t.Errorf("the CLI was called with %q, want %q (version -json once, when the shim was made)", got, want)
	}
}
