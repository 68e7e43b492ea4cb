package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

var (
	_ datasource.DataSourceWithConfigure      = (*imageDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*imageDataSource)(nil)
)

func newImageDataSource() datasource.DataSource { return &imageDataSource{} }

// imageDataSource is vod_image: one image's metadata and URL, read with GetImageInfo.
type imageDataSource struct {
	data *providerData
}

func (d *imageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

// Image IDs are 32 hex characters today; the bound leaves room while catching pasted junk.
const maxImageIDLength = 128

func (d *imageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Reads one ApsaraVideo VOD image: its access URL and metadata, with the GetImageInfo operation.",
		Attributes: map[string]schema.Attribute{
			"image_id": schema.StringAttribute{
				Required: true,
				Description: "ID of the image, as shown on the console's Media Files > Image page or returned by " +
					"CreateUploadImage or SearchMedia.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, maxImageIDLength),
					stringvalidator.RegexMatches(regexp.MustCompile(`\S`), "must not be empty or only whitespace"),
					stringvalidator.RegexMatches(regexp.MustCompile(`^[^\x00-\x1f\x7f]*$`), "must not contain control characters"),
				},
			},
			"output_type": schema.StringAttribute{
				Optional: true,
				Description: "Type of the URL to return: `oss` for an Object Storage Service URL or `cdn` for a CDN " +
					"URL. When unset, VOD returns a CDN URL if a CDN domain is configured and an OSS URL otherwise.",
				Validators: []validator.String{stringvalidator.OneOf(vod.OutputTypeOSS, vod.OutputTypeCDN)},
			},
			"auth_timeout": schema.Int64Attribute{
				Optional: true,
				Description: "Validity period of the URL, in seconds, at least 1. For `cdn` it applies only when URL " +
					"signing is enabled and has no maximum; when unset, the URL-signing default applies. For `oss` it " +
					"applies only to private buckets; the default is 3600 and the maximum 2592000 (30 days) for the " +
					"VOD bucket or 129600 (36 hours) for your own OSS bucket.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"id": schema.StringAttribute{
				Computed:    true,
				Description: "ID of the image (the same as `image_id`).",
			},
			"url": schema.StringAttribute{
				Computed: true,
				Description: "Access URL of the image: a CDN URL if a CDN domain is specified, otherwise an OSS URL, " +
					"or as `output_type` asks. Signed URLs expire after `auth_timeout`.",
			},
			"status": schema.StringAttribute{
				Computed:    true,
				Description: "Status of the image: `Uploading` (initial), `Normal` (uploaded) or `UploadFail`.",
			},
			"creation_time": schema.StringAttribute{
				Computed:    true,
				Description: "Time the image was created, in ISO 8601 (`yyyy-MM-ddTHH:mm:ssZ`, UTC).",
			},
			"storage_location": schema.StringAttribute{
				Computed:    true,
				Description: "Bucket in which the image is stored.",
			},
			"cate_id": schema.Int64Attribute{
				Computed:    true,
				Description: "ID of the image's category.",
			},
			"cate_name": schema.StringAttribute{
				Computed:    true,
				Description: "Name of the image's category.",
			},
			"tags": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				Description: "Tags of the image, in the order the API lists them (it sends them comma-separated).",
			},
			"image_type": schema.StringAttribute{
				Computed: true,
				Description: "Type of the image: `CoverSnapshot` (thumbnail), `NormalSnapshot`, `SpriteSnapshot`, " +
					"`SpriteOriginSnapshot`, or several of these separated by commas.",
			},
			"description": schema.StringAttribute{
				Computed:    true,
				Description: "Description of the image.",
			},
			"app_id": schema.StringAttribute{
				Computed:    true,
				Description: "ID of the VOD application the image belongs to.",
			},
			"title": schema.StringAttribute{
				Computed:    true,
				Description: "Title of the image.",
			},
			"mezzanine": schema.SingleNestedAttribute{
				Computed:    true,
				Description: "Source file of the image; null when VOD returns none.",
				Attributes: map[string]schema.Attribute{
					"file_url": schema.StringAttribute{
						Computed:    true,
						Description: "OSS URL of the image file.",
					},
					"original_file_name": schema.StringAttribute{
						Computed:    true,
						Description: "Name of the uploaded source file.",
					},
					"width": schema.Int64Attribute{
						Computed:    true,
						Description: "Width of the image, in pixels.",
					},
					"height": schema.Int64Attribute{
						Computed:    true,
						Description: "Height of the image, in pixels.",
					},
					"file_size": schema.Int64Attribute{
						Computed:    true,
						Description: "Size of the image file, in bytes.",
					},
				},
			},
		},
	}
}

// ValidateConfig checks what single-attribute validators cannot: the OSS maximum of auth_timeout.
func (d *imageDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m imageDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.OutputType.ValueString() == vod.OutputTypeOSS && m.AuthTimeout.ValueInt64() > vod.MaxAuthTimeoutOSS {
		resp.Diagnostics.AddAttributeError(path.Root("auth_timeout"), "auth_timeout too long for an OSS URL",
			fmt.Sprintf("An OSS URL can be valid for at most %d seconds (30 days) for an image in the VOD bucket, "+
				"and 129600 seconds (36 hours) in your own OSS bucket; got %d. Use a shorter auth_timeout, or "+
				"output_type = \"cdn\", whose signed URLs have no maximum.", vod.MaxAuthTimeoutOSS, m.AuthTimeout.ValueInt64()))
	}
}

func (d *imageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil { // not yet configured (validation runs before Configure)
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	d.data = data
}

func (d *imageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m imageDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("VOD provider not configured",
			"The vod_image data source was read before the provider was configured. This is a bug in the provider; please report it.")
		return
	}
	imageID := m.ImageID.ValueString()
	ctx = d.data.readContext(ctx, imageID)
	tflog.Debug(ctx, "reading VOD image")

	img, err := d.data.client.GetImage(ctx, vod.GetImageInfoInput{
		ImageID:     imageID,
		OutputType:  m.OutputType.ValueString(),
		AuthTimeout: m.AuthTimeout.ValueInt64(),
	})
	if err != nil {
		resp.Diagnostics.Append(readImageError(imageID, d.data, err))
		return
	}

	resp.Diagnostics.Append(m.fill(img)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// imageDataSourceModel maps the vod_image schema.
type imageDataSourceModel struct {
	ImageID         types.String `tfsdk:"image_id"`
	OutputType      types.String `tfsdk:"output_type"`
	AuthTimeout     types.Int64  `tfsdk:"auth_timeout"`
	ID              types.String `tfsdk:"id"`
	URL             types.String `tfsdk:"url"`
	Status          types.String `tfsdk:"status"`
	CreationTime    types.String `tfsdk:"creation_time"`
	StorageLocation types.String `tfsdk:"storage_location"`
	CateID          types.Int64  `tfsdk:"cate_id"`
	CateName        types.String `tfsdk:"cate_name"`
	Tags            types.List   `tfsdk:"tags"`
	ImageType       types.String `tfsdk:"image_type"`
	Description     types.String `tfsdk:"description"`
	AppID           types.String `tfsdk:"app_id"`
	Title           types.String `tfsdk:"title"`
	Mezzanine       types.Object `tfsdk:"mezzanine"`
}

var mezzanineAttrTypes = map[string]attr.Type{
	"file_url":           types.StringType,
	"original_file_name": types.StringType,
	"width":              types.Int64Type,
	"height":             types.Int64Type,
	"file_size":          types.Int64Type,
}

func (m *imageDataSourceModel) fill(img *vod.Image) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(img.ImageID)
	m.URL = types.StringValue(img.URL)
	m.Status = types.StringValue(img.Status)
	m.CreationTime = types.StringValue(img.CreationTime)
	m.StorageLocation = types.StringValue(img.StorageLocation)
	m.CateID = types.Int64Value(img.CateID)
	m.CateName = types.StringValue(img.CateName)
	m.ImageType = types.StringValue(img.ImageType)
	m.Description = types.StringValue(img.Description)
	m.AppID = types.StringValue(img.AppID)
	m.Title = types.StringValue(img.Title)

	tags, d := types.ListValueFrom(context.Background(), types.StringType, img.Tags)
	diags.Append(d...)
	m.Tags = tags

	m.Mezzanine = types.ObjectNull(mezzanineAttrTypes)
	if mz := img.Mezzanine; mz != nil {
		obj, d := types.ObjectValue(mezzanineAttrTypes, map[string]attr.Value{
			"file_url":           types.StringValue(mz.FileURL),
			"original_file_name": types.StringValue(mz.OriginalFileName),
			"width":              types.Int64Value(mz.Width),
			"height":             types.Int64Value(mz.Height),
			"file_size":          types.Int64Value(mz.FileSize),
		})
		diags.Append(d...)
		m.Mezzanine = obj
	}
	return diags
}
