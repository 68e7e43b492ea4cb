//go:build unix

package provider

import "syscall"

// Mkfifo makes a named pipe at path (exported for the acceptance tests of package provider_test).
func Mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }
