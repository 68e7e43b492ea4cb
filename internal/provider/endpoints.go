package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// vodRegions are the regions the provider accepts without skip_region_validation: every active
// region of VOD's Endpoints page (vod.Regions, which cites the page), and cn-hangzhou, which the
// official vod-20170321 client's endpoint map sends to vod.cn-shanghai.aliyuncs.com
// (vod.HostForRegion does the same).
var vodRegions = func() []string {
	var out []string
	for _, r := range vod.Regions() {
		if !r.Deactivated {
			out = append(out, r.ID)
		}
	}
	return append(out, "cn-hangzhou")
}()

// regionProblem says why a region cannot be used, or "" when it can. A region that the Endpoints
// page marks deactivated is refused with the page's word for it: VOD is no longer offered there,
// so every request would fail, and the error says so before any is sent. skip_region_validation
// admits it (and any other region) for an account that still has access.
func regionProblem(region string, skip bool) string {
	if skip || slices.Contains(vodRegions, region) {
		return ""
	}
	if r, ok := vod.LookupRegion(region); ok && r.Deactivated {
		return fmt.Sprintf("%q (%s) is marked deactivated on VOD's Endpoints page: ApsaraVideo VOD is no longer offered "+
			"there, so the provider does not send requests to it. Use another region (%s), or set "+
			"skip_region_validation = true to call %s anyway.", region, r.Name, strings.Join(vodRegions, ", "), r.Public)
	}
	return fmt.Sprintf("%q is not a region with ApsaraVideo VOD.%s Use one of %s, or set skip_region_validation = true "+
		"for a region newer than this provider.", region, didYouMean(region, vodRegions), strings.Join(vodRegions, ", "))
}

// endpointForms says which forms an endpoint setting takes, for descriptions and errors.
const (
	endpointForms    = "https://host[:port], http://host[:port] or host[:port] (https), with or without a trailing slash"
	stsEndpointForms = "host[:port] or https://host[:port], with or without a trailing slash (STS is always called over HTTPS)"
)

// endpointValidator checks an endpoint argument at plan time (terraform validate and plan), with
// the parser the client uses: vod.ParseEndpoint, or vod.ParseSTSEndpoint for sts_endpoint. The
// value is shown redacted.
type endpointValidator struct{ sts bool }

func (v endpointValidator) Description(context.Context) string {
	if v.sts {
		return "must be " + stsEndpointForms
	}
	return "must be " + endpointForms
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || strings.TrimSpace(req.ConfigValue.ValueString()) == "" {
		return
	}
	value := req.ConfigValue.ValueString()
	if summary, problem := endpointProblem(v.sts, "argument "+req.Path.String(), value); problem != "" {
		addEndpointError(&resp.Diagnostics, req.Path, value, summary, problem)
	}
}

// addEndpointError reports an endpoint setting's problem at the attribute, or, when the value has
// secret parts (a password in its user info, query values), without one: Terraform prints the
// configuration line of an attribute's error, and that line may hold the password (or a variable
// whose value Terraform shows).
func addEndpointError(diags *diag.Diagnostics, p path.Path, value, summary, problem string) {
	if len(vod.URLSecrets(value)) > 0 {
		diags.AddError(summary, problem)
		return
	}
	diags.AddAttributeError(p, summary, problem)
}

// endpointProblem says why an endpoint setting's value cannot be used, naming the setting (from),
// or returns "" problem when it can. The value appears redacted only.
func endpointProblem(sts bool, from, value string) (summary, problem string) {
	var err error
	summary = "Invalid VOD endpoint"
	if sts {
		summary = "Invalid STS endpoint"
		_, err = vod.ParseSTSEndpoint(value)
	} else {
		_, _, err = vod.ParseEndpoint(value)
	}
	if err == nil {
		return "", ""
	}
	return summary, fmt.Sprintf("The %s cannot be used: %s.", from, strings.TrimPrefix(err.Error(), vod.ErrEndpointForm.Error()+": "))
}

// endpointDiagnostics checks the endpoint settings as resolved from arguments and environment
// variables (the arguments were checked at validation already; the variables are first seen here).
func endpointDiagnostics(c resolvedConfig) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, s := range []struct {
		v    setting
		sts  bool
		attr string
	}{{c.endpoint, false, "endpoint"}, {c.stsEndpoint, true, "sts_endpoint"}} {
		if !s.v.set() {
			continue
		}
		if summary, problem := endpointProblem(s.sts, s.v.source, s.v.value); problem != "" {
			addEndpointError(&diags, path.Root(s.attr), s.v.value, summary, problem)
		}
	}
	if diags.HasError() {
		return diags
	}
	// A proxy variable that does not parse fails every request alike: said once, here.
	endpoint := c.endpoint.value
	if endpoint == "" {
		endpoint = vod.EndpointForRegion(c.region.value)
	}
	if scheme, host, err := vod.ParseEndpoint(endpoint); err == nil {
		var proxyErr *vod.ProxyError
		if errors.As(vod.CheckProxy(scheme, host), &proxyErr) {
			diags.AddError("Invalid proxy setting", fmt.Sprintf("Requests to the VOD endpoint %s cannot be sent: %s.\n\n%s",
				vod.RedactURL(endpoint), proxyErr, proxyAdvice(proxyErr)))
		}
	}
	return diags
}

// endpointFrom says where the VOD endpoint comes from, for errors that a wrong one causes: the
// setting that named it, or the region.
func endpointFrom(c resolvedConfig) string {
	if c.endpoint.set() {
		return c.endpoint.source
	}
	return fmt.Sprintf("the region %q (%s), which selects %s", c.region.value, c.region.source, vod.HostForRegion(c.region.value))
}

// proxyVariables are the variables Go's HTTP client reads for proxies (net/http's
// ProxyFromEnvironment), in both spellings.
var proxyVariables = []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"}

// urlSecrets are the secret parts (user info's password, query values) of every setting that
// takes a URL or host: endpoint, sts_endpoint, their variables, credentials URIs (the variable and
// the profile's), proxy URLs. They are masked in every log line like the credentials.
func urlSecrets(c resolvedConfig, profile *vod.CLIProfile) []string {
	values := []string{c.endpoint.value, c.stsEndpoint.value, os.Getenv(envCredsURI)}
	for _, names := range [][]string{envEndpoint, envSTSEndpoint, proxyVariables} {
		for _, name := range names {
			values = append(values, os.Getenv(name))
		}
	}
	if profile != nil {
		values = append(values, profile.CredentialsURI)
	}
	var out []string
	for _, v := range values {
		out = append(out, vod.URLSecrets(v)...)
	}
	return out
}

// redactSecrets replaces every secret in s with "xxxxx": a last guard on text that a library
// produced (a transport error quoting a URL) before it reaches a diagnostic.
func redactSecrets(s string, secrets []string) string {
	for _, v := range secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "xxxxx")
		}
	}
	return s
}
