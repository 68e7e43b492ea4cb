package provider

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// adviceScope says how far an API error code reaches, and so how often it is explained in full.
type adviceScope int

const (
	// perRead: the code is about what one request asked; every read that meets it is explained.
	perRead adviceScope = iota
	// perCode: the code is about the credentials, the account or this machine, so every request
	// fails the same way: explained in full once per plan, later reads refer to that error.
	perCode
	// perAction: a permission, granted per action (vod:GetImageInfo, vod:SearchMedia): explained
	// once per action.
	perAction
)

// codeAdvice is what the provider says about one API error code: the summary of the error that
// explains a provider-wide failure, and what to do ({action} is replaced by the API action).
type codeAdvice struct {
	scope   adviceScope
	summary string
	hint    string
}

// advice covers the codes that VOD's common error table (api-models/models.json errors.common, from
// VOD's "Error codes" page) and Alibaba Cloud's API gateway (vod-api.md "Errors"; the OpenAPI common
// client error codes, such as the ECS API reference's common error code table, which lists
// Forbidden.AccessKeyDisabled as 403 "The AccessKey is disabled.") answer for every product. Each
// says what that code means for this provider and what to change; TestAdviceForEveryDocumentedCode
// holds the table.
var advice = map[string]codeAdvice{
	// Credentials (the gateway's codes).
	"InvalidAccessKeyId.NotFound": {perCode, "VOD rejected the provider's credentials",
		"The access key ID is not known to Alibaba Cloud: check access_key or ALIBABA_CLOUD_ACCESS_KEY_ID, and that the key has not been deleted."},
	"InvalidAccessKeyId.Inactive": {perCode, "The provider's access key is disabled", accessKeyDisabledHint},
	"Forbidden.AccessKeyDisabled": {perCode, "The provider's access key is disabled", accessKeyDisabledHint},
	"SignatureDoesNotMatch": {perCode, "VOD rejected the provider's credentials",
		"The access key secret does not match the access key ID: check secret_key or ALIBABA_CLOUD_ACCESS_KEY_SECRET."},
	"IncompleteSignature": {perCode, "VOD rejected the provider's request signature",
		"The request's signature is not complete: a proxy between here and VOD that rewrites requests or drops headers is the " +
			"likely cause (check HTTPS_PROXY and NO_PROXY); otherwise please report it with the request ID."},
	"MissingSecurityToken": {perCode, "VOD rejected the provider's credentials",
		"The access key is a temporary (STS) one and needs its security token: set security_token or ALIBABA_CLOUD_SECURITY_TOKEN " +
			"with the token issued together with the key."},
	"InvalidSecurityToken.Expired": {perCode, "The provider's STS security token has expired",
		"The STS security token has expired: obtain new temporary credentials, or let the provider obtain and refresh them " +
			"(an assume_role block, OIDC or a RamRoleArn profile)."},
	"InvalidSecurityToken.Mismatch":              {perCode, "VOD rejected the provider's STS security token", tokenMismatchHint},
	"InvalidSecurityToken.MismatchWithAccessKey": {perCode, "VOD rejected the provider's STS security token", tokenMismatchHint},
	"InvalidSecurityToken.Malformed": {perCode, "VOD rejected the provider's STS security token",
		"The STS security token is not valid: check security_token or ALIBABA_CLOUD_SECURITY_TOKEN, and that it belongs to the temporary access key."},
	"InvalidTimeStamp.Expired": {perCode, "VOD rejected this machine's clock",
		"The request's timestamp was more than 15 minutes off VOD's clock: check that this machine's clock is correct (NTP)."},
	"Forbidden.RiskControl": {perCode, "Alibaba Cloud's risk control blocked the provider's requests",
		"Alibaba Cloud's risk control system refused requests from this account or key: check the account's security " +
			"notices in the console, or contact Alibaba Cloud support; retrying does not help."},

	// Permissions, granted per action.
	"Forbidden": {perAction, permissionSummary,
		"The caller is not allowed to make this request: grant the RAM user or role vod:{action} (or a VOD read-only policy)."},
	"Forbidden.RAM": {perAction, permissionSummary, "The RAM user or role lacks permission: grant it vod:{action}."},
	"Forbidden.Unauthorized": {perAction, permissionSummary,
		"The caller is not authorized for this request: grant the RAM user or role vod:{action}."},
	"Forbidden.SubUser": {perAction, permissionSummary,
		"{action} is not available to this RAM user: grant it vod:{action}, or use a role that has it."},
	"Forbidden.NotSupportRAM": {perAction, "VOD does not accept RAM credentials for this action",
		"{action} does not accept RAM users' or roles' credentials here: use the account's own access key for it."},

	// The account's VOD service (VOD's common errors).
	"OperationDenied": {perCode, "ApsaraVideo VOD is not activated for this account",
		"The account that owns these credentials has not activated ApsaraVideo VOD: activate it in the console, or use " +
			"the credentials of the account that holds the images."},
	"OperationDenied.Suspended": {perCode, "The account's ApsaraVideo VOD service is suspended",
		"Alibaba Cloud suspended ApsaraVideo VOD for this account because of overdue payments: add funds to the account, " +
			"then run terraform again."},

	// About one request.
	"MissingParameter": {perRead, "", badRequestHint},
	"InvalidParameter": {perRead, "", badRequestHint},
	"UnsupportedHTTPMethod": {perRead, "",
		"VOD refused the request's HTTP method: a proxy that rewrites requests is the likely cause; otherwise please report " +
			"it with the request ID."},
	"SignatureNonceUsed": {perRead, "",
		"VOD had seen this request's nonce before: something between here and VOD sent the same request twice (a proxy that " +
			"retries). Each of the provider's own attempts is signed afresh; run terraform again."},
	"InternalError":      {perRead, "", serverFailureHint},
	"ServiceUnavailable": {perRead, "", serverFailureHint},
	"ServiceUnAvailable": {perRead, "", serverFailureHint}, // VOD's own table spells it so
	"Throttling.User":    {perRead, "", throttlingHint},
	"Throttling.Api":     {perRead, "", throttlingHint},
	"Throttling":         {perRead, "", throttlingHint},
}

const (
	permissionSummary     = "The provider's credentials lack a VOD permission"
	accessKeyDisabledHint = "The access key is disabled: enable it in the RAM console (the user's AccessKey list), or use " +
		"another key; no permission change helps while it is disabled."
	tokenMismatchHint = "The STS security token does not belong to the access key: check security_token or " +
		"ALIBABA_CLOUD_SECURITY_TOKEN against the temporary access_key."
	badRequestHint = "VOD refused a parameter of the request (the message names it): check image_id, output_type and " +
		"auth_timeout; if they are right, please report it with the request ID."
	serverFailureHint = "VOD failed on its side; the request was retried up to max_retries times. Run terraform again " +
		"later, or raise max_retries."
)

// adviceFor returns the advice for a code: the table's, else by the code's family (Forbidden.* is a
// permission; InvalidAccessKeyId.* and InvalidSecurityToken.* are the credentials').
func adviceFor(code string) codeAdvice {
	if a, ok := advice[code]; ok {
		return a
	}
	switch {
	case strings.HasPrefix(code, "Forbidden"):
		return codeAdvice{scope: perAction, summary: permissionSummary}
	case strings.HasPrefix(code, "InvalidAccessKeyId"), strings.HasPrefix(code, "InvalidSecurityToken"):
		return codeAdvice{scope: perCode, summary: "VOD rejected the provider's credentials"}
	}
	return codeAdvice{}
}

// throttlingHint explains a read that VOD throttled for longer than the provider may wait.
const throttlingHint = "VOD's request rate limits are per account and per API action, shared by every RAM user, " +
	"pipeline and plan of the account. The provider lowered its own rate for {action} and retried for as long as " +
	"read_timeout allows, and the limit was still reached: others are using most of it. Run fewer plans or " +
	"pipelines against this account at once, or raise read_timeout to let reads wait longer; " +
	"max_requests_per_second caps this provider's own rate to leave room for the others."

// readImageError turns an error from reading one image into a diagnostic that names the image and
// says what to do.
func readImageError(imageID string, data *providerData, err error) diag.Diagnostic {
	var apiErr *vod.APIError
	if errors.As(err, &apiErr) && vod.IsNotFound(err) {
		return diag.NewErrorDiagnostic("VOD image not found",
			fmt.Sprintf("No image with ID %q exists in region %s (request ID %s). Check the image ID, and that "+
				"the provider's region and account are the ones that hold the image.", imageID, data.region, apiErr.RequestID))
	}
	return apiErrorDiagnostic(fmt.Sprintf("image %q", imageID), "Failed to read VOD image", data, err)
}

// apiErrorDiagnostic explains a failed call made to read what (such as `image "ID"`): the API's
// code, message and request ID, or why no answer came, and what to do.
func apiErrorDiagnostic(what, summary string, data *providerData, err error) diag.Diagnostic {
	region := data.region
	var apiErr *vod.APIError
	var credErr *vod.CredentialError
	if errors.As(err, &credErr) {
		// Temporary credentials could not be refreshed during the run.
		return diag.NewErrorDiagnostic("Cannot get VOD credentials",
			fmt.Sprintf("Reading %s in region %s needed fresh credentials, and getting them failed:\n\n  %s\n\n%s", what, region,
				strings.ReplaceAll(credErr.Error(), "\n", "\n  "), credentialAdvice(credErr)))
	}
	if !errors.As(err, &apiErr) {
		// Transport errors are library text that may quote a URL: every one is redacted.
		text := redactSecrets(err.Error(), data.secrets)
		var proxyErr *vod.ProxyError
		if errors.As(err, &proxyErr) {
			return diag.NewErrorDiagnostic("Invalid proxy setting", fmt.Sprintf("Reading %s failed: %s.\n\n%s", what,
				redactSecrets(proxyErr.Error(), data.secrets), proxyAdvice(proxyErr)))
		}
		if vod.IsHostNotFound(err) && vod.IsProxyFailure(err) {
			return diag.NewErrorDiagnostic("Proxy not found",
				fmt.Sprintf("Reading %s failed: the host of the HTTP proxy was not found in DNS (%s). Check HTTPS_PROXY "+
					"(or https_proxy; HTTP_PROXY for an http endpoint) and NO_PROXY; the request was not retried.", what, text))
		}
		if vod.IsHostNotFound(err) {
			// The host comes from the configuration: name the setting, and do not call it transient.
			return diag.NewErrorDiagnostic("VOD endpoint not found",
				fmt.Sprintf("Reading %s failed: the host of the VOD endpoint %s was not found in DNS (%s). The endpoint "+
					"comes from %s: check it (forms: %s) and the region, or this machine's DNS settings. "+
					"The request was not retried, as retrying does not change this answer.",
					what, data.endpoint, text, orWord(data.endpointFrom, "the region"), endpointForms))
		}
		if vod.IsUnreachable(err) {
			return diag.NewErrorDiagnostic("VOD endpoint not reachable",
				fmt.Sprintf("Reading %s failed: the VOD endpoint %s could not be reached: %s\n\n"+
					"Check the endpoint (endpoint, ALIBABA_CLOUD_ENDPOINT_VOD) or the region, your network, proxy and "+
					"DNS settings, then run terraform again.", what, data.endpoint, text))
		}
		var malformed *vod.MalformedResponseError
		if errors.As(err, &malformed) {
			return diag.NewErrorDiagnostic("Unreadable VOD response",
				fmt.Sprintf("Reading %s in region %s from %s: the answer could not be read: %s\n\n"+
					"A proxy or an unstable connection between here and the endpoint is the likely cause; it was "+
					"retried up to max_retries times.", what, region, data.endpoint, text))
		}
		return diag.NewErrorDiagnostic(summary,
			fmt.Sprintf("Reading %s in region %s from %s failed: %s\n\n"+
				"Check the endpoint and your network connection; TF_LOG=DEBUG shows each attempt.", what, region, data.endpoint, text))
	}
	var b strings.Builder
	if key := providerWideCause(apiErr); key != "" {
		if !data.explained.claim(key) {
			// Terraform may print this one before the full one: it stands on its own (what failed,
			// the code, what to do), and names the full one without saying where it is.
			hint := "It has the same cause as the other reads that failed with this code."
			if h := adviceFor(apiErr.Code).hint; h != "" {
				hint = strings.ReplaceAll(h, "{action}", apiErr.Action)
			}
			return diag.NewErrorDiagnostic(summary, fmt.Sprintf("Reading %s failed: %s (request ID %s). %s The error %q "+
				"gives the details: region, access key ID and where the credentials came from.",
				what, apiErr.Code, apiErr.RequestID, hint, providerWideSummary(apiErr.Code)))
		}
		summary = providerWideSummary(apiErr.Code)
		fmt.Fprintf(&b, "Reading %s in region %s with access key ID %s (%s) failed. Other reads that fail with "+
			"%s have the same cause: each says so in one line, with its own request ID.\n\n",
			what, region, orWord(data.accessKeyID, "(none)"), orWord(data.credentials, "the provider's credentials"), apiErr.Code)
	} else {
		fmt.Fprintf(&b, "Reading %s in region %s failed.\n\n", what, region)
	}
	fmt.Fprintf(&b, "Action:     %s\n", apiErr.Action)
	fmt.Fprintf(&b, "Code:       %s (HTTP %d)\n", apiErr.Code, apiErr.HTTPStatus)
	switch {
	case apiErr.Throttled > 0:
		fmt.Fprintf(&b, "Attempts:   %d over %s of throttling (retried for up to read_timeout)\n",
			apiErr.Attempts, apiErr.Throttled.Round(100*time.Millisecond))
	case apiErr.Attempts > 1:
		fmt.Fprintf(&b, "Attempts:   %d (retryable; max_retries sets how many)\n", apiErr.Attempts)
	}
	fmt.Fprintf(&b, "Message:    %s\n", apiErr.Message)
	fmt.Fprintf(&b, "Request ID: %s\n", apiErr.RequestID)
	if apiErr.Recommend != "" {
		fmt.Fprintf(&b, "Recommend:  %s\n", apiErr.Recommend)
	}
	if hint := adviceFor(apiErr.Code).hint; hint != "" {
		fmt.Fprintf(&b, "\n%s", strings.ReplaceAll(hint, "{action}", apiErr.Action))
	}
	return diag.NewErrorDiagnostic(summary, b.String())
}

// providerWideSummary is the summary of the one error that explains a provider-wide failure.
func providerWideSummary(code string) string {
	if a := adviceFor(code); a.summary != "" {
		return a.summary
	}
	return "VOD rejected the provider's credentials"
}

// providerWideCause says whether an API error is caused by the provider's credentials, its
// account or this machine's clock rather than by what was read, so that every request fails the
// same way: it returns the key under which such failures are explained once, "" for any other
// error. Permissions are granted per action (vod:GetImageInfo, vod:SearchMedia), so a permission
// error is keyed by its action too; a disabled key or a suspended service by its code alone.
func providerWideCause(apiErr *vod.APIError) string {
	switch adviceFor(apiErr.Code).scope {
	case perCode:
		return apiErr.Code
	case perAction:
		return apiErr.Code + " " + apiErr.Action
	}
	return ""
}

// explainedOnce remembers which provider-wide failures have been explained in full. Its zero
// value is ready to use.
type explainedOnce struct {
	mu   sync.Mutex
	seen map[string]bool
}

// claim reports whether this is the first failure with key, the one to explain in full.
func (e *explainedOnce) claim(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.seen[key] {
		return false
	}
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	e.seen[key] = true
	return true
}

// maskAccessKeyID shows the last three characters of an access key ID after "***", as
// `aliyun configure list` (aliyun-cli, config/configure_list.go) shows the key of a profile:
// enough to tell keys apart, not enough to use one.
func maskAccessKeyID(id string) string {
	if len(id) <= 6 {
		return "***"
	}
	return "***" + id[len(id)-3:]
}

// missingConfigDetail says what the provider's configuration lacks, naming in its first line only
// what is missing (a missing region alone is not "a region and credentials"): missing are the
// lines of resolvedConfig.missing, "- NAME: where to set it", plus notes in parentheses.
func missingConfigDetail(missing []string) string {
	var names []string
	for _, line := range missing {
		if name, _, ok := strings.Cut(strings.TrimPrefix(line, "- "), ":"); ok && !strings.HasPrefix(line, "- (") {
			names = append(names, name)
		}
	}
	what := "a setting"
	switch n := len(names); {
	case n == 1:
		what = names[0]
	case n > 1:
		what = strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
	return fmt.Sprintf("The VOD provider has no %s. Set:\n%s", what, strings.Join(missing, "\n"))
}

// credentialErrorDetail explains a failure to obtain credentials from the chosen source. Its
// text comes from vod.CredentialError, which quotes no file content, answer body or value; any
// other error (which a library may have filled with what it read) is not quoted at all.
func credentialErrorDetail(desc string, src vod.CredentialSource, err error) string {
	var b strings.Builder
	var ce *vod.CredentialError
	if !errors.As(err, &ce) {
		fmt.Fprintf(&b, "The provider tried %s and failed (%T; its text is not shown, as it may hold credential material).\n\n", desc, err)
	} else {
		fmt.Fprintf(&b, "The provider tried %s and got:\n\n  %s\n\n", desc, strings.ReplaceAll(ce.Error(), "\n", "\n  "))
	}
	if ce != nil && ce.Code == "InvalidParameter.DurationSeconds" && src.AssumeRole != nil {
		b.WriteString(sessionDurationHint(src.AssumeRole.DurationSeconds))
		return b.String()
	}
	switch {
	case ce != nil && (ce.Transient || ce.Fix != ""):
		b.WriteString(credentialAdvice(ce))
	case ce != nil && ce.Code != "" && (src.AssumeRole != nil || src.OIDC != nil || src.UseProfile):
		b.WriteString("Check that the role ARN exists, that its trust policy lets these credentials (or the OIDC " +
			"provider) assume it, the external ID, and that the STS endpoint (sts_endpoint or " +
			"ALIBABA_CLOUD_STS_ENDPOINT, default sts.aliyuncs.com) is the right one.")
	case src.UseProfile:
		b.WriteString("Check the profile name (profile, ALIBABA_CLOUD_PROFILE) and the file (shared_credentials_file, " +
			"ALIBABA_CLOUD_CONFIG_FILE); `aliyun configure list` shows the profiles the CLI knows.")
	case src.AssumeRole != nil || src.OIDC != nil:
		b.WriteString("Check the role ARN, the OIDC settings, and that the STS endpoint (sts_endpoint or " +
			"ALIBABA_CLOUD_STS_ENDPOINT, default sts.aliyuncs.com) is reachable.")
	case src.AccessKeyID == "":
		if ce != nil && ce.Source != "the default credential chain" {
			// A source of the chain was there but unusable: "none found" would contradict the error above.
			b.WriteString("The default chain found that source and could not use it: correct it, or give credentials ")
		} else {
			b.WriteString("No credentials were found. Give them ")
		}
		b.WriteString("in one of these ways, in this order of precedence:\n" +
			"- the provider arguments access_key and secret_key (and security_token for STS credentials);\n" +
			"- the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET " +
			"(or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY);\n" +
			"- ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE for OIDC;\n" +
			"- a profile of the aliyun CLI (profile, ALIBABA_CLOUD_PROFILE; shared_credentials_file, ALIBABA_CLOUD_CONFIG_FILE);\n" +
			"- the rest of the default chain: ~/.alibabacloud/credentials, an ECS RAM role, ALIBABA_CLOUD_CREDENTIALS_URI.")
	}
	return b.String()
}

// credentialAdvice says what to do about a transient failure or one with a known fix.
func credentialAdvice(ce *vod.CredentialError) string {
	switch {
	case ce.Transient:
		was := "attempts were"
		if ce.Attempts == 1 {
			was = "attempt was"
		}
		if ce.Fix != "" {
			// A refused connection may be a server that is down or a wrong host or port: both said.
			return fmt.Sprintf("No connection could be made: %d %s made with backoff (max_retries sets how many). "+
				"If the service is down, run terraform again later; if it persists, %s.", ce.Attempts, was, ce.Fix)
		}
		return fmt.Sprintf("This failure is transient (throttling, a server error, a broken connection or a garbled answer), "+
			"not a sign that the configuration is wrong: %d %s made with backoff (max_retries sets how many). "+
			"Run terraform again later, or raise max_retries.", ce.Attempts, was)
	case ce.Fix != "":
		return "To fix it: " + ce.Fix + "."
	}
	return "Check the credential source named above."
}

// proxyAdvice says what to do about a proxy variable that is not a URL.
func proxyAdvice(e *vod.ProxyError) string {
	return fmt.Sprintf("The provider's requests over this scheme go through the proxy that %s names (Alibaba's SDK "+
		"core reads it with Go's url.Parse), so nothing was sent, and retrying would not help. Correct it (a URL "+
		"such as http://proxy.example.com:3128, with user:password@ before the host if the proxy needs them), "+
		"unset it, or list the endpoint's host in NO_PROXY exactly as the endpoint names it (host:port when "+
		"it has a port: the SDK core compares whole entries); then run terraform again.", e.Variable)
}

// sessionDurationHint says what to change when STS rejects the requested session duration: it
// exceeds the role's maximum session duration, 3600 s unless raised in RAM (up to 43200 s).
func sessionDurationHint(asked int) string {
	what := "the default session duration (3600 s)"
	if asked > 0 {
		what = fmt.Sprintf("assume_role.session_expiration (%d s)", asked)
	}
	return fmt.Sprintf("STS refused %s: it exceeds the role's maximum session duration, which is 3600 s unless "+
		"raised. Lower assume_role.session_expiration to at most the role's maximum, or raise the role's maximum "+
		"session duration in the RAM console (up to 43200 s).", what)
}
