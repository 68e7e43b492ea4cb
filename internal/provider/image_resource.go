package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

var (
	_ resource.ResourceWithConfigure      = (*imageResource)(nil)
	_ resource.ResourceWithValidateConfig = (*imageResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*imageResource)(nil)
	_ resource.ResourceWithImportState    = (*imageResource)(nil)
	_ resource.ResourceWithIdentity       = (*imageResource)(nil)
)

func newImageResource() resource.Resource { return &imageResource{} }

// imageResource is the vod_image resource: an image uploaded from a local file (CreateUploadImage,
// the OSS upload, the wait for Normal), its metadata updated in place (UpdateImageInfos), read with
// GetImageInfo (batched like the data source's reads) and deleted with DeleteImage. Its schema is in
// image_resource_schema.go, its model and file handling in image_resource_model.go, the create
// steps and their clean-up in image_resource_create.go.
type imageResource struct {
	data *providerData
	// newCreator makes the create steps' runner; tests replace its clock.
	newCreator func(api imageAPI) *imageCreator
}

func (r *imageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (r *imageResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = imageResourceSchema(ctx)
}

func (r *imageResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = imageIdentitySchema()
}

func (r *imageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks, without reading the file, that an extension VOD accepts is known: image_ext,
// or the extension of source.
func (r *imageResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var source, ext types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("source"), &source)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("image_ext"), &ext)...)
	if resp.Diagnostics.HasError() || source.IsNull() || source.IsUnknown() || !ext.IsNull() {
		return
	}
	if d := extensionProblem(source.ValueString()); d != nil {
		resp.Diagnostics.Append(d)
	}
}

// extensionProblem is the error for a source whose extension VOD does not take, or nil.
func extensionProblem(source string) diag.Diagnostic {
	ext := sourceExt(source)
	if acceptedExt(ext) {
		return nil
	}
	what := fmt.Sprintf("has the extension %q", ext)
	if ext == "" {
		what = "has no extension"
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("source"), "Image extension VOD does not accept",
		fmt.Sprintf("%q %s; VOD takes images with the extensions %s (CreateUploadImage's ImageExt). Convert the "+
			"image, or, if the file is one of these formats under another name, set image_ext.",
			source, what, strings.Join(vod.ImageExts, ", ")))
}

// ModifyPlan reads the file at source, streaming, to plan content_sha256 and image_ext; a new
// hash replaces the image. It makes no request. After an import (no stored hash) the file is
// adopted if its size is the image's, else the image is replaced.
func (r *imageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroyed
	}
	var source, configExt, stateHash, stateExt types.String
	var stateSize types.Int64
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("source"), &source)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("image_ext"), &configExt)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("content_sha256"), &stateHash)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("image_ext"), &stateExt)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("file_size"), &stateSize)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	ext := configExt
	if ext.IsNull() {
		ext = types.StringUnknown()
	}
	hash := types.StringUnknown()
	switch {
	case source.IsNull() && creating:
		resp.Diagnostics.AddAttributeError(path.Root("source"), "Missing image source",
			"Creating a vod_image uploads a file: set source to its path, such as \"${path.module}/logo.png\". "+
				"(source may be left out only for an imported image.)")
		return
	case source.IsNull():
		// No file to compare: the image stays as it is.
		hash = stateHash
		if ext.IsUnknown() {
			ext = stateExt
		}
	case source.IsUnknown():
		// Known only at apply: the content cannot be compared, so an existing image is replaced.
		if !creating {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("content_sha256"))
		}
	default:
		file, err := r.hashes().hash(source.ValueString())
		if err != nil {
			var se *sourceError
			if errors.As(err, &se) {
				resp.Diagnostics.AddAttributeError(path.Root("source"), se.summary, se.detail)
			} else {
				resp.Diagnostics.AddAttributeError(path.Root("source"), "Cannot read the image file", err.Error())
			}
			return
		}
		hash = types.StringValue(file.SHA256)
		if ext.IsUnknown() {
			if d := extensionProblem(source.ValueString()); d != nil {
				resp.Diagnostics.Append(d)
				return
			}
			ext = types.StringValue(sourceExt(source.ValueString()))
		}
		switch {
		case creating || hash.Equal(stateHash):
		case stateHash.IsNull() && (stateSize.IsNull() || stateSize.ValueInt64() == file.Size):
			tflog.Info(ctx, "adopting the file at source for an imported image without uploading it: VOD keeps no hash to compare",
				map[string]any{"source": source.ValueString(), "bytes": file.Size})
		case stateHash.IsNull():
			resp.Diagnostics.AddAttributeWarning(path.Root("source"), "Imported image replaced",
				fmt.Sprintf("The file %q is %d bytes long and the imported image %d bytes: it is another image, so the plan "+
					"replaces the image with an upload of the file.", source.ValueString(), file.Size, stateSize.ValueInt64()))
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("content_sha256"))
		default:
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("content_sha256"))
		}
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("content_sha256"), hash)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("image_ext"), ext)...)
	if !creating && !stateExt.IsNull() && !ext.IsUnknown() && !ext.Equal(stateExt) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("image_ext"))
	}
	if !creating && len(resp.RequiresReplace) > 0 {
		// A replacement creates a new image: its attributes are new too.
		for _, p := range []string{"id", "status", "url", "creation_time"} {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(p), types.StringUnknown())...)
		}
		for _, p := range []string{"width", "height", "file_size"} {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(p), types.Int64Unknown())...)
		}
	}
}

func (r *imageResource) notConfigured(diags *diag.Diagnostics, doing string) bool {
	if r.data != nil {
		return false
	}
	diags.AddError("VOD provider not configured",
		fmt.Sprintf("The vod_image resource was %s before the provider was configured. This is a bug in the provider; please report it.", doing))
	return true
}

// hashes is the provider's memory of hashed source files: nil (nothing remembered) before the
// provider is configured.
func (r *imageResource) hashes() *sourceHashes {
	if r.data == nil {
		return nil
	}
	return &r.data.hashes
}

func (r *imageResource) creator() *imageCreator {
	if r.newCreator != nil {
		return r.newCreator(r.data.client)
	}
	return newImageCreator(r.data.client)
}

// Create uploads the file and waits for the image to be Normal, within the create timeout.
func (r *imageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan imageResourceModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if r.notConfigured(&resp.Diagnostics, "created") {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultImageCreateTimeout*time.Second)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = r.data.readContext(ctx, "")
	source := plan.Source.ValueString()

	f, info, err := openSource(source)
	if err != nil {
		var se *sourceError
		errors.As(err, &se)
		resp.Diagnostics.AddAttributeError(path.Root("source"), se.summary, se.detail)
		return
	}
	defer func() { _ = f.Close() }()
	// The file is hashed again, as planned, before anything is created: an image of other bytes than
	// the plan showed must not be made. The apply's own plan, in this process, hashed it moments ago:
	// if the file is unchanged since, that hash is the file's.
	sum, n, err := "", info.Size(), error(nil)
	if remembered, ok := r.hashes().lookup(source, info); ok {
		sum = remembered
		tflog.Debug(ctx, "the file is unchanged since this process planned it: its hash is not computed again",
			map[string]any{"source": source})
	} else {
		sum, n, err = hashReader(f)
	}
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(path.Root("source"), "Cannot read the image file",
			fmt.Sprintf("Reading %q failed after %d bytes: %s. No image was created.", source, n, err))
		return
	case plan.ContentSHA256.IsUnknown():
		plan.ContentSHA256 = types.StringValue(sum) // source was known only at apply
	case sum != plan.ContentSHA256.ValueString() || n != info.Size():
		resp.Diagnostics.AddAttributeError(path.Root("source"), "Image file changed since the plan",
			fmt.Sprintf("The SHA-256 of %q is %s now and was %s when planned (%s). No image was created: plan and apply again.",
				source, sum, plan.ContentSHA256.ValueString(), errSourceChanged))
		return
	}
	ext := plan.ImageExt.ValueString()
	if plan.ImageExt.IsUnknown() {
		if d := extensionProblem(source); d != nil {
			resp.Diagnostics.Append(d)
			return
		}
		ext = sourceExt(source)
		plan.ImageExt = types.StringValue(ext)
	}

	in := plan.createInput(ext)
	tflog.Info(ctx, "creating a VOD image", map[string]any{"source": source, "bytes": info.Size(), "image_type": in.ImageType,
		"image_ext": ext})
	res := r.creator().create(ctx, in, f, info.Size(), fileUnchanged(f, info))
	if res.err != nil {
		r.createFailed(ctx, &plan, res, resp)
		return
	}
	plan.fill(res.image, true)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setImageIdentity(ctx, resp.Identity, res.image.ImageID)...)
	if len(res.deleted) > 0 {
		tflog.Info(ctx, "images deleted after an expired upload credential", map[string]any{"image_ids": res.deleted})
	}
}

// createFailed reports a failed create: what failed, for which image, and what became of it
// (deleted, or kept in the state as tainted when it could not be deleted).
func (r *imageResource) createFailed(ctx context.Context, plan *imageResourceModel, res createResult, resp *resource.CreateResponse) {
	var b strings.Builder
	summary := "Failed to create VOD image"
	switch res.step {
	case "CreateUploadImage":
		d := writeErrorDiagnostic("Creating", fmt.Sprintf("an image from %q", plan.Source.ValueString()), summary, r.data, res.err)
		b.WriteString(d.Detail())
		if mayHaveBeenCarriedOut(res.err) && ctx.Err() == nil {
			b.WriteString("\n\nNo answer to CreateUploadImage was read, so VOD may have created an image all the same, " +
				"without content: it stays in status Uploading. vod_images with a filter on title finds it.")
		} else if vod.IsNotFound(res.err) || isThrottled(res.err) {
			b.WriteString("\n\nNo image was created.")
		}
		resp.Diagnostics.AddError(d.Summary(), b.String())
		return
	case "upload":
		summary = "Failed to upload VOD image"
		fmt.Fprintf(&b, "Uploading %q failed: %s", plan.Source.ValueString(), redactSecrets(res.err.Error(), r.data.secrets))
	case "wait":
		summary = "VOD image did not become ready"
		var timeout *waitTimeoutError
		if errors.As(res.err, &timeout) {
			fmt.Fprintf(&b, "The file %q was uploaded, but %s. Raise timeouts.create if VOD is slow to process images.",
				plan.Source.ValueString(), timeout.Error())
		} else if d := (*uploadFailedError)(nil); errors.As(res.err, &d) {
			fmt.Fprintf(&b, "The file %q was uploaded, but %s.", plan.Source.ValueString(), d.Error())
		} else {
			wd := writeErrorDiagnostic("Waiting for", "the new image", summary, r.data, res.err)
			fmt.Fprintf(&b, "The file %q was uploaded; then: %s", plan.Source.ValueString(), wd.Detail())
		}
	}
	if len(res.deleted) > 0 && res.kept == "" {
		last := res.deleted[len(res.deleted)-1]
		fmt.Fprintf(&b, "\n\nImage %s, created for this upload, was deleted: nothing is left behind in VOD.", last)
		if len(res.deleted) > 1 {
			fmt.Fprintf(&b, " (Earlier images whose upload credential expired were deleted too: %s.)",
				strings.Join(res.deleted[:len(res.deleted)-1], ", "))
		}
		b.WriteString(" Fix the cause and apply again.")
	}
	if res.kept != "" {
		fmt.Fprintf(&b, "\n\nImage %s, created for this upload, could not be deleted afterwards (%s). It is kept in the "+
			"Terraform state as tainted: the next apply deletes and replaces it, or terraform destroy deletes it.",
			res.kept, oneLine(redactSecrets(res.deleteErr.Error(), r.data.secrets)))
		plan.ID = types.StringValue(res.kept)
		plan.nullUnknowns()
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		resp.Diagnostics.Append(setImageIdentity(ctx, resp.Identity, res.kept)...)
	}
	resp.Diagnostics.AddError(summary, b.String())
}

// isThrottled reports whether VOD refused the call for its rate limit.
func isThrottled(err error) bool {
	var apiErr *vod.APIError
	return errors.As(err, &apiErr) && strings.HasPrefix(apiErr.Code, "Throttling")
}

// writeErrorDiagnostic explains a failed call made while doing something other than reading:
// apiErrorDiagnostic's explanation, with the verb.
func writeErrorDiagnostic(doing, what, summary string, data *providerData, err error) diag.Diagnostic {
	d := apiErrorDiagnostic(what, summary, data, err)
	return diag.NewErrorDiagnostic(d.Summary(), strings.ReplaceAll(d.Detail(), "Reading "+what, doing+" "+what))
}

// Read refreshes the image. One deleted outside Terraform is removed from the state with a warning;
// after an import, a missing image is an error.
func (r *imageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state imageResourceModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	if r.notConfigured(&resp.Diagnostics, "read") {
		return
	}
	id := state.ID.ValueString()
	ctx = r.data.readContext(ctx, id)
	img, err := r.data.client.GetImage(ctx, vod.GetImageInfoInput{ImageID: id})
	switch {
	case vod.IsNotFound(err) && state.ImageType.IsNull() && state.Status.IsNull():
		resp.Diagnostics.Append(readImageError(id, r.data, err)) // an import of an ID that does not exist
		return
	case vod.IsNotFound(err):
		tflog.Warn(ctx, "the image no longer exists in VOD: removing it from the state")
		resp.Diagnostics.AddWarning("VOD image deleted outside Terraform",
			fmt.Sprintf("Image %s (%s) no longer exists in region %s: it was deleted outside Terraform. It is removed from "+
				"the state; the next apply uploads %s again as a new image if it is still in the configuration.",
				id, orWord(state.Title.ValueString(), "no title"), r.data.region, orWord(state.Source.ValueString(), "its source")))
		resp.State.RemoveResource(ctx)
		// Framework v1.19 requires an identity after every Read without errors, removal included.
		resp.Diagnostics.Append(setImageIdentity(ctx, resp.Identity, id)...)
		return
	case err != nil:
		resp.Diagnostics.Append(readImageError(id, r.data, err))
		return
	}
	state.fill(img, false)
	state.ID = types.StringValue(id) // as stored, whatever case VOD writes it in
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(setImageIdentity(ctx, resp.Identity, id)...)
}

// Update changes title, description, tags and category in place (UpdateImageInfos, coalesced with
// concurrent updates). source, content_sha256 (an imported image adopting its file), image_ext and
// image_type after an import, and timeouts change in the state only.
func (r *imageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state imageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.notConfigured(&resp.Diagnostics, "updated") {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultImageUpdateTimeout*time.Second)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := state.ID.ValueString()
	ctx = r.data.readContext(ctx, id)
	if u := imageUpdate(id, &plan, &state); u.Title != nil || u.Description != nil || u.Tags != nil || u.CateID != nil {
		tflog.Debug(ctx, "updating the image's metadata")
		if err := r.data.client.UpdateImage(ctx, u); err != nil {
			d := writeErrorDiagnostic("Updating", fmt.Sprintf("image %s", id), "Failed to update VOD image", r.data, err)
			detail := d.Detail()
			if vod.IsNotFound(err) {
				detail = fmt.Sprintf("Image %s no longer exists in region %s: it was deleted outside Terraform. Run "+
					"terraform apply again: its refresh removes the image from the state and the plan uploads it anew.", id, r.data.region)
			}
			resp.Diagnostics.AddError(d.Summary(), detail)
			return
		}
	}
	// The rest is as stored; the plan's unknowns (none are expected) take the stored values.
	plan.ID, plan.Status, plan.URL, plan.CreationTime = state.ID, state.Status, state.URL, state.CreationTime
	plan.Width, plan.Height, plan.FileSize = state.Width, state.Height, state.FileSize
	if plan.ContentSHA256.IsUnknown() {
		plan.ContentSHA256 = state.ContentSHA256
	}
	if plan.ImageExt.IsUnknown() {
		plan.ImageExt = state.ImageExt
	}
	for _, p := range []*struct {
		plan  *types.String
		state types.String
	}{{&plan.Title, state.Title}, {&plan.Description, state.Description}, {&plan.StorageLocation, state.StorageLocation}, {&plan.AppID, state.AppID}} {
		if p.plan.IsUnknown() {
			*p.plan = p.state
		}
	}
	if plan.Tags.IsUnknown() {
		plan.Tags = state.Tags
	}
	if plan.CateID.IsUnknown() {
		plan.CateID = state.CateID
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setImageIdentity(ctx, resp.Identity, id)...)
}

// Delete deletes the image (DeleteImage, coalesced with concurrent deletes). An image already gone
// is success.
func (r *imageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state imageResourceModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	if r.notConfigured(&resp.Diagnostics, "deleted") {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultImageDeleteTimeout*time.Second)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := state.ID.ValueString()
	ctx = r.data.readContext(ctx, id)
	gone, err := r.data.client.DeleteImage(ctx, id)
	if err != nil {
		d := writeErrorDiagnostic("Deleting", fmt.Sprintf("image %s", id), "Failed to delete VOD image", r.data, err)
		resp.Diagnostics.AddError(d.Summary(), d.Detail()+"\n\nThe image stays in the Terraform state: once the cause is "+
			"fixed, run terraform destroy (or apply) again.")
		return
	}
	if gone {
		tflog.Info(ctx, "the image was already gone (deleted outside Terraform)")
	}
}

// ImportState takes an image ID, from `terraform import`, an import block's id, or the image_id of
// an import block's identity (Terraform 1.12 and later); Read fills in the rest.
func (r *imageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if req.ID == "" {
		var v types.String
		if resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("image_id"), &v)...); resp.Diagnostics.HasError() {
			return
		}
		id = strings.TrimSpace(v.ValueString())
	}
	if id == "" || len(id) > maxImageIDLength || strings.ContainsAny(id, " \t\r\n,") {
		resp.Diagnostics.AddError("Invalid VOD image import ID",
			fmt.Sprintf("%q is not an image ID: vod_image is imported by its ImageId, 32 hexadecimal characters such as "+
				"3e34733b40b9a96ccf5c1ff6f69a0001, as the console shows it under Media Files > Images or vod_images lists it.", id))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue(id))...)
	resp.Diagnostics.Append(setImageIdentity(ctx, resp.Identity, id)...)
}

// setImageIdentity stores the image's identity where the CLI keeps identities (Terraform 1.12 and
// later; identity is nil for older ones).
func setImageIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.SetAttribute(ctx, path.Root("image_id"), types.StringValue(id))
}
