//go:build !unix

package provider

// reexec cannot replace the process here; DEBUG's library flags then stay in effect for this run.
func reexec() {}
