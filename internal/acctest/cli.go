package acctest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/vodtf/terraform-provider-vod/internal/provider"
)

// CLI runs the CLI in TF_ACC_TERRAFORM_PATH in one working directory, against the provider served
// by this process (TF_REATTACH_PROVIDERS, as terraform-plugin-testing does), for what the testing
// library cannot drive (`terraform query -generate-config-out`, then applying what it wrote) or
// drives at ten times the cost (a single read, which one `plan` does without `init`).
// Configurations name the provider with RequiredProviders.
type CLI struct {
	Dir  string
	bin  string
	env  []string
	t    testing.TB
	logs []string
}

// NewCLI serves the provider until the test ends and returns a CLI that runs in a new temporary
// directory.
func NewCLI(t *testing.T) *CLI {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	configs := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	served := make(chan error, 1)
	// The address RequiredProviders' source resolves to: OpenTofu's registry under OpenTofu
	// (chooseTerraform sets TF_ACC_PROVIDER_HOST), Terraform's otherwise.
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	addr := host + "/vodtf/vod"
	go func() {
		served <- tf6server.Serve(addr, providerserver.NewProtocol6(provider.New("acctest")()),
			tf6server.WithDebug(ctx, configs, closed), tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithoutLogStderrOverride(), tf6server.WithLoggingSink(t)) // TF_LOG decides, as in the testing library
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-configs:
	case err := <-served:
		cancel()
		t.Fatalf("serving the provider for the CLI: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})
	reattach, err := json.Marshal(map[string]any{addr: map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return &CLI{Dir: t.TempDir(), bin: os.Getenv("TF_ACC_TERRAFORM_PATH"), t: t,
		env: append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(reattach), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")}
}

// WriteFile writes a file of the working directory.
func (c *CLI) WriteFile(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// ReadFile reads a file of the working directory.
func (c *CLI) ReadFile(name string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.Dir, name)) //nolint:gosec // G304: a file the test's own CLI run wrote
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

// Run runs the CLI with args (and -no-color) and returns its exit code and combined output; a run
// that could not start fails the test.
func (c *CLI) Run(args ...string) (int, string) {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "-no-color")...) //nolint:gosec // G204: running the chosen CLI is the point
	cmd.Dir, cmd.Env = c.Dir, c.env
	out, err := cmd.CombinedOutput()
	c.logs = append(c.logs, "$ terraform "+strings.Join(args, " ")+"\n"+string(out))
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	}
	c.t.Fatalf("running %s %s: %v", c.bin, strings.Join(args, " "), err)
	return -1, ""
}

// MustRun is Run, failing the test, with every run's output so far, unless the CLI exits 0.
func (c *CLI) MustRun(args ...string) string {
	c.t.Helper()
	code, out := c.Run(args...)
	if code != 0 {
		c.t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), code, c.Log())
	}
	return out
}

// Log is every run's command line and output so far.
func (c *CLI) Log() string { return strings.Join(c.logs, "\n") }
