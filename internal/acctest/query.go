package acctest

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// minTerraformQuery is the first release with list blocks and `terraform query` (Terraform 1.14;
// the framework's list resource documentation). OpenTofu has neither yet: opentofu/opentofu#3787.
var minTerraformQuery = version.Must(version.NewVersion("1.14.0"))

// QuerySupported skips a test case, with the reason, unless the CLI in TF_ACC_TERRAFORM_PATH has
// list blocks and `terraform query`: Terraform 1.14 or later; no OpenTofu release so far. Like
// EphemeralResourcesSupported, it runs `<binary> version` (once per binary) to tell the products
// apart, and prereleases count as below their release.
func QuerySupported() tfversion.TerraformVersionCheck { return queryCheck{} }

type queryCheck struct{}

func (queryCheck) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		resp.Error = errors.New("TF_ACC_TERRAFORM_PATH is not set: acctest.Main pins it; call it from TestMain")
		return
	}
	skip, err := QuerySkipReason(ctx, bin, req.TerraformVersion)
	if err != nil {
		resp.Error = err
		return
	}
	resp.Skip = skip
}

// QuerySkipReason is why bin cannot run `terraform query`, or "" when it can: for tests that run
// the CLI themselves. reported, when not nil, is the version terraform-plugin-testing found.
func QuerySkipReason(ctx context.Context, bin string, reported *version.Version) (string, error) {
	out, err := versionOutput(ctx, bin)
	if err != nil {
		return "", err
	}
	skip, err := querySkipReason(out, reported)
	if err != nil {
		return "", fmt.Errorf("%s: %w", bin, err)
	}
	if skip != "" {
		skip = fmt.Sprintf("%s (%s)", skip, bin)
	}
	return skip, nil
}

// querySkipReason decides from the output of `version` whether the CLI has `terraform query`.
func querySkipReason(output string, reported *version.Version) (string, error) {
	m := versionLinePattern.FindStringSubmatch(output)
	if m == nil {
		return "", errors.New("cannot tell Terraform from OpenTofu by the `version` output")
	}
	if m[1] == "OpenTofu" {
		return fmt.Sprintf("OpenTofu %s has no list blocks or query command (opentofu/opentofu#3787); they need Terraform %s or later",
			m[2], minTerraformQuery), nil
	}
	v := reported
	if v == nil {
		var err error
		if v, err = version.NewVersion(m[2]); err != nil {
			return "", fmt.Errorf("the `version` output line %q has no version: %w", m[0], err)
		}
	}
	if v.LessThan(minTerraformQuery) {
		return fmt.Sprintf("Terraform %s has no list blocks or query command: they need Terraform %s or later", v, minTerraformQuery), nil
	}
	return "", nil
}
