package provider

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

func TestReadImageError(t *testing.T) {
	for name, tc := range map[string]struct {
		err         error
		wantSummary string
		wantDetail  []string
	}{
		"not found": {
			err:         &vod.APIError{Code: "NoSuchResource", HTTPStatus: 404, RequestID: "REQ-1", Message: "The specified resource does not exist."},
			wantSummary: "VOD image not found",
			wantDetail:  []string{`"img-1"`, "region cn-beijing", "request ID REQ-1"},
		},
		"wrong secret": {
			err: fmt.Errorf("wrapped: %w", &vod.APIError{Code: "SignatureDoesNotMatch", HTTPStatus: 400, RequestID: "REQ-2",
				Message: "Specified signature is not matched", Recommend: "https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch"}),
			wantSummary: "VOD rejected the provider's credentials",
			wantDetail: []string{`"img-1"`, "SignatureDoesNotMatch (HTTP 400)", "Request ID: REQ-2",
				"Recommend:  https://api.aliyun.com/troubleshoot", "secret_key", "access key ID (none)"},
		},
		"throttled for the whole budget": {
			err: &vod.APIError{Action: "GetImageInfos", Code: "Throttling.User", HTTPStatus: 400, RequestID: "REQ-3",
				Attempts: 17, Throttled: 29870 * time.Millisecond},
			wantSummary: "Failed to read VOD image",
			wantDetail: []string{"Throttling.User", "REQ-3", "Attempts:   17 over 29.9s of throttling (retried for up to read_timeout)",
				"lowered its own rate for GetImageInfos", "raise read_timeout", "max_requests_per_second", "per account and per API action"},
		},
		"unreachable": {
			err:         &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED},
			wantSummary: "VOD endpoint not reachable",
			wantDetail:  []string{`"img-1"`, "https://vod.cn-beijing.aliyuncs.com could not be reached", "connection refused", "ALIBABA_CLOUD_ENDPOINT_VOD"},
		},
		"answer of the wrong shape": {
			err:         errors.New("GetImageInfo: the response has no ImageInfo"),
			wantSummary: "Failed to read VOD image",
			wantDetail:  []string{`"img-1"`, "no ImageInfo"},
		},
		"garbled answer": {
			err:         fmt.Errorf("%w (after 4 attempts)", &vod.MalformedResponseError{Action: "GetImageInfo", Err: io.ErrUnexpectedEOF}),
			wantSummary: "Unreadable VOD response",
			wantDetail:  []string{`"img-1"`, "region cn-beijing", "body is empty", "after 4 attempts", "proxy"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			d := readImageError("img-1", &providerData{region: "cn-beijing", endpoint: "https://vod.cn-beijing.aliyuncs.com"}, tc.err)
			if d.Summary() != tc.wantSummary {
				t.Errorf("summary = %q, want %q", d.Summary(), tc.wantSummary)
			}
			for _, want := range tc.wantDetail {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail lacks %q:\n%s", want, d.Detail())
				}
			}
		})
	}
}

func TestCredentialErrorDetail(t *testing.T) {
	stsErr := &vod.CredentialError{Source: "STS AssumeRole at sts.aliyuncs.com", Problem: "the service answered with an error: The role not exists.",
		Code: "EntityNotExist.Role", HTTPStatus: 404, RequestID: "R-9", Attempts: 1}
	got := credentialErrorDetail("role acs:ram::1:role/x assumed with ...", vod.CredentialSource{AssumeRole: &vod.AssumeRole{}}, stsErr)
	for _, want := range []string{"The provider tried role acs:ram::1:role/x", "code EntityNotExist.Role", "request ID R-9", "trust policy"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	transient := &vod.CredentialError{Source: "STS AssumeRole at sts.aliyuncs.com", Problem: "the service answered with an error",
		Code: "Throttling.User", HTTPStatus: 400, Attempts: 4, Transient: true}
	got = credentialErrorDetail("role x", vod.CredentialSource{AssumeRole: &vod.AssumeRole{}}, transient)
	if !strings.Contains(got, "transient") || !strings.Contains(got, "4 attempts") || strings.Contains(got, "trust policy") {
		t.Errorf("a transient failure must say so and how many attempts, without configuration advice:\n%s", got)
	}
	// An error that is not a vod.CredentialError may quote what a library read: not shown.
	got = credentialErrorDetail("profile \"dev\"", vod.CredentialSource{UseProfile: true}, errors.New(`unmarshal failed: {"access_key_secret": "LEAK"}`))
	if strings.Contains(got, "LEAK") {
		t.Errorf("the text of a foreign error reached the diagnostic:\n%s", got)
	}
}

// Credentials that cannot be refreshed during a read are reported as such, not as a network fault.
func TestReadImageErrorFromCredentialRefresh(t *testing.T) {
	err := fmt.Errorf("GetImageInfo: getting credentials: %w", &vod.CredentialError{Source: "STS AssumeRole at sts.aliyuncs.com",
		Problem: "the service answered with an error", Code: "Throttling.User", Attempts: 4, Transient: true})
	d := readImageError("img-1", &providerData{region: "cn-beijing", endpoint: "https://vod.cn-beijing.aliyuncs.com"}, err)
	if d.Summary() != "Cannot get VOD credentials" || !strings.Contains(d.Detail(), "transient") ||
		!strings.Contains(d.Detail(), "4 attempts were made") || !strings.Contains(d.Detail(), `image "img-1"`) {
		t.Errorf("unexpected diagnostic: %s\n%s", d.Summary(), d.Detail())
	}
}

// A failure that the provider's credentials cause is explained in full once; every other read that
// fails the same way says so in one line that names what it read, the code and the request ID.
func TestProviderWideFailureExplainedOnce(t *testing.T) {
	data := &providerData{region: "cn-shanghai", accessKeyID: maskAccessKeyID("LTAI5tEmulatorTestKey01"),
		credentials: "access key from environment variable ALIBABA_CLOUD_ACCESS_KEY_ID"}
	wrongSecret := func(action, requestID string) error {
		return &vod.APIError{Action: action, Code: "SignatureDoesNotMatch", HTTPStatus: 400, RequestID: requestID,
			Message: "Specified signature is not matched with our calculation."}
	}
	first := readImageError("img-1", data, wrongSecret("GetImageInfo", "REQ-1"))
	if first.Summary() != "VOD rejected the provider's credentials" {
		t.Fatalf("first summary %q", first.Summary())
	}
	for _, want := range []string{`image "img-1"`, "access key ID ***y01", "ALIBABA_CLOUD_ACCESS_KEY_ID", "Request ID: REQ-1",
		"secret_key or ALIBABA_CLOUD_ACCESS_KEY_SECRET", "the same cause"} {
		if !strings.Contains(first.Detail(), want) {
			t.Errorf("first detail lacks %q:\n%s", want, first.Detail())
		}
	}
	for i, d := range []diag.Diagnostic{
		readImageError("img-2", data, wrongSecret("GetImageInfos", "REQ-2")),
		apiErrorDiagnostic("the images that match \"x\" (SearchMedia)", "Failed to search VOD images", data, wrongSecret("SearchMedia", "REQ-3")),
	} {
		if strings.Contains(d.Detail(), "\n") || !strings.Contains(d.Detail(), fmt.Sprintf("request ID REQ-%d", i+2)) ||
			!strings.Contains(d.Detail(), `"VOD rejected the provider's credentials"`) ||
			!strings.Contains(d.Detail(), "SignatureDoesNotMatch") {
			t.Errorf("pointer %d: %q / %q", i, d.Summary(), d.Detail())
		}
		// Terraform may print a pointer before the full error: it says what to do itself, and
		// points neither "above" nor "below".
		if !strings.Contains(d.Detail(), "check secret_key or ALIBABA_CLOUD_ACCESS_KEY_SECRET") ||
			strings.Contains(d.Detail(), "above") || strings.Contains(d.Detail(), "below") {
			t.Errorf("pointer %d does not stand on its own: %q", i, d.Detail())
		}
	}
	if d := readImageError("img-2", data, wrongSecret("GetImageInfo", "REQ-4")); strings.Contains(d.Detail(), "LTAI5tEmulatorTestKey01") {
		t.Errorf("the full access key ID is shown: %s", d.Detail())
	}
	// Another cause is explained in full again, once; so is a permission missing for another action.
	forbidden := func(action string) error {
		return &vod.APIError{Action: action, Code: "Forbidden.RAM", HTTPStatus: 403, RequestID: "REQ-F"}
	}
	for _, tc := range []struct {
		err      error
		wantFull bool
	}{{forbidden("GetImageInfo"), true}, {forbidden("GetImageInfo"), false}, {forbidden("SearchMedia"), true}} {
		d := readImageError("img-3", data, tc.err)
		if full := strings.Contains(d.Detail(), "\n"); full != tc.wantFull {
			t.Errorf("%v: full=%v, want %v:\n%s", tc.err, full, tc.wantFull, d.Detail())
		}
	}
	// Errors of the image, not of the credentials, are all explained in full.
	for range 2 {
		d := readImageError("img-4", data, &vod.APIError{Action: "GetImageInfo", Code: "InvalidParameter", HTTPStatus: 400, RequestID: "REQ-P"})
		if !strings.Contains(d.Detail(), "Code:       InvalidParameter") {
			t.Errorf("not in full: %s", d.Detail())
		}
	}
}

func TestMaskAccessKeyID(t *testing.T) {
	for id, want := range map[string]string{"LTAI5tEmulatorTestKey01": "***y01", "STS.NUz7abc": "***abc", "short": "***", "": "***"} {
		if got := maskAccessKeyID(id); got != want {
			t.Errorf("maskAccessKeyID(%q) = %q, want %q", id, got, want)
		}
	}
}

// Each documented code gets advice that fits it: VOD's common errors (api-models/models.json
// errors.common) and the gateway's credential codes (vod-api.md "Errors"; the OpenAPI common error
// code tables, where Forbidden.AccessKeyDisabled is 403 "The AccessKey is disabled."). A code about
// the credentials or the account is explained in full once per plan, whichever action met it; a
// permission once per action; a code about one request every time.
func TestAdviceForEveryDocumentedCode(t *testing.T) {
	for _, tc := range []struct {
		code       string
		status     int
		summary    string // of the first error
		hint       string // in its detail
		scope      adviceScope
		notInHints []string
	}{
		{"Forbidden.AccessKeyDisabled", 403, "The provider's access key is disabled", "enable it in the RAM console", perCode, []string{"grant", "permission to"}},
		{"InvalidAccessKeyId.Inactive", 400, "The provider's access key is disabled", "enable it in the RAM console", perCode, nil},
		{"InvalidAccessKeyId.NotFound", 404, "VOD rejected the provider's credentials", "not known to Alibaba Cloud", perCode, nil},
		{"SignatureDoesNotMatch", 400, "VOD rejected the provider's credentials", "secret_key or ALIBABA_CLOUD_ACCESS_KEY_SECRET", perCode, nil},
		{"IncompleteSignature", 400, "VOD rejected the provider's request signature", "proxy", perCode, nil},
		{"MissingSecurityToken", 400, "VOD rejected the provider's credentials", "security_token", perCode, nil},
		{"InvalidSecurityToken.Expired", 400, "The provider's STS security token has expired", "new temporary credentials", perCode, nil},
		{"InvalidSecurityToken.Malformed", 400, "VOD rejected the provider's STS security token", "not valid", perCode, nil},
		{"InvalidSecurityToken.MismatchWithAccessKey", 400, "VOD rejected the provider's STS security token", "does not belong", perCode, nil},
		{"InvalidTimeStamp.Expired", 400, "VOD rejected this machine's clock", "clock", perCode, nil},
		{"Forbidden.RiskControl", 403, "Alibaba Cloud's risk control blocked the provider's requests", "risk control", perCode, []string{"grant"}},
		{"OperationDenied", 403, "ApsaraVideo VOD is not activated for this account", "activate it", perCode, []string{"grant"}},
		{"OperationDenied.Suspended", 403, "The account's ApsaraVideo VOD service is suspended", "overdue payments", perCode, []string{"grant"}},
		{"Forbidden", 403, "The provider's credentials lack a VOD permission", "vod:GetImageInfo", perAction, nil},
		{"Forbidden.RAM", 403, "The provider's credentials lack a VOD permission", "vod:GetImageInfo", perAction, nil},
		{"Forbidden.Unauthorized", 403, "The provider's credentials lack a VOD permission", "vod:GetImageInfo", perAction, nil},
		{"Forbidden.SubUser", 403, "The provider's credentials lack a VOD permission", "vod:GetImageInfo", perAction, nil},
		{"MissingParameter", 400, "Failed to read VOD image", "names it", perRead, nil},
		{"InvalidParameter", 400, "Failed to read VOD image", "names it", perRead, nil},
		{"UnsupportedHTTPMethod", 403, "Failed to read VOD image", "HTTP method", perRead, nil},
		{"InternalError", 500, "Failed to read VOD image", "max_retries", perRead, nil},
		{"ServiceUnAvailable", 503, "Failed to read VOD image", "max_retries", perRead, nil},
		{"ServiceUnavailable", 503, "Failed to read VOD image", "max_retries", perRead, nil},
	} {
		t.Run(tc.code, func(t *testing.T) {
			data := &providerData{region: "cn-shanghai", accessKeyID: "***y01", credentials: "access key from argument access_key"}
			apiErr := func(action, id string) error {
				return &vod.APIError{Action: action, Code: tc.code, HTTPStatus: tc.status, RequestID: id, Message: "m"}
			}
			first := readImageError("img-1", data, apiErr("GetImageInfo", "R1"))
			if first.Summary() != tc.summary || !strings.Contains(first.Detail(), tc.hint) {
				t.Errorf("first: %q\n%s\nwant summary %q and %q in the detail", first.Summary(), first.Detail(), tc.summary, tc.hint)
			}
			for _, not := range tc.notInHints {
				if strings.Contains(first.Detail(), not) {
					t.Errorf("the advice for %s says %q, which does not fit it:\n%s", tc.code, not, first.Detail())
				}
			}
			// The same code for another image with the same action, then with another action.
			sameAction := readImageError("img-2", data, apiErr("GetImageInfo", "R2"))
			otherAction := apiErrorDiagnostic("the images that match x (SearchMedia)", "Failed to search VOD images", data, apiErr("SearchMedia", "R3"))
			full := func(d diag.Diagnostic) bool { return strings.Contains(d.Detail(), "\n") }
			var wantSame, wantOther bool
			switch tc.scope {
			case perCode:
				wantSame, wantOther = false, false
			case perAction:
				wantSame, wantOther = false, true
			case perRead:
				wantSame, wantOther = true, true
			}
			if full(sameAction) != wantSame || full(otherAction) != wantOther {
				t.Errorf("explained in full: same action %v (want %v), other action %v (want %v):\n%s\n%s",
					full(sameAction), wantSame, full(otherAction), wantOther, sameAction.Detail(), otherAction.Detail())
			}
			if !wantSame && (!strings.Contains(sameAction.Detail(), "request ID R2") || !strings.Contains(sameAction.Detail(), tc.summary)) {
				t.Errorf("the later error does not refer to the first with its own request ID: %s", sameAction.Detail())
			}
		})
	}
}

// The first line of a missing-configuration error names only what is missing.
func TestMissingConfigDetail(t *testing.T) {
	for name, tc := range map[string]struct {
		missing []string
		want    string
	}{
		"region only":     {[]string{"- region: the provider argument \"region\""}, "The VOD provider has no region. Set:\n- region:"},
		"region and keys": {[]string{"- region: x", "- secret_key: y"}, "The VOD provider has no region and secret_key. Set:\n"},
		"three": {[]string{"- region: x", "- assume_role.role_arn: y", "- credentials: the selected profile cannot be used: z"},
			"has no region, assume_role.role_arn and credentials. Set:\n"},
		"a note is not a missing setting": {[]string{"- region: x", "- (the selected profile, read for its region_id, cannot be used: no file)"},
			"has no region. Set:\n- region: x\n- (the selected profile"},
	} {
		t.Run(name, func(t *testing.T) {
			got := missingConfigDetail(tc.missing)
			if !strings.Contains(got, tc.want) || strings.Contains(got, "a region and credentials") {
				t.Errorf("got %q, want it to contain %q", got, tc.want)
			}
		})
	}
}

// A host that DNS does not know comes from the configuration: the error names the setting, and
// says neither transient nor retry later.
func TestHostNotFoundNamesTheSetting(t *testing.T) {
	data := &providerData{region: "cn-shanghai", endpoint: "https://vod.cn-shanghia.aliyuncs.com",
		endpointFrom: "environment variable ALIBABA_CLOUD_ENDPOINT_VOD"}
	err := fmt.Errorf("GetImageInfo: %w", &net.OpError{Op: "dial", Net: "tcp",
		Err: &net.DNSError{Err: "no such host", Name: "vod.cn-shanghia.aliyuncs.com", IsNotFound: true}})
	d := readImageError("img-1", data, err)
	for _, want := range []string{"VOD endpoint not found", "environment variable ALIBABA_CLOUD_ENDPOINT_VOD", "not found in DNS", "https://host[:port]"} {
		if !strings.Contains(d.Summary()+" "+d.Detail(), want) {
			t.Errorf("lacks %q: %s\n%s", want, d.Summary(), d.Detail())
		}
	}
	for _, not := range []string{"transient", "retry later", "run terraform again"} {
		if strings.Contains(strings.ToLower(d.Detail()), not) {
			t.Errorf("says %q: %s", not, d.Detail())
		}
	}
	stsErr := &vod.CredentialError{Source: "STS AssumeRole at sts-vpc.cn-shanghia.aliyuncs.com", Problem: "the host name was not found in DNS (no such host sts-vpc.cn-shanghia.aliyuncs.com)",
		Attempts: 1, Fix: "check argument sts_endpoint: it names the host sts-vpc.cn-shanghia.aliyuncs.com; write it as host[:port] or https://host[:port]"}
	got := credentialErrorDetail("role x", vod.CredentialSource{AssumeRole: &vod.AssumeRole{}}, stsErr)
	if !strings.Contains(got, "argument sts_endpoint") || strings.Contains(got, "transient") || strings.Contains(got, "later") {
		t.Errorf("STS host not found: %s", got)
	}
}

// A proxy host that DNS does not know is named as the proxy, not as the endpoint.
func TestProxyHostNotFound(t *testing.T) {
	data := &providerData{region: "cn-shanghai", endpoint: "https://vod.cn-shanghai.aliyuncs.com", endpointFrom: "argument endpoint",
		secrets: []string{"Pr0xyPw"}}
	err := fmt.Errorf("GetImageInfo: %w", &net.OpError{Op: "proxyconnect", Net: "tcp",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "proxy.example", IsNotFound: true}}})
	d := readImageError("img-1", data, err)
	if d.Summary() != "Proxy not found" || !strings.Contains(d.Detail(), "HTTPS_PROXY") || strings.Contains(d.Detail(), "argument endpoint") {
		t.Errorf("%s\n%s", d.Summary(), d.Detail())
	}
}

// Whatever kind of transport failure a read meets, a library's text that quotes a setting's
// password (a proxy URL) is redacted before it reaches the diagnostic.
func TestReadFailureTextRedacted(t *testing.T) {
	data := &providerData{region: "cn-shanghai", endpoint: "https://vod.cn-shanghai.aliyuncs.com", secrets: []string{"Pr0xyPw"}}
	quoted := "http://admin:Pr0xyPw@proxy.example:3128"
	for _, err := range []error{
		fmt.Errorf("GetImageInfo: %w", &url.Error{Op: "Post", URL: quoted, Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}),
		fmt.Errorf("GetImageInfo: %w", &vod.MalformedResponseError{Action: "GetImageInfo", Err: io.ErrUnexpectedEOF, Body: "proxy page quoting " + quoted}),
		fmt.Errorf("GetImageInfo: something new from a library: %s", quoted),
		fmt.Errorf("GetImageInfo: %w", &vod.ProxyError{Variable: "HTTPS_PROXY", Value: "http://xxxxx@[::1", Reason: "missing ']' in host"}),
	} {
		d := readImageError("img-1", data, err)
		if strings.Contains(d.Detail(), "Pr0xyPw") || d.Detail() == "" {
			t.Errorf("%s\n%s", d.Summary(), d.Detail())
		}
	}
}

// A refused connection to a configured STS host may be a server that is down or a wrong setting:
// the advice names the setting, and does not call the configuration fine.
func TestRefusedSTSNamesTheSetting(t *testing.T) {
	ce := &vod.CredentialError{Source: "STS AssumeRole at 127.0.0.1:1", Problem: "the request failed: dial tcp 127.0.0.1:1: connect: connection refused",
		Attempts: 4, Transient: true, Fix: "check argument sts_endpoint: it names the host 127.0.0.1:1; write it as host[:port] or https://host[:port]"}
	got := credentialErrorDetail("role x", vod.CredentialSource{AssumeRole: &vod.AssumeRole{}}, ce)
	if !strings.Contains(got, "argument sts_endpoint") || strings.Contains(got, "not a sign that the configuration is wrong") || !strings.Contains(got, "4 attempts") {
		t.Errorf("%s", got)
	}
}
