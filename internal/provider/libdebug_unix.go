//go:build unix

package provider

import (
	"os"
	"syscall"
)

// reexec replaces the process with a fresh run of the same program, arguments and (now changed)
// environment; the process ID and open files, Terraform's plugin pipes among them, stay.
func reexec() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	// On failure the run goes on, with the flags still read.
	_ = syscall.Exec(exe, os.Args, os.Environ()) //nolint:gosec // G204: this very program, its own arguments
}
