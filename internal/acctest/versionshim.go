package acctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// versionShim returns an executable, in dir, that answers `version -json` with what bin answered
// when the shim was made, and runs bin itself for every other command. terraform-plugin-testing
// asks `version -json` of a fresh terraform-exec instance for every test case and working
// directory: 584 times in a full acceptance run under Terraform 1.11.4, about 0.12 s of CPU each
// (the CLI's start-up), 11% of the stage's CPU on a 2-core machine. The answer depends only on the
// binary (CHECKPOINT_DISABLE is set), so asking once is enough. The shim has bin's base name (an
// OpenTofu binary stays recognisable by it) and execs bin, so exit codes, output and signals are
// bin's own. Where no shim can be made (Windows, or any failure), bin is returned unchanged.
func versionShim(dir, bin string) string {
	if runtime.GOOS == "windows" {
		return bin
	}
	out, err := exec.Command(bin, "version", "-json").Output() //nolint:gosec // G204: the CLI the acceptance tests run
	if err != nil || !strings.HasPrefix(strings.TrimSpace(string(out)), "{") {
		return bin
	}
	answer := filepath.Join(dir, "version.json")
	shim := filepath.Join(dir, "bin", filepath.Base(bin))
	script := "#!/bin/sh\n# Made by internal/acctest (versionshim.go): `version -json` answered once, the rest by the CLI.\n" +
		"if [ \"$#\" -eq 2 ] && [ \"$1\" = version ] && [ \"$2\" = -json ]; then exec cat " + shellQuote(answer) + "; fi\n" +
		"exec " + shellQuote(bin) + " \"$@\"\n"
	// dir is the test run's own temporary HOME (G703); the shim must be executable (G306).
	if os.MkdirAll(filepath.Dir(shim), 0o700) != nil || os.WriteFile(answer, out, 0o600) != nil || //nolint:gosec // G703: see above
		os.WriteFile(shim, []byte(script), 0o700) != nil { //nolint:gosec // G306, G703: see above
		return bin
	}
	return shim
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
