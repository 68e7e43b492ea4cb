package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ datasource.DataSourceWithConfigure        = (*imagesDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*imagesDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*imagesDataSource)(nil)
)

func newImagesDataSource() datasource.DataSource { return &imagesDataSource{} }

// imagesDataSource is vod_images: many images, listed by ID (GetImageInfos) or found by what they
// are (SearchMedia, then GetImageInfos for URLs of the asked type).
type imagesDataSource struct {
	data *providerData
}

func (d *imagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_images"
}

// The image statuses SearchMedia filters on.
var imageStatuses = []string{"Uploading", "Normal", "UploadFail"}

func (d *imagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := dataSourceImageAttributes(imageAttrs)
	item["image_id"] = schema.StringAttribute{Computed: true, Description: "ID of the image."}
	item["modification_time"] = schema.StringAttribute{Computed: true, Description: modificationTimeDescription}
	onlyWithFilter := stringvalidator.ConflictsWith(path.MatchRoot("ids"))

	resp.Schema = schema.Schema{
		Description: "Reads many ApsaraVideo VOD images at once: those listed in `ids` (with GetImageInfos, 20 " +
			"per request), or those a `filter` selects (with SearchMedia, then GetImageInfos for their URLs). " +
			"Give exactly one of `ids` and `filter`.",
		Attributes: map[string]schema.Attribute{
			"ids": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				Description: "IDs of the images to read, any number of them. `images` lists them in this order.",
				Validators:  []validator.List{listvalidator.NoNullValues(), listvalidator.ValueStringsAre(imageIDValidators...)},
			},
			"sort": schema.StringAttribute{
				Optional: true,
				Description: "Order of the images a `filter` finds, by creation time: `CreationTime:Desc` (newest " +
					"first, the default) or `CreationTime:Asc`.",
				Validators: []validator.String{stringvalidator.OneOf(vod.SortCreationTimeDesc, vod.SortCreationTimeAsc), onlyWithFilter},
			},
			"max_results": schema.Int64Attribute{
				Optional: true,
				Description: fmt.Sprintf("Most images a `filter` returns, from 1 to %d (the default): SearchMedia's "+
					"paging reaches only its first %d hits.", vod.MaxSearchResults, vod.MaxSearchResults),
				Validators: []validator.Int64{int64validator.Between(1, vod.MaxSearchResults),
					int64validator.ConflictsWith(path.MatchRoot("ids"))},
			},
			"output_type":  schema.StringAttribute{Optional: true, Description: outputTypeDescription, Validators: outputTypeValidators},
			"auth_timeout": schema.Int64Attribute{Optional: true, Description: authTimeoutDescription, Validators: authTimeoutValidators},
			"ignore_missing": schema.BoolAttribute{
				Optional: true,
				Description: "What to do when some of `ids` do not exist: `false` (the default) fails with an error " +
					"naming them; `true` leaves them out of `images` and lists them in `missing_ids`.",
			},
			"images": schema.ListNestedAttribute{
				Computed: true,
				Description: "The images: in the order of `ids`, or of `sort` for a `filter`. Each has the attributes " +
					"of the `vod_image` data source, and `modification_time` (for a `filter` only).",
				NestedObject: schema.NestedAttributeObject{Attributes: item},
			},
			"missing_ids": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				Description: "IDs of `ids` that do not exist, each once, when `ignore_missing` is `true`; otherwise empty.",
			},
			"total_count": schema.Int64Attribute{
				Computed: true,
				Description: "For a `filter`: how many images match in all, which can exceed the number in `images` " +
					"when `max_results` or the paging limit cut the list. For `ids`: the number of images found.",
			},
		},
		Blocks: map[string]schema.Block{
			"filter": schema.SingleNestedBlock{
				Description: "Selects images by what they are, with SearchMedia; every attribute given must match. " +
					"An empty block selects all images.",
				Attributes: map[string]schema.Attribute{
					"title": schema.StringAttribute{
						Optional:    true,
						Description: "Text the title contains (VOD matches titles fuzzily).",
						Validators:  []validator.String{stringvalidator.LengthAtLeast(1), noControlCharacters},
					},
					"tags": schema.ListAttribute{
						Optional:    true,
						ElementType: types.StringType,
						Description: "Tags the image must have, each of them (VOD matches tags fuzzily).",
						Validators: []validator.List{listvalidator.NoNullValues(), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1),
							noControlCharacters)},
					},
					"cate_id": schema.Int64Attribute{
						Optional:    true,
						Description: "ID of the category the image is in.",
					},
					"status": schema.ListAttribute{
						Optional:    true,
						ElementType: types.StringType,
						Description: "Statuses of which the image has one: `Uploading`, `Normal` or `UploadFail`.",
						Validators:  []validator.List{listvalidator.NoNullValues(), listvalidator.ValueStringsAre(stringvalidator.OneOf(imageStatuses...))},
					},
					"storage_location": schema.StringAttribute{
						Optional:    true,
						Description: "Bucket in which the image is stored, such as `outin-xxx.oss-cn-shanghai.aliyuncs.com`.",
						Validators:  []validator.String{stringvalidator.LengthAtLeast(1), noControlCharacters},
					},
					"app_id": schema.StringAttribute{
						Optional:    true,
						Description: "ID of the VOD application the image belongs to.",
						Validators:  []validator.String{stringvalidator.LengthAtLeast(1), noControlCharacters},
					},
					"created_after": schema.StringAttribute{
						Optional:    true,
						Description: "Earliest creation time, included, in RFC 3339 (such as `2024-01-01T00:00:00Z`).",
						Validators:  []validator.String{rfc3339},
					},
					"created_before": schema.StringAttribute{
						Optional:    true,
						Description: "Latest creation time, included, in RFC 3339 (such as `2024-12-31T23:59:59Z`).",
						Validators:  []validator.String{rfc3339},
					},
				},
			},
		},
	}
}

func (d *imagesDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("ids"), path.MatchRoot("filter"))}
}

func (d *imagesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m imagesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateAuthTimeout(m.OutputType, m.AuthTimeout)...)
	if f := m.Filter; f != nil && !f.CreatedAfter.IsUnknown() && !f.CreatedBefore.IsUnknown() {
		after, errA := time.Parse(time.RFC3339, f.CreatedAfter.ValueString())
		before, errB := time.Parse(time.RFC3339, f.CreatedBefore.ValueString())
		if errA == nil && errB == nil && after.After(before) {
			resp.Diagnostics.AddAttributeError(path.Root("filter").AtName("created_after"), "Empty creation time range",
				fmt.Sprintf("created_after (%s) is later than created_before (%s), so no image can match. Swap them.",
					f.CreatedAfter.ValueString(), f.CreatedBefore.ValueString()))
		}
	}
}

func (d *imagesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *imagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m imagesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("VOD provider not configured",
			"The vod_images data source was read before the provider was configured. This is a bug in the provider; please report it.")
		return
	}
	ctx = d.data.readContext(ctx, "")

	var ids []string
	var modified map[string]string // by image ID, from SearchMedia; nil for ids
	total := int64(-1)
	if m.Filter != nil {
		filter, diags := m.Filter.vodFilter(ctx)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		in := vod.SearchImagesInput{Filter: filter, SortBy: m.Sort.ValueString(), MaxResults: int(m.MaxResults.ValueInt64())}
		match := filter.Match()
		tflog.Trace(ctx, "searching VOD images", map[string]any{"match": match, "sort": in.SortBy})
		found, err := d.data.client.SearchImages(ctx, in)
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("the images that match %q (SearchMedia)", match),
				"Failed to search VOD images", d.data, err))
			return
		}
		ids, total, modified = found.ImageIDs, found.Total, found.ModificationTimes
		if m.MaxResults.IsNull() && total > int64(len(ids)) {
			resp.Diagnostics.AddAttributeWarning(path.Root("filter"), "Not every matching VOD image is listed",
				fmt.Sprintf("%d images match the filter, but SearchMedia's paging reaches only the first %d, so "+
					"`images` lists %d of them. Narrow the filter (created_after and created_before split the list), "+
					"or set max_results to say how many you want and silence this warning.", total, vod.MaxSearchResults, len(ids)))
		}
	} else {
		resp.Diagnostics.Append(m.IDs.ElementsAs(ctx, &ids, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	images, missing := []imagesItemModel{}, []string{}
	if len(ids) > 0 {
		tflog.Trace(ctx, "reading VOD images", map[string]any{"count": len(ids)})
		out, err := d.data.client.GetImages(ctx, ids, m.OutputType.ValueString(), m.AuthTimeout.ValueInt64())
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("%d images (GetImageInfos)", len(ids)),
				"Failed to read VOD images", d.data, err))
			return
		}
		missing = append(missing, out.Missing...)
		if m.Filter != nil && len(missing) > 0 {
			// Deleted between the search and the read: not an error of the configuration.
			tflog.Warn(ctx, "images found by the search no longer exist", map[string]any{"image_ids": missing})
			missing = []string{}
		}
		if len(missing) > 0 && !m.IgnoreMissing.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("ids"), "VOD images not found",
				fmt.Sprintf("%d of the %d IDs name no image in region %s: %s.\nVOD said so in request %s.\n\n"+
					"Check these IDs, and that the provider's region and account are the ones that hold the images; "+
					"or set ignore_missing = true to leave them out and list them in missing_ids.",
					len(missing), len(ids), d.data.region, strings.Join(missing, ", "), strings.Join(out.MissingRequestIDs, ", ")))
			return
		}
		for _, img := range out.Images {
			if img == nil {
				continue
			}
			// GetImageInfos does not return the last-modified time; SearchMedia does.
			item := imagesItemModel{ImageID: types.StringValue(img.ImageID), ModificationTime: types.StringNull()}
			if t, ok := modified[img.ImageID]; ok {
				item.ModificationTime = types.StringValue(t)
			}
			resp.Diagnostics.Append(item.fill(ctx, img)...)
			images = append(images, item)
		}
	}
	if total < 0 {
		total = int64(len(images))
	}

	m.TotalCount = types.Int64Value(total)
	var diags diag.Diagnostics
	m.Images, diags = types.ListValueFrom(ctx, imagesItemType, images)
	resp.Diagnostics.Append(diags...)
	m.MissingIDs, diags = types.ListValueFrom(ctx, types.StringType, missing)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// rfc3339 accepts timestamps such as 2024-01-01T00:00:00Z or 2024-01-01T08:00:00+08:00.
var rfc3339 = stringvalidator.RegexMatches(
	regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`),
	"must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z")

// imagesModel maps the vod_images schema.
type imagesModel struct {
	IDs           types.List   `tfsdk:"ids"`
	Filter        *filterModel `tfsdk:"filter"`
	Sort          types.String `tfsdk:"sort"`
	MaxResults    types.Int64  `tfsdk:"max_results"`
	OutputType    types.String `tfsdk:"output_type"`
	AuthTimeout   types.Int64  `tfsdk:"auth_timeout"`
	IgnoreMissing types.Bool   `tfsdk:"ignore_missing"`
	Images        types.List   `tfsdk:"images"`
	MissingIDs    types.List   `tfsdk:"missing_ids"`
	TotalCount    types.Int64  `tfsdk:"total_count"`
}

type filterModel struct {
	Title           types.String `tfsdk:"title"`
	Tags            types.List   `tfsdk:"tags"`
	CateID          types.Int64  `tfsdk:"cate_id"`
	Status          types.List   `tfsdk:"status"`
	StorageLocation types.String `tfsdk:"storage_location"`
	AppID           types.String `tfsdk:"app_id"`
	CreatedAfter    types.String `tfsdk:"created_after"`
	CreatedBefore   types.String `tfsdk:"created_before"`
}

// vodFilter converts the block, already validated, to the client's filter.
func (f *filterModel) vodFilter(ctx context.Context) (vod.ImageFilter, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := vod.ImageFilter{Title: f.Title.ValueString(), StorageLocation: f.StorageLocation.ValueString(), AppID: f.AppID.ValueString()}
	if !f.CateID.IsNull() {
		id := f.CateID.ValueInt64()
		out.CateID = &id
	}
	if !f.Tags.IsNull() {
		diags.Append(f.Tags.ElementsAs(ctx, &out.Tags, false)...)
	}
	if !f.Status.IsNull() {
		diags.Append(f.Status.ElementsAs(ctx, &out.Statuses, false)...)
	}
	for _, t := range []struct {
		name  string
		value types.String
		into  *time.Time
	}{{"created_after", f.CreatedAfter, &out.CreatedAfter}, {"created_before", f.CreatedBefore, &out.CreatedBefore}} {
		if t.value.IsNull() {
			continue
		}
		parsed, err := time.Parse(time.RFC3339, t.value.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("filter").AtName(t.name), "Invalid timestamp",
				fmt.Sprintf("%s must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z: %s", t.name, err))
		}
		*t.into = parsed
	}
	return out, diags
}

// imagesItemModel is one element of vod_images' images.
type imagesItemModel struct {
	ImageID types.String `tfsdk:"image_id"`
	imageAttrsModel
	ModificationTime types.String `tfsdk:"modification_time"`
}

// imagesItemType is the type of an element of images, built once.
var imagesItemType = func() types.ObjectType {
	attrs := attrTypes(imageAttrs)
	attrs["image_id"] = types.StringType
	attrs["modification_time"] = types.StringType
	return types.ObjectType{AttrTypes: attrs}
}()
