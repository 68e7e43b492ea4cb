package acctest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The first releases with ephemeral blocks. OpenTofu 1.10 reports a version above Terraform's
// minimum but has none, so the product matters as much as the number.
var (
	minTerraformEphemeral = version.Must(version.NewVersion("1.10.0"))
	minOpenTofuEphemeral  = version.Must(version.NewVersion("1.11.0"))
)

// versionTimeout bounds `<binary> version`, which neither reads stdin nor needs the network
// (CHECKPOINT_DISABLE is set by Main). A variable for the unit test.
var versionTimeout = 30 * time.Second

// EphemeralResourcesSupported skips a test case, with the reason, unless the CLI in
// TF_ACC_TERRAFORM_PATH has ephemeral blocks: Terraform 1.10 or OpenTofu 1.11 or later.
// Prereleases of those versions count as below them. It runs `<binary> version` (once per binary)
// to tell the products apart: tfversion.SkipBelow sees only a number, and OpenTofu 1.10 is above
// 1.10.0 without having ephemeral blocks.
func EphemeralResourcesSupported() tfversion.TerraformVersionCheck { return ephemeralCheck{} }

type ephemeralCheck struct{}

func (ephemeralCheck) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		resp.Error = errors.New("TF_ACC_TERRAFORM_PATH is not set: acctest.Main pins it; call it from TestMain")
		return
	}
	out, err := versionOutput(ctx, bin)
	if err != nil {
		resp.Error = err
		return
	}
	skip, err := ephemeralSkipReason(out, req.TerraformVersion)
	if err != nil {
		resp.Error = fmt.Errorf("%s: %w", bin, err)
		return
	}
	if skip != "" {
		resp.Skip = fmt.Sprintf("%s (%s)", skip, bin)
	}
}

// versionOutputs caches the output of `version` per binary: every ephemeral test case asks.
var versionOutputs sync.Map // binary path -> string

// versionOutput runs `bin version` with an empty stdin and returns what it printed, such as
// "Terraform v1.11.4\non linux_amd64\n".
func versionOutput(ctx context.Context, bin string) (string, error) {
	if out, ok := versionOutputs.Load(bin); ok {
		return out.(string), nil //nolint:forcetypeassert // only strings are stored
	}
	ctx, cancel := context.WithTimeout(ctx, versionTimeout)
	defer cancel()
	// The binary is the one the developer chose for the acceptance tests, as in chooseTerraform.
	cmd := exec.CommandContext(ctx, bin, "version") //nolint:gosec // G204/G702: running the chosen CLI is the point
	cmd.Stdin = nil                                 // reads from the null device
	cmd.Dir = os.TempDir()                          // no configuration or .terraform directory to inspect
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return "", fmt.Errorf("%s version did not finish within %s", bin, versionTimeout)
	}
	if err != nil {
		var stderr []byte
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			stderr = exitErr.Stderr
		}
		return "", fmt.Errorf("running %s version: %w\n%s", bin, err, bytes.TrimSpace(stderr))
	}
	versionOutputs.Store(bin, string(out))
	return string(out), nil
}

// versionLinePattern matches the line of `version` output that names the product and its version.
// It is the first line, unless OpenTofu first warns about the CLI configuration (on stdout).
var versionLinePattern = regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\S+)\s*$`)

// ephemeralSkipReason decides from the output of `version` whether the CLI has ephemeral blocks:
// "" if it has, else why the test is skipped. reported, the version terraform-plugin-testing
// determined for the binary, wins over the one in the output when known; the output names the
// product, which the reported version does not. Output that names neither product is an error,
// not a reason to skip.
func ephemeralSkipReason(output string, reported *version.Version) (string, error) {
	m := versionLinePattern.FindStringSubmatch(output)
	if m == nil {
		first, _, _ := strings.Cut(strings.TrimSpace(output), "\n")
		return "", fmt.Errorf("cannot tell Terraform from OpenTofu by the `version` output, which starts %q", first)
	}
	product := m[1]
	v := reported
	if v == nil {
		var err error
		if v, err = version.NewVersion(m[2]); err != nil {
			return "", fmt.Errorf("the `version` output line %q has no version: %w", m[0], err)
		}
	}
	minimum := minTerraformEphemeral
	if product == "OpenTofu" {
		minimum = minOpenTofuEphemeral
	}
	// Compared with prereleases intact: 1.10.0-alpha is below 1.10.0.
	if v.LessThan(minimum) {
		return fmt.Sprintf("%s %s has no ephemeral resources: they need %s %s or later", product, v, product, minimum), nil
	}
	return "", nil
}
