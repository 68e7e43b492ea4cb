package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const imageURLAuthTimeoutDescription = "Validity period of the URL, in seconds, at least 1; default 3600, always sent " +
	"to VOD so that `expires_at` is known. For `cdn` it applies only when URL signing is enabled and has no maximum. " +
	"For `oss` it applies only to private buckets, with a maximum of 2592000 (30 days) for the VOD bucket or " +
	"129600 (36 hours) for your own OSS bucket; a bucket that signs with OSS signature V4 (accounts from " +
	"2025-03-01, buckets from 2025-09-01) returns URLs of at most 604800 seconds (7 days), which the apply " +
	"warns about once. Changing it replaces the URL."

// imageURLResourceSchema is the schema of vod_image_url; its arguments share vod_image's
// descriptions and validators (image_schema.go).
func imageURLResourceSchema() schema.Schema {
	replaceString := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	replaceInt64 := []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	return schema.Schema{
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
					"If the URL holds no longer than this (a V4 OSS URL cut to 7 days), `renew_at` is half-way through " +
					"the URL's real validity instead. " +
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
				Description: "When `url` expires, in RFC 3339, UTC (such as `2024-05-01T12:00:00Z`): the time the " +
					"provider sent the request plus `auth_timeout`, or the expiry an OSS URL states if that is earlier " +
					"(V1 `Expires`, or V4 `x-oss-date` + `x-oss-expires`, at most 7 days). A URL " +
					"that is not signed (a public bucket, CDN without URL signing) does not expire; it is renewed " +
					"all the same."},
			"renew_at": schema.StringAttribute{Computed: true,
				Description: "When the URL is due for renewal, in RFC 3339, UTC (such as `2024-05-01T11:30:00Z`): " +
					"`expires_at` minus `renew_before`, or half-way through the URL's validity if it holds no longer " +
					"than `renew_before`. " +
					"The first plan at or after this time replaces the resource."},
		},
	}
}
