package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// repoRoot is the repository root, from this package's directory.
var repoRoot = filepath.Join("..", "..", "..", "..")

// recipe is examples/ci/vodemu.sh without its comment header: the lines README.md and
// docs/index.md show.
func recipe(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "examples", "ci", "vodemu.sh"))
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if len(body) == 0 && strings.HasPrefix(line, "#") {
			continue
		}
		body = append(body, line)
	}
	return strings.Join(body, "")
}

// The recipe for using the emulator in one's own CI, run as README.md shows it: sourced from the
// repository root, it builds the emulator outside the repository, waits for it, exports
// ALIBABA_CLOUD_ENDPOINT_VOD pointing at it, and stops it (and removes what it built) on exit.
func TestCIRecipe(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("bash recipe")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	before := rootEntries(t, root)
	// The shell sources the recipe, prints what it exported, and exits when stdin closes.
	cmd := exec.Command("bash", "-c", `set -eu
source examples/ci/vodemu.sh
echo "$vodemu_pid $vodemu_dir $ALIBABA_CLOUD_ENDPOINT_VOD"
read -r _ || true`)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VODEMU_DATA=examples/demo/images.json", "VODEMU_ACCESS_KEY_ID=LTAI-recipe-test",
		"VODEMU_ACCESS_KEY_SECRET=recipe-test-secret", "VODEMU_BIN=")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	fields := strings.Fields(line)
	if err != nil || len(fields) != 3 {
		t.Fatalf("recipe printed %q (%v); stderr:\n%s", line, err, stderr.String())
	}
	pid, err := strconv.Atoi(fields[0])
	if err != nil {
		t.Fatal(err)
	}
	dir, endpoint := fields[1], fields[2]
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("ALIBABA_CLOUD_ENDPOINT_VOD=%q", endpoint)
	}
	if status, body := signedGet(t, endpoint, "LTAI-recipe-test", "recipe-test-secret", "a1b2c3d4e5f647a8b9c0d1e2f3a4b5c6"); status != 200 {
		t.Fatalf("the emulator the recipe started answers %d %s", status, body)
	}
	_ = stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("shell: %v; stderr:\n%s", err, stderr.String())
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the emulator (pid %d) still runs after the shell exited: %v", pid, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the recipe left %s behind: %v", dir, err)
	}
	if after := rootEntries(t, root); after != before {
		t.Errorf("the recipe changed the repository root: %s, was %s", after, before)
	}
}

// README.md and the docs index show the recipe exactly as it is tested.
func TestCIRecipeIsDocumented(t *testing.T) {
	want := recipe(t)
	for _, doc := range []string{"README.md", filepath.Join("templates", "index.md.tmpl"), filepath.Join("docs", "index.md")} {
		b, err := os.ReadFile(filepath.Join(repoRoot, doc))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s does not show examples/ci/vodemu.sh as it is:\n%s", doc, want)
		}
	}
}

func rootEntries(t *testing.T, root string) string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return strings.Join(names, " ")
}

// Without VODEMU_BIN the recipe reuses the emulator `make demo` built, silently, while it is newer
// than the emulator's sources, and says that it builds one otherwise. It runs here in a stand-in
// root whose .build/bin/vodemu is a script that prints the line the real one prints once it
// listens, so that the test neither builds nor runs an emulator.
func TestCIRecipeReusesTheDemoBuild(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("bash recipe")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	recipeFile, err := filepath.Abs(filepath.Join(repoRoot, "examples", "ci", "vodemu.sh"))
	if err != nil {
		t.Fatal(err)
	}
	run := func(root string) (stdout, stderr string, err error) {
		cmd := exec.Command("bash", "-c", `set -eu; source "$1"; echo "$vodemu_bin $ALIBABA_CLOUD_ENDPOINT_VOD"`, "_", recipeFile)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "VODEMU_DATA=images.json", "VODEMU_ACCESS_KEY_ID=LTAI-recipe-test", "VODEMU_BIN=",
			"GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local")
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err = cmd.Run()
		return out.String(), errOut.String(), err
	}
	root := t.TempDir()
	for _, dir := range []string{"internal/vodemu/cmd/vodemu", ".build/bin"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	source := filepath.Join(root, "internal", "vodemu", "server.go")
	bin := filepath.Join(root, ".build", "bin", "vodemu")
	write := func(file, text string, mode os.FileMode, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(file, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(file, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	old, newer := time.Now().Add(-time.Hour), time.Now()
	write(source, "package vodemu\n", 0o644, old)
	write(bin, "#!/bin/sh\necho endpoint=http://127.0.0.1:9\nexec sleep 60\n", 0o755, newer)

	t.Run("built by make demo", func(t *testing.T) {
		stdout, stderr, err := run(root)
		if err != nil {
			t.Fatalf("%v; stderr:\n%s", err, stderr)
		}
		if want := bin + " http://127.0.0.1:9\n"; stdout != want || stderr != "" {
			t.Errorf("stdout %q (want %q), stderr %q", stdout, want, stderr)
		}
	})
	t.Run("sources changed since", func(t *testing.T) {
		write(source, "package vodemu\n", 0o644, newer.Add(time.Minute))
		// go build fails in the stand-in root (it has no module): what matters is what was said.
		_, stderr, err := run(root)
		if err == nil || !strings.Contains(stderr, "vodemu.sh: building the emulator") {
			t.Errorf("err %v, stderr:\n%s", err, stderr)
		}
	})
}
