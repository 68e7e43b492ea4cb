package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// tfEnv is the environment terraform runs in: nothing from the caller's but PATH, a HOME of its
// own, the CLI configuration with the dev_overrides, and no lookups that could leave the machine.
func tfEnv(home, cliConfig, realProvider, rssFile string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + home,
		"TF_CLI_CONFIG_FILE=" + cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
		"VODBENCH_REAL_PROVIDER=" + realProvider,
		"VODBENCH_RSS_FILE=" + rssFile,
	}
}

// providerAttributes lists the provider-configuration arguments of a provider in its schema, read
// once with `terraform providers schema -json` through the dev_overrides.
func providerAttributes(terraform, dir string, env []string, name string) (map[string]bool, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	mainTF := fmt.Sprintf("terraform {\n  required_providers {\n    %s = { source = \"vodtf/%s\" }\n  }\n}\n", name, name)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mainTF), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(terraform, "providers", "schema", "-json")
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("terraform providers schema -json: %w\n%s", err, firstLines(stderr.String(), 10))
	}
	var doc struct {
		ProviderSchemas map[string]struct {
			Provider struct {
				Block struct {
					Attributes map[string]json.RawMessage `json:"attributes"`
					BlockTypes map[string]json.RawMessage `json:"block_types"`
				} `json:"block"`
			} `json:"provider"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, fmt.Errorf("terraform providers schema -json: %w", err)
	}
	for addr, s := range doc.ProviderSchemas {
		if strings.HasSuffix(addr, "/vodtf/"+name) {
			attrs := map[string]bool{}
			for a := range s.Provider.Block.Attributes {
				attrs[a] = true
			}
			for a := range s.Provider.Block.BlockTypes {
				attrs[a] = true
			}
			return attrs, nil
		}
	}
	return nil, fmt.Errorf("terraform providers schema -json: no schema for vodtf/%s", name)
}

// planResult is what one terraform plan showed.
type planResult struct {
	Wall time.Duration
	// CPU is the user and system CPU time of terraform and of the processes it waited for (the
	// providers and their wrappers).
	CPU      time.Duration
	ExitCode int
	Errors   int    // "Error:" diagnostics
	FirstErr string // the first lines of the first error, or of the output when it failed without one
	Output   string
}

var errorLine = regexp.MustCompile(`(?m)^[\s│|]*Error: `)

// plan runs terraform plan in dir and times it.
func plan(ctx context.Context, terraform, dir string, env []string, parallelism int) planResult {
	args := []string{"plan", "-input=false", "-no-color", "-lock=false", "-refresh=true"}
	if parallelism > 0 {
		args = append(args, "-parallelism="+strconv.Itoa(parallelism))
	}
	return terraformRun(ctx, terraform, dir, env, args...)
}

// terraformRun runs terraform with args in dir and times it.
func terraformRun(ctx context.Context, terraform, dir string, env []string, args ...string) planResult {
	cmd := exec.CommandContext(ctx, terraform, args...) //nolint:gosec // the -terraform binary the user named, with the benchmark's arguments
	cmd.Dir, cmd.Env = dir, env
	// Terraform in a process group of its own: on a timeout or Ctrl-C it gets an interrupt first, to
	// stop its providers, and whatever is left of the group is killed after WaitDelay.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := planResult{Wall: time.Since(start), Output: out.String()}
	if cmd.ProcessState != nil {
		r.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if ctx.Err() != nil && cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // providers Terraform left behind
	}
	if err != nil {
		r.ExitCode = -1
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 0 {
			r.ExitCode = ee.ExitCode()
		}
		if ctx.Err() != nil {
			r.FirstErr = "timed out after " + r.Wall.Round(time.Second).String() + "\n"
		}
	}
	r.Errors = len(errorLine.FindAllStringIndex(r.Output, -1))
	if r.ExitCode != 0 {
		if loc := errorLine.FindStringIndex(r.Output); loc != nil {
			r.FirstErr += firstLines(r.Output[loc[0]:], 16)
		} else {
			r.FirstErr += lastLines(r.Output, 8)
		}
	}
	return r
}

// readRSS returns the largest peak RSS (KiB) the wrappers recorded in file, how many provider
// processes they recorded and the CPU time those used in all.
func readRSS(file string) (maxKiB int64, procs int, cpu time.Duration) {
	f, err := os.Open(filepath.Clean(file))
	if err != nil {
		return 0, 0, 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		if kib, err := strconv.ParseInt(fields[1], 10, 64); err == nil {
			procs++
			maxKiB = max(maxKiB, kib)
		}
		if ms, ok := strings.CutPrefix(fields[len(fields)-1], "cpu_ms="); ok {
			if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
				cpu += time.Duration(n) * time.Millisecond
			}
		}
	}
	return maxKiB, procs, cpu
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.TrimRight(strings.Join(lines, "\n"), " \n")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
