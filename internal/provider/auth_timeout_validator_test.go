package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// auth_timeout below 1 is rejected saying the unit and what the value means, as the OSS maximum's
// message does; null, unknown and positive values pass.
func TestAuthTimeoutAtLeastOne(t *testing.T) {
	for name, tc := range map[string]struct {
		value types.Int64
		want  string // "" when valid
	}{
		"zero":     {types.Int64Value(0), "at least 1 second; got 0."},
		"negative": {types.Int64Value(-5), "at least 1 second; got -5."},
		"one":      {types.Int64Value(1), ""},
		"null":     {types.Int64Null(), ""},
		"unknown":  {types.Int64Unknown(), ""},
	} {
		t.Run(name, func(t *testing.T) {
			var resp validator.Int64Response
			authTimeoutAtLeastOne{}.ValidateInt64(context.Background(),
				validator.Int64Request{Path: path.Root("auth_timeout"), ConfigValue: tc.value}, &resp)
			if tc.want == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("rejected: %v", resp.Diagnostics)
				}
				return
			}
			if resp.Diagnostics.ErrorsCount() != 1 {
				t.Fatalf("%d errors: %v", resp.Diagnostics.ErrorsCount(), resp.Diagnostics)
			}
			d := resp.Diagnostics[0]
			for _, want := range []string{tc.want, "how long the signed URL stays valid, in seconds", "3600 for an hour"} {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail lacks %q: %s", want, d.Detail())
				}
			}
			if d.Summary() != "auth_timeout too short" {
				t.Errorf("summary %q", d.Summary())
			}
		})
	}
}
