package acctest

import (
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

func TestQuerySkipReason(t *testing.T) {
	for _, tc := range []struct {
		output, reported string
		skip             string // a part of the reason; "" when the CLI has terraform query
		wantErr          bool
	}{
		{output: "Terraform v1.5.7\non linux_amd64\n", skip: "Terraform 1.5.7 has no list blocks"},
		{output: "Terraform v1.11.4\non linux_amd64\n", skip: "need Terraform 1.14.0 or later"},
		{output: "Terraform v1.14.0-rc1", skip: "1.14.0-rc1"},
		{output: "Terraform v1.14.0"},
		{output: "Terraform v1.14.3\non linux_amd64\n"},
		{output: "Terraform v1.15.0-dev", reported: "1.15.0"},
		{output: "OpenTofu v1.12.6\non linux_amd64\n", skip: "opentofu/opentofu#3787"},
		{output: "Terraform v1.14.3", reported: "1.13.4", skip: "Terraform 1.13.4"},
		{output: "garbage", wantErr: true},
	} {
		var reported *version.Version
		if tc.reported != "" {
			reported = version.Must(version.NewVersion(tc.reported))
		}
		skip, err := querySkipReason(tc.output, reported)
		if (err != nil) != tc.wantErr || (skip == "") != (tc.skip == "") || !strings.Contains(skip, tc.skip) {
			t.Errorf("%q reported %q: skip %q, err %v; want a reason with %q, err=%v", tc.output, tc.reported, skip, err, tc.skip, tc.wantErr)
		}
	}
}
