package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

func TestURLExpiry(t *testing.T) {
	requested := time.Date(2026, 11, 30, 10, 0, 0, 700e6, time.UTC)
	ossURL := func(expires string) string {
		return "https://outin-1.oss-cn-shanghai.aliyuncs.com/image/a.png?Expires=" + expires + "&OSSAccessKeyId=LTAI&Signature=c2ln"
	}
	for name, tc := range map[string]struct {
		url         string
		authTimeout int64
		want        string
	}{
		"cdn: request time, rounded down, plus auth_timeout": {"https://cdn.example.com/a.png?auth_key=1-0-0-abc", 600, "2026-11-30T10:10:00Z"},
		"unsigned url":                 {"https://cdn.example.com/a.png", 3600, "2026-11-30T11:00:00Z"},
		"oss Expires later is ignored": {ossURL("1796037000"), 600, "2026-11-30T10:10:00Z"},
		// VOD's clock behind this machine's: OSS checks its own Expires.
		"oss Expires earlier wins":          {ossURL("1796033100"), 600, "2026-11-30T10:05:00Z"},
		"Expires on a non-OSS host ignored": {"https://cdn.example.com/a.png?Expires=1&OSSAccessKeyId=x&Signature=y", 600, "2026-11-30T10:10:00Z"},
		"unsigned Expires ignored":          {"https://outin-1.oss-cn-shanghai.aliyuncs.com/a.png?Expires=1", 600, "2026-11-30T10:10:00Z"},
		"malformed Expires ignored":         {ossURL("soon"), 600, "2026-11-30T10:10:00Z"},
		"unparsable url":                    {"https://[::1", 600, "2026-11-30T10:10:00Z"},
		"beyond year 9999 is capped":        {"", 1 << 62, "9999-12-31T23:59:59Z"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := urlExpiry(requested, tc.authTimeout, tc.url).Format(timeFormat); got != tc.want {
				t.Errorf("urlExpiry = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestImageURLModelFill(t *testing.T) {
	requested := time.Date(2026, 11, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	m := imageURLModel{AuthTimeout: types.Int64Value(300), RenewBefore: types.Int64Value(60)}
	m.fill(&vod.Image{ImageID: "abc", URL: "https://cdn.example.com/a.png"}, requested)
	if m.URL.ValueString() != "https://cdn.example.com/a.png" || !m.FileURL.IsNull() {
		t.Errorf("fill: %+v", m)
	}
	// UTC whatever the clock's zone.
	if m.ExpiresAt.ValueString() != "2026-11-30T02:05:00Z" || m.RenewAt.ValueString() != "2026-11-30T02:04:00Z" {
		t.Errorf("expires_at %s, renew_at %s", m.ExpiresAt, m.RenewAt)
	}
	m.fill(&vod.Image{ImageID: "abc", Mezzanine: &vod.Mezzanine{FileURL: "https://f"}}, requested)
	if m.FileURL.ValueString() != "https://f" {
		t.Errorf("file_url %s", m.FileURL)
	}
}

func TestDueForRenewal(t *testing.T) {
	renewAt := "2026-11-30T10:00:00Z"
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		now  time.Time
		want bool
	}{
		{at.Add(-time.Nanosecond), false},
		{at, true},
		{at.Add(time.Hour), true},
		{at.In(time.FixedZone("CST", 8*3600)), true},
	} {
		if got, err := dueForRenewal(tc.now, renewAt); err != nil || got != tc.want {
			t.Errorf("dueForRenewal(%s) = %v, %v; want %v", tc.now, got, err, tc.want)
		}
	}
	if _, err := dueForRenewal(at, "yesterday"); err == nil {
		t.Error("an unreadable renew_at was accepted")
	}
}

func TestValidateRenewBefore(t *testing.T) {
	for name, tc := range map[string]struct {
		authTimeout, renewBefore types.Int64
		wantError                bool
	}{
		"below":                      {types.Int64Value(600), types.Int64Value(599), false},
		"zero":                       {types.Int64Value(1), types.Int64Value(0), false},
		"equal":                      {types.Int64Value(600), types.Int64Value(600), true},
		"above":                      {types.Int64Value(600), types.Int64Value(601), true},
		"default auth_timeout":       {types.Int64Null(), types.Int64Value(3600), true},
		"below default":              {types.Int64Null(), types.Int64Value(3599), false},
		"auth_timeout unknown":       {types.Int64Unknown(), types.Int64Value(1 << 40), false},
		"renew_before unset":         {types.Int64Value(1), types.Int64Null(), false},
		"renew_before not yet known": {types.Int64Value(1), types.Int64Unknown(), false},
	} {
		t.Run(name, func(t *testing.T) {
			diags := validateRenewBefore(tc.authTimeout, tc.renewBefore)
			if diags.HasError() != tc.wantError {
				t.Errorf("errors: %v, want error %v", diags, tc.wantError)
			}
		})
	}
}

func TestDefaultRenewBefore(t *testing.T) {
	for _, authTimeout := range []int64{1, 2, 3, 3600, vod.MaxAuthTimeoutOSS} {
		if rb := defaultRenewBefore(authTimeout); rb < 0 || rb >= authTimeout {
			t.Errorf("defaultRenewBefore(%d) = %d, not in [0, auth_timeout)", authTimeout, rb)
		}
	}
}

func TestImageURLImportRefused(t *testing.T) {
	var resp resource.ImportStateResponse
	(&imageURLResource{}).ImportState(context.Background(), resource.ImportStateRequest{ID: "abc"}, &resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), "Declare the resource") {
		t.Errorf("import: %v", resp.Diagnostics)
	}
}

// planFor builds the ModifyPlan request of vod_image_url for a configuration and a prior state
// (nil for a create), with the resource's schema.
func planFor(t *testing.T, config, state map[string]tftypes.Value) (resource.ModifyPlanRequest, *resource.ModifyPlanResponse) {
	t.Helper()
	var sresp resource.SchemaResponse
	(&imageURLResource{}).Schema(context.Background(), resource.SchemaRequest{}, &sresp)
	sch := sresp.Schema
	typ := sch.Type().TerraformType(context.Background()).(tftypes.Object) //nolint:forcetypeassert // a schema's type is always an object
	object := func(vals map[string]tftypes.Value) tftypes.Value {
		if vals == nil {
			return tftypes.NewValue(typ, nil)
		}
		full := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			full[name] = tftypes.NewValue(at, nil)
			if v, ok := vals[name]; ok {
				full[name] = v
			}
		}
		return tftypes.NewValue(typ, full)
	}
	req := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: sch, Raw: object(config)},
		State:  tfsdk.State{Schema: sch, Raw: object(state)},
	}
	// The plan as the framework hands it over: the state's values, or the configuration's with the
	// computed attributes unknown and auth_timeout's default.
	planned := map[string]tftypes.Value{}
	if state != nil {
		planned = state
	} else {
		for k, v := range config {
			planned[k] = v
		}
		for _, name := range []string{"id", "url", "file_url", "expires_at", "renew_at"} {
			planned[name] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
		}
		if _, ok := planned["auth_timeout"]; !ok {
			planned["auth_timeout"] = tftypes.NewValue(tftypes.Number, defaultURLAuthTimeout)
		}
		if _, ok := planned["renew_before"]; !ok {
			planned["renew_before"] = tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)
		}
	}
	req.Plan = tfsdk.Plan{Schema: sch, Raw: object(planned)}
	return req, &resource.ModifyPlanResponse{Plan: req.Plan}
}

func TestImageURLModifyPlan(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	r := &imageURLResource{data: &providerData{now: func() time.Time { return now }}}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	num := func(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }
	config := map[string]tftypes.Value{"image_id": str("abc"), "auth_timeout": num(600)}
	stored := func(renewAt string) map[string]tftypes.Value {
		return map[string]tftypes.Value{
			"image_id": str("abc"), "auth_timeout": num(600), "renew_before": num(300), "id": str("abc"),
			"url": str("https://u"), "expires_at": str("2026-11-30T10:05:00Z"), "renew_at": str(renewAt),
		}
	}
	get := func(t *testing.T, resp *resource.ModifyPlanResponse, name string) attr.Value {
		t.Helper()
		var v attr.Value
		if d := resp.Plan.GetAttribute(context.Background(), path.Root(name), &v); d.HasError() {
			t.Fatal(d)
		}
		return v
	}

	t.Run("create: renew_before defaults to half of auth_timeout, id is the image ID", func(t *testing.T) {
		req, resp := planFor(t, config, nil)
		r.ModifyPlan(context.Background(), req, resp)
		if resp.Diagnostics.HasError() || len(resp.RequiresReplace) != 0 {
			t.Fatal(resp.Diagnostics, resp.RequiresReplace)
		}
		if rb := get(t, resp, "renew_before"); !rb.Equal(types.Int64Value(300)) {
			t.Errorf("renew_before = %s", rb)
		}
		if id := get(t, resp, "id"); !id.Equal(types.StringValue("abc")) {
			t.Errorf("id = %s", id)
		}
	})
	t.Run("not due: the plan is the state", func(t *testing.T) {
		req, resp := planFor(t, config, stored("2026-11-30T10:00:01Z"))
		r.ModifyPlan(context.Background(), req, resp)
		if resp.Diagnostics.HasError() || len(resp.RequiresReplace) != 0 || !resp.Plan.Raw.Equal(req.State.Raw) {
			t.Errorf("diagnostics %v, replace %v, plan %s", resp.Diagnostics, resp.RequiresReplace, resp.Plan.Raw)
		}
	})
	for name, renewAt := range map[string]string{"due": "2026-11-30T10:00:00Z", "unreadable renew_at": "soon"} {
		t.Run(name+": replaced, with a new URL", func(t *testing.T) {
			req, resp := planFor(t, config, stored(renewAt))
			r.ModifyPlan(context.Background(), req, resp)
			if resp.Diagnostics.HasError() || !resp.RequiresReplace.Contains(path.Root("renew_at")) {
				t.Fatalf("diagnostics %v, replace %v", resp.Diagnostics, resp.RequiresReplace)
			}
			if (renewAt == "soon") != (resp.Diagnostics.WarningsCount() == 1) {
				t.Errorf("warnings: %v", resp.Diagnostics)
			}
			for _, name := range []string{"url", "expires_at", "renew_at", "file_url"} {
				if v := get(t, resp, name); !v.IsUnknown() {
					t.Errorf("%s = %s, want unknown", name, v)
				}
			}
			if id := get(t, resp, "id"); !id.Equal(types.StringValue("abc")) {
				t.Errorf("id = %s", id)
			}
		})
	}
	t.Run("destroy: nothing to do", func(t *testing.T) {
		req, resp := planFor(t, config, stored("2026-11-30T10:00:00Z"))
		req.Plan.Raw = tftypes.NewValue(req.Plan.Raw.Type(), nil)
		resp.Plan = req.Plan
		r.ModifyPlan(context.Background(), req, resp)
		if resp.Diagnostics.HasError() || len(resp.RequiresReplace) != 0 {
			t.Errorf("diagnostics %v, replace %v", resp.Diagnostics, resp.RequiresReplace)
		}
	})
}
