// Command rsswrap stands in for a provider binary so that the benchmark can measure the provider's
// peak memory. Terraform launches it through dev_overrides (it is built as terraform-provider-vod or
// terraform-provider-noop in a directory of its own); it runs the real provider named by
// VODBENCH_REAL_PROVIDER as a child with the same arguments, environment and standard streams,
// forwards signals to it, waits, appends the child's peak resident set size to the file named by
// VODBENCH_RSS_FILE (if set) and exits with the child's exit code.
//
// go-plugin's handshake line goes over standard output, which the child inherits, so Terraform talks
// to the real provider directly and never notices the wrapper.
//
// Each line appended is "<child pid> <peak RSS in KiB> <real provider path> cpu_ms=<user+system CPU
// time in ms>". The write is a single O_APPEND write, so concurrent provider processes do not
// interleave lines.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
)

const (
	envReal = "VODBENCH_REAL_PROVIDER"
	envRSS  = "VODBENCH_RSS_FILE"
)

func main() {
	os.Exit(run())
}

func run() int {
	target := os.Getenv(envReal)
	if target == "" {
		fmt.Fprintf(os.Stderr, "rsswrap: %s is not set: this binary only wraps a provider for the benchmark\n", envReal)
		return 1
	}
	// Catch signals before the child starts, so none is lost or kills the wrapper alone.
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)

	cmd := exec.Command(target, os.Args[1:]...) //nolint:gosec // running the named provider is the point
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = os.Environ()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "rsswrap: start %s: %v\n", target, err)
		return 1
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)

	code := 0
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	default:
		fmt.Fprintf(os.Stderr, "rsswrap: wait for %s: %v\n", target, err)
		code = 1
	}
	if file := os.Getenv(envRSS); file != "" && cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			record(file, fmt.Sprintf("%d %d %s cpu_ms=%d\n", cmd.ProcessState.Pid(), ru.Maxrss, target,
				(cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()).Milliseconds()))
		}
	}
	return code
}

func record(file, line string) {
	f, err := os.OpenFile(filepath.Clean(file), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600) //nolint:gosec // the benchmark names the file
	if err != nil {
		fmt.Fprintf(os.Stderr, "rsswrap: %v\n", err)
		return
	}
	if _, err := f.WriteString(line); err != nil {
		fmt.Fprintf(os.Stderr, "rsswrap: %v\n", err)
	}
	_ = f.Close()
}
