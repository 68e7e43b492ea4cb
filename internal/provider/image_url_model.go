package provider

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// imageURLModel is the model of vod_image_url.
type imageURLModel struct {
	ImageID     types.String `tfsdk:"image_id"`
	OutputType  types.String `tfsdk:"output_type"`
	AuthTimeout types.Int64  `tfsdk:"auth_timeout"`
	RenewBefore types.Int64  `tfsdk:"renew_before"`
	Triggers    types.Map    `tfsdk:"triggers"`
	ID          types.String `tfsdk:"id"`
	URL         types.String `tfsdk:"url"`
	FileURL     types.String `tfsdk:"file_url"`
	ExpiresAt   types.String `tfsdk:"expires_at"`
	RenewAt     types.String `tfsdk:"renew_at"`
}

// defaultURLAuthTimeout is vod_image_url's auth_timeout when unset: the API reference's default
// for OSS URLs. The resource always sends it, so that expires_at does not depend on a CDN
// URL-signing default the provider cannot see.
const defaultURLAuthTimeout = 3600

// defaultRenewBefore is renew_before when unset: half of auth_timeout, so that every apply leaves
// the consumers a URL with at least half of its validity ahead.
func defaultRenewBefore(authTimeout int64) int64 { return authTimeout / 2 }

// timeFormat is how expires_at and renew_at are written: RFC 3339, UTC, whole seconds.
const timeFormat = time.RFC3339

// maxRFC3339Unix is 9999-12-31T23:59:59Z, the last moment RFC 3339 can write: a CDN auth_timeout
// has no documented maximum, and an expiry beyond it is stored as this.
const maxRFC3339Unix = 253402300799

// urlExpiry is when a URL that VOD signed for authTimeout seconds, asked for at requested, stops
// working: requested (rounded down to the second) plus authTimeout. The request time is taken before
// the request is sent, so with agreeing clocks this is never later than VOD's own expiry, which is
// counted from when VOD signs. When the URL is an OSS URL that states its expiry (V1 Expires, or V4
// x-oss-date + x-oss-expires; signed_url.go) and that is earlier, that is used instead: it is what
// OSS checks, whatever this machine's clock says, and a V4 URL holds at most 7 days whatever
// auth_timeout asked for. A later stated expiry can only come from VOD's clock being ahead of this
// one, and is not used. A CDN URL's auth_key timestamp is not used: whether it is the signing time or
// the expiry is not documented for VOD.
func urlExpiry(requested time.Time, authTimeout int64, signedURL string) time.Time {
	expires := int64(maxRFC3339Unix)
	if start := requested.Unix(); authTimeout < expires-start {
		expires = start + authTimeout
	}
	if sig, ok := parseOSSURLSignature(signedURL); ok && sig.expires < expires {
		expires = sig.expires
	}
	return time.Unix(expires, 0).UTC()
}

// renewMargin is how long before expires the URL asked for at requested is renewed: renewBefore,
// unless the URL holds no more than that (a V4 URL cut to 7 days, or clocks that disagree), when it
// is half of what the URL holds, so that renewal still comes before the real expiry, as the default
// renew_before (half of auth_timeout) would have it.
func renewMargin(requested, expires time.Time, renewBefore int64) int64 {
	if validity := expires.Unix() - requested.Unix(); validity > 0 && renewBefore >= validity {
		return validity / 2
	}
	return renewBefore
}

// fill stores the URLs VOD returned for a request sent at requested, and the times derived from them.
// AuthTimeout and RenewBefore must be known.
func (m *imageURLModel) fill(img *vod.Image, requested time.Time) {
	m.URL = types.StringValue(img.URL)
	m.FileURL = types.StringNull()
	if img.Mezzanine != nil {
		m.FileURL = types.StringValue(img.Mezzanine.FileURL)
	}
	expires := urlExpiry(requested, m.AuthTimeout.ValueInt64(), img.URL)
	m.ExpiresAt = types.StringValue(expires.Format(timeFormat))
	margin := renewMargin(requested, expires, m.RenewBefore.ValueInt64())
	m.RenewAt = types.StringValue(expires.Add(-time.Duration(margin) * time.Second).Format(timeFormat))
}

// effectiveAuthTimeout is auth_timeout as the resource uses it: the default when unset. It is
// unknown (false) while the configuration's value is.
func effectiveAuthTimeout(v types.Int64) (int64, bool) {
	switch {
	case v.IsUnknown():
		return 0, false
	case v.IsNull():
		return defaultURLAuthTimeout, true
	}
	return v.ValueInt64(), true
}

// validateRenewBefore rejects a renew_before that is not shorter than auth_timeout: such a URL
// would be due as soon as it is created, and every plan would replace it.
func validateRenewBefore(authTimeout, renewBefore types.Int64) diag.Diagnostics {
	var diags diag.Diagnostics
	validity, known := effectiveAuthTimeout(authTimeout)
	if !known || renewBefore.IsNull() || renewBefore.IsUnknown() {
		return diags
	}
	if rb := renewBefore.ValueInt64(); rb >= validity {
		diags.AddAttributeError(path.Root("renew_before"), "renew_before not shorter than auth_timeout",
			fmt.Sprintf("renew_before is %d seconds and the URL is valid for %d (auth_timeout): the URL would be due for "+
				"renewal as soon as it is created, and every plan would replace it. Set renew_before below "+
				"auth_timeout, or leave it unset for half of auth_timeout.", rb, validity))
	}
	return diags
}

// dueForRenewal reports whether renewAt (RFC 3339, as stored in the state) is at or before now.
func dueForRenewal(now time.Time, renewAt string) (bool, error) {
	t, err := time.Parse(time.RFC3339, renewAt)
	if err != nil {
		return false, err
	}
	return !now.Before(t), nil
}
