package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

var (
	_ resource.ResourceWithConfigure      = (*imageURLResource)(nil)
	_ resource.ResourceWithValidateConfig = (*imageURLResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*imageURLResource)(nil)
	_ resource.ResourceWithImportState    = (*imageURLResource)(nil)
)

func newImageURLResource() resource.Resource { return &imageURLResource{} }

// imageURLResource is vod_image_url: a signed URL of one image, asked for once and kept in the
// state until it is due for renewal, when the plan replaces it.
//
// Renewal is a replacement planned by ModifyPlan, as the TLS provider's early renewal does, rather
// than a removal from the state in Read, as the time provider's time_rotating does: the plan then
// shows one `-/+` with the reason ("forces replacement" on renew_at) instead of a resource "deleted
// outside of Terraform" and created anew, replace_triggered_by sees a replacement, and renewal
// does not depend on refreshing (plan -refresh=false renews too). Read removes the resource from
// the state only when the image itself no longer exists.
type imageURLResource struct {
	data *providerData
}

func (r *imageURLResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_url"
}

const imageURLAuthTimeoutDescription = "Validity period of the URL, in seconds, at least 1; default 3600, always sent " +
	"to VOD so that `expires_at` is known. For `cdn` it applies only when URL signing is enabled and has no maximum. " +
	"For `oss` it applies only to private buckets, with a maximum of 2592000 (30 days) for the VOD bucket or " +
	"129600 (36 hours) for your own OSS bucket. Changing it replaces the URL."

func (r *imageURLResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceString := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	replaceInt64 := []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "A signed URL of one ApsaraVideo VOD image, kept unchanged in the state from run to run until it " +
			"is due for renewal. Unlike the `vod_image` data source, whose URL is new at every read, it lets resources " +
			"that use the URL show no change at every plan. Once `renew_at` has passed, the plan replaces it: one " +
			"replacement with a fresh URL, and the resources that use `url` change once. Creating it calls " +
			"GetImageInfo (batched with concurrent reads, like the data source); refreshing checks that the image " +
			"still exists and keeps the stored URL; destroying it calls nothing.",
		Attributes: map[string]schema.Attribute{
			"image_id": schema.StringAttribute{Required: true, Validators: imageIDValidators, PlanModifiers: replaceString,
				Description: imageIDDescription + " Changing it replaces the URL."},
			"output_type": schema.StringAttribute{Optional: true, Validators: outputTypeValidators, PlanModifiers: replaceString,
				Description: outputTypeDescription + " Changing it replaces the URL."},
			"auth_timeout": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(defaultURLAuthTimeout),
				Validators: authTimeoutValidators, PlanModifiers: replaceInt64, Description: imageURLAuthTimeoutDescription},
			"renew_before": schema.Int64Attribute{Optional: true, Computed: true,
				Validators: []validator.Int64{int64validator.AtLeast(0)}, PlanModifiers: replaceInt64,
				Description: "How long before `expires_at` the URL is due for renewal, in seconds: from `renew_at` on, " +
					"the next plan replaces it. At least 0 and less than `auth_timeout`; default half of `auth_timeout`. " +
					"Renewal happens only when Terraform runs, so run it at least every `renew_before` seconds for the " +
					"URL in use never to expire. Changing it replaces the URL."},
			"triggers": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
				Description: "Arbitrary map of strings that, when changed, replaces the URL with a fresh one, " +
					"like `triggers` of the time provider's resources."},
			"id": schema.StringAttribute{Computed: true, Description: "The same as `image_id`."},
			"url": schema.StringAttribute{Computed: true,
				Description: "Access URL of the image, as VOD returned it when the resource was created: a CDN URL if a " +
					"CDN domain is configured, otherwise an OSS URL, or as `output_type` asks. It is stored in the " +
					"state and stays the same until the resource is replaced."},
			"file_url": schema.StringAttribute{Computed: true,
				Description: "OSS URL of the image's source (mezzanine) file, as VOD returned it with `url`; null " +
					"when VOD returns no mezzanine."},
			"expires_at": schema.StringAttribute{Computed: true,
				Description: "When `url` expires, in RFC 3339 (`YYYY-MM-DDTHH:MM:SSZ`, UTC): the time the provider " +
					"sent the request plus `auth_timeout`, or the `Expires` of an OSS URL if that is earlier. A URL " +
					"that is not signed (a public bucket, CDN without URL signing) does not expire; it is renewed " +
					"all the same."},
			"renew_at": schema.StringAttribute{Computed: true,
				Description: "When the URL is due for renewal, in RFC 3339 (UTC): `expires_at` minus `renew_before`. " +
					"The first plan at or after this time replaces the resource."},
		},
	}
}

func (r *imageURLResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m imageURLModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if validity, known := effectiveAuthTimeout(m.AuthTimeout); known {
		resp.Diagnostics.Append(validateAuthTimeout(m.OutputType, types.Int64Value(validity))...)
	}
	resp.Diagnostics.Append(validateRenewBefore(m.AuthTimeout, m.RenewBefore)...)
}

func (r *imageURLResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// now is the provider's clock; time.Now before the provider is configured.
func (r *imageURLResource) now() time.Time {
	if r.data != nil && r.data.now != nil {
		return r.data.now()
	}
	return time.Now()
}

// computedURLPaths are the attributes a new URL changes.
var computedURLPaths = []path.Path{path.Root("url"), path.Root("file_url"), path.Root("expires_at"), path.Root("renew_at")}

// ModifyPlan sets id and the default renew_before, and plans the replacement of a URL that is due.
func (r *imageURLResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroyed
	}
	var imageID, outputType types.String
	var authTimeout, renewBefore, configRenewBefore types.Int64
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("image_id"), &imageID)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("output_type"), &outputType)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("auth_timeout"), &authTimeout)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("renew_before"), &renewBefore)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("renew_before"), &configRenewBefore)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// id is the image ID as configured: known when planning, so that a renewal shows only what changes.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), imageID)...)
	if renewBefore.IsUnknown() && configRenewBefore.IsNull() && !authTimeout.IsUnknown() {
		renewBefore = types.Int64Value(defaultRenewBefore(authTimeout.ValueInt64()))
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("renew_before"), renewBefore)...)
	}
	// Validation skipped what was unknown then; it may be known now.
	if !outputType.IsUnknown() && !authTimeout.IsUnknown() {
		resp.Diagnostics.Append(validateAuthTimeout(outputType, authTimeout)...)
	}
	resp.Diagnostics.Append(validateRenewBefore(authTimeout, renewBefore)...)
	if req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return // created
	}

	var renewAt types.String
	if resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("renew_at"), &renewAt)...); resp.Diagnostics.HasError() {
		return
	}
	now := r.now()
	due, err := dueForRenewal(now, renewAt.ValueString())
	if err != nil {
		// Only an edited state gets here: a new URL puts a readable renew_at back.
		resp.Diagnostics.AddAttributeWarning(path.Root("renew_at"), "Unreadable renew_at in the state",
			fmt.Sprintf("The stored renew_at %q is not an RFC 3339 time (%s), so whether the URL is due for renewal "+
				"cannot be told: it is replaced with a fresh one.", renewAt.ValueString(), err))
		due = true
	}
	if !due {
		return
	}
	tflog.Info(ctx, "VOD image URL due for renewal: planning its replacement", map[string]any{
		"renew_at": renewAt.ValueString(), "now": now.UTC().Format(timeFormat),
	})
	// Terraform plans a replacement only when a path named in RequiresReplace differs from the
	// state: the new URL's attributes are unknown until it is asked for.
	for _, p := range computedURLPaths {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, p, types.StringUnknown())...)
	}
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("renew_at"))
}

func (r *imageURLResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m imageURLModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.AddError("VOD provider not configured",
			"The vod_image_url resource was created before the provider was configured. This is a bug in the provider; please report it.")
		return
	}
	if m.RenewBefore.IsUnknown() || m.RenewBefore.IsNull() { // the plan sets it; kept for safety
		m.RenewBefore = types.Int64Value(defaultRenewBefore(m.AuthTimeout.ValueInt64()))
	}
	imageID := m.ImageID.ValueString()
	ctx = r.data.readContext(ctx, imageID)
	tflog.Debug(ctx, "asking VOD for an image URL")
	requested := r.now()
	img, err := r.data.client.GetImage(ctx, vod.GetImageInfoInput{
		ImageID:     imageID,
		OutputType:  m.OutputType.ValueString(),
		AuthTimeout: m.AuthTimeout.ValueInt64(),
	})
	if err != nil {
		resp.Diagnostics.Append(readImageError(imageID, r.data, err))
		return
	}
	m.fill(img, requested)
	m.ID = m.ImageID // as planned, whatever case VOD writes the ID in
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	if due, _ := dueForRenewal(requested, m.RenewAt.ValueString()); due {
		resp.Diagnostics.AddAttributeWarning(path.Root("renew_at"), "VOD image URL already due for renewal",
			fmt.Sprintf("The URL of image %q expires at %s, earlier than the %d seconds of auth_timeout imply (the OSS "+
				"URL's Expires says so), which leaves less than renew_before (%d seconds): the next plan will replace it "+
				"again. Check this machine's clock, or set a shorter renew_before.",
				imageID, m.ExpiresAt.ValueString(), m.AuthTimeout.ValueInt64(), m.RenewBefore.ValueInt64()))
	}
}

// Read keeps the stored URL, whether or not it is due (ModifyPlan replaces it then), and checks that
// the image still exists: an image deleted in VOD removes the resource from the state, so that the
// next apply creates it again and reports the image missing.
func (r *imageURLResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m imageURLModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.AddError("VOD provider not configured",
			"The vod_image_url resource was read before the provider was configured. This is a bug in the provider; please report it.")
		return
	}
	imageID := m.ImageID.ValueString()
	ctx = r.data.readContext(ctx, imageID)
	tflog.Debug(ctx, "checking that the image of a stored URL still exists")
	// Without URL options: the URL this read returns is thrown away, and options that VOD came to
	// refuse (an image moved to a bucket with a shorter maximum) must not fail the refresh, which
	// would block even the plan that changes them. Reads of other vod_image_url resources and of
	// data sources without options share its batch.
	_, err := r.data.client.GetImage(ctx, vod.GetImageInfoInput{ImageID: imageID})
	switch {
	case vod.IsNotFound(err):
		tflog.Warn(ctx, "the image no longer exists in VOD: removing its URL from the state")
		resp.State.RemoveResource(ctx)
	case err != nil:
		resp.Diagnostics.Append(readImageError(imageID, r.data, err))
	}
}

// Update is never planned: every argument replaces the resource, and the computed attributes change
// only with a replacement. Should one come, the stored URL is kept.
func (r *imageURLResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state imageURLModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.URL, plan.FileURL, plan.ExpiresAt, plan.RenewAt = state.ID, state.URL, state.FileURL, state.ExpiresAt, state.RenewAt
	if plan.RenewBefore.IsUnknown() {
		plan.RenewBefore = state.RenewBefore
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete calls nothing: a signed URL is not an object in VOD, and stays valid until it expires.
func (r *imageURLResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// ImportState refuses: there is nothing in VOD to import.
func (r *imageURLResource) ImportState(_ context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.AddError("vod_image_url cannot be imported",
		fmt.Sprintf("A signed URL is not an object stored in VOD that could be looked up by %q: VOD signs a new one "+
			"at every request, and an existing URL's expiry cannot be learnt from VOD. Declare the resource and "+
			"apply instead: creating it only reads the image (GetImageInfo) and changes nothing in VOD.", req.ID))
}
