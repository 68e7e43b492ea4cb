package acctest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func TestEphemeralSkipReason(t *testing.T) {
	for _, tc := range []struct {
		output   string
		reported string // the version terraform-plugin-testing determined; "" for none
		skip     bool
		wantErr  bool
	}{
		{output: "Terraform v1.5.7", skip: true},
		{output: "Terraform v1.9.8", skip: true},
		{output: "Terraform v1.10.0"},
		{output: "Terraform v1.11.4"},
		{output: "Terraform v1.16.4"},
		{output: "Terraform v1.10.0-alpha20240606", skip: true},
		{output: "Terraform v1.10.0-alpha", skip: true},
		{output: "Terraform v1.10.0-rc1", skip: true},
		{output: "Terraform v1.10.1-dev"}, // a prerelease above the minimum
		{output: "OpenTofu v1.10.5", skip: true},
		{output: "OpenTofu v1.11.0"},
		{output: "OpenTofu v1.11.0-beta1", skip: true},
		{output: "OpenTofu v1.12.6"},
		{output: "OpenTofu v1.12.6-dev"},
		// The reported version wins over the line's; the line still names the product.
		{output: "Terraform v1.10.0", reported: "1.9.8", skip: true},
		{output: "OpenTofu v1.10.5", reported: "1.11.0"},
		{output: "OpenTofu v1.12.6", reported: "1.10.5", skip: true},
		{output: "garbage", wantErr: true},
		{output: "", wantErr: true},
		{output: "Terraform 1.11.4", wantErr: true},
		{output: "Terraform vnext", wantErr: true},
		{output: "Terraform v1.11.4 on linux_amd64", wantErr: true},
		// Whole outputs: the version line is the first, or follows OpenTofu's warnings on stdout.
		{output: "Terraform v1.11.4\non linux_amd64\n"},
		{output: "Terraform v1.5.7\non linux_amd64\n\nYour version of Terraform is out of date!\n", skip: true},
		{output: "OpenTofu v1.12.6\non linux_amd64\n"},
		{output: "\nWarning: Unable to open CLI configuration file\n\nThe CLI configuration file at \"/x\" does not exist.\nOpenTofu v1.12.6\non linux_amd64\n"},
		{output: "\nWarning: Unable to open CLI configuration file\n\nOpenTofu v1.10.5\non linux_amd64\n", skip: true},
		{output: "\r\nTerraform v1.11.4\r\non windows_amd64\r\n"},
		{output: "Unknown product v9.9.9\nMy Terraform v1.11.4\n", wantErr: true},
		{output: "garbage", reported: "1.11.4", wantErr: true}, // the product is still unknown
	} {
		name, _, _ := strings.Cut(strings.TrimSpace(tc.output), "\n")
		if tc.reported != "" {
			name += " reported " + tc.reported
		}
		t.Run(name, func(t *testing.T) {
			var reported *version.Version
			if tc.reported != "" {
				reported = version.Must(version.NewVersion(tc.reported))
			}
			skip, err := ephemeralSkipReason(tc.output, reported)
			switch {
			case tc.wantErr:
				if err == nil || skip != "" {
					t.Fatalf("got skip %q, error %v; want an error and no skip", skip, err)
				}
			case err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.skip && !strings.Contains(skip, "has no ephemeral resources"):
				t.Fatalf("got skip reason %q; want a skip saying why", skip)
			case !tc.skip && skip != "":
				t.Fatalf("got skip reason %q; want no skip", skip)
			}
		})
	}
}

func TestEphemeralSkipReason_message(t *testing.T) {
	for line, want := range map[string]string{
		"Terraform v1.5.7": "Terraform 1.5.7 has no ephemeral resources: they need Terraform 1.10.0 or later",
		"OpenTofu v1.10.5": "OpenTofu 1.10.5 has no ephemeral resources: they need OpenTofu 1.11.0 or later",
	} {
		if got, err := ephemeralSkipReason(line, nil); err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", line, got, err, want)
		}
	}
}

// The check itself, on stand-in binaries that print what the real ones print.
func TestEphemeralResourcesSupported(t *testing.T) {
	for name, tc := range map[string]struct {
		script   string
		reported string
		skip     string // a substring of the skip reason; "" for none
		err      string // a substring of the error; "" for none
	}{
		"terraform 1.5.7": {script: "echo 'Terraform v1.5.7'; echo 'on linux_amd64'", reported: "1.5.7",
			skip: "Terraform 1.5.7 has no ephemeral resources"},
		"terraform 1.11.4": {script: "echo 'Terraform v1.11.4'; echo 'on linux_amd64'", reported: "1.11.4"},
		"opentofu 1.10.5": {script: "echo 'OpenTofu v1.10.5'; echo 'on linux_amd64'", reported: "1.10.5",
			skip: "OpenTofu 1.10.5 has no ephemeral resources"},
		"opentofu 1.12.6": {script: "echo 'OpenTofu v1.12.6'", reported: "1.12.6"},
		"opentofu 1.10.5 after warnings": {script: "echo; echo 'Warning: Unable to open CLI configuration file'; echo; echo 'OpenTofu v1.10.5'",
			reported: "1.10.5", skip: "OpenTofu 1.10.5 has no ephemeral resources"},
		"reads no stdin":  {script: "cat >/dev/null; echo 'Terraform v1.11.4'", reported: "1.11.4"},
		"failing binary":  {script: "echo broken >&2; exit 3", reported: "1.11.4", err: "exit status 3"},
		"unknown product": {script: "echo 'Something v2.0.0'", reported: "2.0.0", err: "cannot tell Terraform from OpenTofu"},
	} {
		t.Run(name, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), "terraform")
			if err := os.WriteFile(bin, []byte("#!/bin/sh\n"+tc.script+"\n"), 0o700); err != nil {
				t.Fatal(err)
			}
			t.Setenv("TF_ACC_TERRAFORM_PATH", bin)
			var resp tfversion.CheckTerraformVersionResponse
			EphemeralResourcesSupported().CheckTerraformVersion(context.Background(),
				tfversion.CheckTerraformVersionRequest{TerraformVersion: version.Must(version.NewVersion(tc.reported))}, &resp)
			switch {
			case tc.err != "":
				if resp.Error == nil || !strings.Contains(resp.Error.Error(), tc.err) || resp.Skip != "" {
					t.Fatalf("got skip %q, error %v; want an error containing %q", resp.Skip, resp.Error, tc.err)
				}
			case resp.Error != nil:
				t.Fatalf("unexpected error: %v", resp.Error)
			case tc.skip == "" && resp.Skip != "":
				t.Fatalf("got skip %q; want none", resp.Skip)
			case tc.skip != "" && (!strings.Contains(resp.Skip, tc.skip) || !strings.Contains(resp.Skip, bin)):
				t.Fatalf("got skip %q; want one containing %q and the binary's path", resp.Skip, tc.skip)
			}
		})
	}
}

func TestEphemeralResourcesSupported_timeout(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexec sleep 30\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", bin)
	old := versionTimeout
	versionTimeout = 200 * time.Millisecond
	t.Cleanup(func() { versionTimeout = old })
	start := time.Now()
	var resp tfversion.CheckTerraformVersionResponse
	EphemeralResourcesSupported().CheckTerraformVersion(context.Background(), tfversion.CheckTerraformVersionRequest{}, &resp)
	if resp.Error == nil || !strings.Contains(resp.Error.Error(), "did not finish") || resp.Skip != "" {
		t.Fatalf("got skip %q, error %v; want a timeout error", resp.Skip, resp.Error)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the check took %s despite a timeout of %s", d, versionTimeout)
	}
}

func TestEphemeralResourcesSupported_noBinary(t *testing.T) {
	t.Setenv("TF_ACC_TERRAFORM_PATH", "")
	var resp tfversion.CheckTerraformVersionResponse
	EphemeralResourcesSupported().CheckTerraformVersion(context.Background(), tfversion.CheckTerraformVersionRequest{}, &resp)
	if resp.Error == nil || resp.Skip != "" {
		t.Fatalf("got skip %q, error %v; want an error", resp.Skip, resp.Error)
	}
}
