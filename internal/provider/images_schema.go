package provider

import (
	"fmt"
	"maps"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// The image statuses SearchMedia filters on.
var imageStatuses = []string{"Uploading", "Normal", "UploadFail"}

// imagesItemAttributes are the attributes of an element of vod_images' images: vod_image's computed
// attributes (imageAttributes), its image_id and the modification time SearchMedia reports.
func imagesItemAttributes() map[string]schema.Attribute {
	item := maps.Clone(imageAttributes)
	item["image_id"] = schema.StringAttribute{Computed: true, Description: "ID of the image."}
	item["modification_time"] = schema.StringAttribute{Computed: true, Description: modificationTimeDescription}
	return item
}

// imagesDataSourceSchema is the schema of vod_images.
func imagesDataSourceSchema() schema.Schema {
	onlyWithFilter := stringvalidator.ConflictsWith(path.MatchRoot("ids"))

	return schema.Schema{
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
				Description: "The images: in the order of `ids`, or of `sort` for a `filter`. Each has the computed " +
					"attributes of the `vod_image` data source, with `image_id` where `vod_image` has `id`, and " +
					"`modification_time` (for a `filter` only).",
				NestedObject: schema.NestedAttributeObject{Attributes: imagesItemAttributes()},
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
				Attributes: imageFilterAttributes(),
			},
		},
	}
}

// imageFilterAttributes are the attributes that select images by what they are (SearchMedia's
// Match): those of vod_images' filter block, and the arguments of the vod_image list resource.
func imageFilterAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
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
			Optional: true,
			Description: "ID of the category the image is in, such as `vod_category.<name>.id`, or " +
				"`data.vod_categories.<name>.id` for a category found by name or path.",
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
	}
}

// rfc3339 accepts timestamps such as 2024-01-01T00:00:00Z or 2024-01-01T08:00:00+08:00.
var rfc3339 = stringvalidator.RegexMatches(
	regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`),
	"must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z")
