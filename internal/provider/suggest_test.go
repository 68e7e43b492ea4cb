package provider

import (
	"strings"
	"testing"
)

func TestRegionSuggestion(t *testing.T) {
	for region, want := range map[string]string{
		"cn-shanhgai":    `Did you mean "cn-shanghai"?`,
		"cn-shangai":     `Did you mean "cn-shanghai"?`,
		"CN-Beijing":     `Did you mean "cn-beijing"?`,
		"shanghai":       `Did you mean "cn-shanghai"?`,
		"eu-central1":    `Did you mean "eu-central-1"?`,
		"ap-southeast-7": `Did you mean "ap-southeast-`,
		"mars-north-1":   "",
		"x":              "",
	} {
		got := regionProblem(region, false)
		if !strings.Contains(got, "is not a region with ApsaraVideo VOD") {
			t.Errorf("%s: %q", region, got)
		}
		if want == "" && strings.Contains(got, "Did you mean") || !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to contain %q", region, got, want)
		}
	}
	if got := regionProblem("cn-shanghai", false); got != "" {
		t.Errorf("a valid region: %q", got)
	}
}
