package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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
// Its schema is in image_url_schema.go, its model in image_url_model.go.
type imageURLResource struct {
	data *providerData
}

func (r *imageURLResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_url"
}

func (r *imageURLResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = imageURLResourceSchema()
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
	renewal := fmt.Sprintf("vod_image_url renews it before that: from renew_at (%s) on, the next plan replaces it.", m.RenewAt.ValueString())
	if w := v4CapWarning(imageID, m.AuthTimeout.ValueInt64(), img.URL, renewal); w != nil {
		resp.Diagnostics.Append(w)
		return
	}
	if due, _ := dueForRenewal(requested, m.RenewAt.ValueString()); due {
		resp.Diagnostics.AddAttributeWarning(path.Root("renew_at"), "VOD image URL already due for renewal",
			fmt.Sprintf("The URL of image %q expires at %s, earlier than the %d seconds of auth_timeout imply (the OSS "+
				"URL's own expiry says so), which leaves no time before renewal: the next plan will replace it "+
				"again. Check this machine's clock.",
				imageID, m.ExpiresAt.ValueString(), m.AuthTimeout.ValueInt64()))
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
		// Without a word the plan would show a plain create.
		resp.Diagnostics.AddWarning("VOD image deleted outside Terraform", imageDeletedDetail(imageID, r.data.region))
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

// imageDeletedDetail explains why a vod_image_url whose image has gone is planned for creation.
func imageDeletedDetail(imageID, region string) string {
	return fmt.Sprintf("Image %q no longer exists in region %s: it was deleted outside Terraform. Its vod_image_url "+
		"has been removed from the state, so the plan creates it again, which fails while the image is missing. "+
		"Restore or re-upload the image, set image_id to an existing image, or remove the resource from the "+
		"configuration.", imageID, region)
}
