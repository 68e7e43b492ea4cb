package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// The benchmarks of the conversion between vod_image's model and Terraform values: what one data
// source costs the provider besides the API call (ValidateConfig reads the configuration, Read
// reads it again and writes the state), and what vod_images' elements cost.
//
//	go test -run '^$' -bench 'Image' -benchmem ./internal/provider/

var benchImage = &vod.Image{ImageID: "be4c0000000000000000000000000001", URL: "https://cdn.example/x.jpg?auth_key=1",
	Status: "Normal", CreationTime: "2024-03-01T08:15:00Z", StorageLocation: "outin.oss", CateID: 7, CateName: "covers",
	Tags: []string{"a", "b"}, ImageType: "default", Description: "d", AppID: "app-1", Title: "t",
	Mezzanine: &vod.Mezzanine{FileURL: "https://oss/x.jpg", OriginalFileName: "x.jpg", Width: 1, Height: 2, FileSize: 3}}

func benchConfig(b *testing.B) (datasource.SchemaResponse, tftypes.Value) {
	b.Helper()
	var ds datasource.SchemaResponse
	newImageDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &ds)
	obj, ok := ds.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		b.Fatal("the schema's type is not an object")
	}
	return ds, configValue(obj, map[string]tftypes.Value{
		"image_id":     tftypes.NewValue(tftypes.String, benchImage.ImageID),
		"output_type":  tftypes.NewValue(tftypes.String, "cdn"),
		"auth_timeout": tftypes.NewValue(tftypes.Number, 600),
	})
}

// BenchmarkImageDataSourceConversion converts as vod_image does: the configuration read twice,
// the state written once.
func BenchmarkImageDataSourceConversion(b *testing.B) {
	ctx := context.Background()
	ds, raw := benchConfig(b)
	b.Run("provider", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, d := convertImage(ctx, ds.Schema, raw, benchImage); d.HasError() {
				b.Fatal(d)
			}
		}
	})
	// The framework's struct reflection, for comparison: what the provider avoids.
	b.Run("framework reflection", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			config := tfsdk.Config{Raw: raw, Schema: ds.Schema}
			var m imageModel
			if d := config.Get(ctx, &m); d.HasError() {
				b.Fatal(d)
			}
			if d := config.Get(ctx, &m); d.HasError() {
				b.Fatal(d)
			}
			m.ID = types.StringValue(benchImage.ImageID)
			m.fill(ctx, benchImage)
			state := tfsdk.State{Schema: ds.Schema, Raw: tftypes.NewValue(raw.Type(), nil)}
			if d := state.Set(ctx, &m); d.HasError() {
				b.Fatal(d)
			}
		}
	})
}

// BenchmarkImagesElements builds vod_images' images list of n images.
func BenchmarkImagesElements(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1000} {
		images := make([]*vod.Image, n)
		for i := range images {
			img := *benchImage
			img.ImageID = fmt.Sprintf("%032x", i)
			images[i] = &img
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, d := imagesList(ctx, images, nil); d.HasError() {
					b.Fatal(d)
				}
			}
		})
	}
}

// convertImage is vod_image's conversion: ValidateConfig's and Read's reads of the configuration,
// and Read's write of the state.
func convertImage(ctx context.Context, schema dschema.Schema, raw tftypes.Value, img *vod.Image) (tftypes.Value, diag.Diagnostics) {
	config := tfsdk.Config{Raw: raw, Schema: schema}
	if d := validateImageConfig(ctx, config); d.HasError() {
		return tftypes.Value{}, d
	}
	var m imageModel
	if d := m.readConfig(ctx, config); d.HasError() {
		return tftypes.Value{}, d
	}
	m.ID = types.StringValue(img.ImageID)
	if d := m.fill(ctx, img); d.HasError() {
		return tftypes.Value{}, d
	}
	obj, d := m.objectValue()
	if d.HasError() {
		return tftypes.Value{}, d
	}
	state := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(raw.Type(), nil)}
	d = state.Set(ctx, obj)
	return state.Raw, d
}
