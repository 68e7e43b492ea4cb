package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
