package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
// are (SearchMedia, then GetImageInfos for URLs of the asked type). Its schema is in
// images_schema.go, its model in images_model.go.
type imagesDataSource struct {
	data *providerData
}

func (d *imagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_images"
}

func (d *imagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = imagesDataSourceSchema()
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
	if m.Filter != nil {
		resp.Diagnostics.Append(m.Filter.validateRange(path.Root("filter"))...)
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
		filter, diags := m.Filter.vodFilter(ctx, path.Root("filter"))
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

	images, missing := []*vod.Image{}, []string{}
	if len(ids) > 0 {
		tflog.Trace(ctx, "reading VOD images", map[string]any{"count": len(ids)})
		out, err := d.data.client.GetImages(ctx, vod.GetImagesInput{ImageIDs: ids, OutputType: m.OutputType.ValueString(), AuthTimeout: m.AuthTimeout.ValueInt64()})
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
			if img != nil {
				images = append(images, img)
			}
		}
	}
	if total < 0 {
		total = int64(len(images))
	}

	m.TotalCount = types.Int64Value(total)
	var diags diag.Diagnostics
	m.Images, diags = imagesList(ctx, images, modified)
	resp.Diagnostics.Append(diags...)
	m.MissingIDs = stringList(missing)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
