package acctest

import (
	"testing"

	"github.com/hashicorp/go-version"
)

func TestIdentitySkipReason(t *testing.T) {
	for _, tc := range []struct {
		output, reported string
		skip, wantErr    bool
	}{
		{output: "Terraform v1.5.7\non linux_amd64\n", skip: true},
		{output: "Terraform v1.11.4\non linux_amd64\n", skip: true},
		{output: "Terraform v1.12.0-rc1", skip: true},
		{output: "Terraform v1.12.0"},
		{output: "Terraform v1.14.3"},
		{output: "OpenTofu v1.11.2", skip: true},
		{output: "OpenTofu v1.12.6\non linux_amd64\n"},
		{output: "Terraform v1.12.1", reported: "1.11.4", skip: true},
		{output: "garbage", wantErr: true},
	} {
		var reported *version.Version
		if tc.reported != "" {
			reported = version.Must(version.NewVersion(tc.reported))
		}
		skip, err := identitySkipReason(tc.output, reported)
		if (err != nil) != tc.wantErr || (skip != "") != tc.skip {
			t.Errorf("%q reported %q: skip %q, err %v; want skip=%v err=%v", tc.output, tc.reported, skip, err, tc.skip, tc.wantErr)
		}
	}
}
