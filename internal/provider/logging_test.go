package provider

import (
	"maps"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

func TestTerraformProviderLevel(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want hclog.Level
	}{
		{nil, hclog.Off},
		{map[string]string{"TF_LOG_PROVIDER_VOD": "DEBUG", "TF_LOG_CORE": "TRACE", "TF_LOG_PATH": "x.log"}, hclog.Off},
		{map[string]string{"TF_LOG": "debug"}, hclog.Debug},
		{map[string]string{"TF_LOG": "JSON"}, hclog.Trace},
		{map[string]string{"TF_LOG": "verbose"}, hclog.Trace}, // Terraform: not a level name means TRACE
		{map[string]string{"TF_LOG": "WARN", "TF_LOG_PROVIDER": "DEBUG"}, hclog.Debug},
		{map[string]string{"TF_LOG": "TRACE", "TF_LOG_PROVIDER": "off"}, hclog.Off},
	} {
		if got := terraformProviderLevel(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: level %s, want %s", tc.env, got, tc.want)
		}
	}
}

func TestAdjustLogging(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      map[string]string
		wantSet  map[string]string
		wantHint string // "" for none
	}{
		{
			name: "nothing asked: every logger off",
			wantSet: map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off",
				"TF_LOG_PROVIDER_VOD": "off", "TF_LOG_PROVIDER_VOD_API": "off"},
		},
		{
			name: "TF_LOG_PROVIDER_VOD alone: off too, and a hint",
			env:  map[string]string{"TF_LOG_PROVIDER_VOD": "DEBUG"},
			wantSet: map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off",
				"TF_LOG_PROVIDER_VOD": "off", "TF_LOG_PROVIDER_VOD_API": "off"},
			wantHint: "Add TF_LOG_PROVIDER=DEBUG",
		},
		{
			name:     "TF_LOG=WARN hides the DEBUG lines asked for",
			env:      map[string]string{"TF_LOG": "WARN", "TF_LOG_PROVIDER_VOD": "debug"},
			wantSet:  map[string]string{"TF_LOG_SDK_FRAMEWORK": "INFO"},
			wantHint: "only from level WARN",
		},
		{
			name:     "TF_LOG_PROVIDER_VOD_API alone",
			env:      map[string]string{"TF_LOG_PROVIDER_VOD_API": "TRACE", "TF_LOG": "INFO"},
			wantSet:  map[string]string{"TF_LOG_SDK_FRAMEWORK": "INFO"},
			wantHint: "TF_LOG_PROVIDER=TRACE",
		},
		{
			name:    "TF_LOG=DEBUG: the framework's DEBUG lines left out",
			env:     map[string]string{"TF_LOG": "DEBUG"},
			wantSet: map[string]string{"TF_LOG_SDK_FRAMEWORK": "INFO"},
		},
		{
			name: "TF_LOG=DEBUG with TF_LOG_SDK_FRAMEWORK: as asked",
			env:  map[string]string{"TF_LOG": "DEBUG", "TF_LOG_SDK_FRAMEWORK": "DEBUG"},
		},
		{
			name: "TF_LOG_PROVIDER=DEBUG with TF_LOG_SDK=OFF: as asked",
			env:  map[string]string{"TF_LOG_PROVIDER": "DEBUG", "TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER_VOD": "DEBUG"},
		},
		{
			name: "TF_LOG=TRACE: everything",
			env:  map[string]string{"TF_LOG": "TRACE", "TF_LOG_PROVIDER_VOD": "INFO"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := map[string]string{}
			hint := adjustLogging(func(k string) string { return tc.env[k] }, func(k, v string) { set[k] = v })
			if !maps.Equal(set, tc.wantSet) {
				t.Errorf("set %v, want %v", set, tc.wantSet)
			}
			if tc.wantHint == "" && hint != "" || !strings.Contains(hint, tc.wantHint) {
				t.Errorf("hint %q, want one containing %q", hint, tc.wantHint)
			}
		})
	}
}

func TestLogAttemptHelpers(t *testing.T) {
	if got := snakeCase("ImageIds"); got != "image_ids" {
		t.Errorf("snakeCase(ImageIds) = %q", got)
	}
	if got := oneLine("GetImageInfo: Code (HTTP 400): a\n  b\tc\n"); got != "GetImageInfo: Code (HTTP 400): a b c" {
		t.Errorf("oneLine = %q", got)
	}
}
