package noopprovider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// imageResource is the managed noop_image: the attributes of the vod_image resource (the same
// names, types, optional and computed ones, the timeouts block), answered at once without I/O.
// Create fills the computed attributes from the configuration (the ID from the source path's
// SHA-256, not the file's: no file is read), Read keeps the state as it is, Update stores the plan,
// Delete forgets. A plan with N of them measures what Terraform and the plugin protocol cost for
// N managed resources of vod_image's shape.
type imageResource struct{}

type imageResourceModel struct {
	ID              types.String   `tfsdk:"id"`
	Source          types.String   `tfsdk:"source"`
	ContentSHA256   types.String   `tfsdk:"content_sha256"`
	ImageType       types.String   `tfsdk:"image_type"`
	ImageExt        types.String   `tfsdk:"image_ext"`
	Title           types.String   `tfsdk:"title"`
	Description     types.String   `tfsdk:"description"`
	Tags            types.Set      `tfsdk:"tags"`
	CateID          types.Int64    `tfsdk:"cate_id"`
	StorageLocation types.String   `tfsdk:"storage_location"`
	AppID           types.String   `tfsdk:"app_id"`
	Status          types.String   `tfsdk:"status"`
	URL             types.String   `tfsdk:"url"`
	CreationTime    types.String   `tfsdk:"creation_time"`
	Width           types.Int64    `tfsdk:"width"`
	Height          types.Int64    `tfsdk:"height"`
	FileSize        types.Int64    `tfsdk:"file_size"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

func (imageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (imageResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepInt := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	str := func(optional bool, d string) schema.StringAttribute {
		return schema.StringAttribute{Optional: optional, Computed: true, PlanModifiers: keep, Description: d}
	}
	resp.Schema = schema.Schema{
		Description: "vod_image's attributes, answered at once without I/O.",
		Attributes: map[string]schema.Attribute{
			"id":               str(false, "The SHA-256 of source (the path, not the file)."),
			"source":           schema.StringAttribute{Optional: true, Description: "Any path; never read."},
			"content_sha256":   str(false, "The SHA-256 of source (the path, not the file)."),
			"image_type":       schema.StringAttribute{Required: true, Description: "Any string."},
			"image_ext":        str(true, "Kept as given, else png."),
			"title":            str(true, "Kept as given."),
			"description":      str(true, "Kept as given."),
			"tags":             schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType, PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()}, Description: "Kept as given."},
			"cate_id":          schema.Int64Attribute{Optional: true, Computed: true, PlanModifiers: keepInt, Description: "Kept as given."},
			"storage_location": str(true, "Kept as given."),
			"app_id":           str(true, "Kept as given."),
			"status":           str(false, "Normal."),
			"url":              str(false, "https://noop.invalid/<id>."),
			"creation_time":    str(false, "A fixed time."),
			"width":            schema.Int64Attribute{Computed: true, PlanModifiers: keepInt, Description: "1."},
			"height":           schema.Int64Attribute{Computed: true, PlanModifiers: keepInt, Description: "1."},
			"file_size":        schema.Int64Attribute{Computed: true, PlanModifiers: keepInt, Description: "1."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (imageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m imageResourceModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	sum := sha256.Sum256([]byte(m.Source.ValueString()))
	id := hex.EncodeToString(sum[:])
	m.ID, m.ContentSHA256 = types.StringValue(id[:32]), types.StringValue(id)
	for _, s := range []*types.String{&m.ImageExt, &m.Title, &m.Description, &m.StorageLocation, &m.AppID} {
		if s.IsUnknown() {
			*s = types.StringValue("")
		}
	}
	if m.ImageExt.ValueString() == "" {
		m.ImageExt = types.StringValue("png")
	}
	if m.Tags.IsUnknown() {
		m.Tags = types.SetNull(types.StringType)
	}
	if m.CateID.IsUnknown() {
		m.CateID = types.Int64Null()
	}
	m.Status, m.URL = types.StringValue("Normal"), types.StringValue("https://noop.invalid/"+id[:32])
	m.CreationTime = types.StringValue("2026-01-01T00:00:00Z")
	m.Width, m.Height, m.FileSize = types.Int64Value(1), types.Int64Value(1), types.Int64Value(1)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read keeps the state: resp.State starts as req.State.
func (imageResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (imageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m imageResourceModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (imageResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
