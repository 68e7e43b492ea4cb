package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Every region of VOD's Endpoints page is accepted as it is, me-central-1 (Riyadh) and
// cn-north-2-gov-1 included; the deactivated ap-south-1 is refused with the page's reason unless
// skip_region_validation is set.
func TestRegionProblem(t *testing.T) {
	for _, region := range []string{"cn-beijing", "cn-shanghai", "cn-shenzhen", "cn-hongkong", "ap-southeast-1", "ap-northeast-1",
		"ap-southeast-5", "us-west-1", "eu-central-1", "me-central-1", "cn-north-2-gov-1", "cn-hangzhou"} {
		if p := regionProblem(region, false); p != "" {
			t.Errorf("%s is a VOD region: %s", region, p)
		}
	}
	p := regionProblem("ap-south-1", false)
	for _, want := range []string{`"ap-south-1" (India (Mumbai)) is marked deactivated`, "skip_region_validation = true", "vod.ap-south-1.aliyuncs.com"} {
		if !strings.Contains(p, want) {
			t.Errorf("the deactivated region's problem lacks %q: %s", want, p)
		}
	}
	if strings.Contains(p, "Did you mean") {
		t.Errorf("a deactivated region is not a typo: %s", p)
	}
	if p := regionProblem("ap-south-1", true); p != "" {
		t.Errorf("skip_region_validation admits the deactivated region: %s", p)
	}
	if p := regionProblem("cn-wulanchabu", false); !strings.Contains(p, "skip_region_validation") {
		t.Errorf("an unknown region must mention skip_region_validation: %q", p)
	}
	if p := regionProblem("cn-wulanchabu", true); p != "" {
		t.Errorf("skip_region_validation admits any region: %s", p)
	}
	if p := regionProblem("me-centrl-1", false); !strings.Contains(p, `Did you mean "me-central-1"?`) {
		t.Errorf("a typo of me-central-1 must suggest it: %s", p)
	}
}

// The endpoint the provider uses when none is set: the page's host, else the SDK's endpoint map.
func TestEndpointFrom(t *testing.T) {
	c := resolvedConfig{region: setting{value: "cn-qingdao", source: "argument region"}}
	if got := endpointFrom(c); !strings.Contains(got, `"cn-qingdao" (argument region), which selects vod.aliyuncs.com`) {
		t.Errorf("endpointFrom = %q", got)
	}
	c.endpoint = setting{value: "http://127.0.0.1:1", source: "environment variable ALIBABA_CLOUD_ENDPOINT_VOD"}
	if got := endpointFrom(c); got != "environment variable ALIBABA_CLOUD_ENDPOINT_VOD" {
		t.Errorf("endpointFrom = %q", got)
	}
}

// Each endpoint setting, argument or variable, takes the same forms or is refused naming the
// setting and the expected form, never with the password of its user info.
func TestEndpointDiagnostics(t *testing.T) {
	const password = "Pr0xyPa55"
	for _, tc := range []struct {
		endpoint, sts setting
		want          []string // "" for none
	}{
		{endpoint: setting{"vod-vpc.cn-shanghai.aliyuncs.com", "argument endpoint"}, sts: setting{"https://sts-vpc.cn-shanghai.aliyuncs.com/", "argument sts_endpoint"}},
		{endpoint: setting{"http://127.0.0.1:8080/", "argument endpoint"}, sts: setting{"sts.aliyuncs.com:443", "environment variable ALIBABA_CLOUD_STS_ENDPOINT"}},
		{endpoint: setting{"http://admin:" + password + "@127.0.0.1:8080", "environment variable ALIBABA_CLOUD_ENDPOINT_VOD"},
			want: []string{"Invalid VOD endpoint", "environment variable ALIBABA_CLOUD_ENDPOINT_VOD", "admin:xxxxx@127.0.0.1:8080", "user info", "https://host[:port]"}},
		{sts: setting{"http://sts.aliyuncs.com", "argument sts_endpoint"},
			want: []string{"Invalid STS endpoint", "argument sts_endpoint", "host[:port] or https://host[:port]"}},
		{sts: setting{"https://admin:" + password + "@sts.aliyuncs.com", "environment variable ALIBABA_CLOUD_STS_ENDPOINT"},
			want: []string{"Invalid STS endpoint", "ALIBABA_CLOUD_STS_ENDPOINT", "admin:xxxxx@"}},
		{endpoint: setting{"https://vod.cn-shanghai.aliyuncs.com/v1?token=" + password, "argument endpoint"},
			want: []string{"Invalid VOD endpoint", "argument endpoint", "has a path"}},
	} {
		diags := endpointDiagnostics(resolvedConfig{endpoint: tc.endpoint, stsEndpoint: tc.sts})
		var got strings.Builder
		for _, d := range diags {
			got.WriteString(d.Summary() + ": " + d.Detail() + "\n")
		}
		if len(tc.want) == 0 && diags.HasError() {
			t.Errorf("%v / %v refused: %s", tc.endpoint, tc.sts, got.String())
		}
		for _, want := range tc.want {
			if !strings.Contains(got.String(), want) {
				t.Errorf("%v / %v: diagnostics lack %q:\n%s", tc.endpoint, tc.sts, want, got.String())
			}
		}
		if strings.Contains(got.String(), password) {
			t.Errorf("the password is shown:\n%s", got.String())
		}
	}
}

// The schema validator refuses the same values at plan time, naming the attribute.
func TestEndpointValidator(t *testing.T) {
	for _, tc := range []struct {
		sts   bool
		value string
		ok    bool
	}{
		{false, "https://vod.cn-shanghai.aliyuncs.com/", true},
		{false, "vod.cn-shanghai.aliyuncs.com", true},
		{false, "http://user:pw@127.0.0.1:1", false},
		{true, "https://sts.aliyuncs.com", true},
		{true, "sts.aliyuncs.com", true},
		{true, "http://sts.aliyuncs.com", false},
	} {
		name := "endpoint"
		if tc.sts {
			name = "sts_endpoint"
		}
		resp := &validator.StringResponse{}
		endpointValidator{sts: tc.sts}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root(name), ConfigValue: types.StringValue(tc.value)}, resp)
		if resp.Diagnostics.HasError() == tc.ok {
			t.Errorf("%s = %q: ok=%v, diagnostics %v", name, tc.value, tc.ok, resp.Diagnostics)
		}
		if tc.ok || !resp.Diagnostics.HasError() {
			continue
		}
		if _, hasPath := resp.Diagnostics[0].(diag.DiagnosticWithPath); hasPath == strings.Contains(tc.value, "@") {
			t.Errorf("%s = %q: at the attribute %v; an error about a value with a password must not point at its line", name, tc.value, hasPath)
		}
		if !strings.Contains(resp.Diagnostics[0].Detail(), "The argument "+name+" cannot be used") {
			t.Errorf("%s = %q: the error does not name the setting: %s", name, tc.value, resp.Diagnostics[0].Detail())
		}
	}
}

// Every URL-like setting's secret parts are masked in logs: endpoint and sts_endpoint (argument and
// variable), credentials URIs (variable and profile) and proxy URLs.
func TestURLSecrets(t *testing.T) {
	clearEnv(t)
	t.Setenv("ALIBABA_CLOUD_ENDPOINT_VOD", "http://u:envEndpointPw@h")
	t.Setenv("ALIBABA_CLOUD_STS_ENDPOINT", "https://u:envStsPw@h")
	t.Setenv(envCredsURI, "http://u:uriPw@h/creds?token=uriToken")
	t.Setenv("HTTPS_PROXY", "http://u:proxyPw@proxy:3128")
	t.Setenv("http_proxy", "http://u:lowerProxyPw@proxy:3128")
	c := resolvedConfig{endpoint: setting{"http://u:argEndpointPw@h", "argument endpoint"}, stsEndpoint: setting{"https://u:argStsPw@h", "argument sts_endpoint"}}
	got := strings.Join(urlSecrets(c, nil), " ")
	for _, want := range []string{"envEndpointPw", "envStsPw", "uriPw", "uriToken", "proxyPw", "lowerProxyPw", "argEndpointPw", "argStsPw"} {
		if !strings.Contains(got, want) {
			t.Errorf("urlSecrets lacks %s: %s", want, got)
		}
	}
	if got := redactSecrets("dial http://u:proxyPw@proxy:3128", []string{"proxyPw"}); got != "dial http://u:xxxxx@proxy:3128" {
		t.Errorf("redactSecrets = %q", got)
	}
}
