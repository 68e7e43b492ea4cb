package acctest

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The first releases that store resource identities and import by an import block's identity:
// Terraform 1.12 (the framework's resource identity documentation), OpenTofu 1.12 (identity
// support, opentofu/opentofu pull request 3671, merged January 2026; checked with OpenTofu 1.12.6
// by TestAccCategoryResource_identity).
var (
	minTerraformIdentity = version.Must(version.NewVersion("1.12.0"))
	minOpenTofuIdentity  = version.Must(version.NewVersion("1.12.0"))
)

// ResourceIdentitySupported skips a test case, with the reason, unless the CLI in
// TF_ACC_TERRAFORM_PATH supports resource identity: Terraform 1.12 or OpenTofu 1.12 or later. Like
// EphemeralResourcesSupported, it runs `<binary> version` (once per binary) to tell the products
// apart, and prereleases count as below their release.
func ResourceIdentitySupported() tfversion.TerraformVersionCheck { return identityCheck{} }

type identityCheck struct{}

func (identityCheck) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
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
	skip, err := identitySkipReason(out, req.TerraformVersion)
	if err != nil {
		resp.Error = fmt.Errorf("%s: %w", bin, err)
		return
	}
	if skip != "" {
		resp.Skip = fmt.Sprintf("%s (%s)", skip, bin)
	}
}

// identitySkipReason decides from the output of `version` whether the CLI supports resource
// identity: "" if it does, else why the test is skipped. reported, the version
// terraform-plugin-testing determined, wins over the output's when known.
func identitySkipReason(output string, reported *version.Version) (string, error) {
	m := versionLinePattern.FindStringSubmatch(output)
	if m == nil {
		return "", errors.New("cannot tell Terraform from OpenTofu by the `version` output")
	}
	product := m[1]
	v := reported
	if v == nil {
		var err error
		if v, err = version.NewVersion(m[2]); err != nil {
			return "", fmt.Errorf("the `version` output line %q has no version: %w", m[0], err)
		}
	}
	minimum := minTerraformIdentity
	if product == "OpenTofu" {
		minimum = minOpenTofuIdentity
	}
	if v.LessThan(minimum) {
		return fmt.Sprintf("%s %s has no resource identity: it needs %s %s or later", product, v, product, minimum), nil
	}
	return "", nil
}
