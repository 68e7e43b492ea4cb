package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// binaries are the programs the benchmark builds into its temporary directory.
type binaries struct {
	Vod, Noop         string            // the real providers
	WrapDirs          map[string]string // provider name -> directory holding the RSS wrapper under its name
	VodSize, VodStrip int64             // bytes: -trimpath, and -trimpath -ldflags "-s -w"
}

// build compiles the provider (twice: as run, and stripped for its size), the noop provider and the
// RSS wrapper, from the module at root.
func build(root, dir string) (*binaries, error) {
	b := &binaries{
		Vod:      filepath.Join(dir, "real", "terraform-provider-vod"),
		Noop:     filepath.Join(dir, "real", "terraform-provider-noop"),
		WrapDirs: map[string]string{"vod": filepath.Join(dir, "wrap-vod"), "noop": filepath.Join(dir, "wrap-noop")},
	}
	stripped := filepath.Join(dir, "stripped", "terraform-provider-vod")
	wrapper := filepath.Join(dir, "rsswrap")
	steps := []struct {
		what string
		args []string
	}{
		{"the provider", []string{"-o", b.Vod, "github.com/vodtf/terraform-provider-vod"}},
		{"the stripped provider", []string{"-ldflags", "-s -w", "-o", stripped, "github.com/vodtf/terraform-provider-vod"}},
		{"the noop provider", []string{"-o", b.Noop, "./internal/bench/noopprovider/cmd/terraform-provider-noop"}},
		{"the RSS wrapper", []string{"-o", wrapper, "./internal/bench/rsswrap"}},
	}
	for _, s := range steps {
		start := time.Now()
		cmd := exec.Command("go", append([]string{"build", "-trimpath"}, s.args...)...) //nolint:gosec // fixed packages, our own paths
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building %s: %w\n%s", s.what, err, out)
		}
		fmt.Printf("built %s in %.1f s\n", s.what, time.Since(start).Seconds())
	}
	for name, d := range b.WrapDirs {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, err
		}
		if err := copyFile(wrapper, filepath.Join(d, "terraform-provider-"+name)); err != nil {
			return nil, err
		}
	}
	var err error
	if b.VodSize, err = fileSize(b.Vod); err != nil {
		return nil, err
	}
	if b.VodStrip, err = fileSize(stripped); err != nil {
		return nil, err
	}
	return b, nil
}

func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(filepath.Clean(from))
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o700) //nolint:gosec // an executable: terraform runs it
}

// moduleRoot is the directory of the main module's go.mod, as the go command sees it from here.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run vodbench inside the terraform-provider-vod module")
	}
	return filepath.Dir(gomod), nil
}

// commandOutput runs a command and returns its trimmed standard output, or "" on failure.
func commandOutput(dir, name string, args ...string) string {
	cmd := exec.Command(name, args...) //nolint:gosec // go, git and the -terraform binary the user named
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
