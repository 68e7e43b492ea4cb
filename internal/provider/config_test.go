package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestResolvePrecedence(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_REGION", "")
	t.Setenv("ALIBABA_CLOUD_REGION_ID", "cn-beijing")
	t.Setenv("ALICLOUD_REGION", "cn-shenzhen")

	if s := resolve(types.StringValue("cn-hongkong"), "region", envRegion); s.value != "cn-hongkong" || s.source != "argument region" {
		t.Errorf("an argument must win: %+v", s)
	}
	if s := resolve(types.StringNull(), "region", envRegion); s.value != "cn-beijing" || s.source != "environment variable ALIBABA_CLOUD_REGION_ID" {
		t.Errorf("the first set variable must win: %+v", s)
	}
	if s := resolve(types.StringValue("  "), "region", envRegion); s.value != "cn-beijing" {
		t.Errorf("a blank argument counts as unset: %+v", s)
	}
}

func TestMissingNamesEveryWay(t *testing.T) {
	for _, name := range append(append(append([]string{}, envAccessKey...), envSecretKey...), envRegion...) {
		t.Setenv(name, "")
	}
	missing := resolveConfig(providerModel{}).missing()
	if len(missing) != 3 {
		t.Fatalf("want 3 missing settings, got %q", missing)
	}
	all := strings.Join(missing, "\n")
	for _, want := range []string{`"access_key"`, `"secret_key"`, `"region"`, "ALIBABA_CLOUD_ACCESS_KEY_ID or ALICLOUD_ACCESS_KEY",
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET or ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_REGION or ALIBABA_CLOUD_REGION_ID or ALICLOUD_REGION"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing-settings message lacks %q:\n%s", want, all)
		}
	}

	t.Setenv("ALICLOUD_ACCESS_KEY", "LTAI-x")
	t.Setenv("ALICLOUD_SECRET_KEY", "s")
	if got := resolveConfig(providerModel{Region: types.StringValue("cn-shanghai")}).missing(); len(got) != 0 {
		t.Errorf("nothing is missing, got %q", got)
	}
}
