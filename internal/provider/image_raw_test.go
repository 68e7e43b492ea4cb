package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// imageObjectTypes are the Terraform object types of vod_image's schemas, as the framework builds them.
func imageObjectTypes(t *testing.T) map[string]tftypes.Object {
	t.Helper()
	ctx := context.Background()
	var ds datasource.SchemaResponse
	newImageDataSource().Schema(ctx, datasource.SchemaRequest{}, &ds)
	var eph ephemeral.SchemaResponse
	newImageEphemeral().Schema(ctx, ephemeral.SchemaRequest{}, &eph)
	out := map[string]tftypes.Object{}
	for name, typ := range map[string]tftypes.Type{
		"data source": ds.Schema.Type().TerraformType(ctx),
		"ephemeral":   eph.Schema.Type().TerraformType(ctx),
	} {
		obj, ok := typ.(tftypes.Object)
		if !ok {
			t.Fatalf("%s schema type is %T", name, typ)
		}
		out[name] = obj
	}
	return out
}

// configValue is a vod_image configuration: the given arguments, every computed attribute null.
func configValue(obj tftypes.Object, args map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, typ := range obj.AttributeTypes {
		vals[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range args {
		vals[name] = v
	}
	return tftypes.NewValue(obj, vals)
}

// TestImageModelMatchesFramework checks that fromConfig and terraformValue give what the
// framework's Config.Get and State.Set give, which they replace for speed.
func TestImageModelMatchesFramework(t *testing.T) {
	ctx := context.Background()
	configs := map[string]map[string]tftypes.Value{
		"all set": {
			"image_id":     tftypes.NewValue(tftypes.String, "be4c0000000000000000000000000001"),
			"output_type":  tftypes.NewValue(tftypes.String, "cdn"),
			"auth_timeout": tftypes.NewValue(tftypes.Number, 600),
		},
		"only image_id": {"image_id": tftypes.NewValue(tftypes.String, "abc")},
		"unknown": {
			"image_id":     tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"output_type":  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"auth_timeout": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue),
		},
	}
	images := map[string]*vod.Image{
		"full": {ImageID: "be4c0000000000000000000000000001", URL: "https://cdn.example/x.jpg?auth_key=1", Status: "Normal",
			CreationTime: "2024-03-01T08:15:00Z", StorageLocation: "outin.oss", CateID: 7, CateName: "covers",
			Tags: []string{"a", "b"}, ImageType: "default", Description: "d", AppID: "app-1", Title: "t",
			Mezzanine: &vod.Mezzanine{FileURL: "https://oss/x.jpg", OriginalFileName: "x.jpg", Width: 1, Height: 2, FileSize: 3}},
		"no tags, no mezzanine": {ImageID: "abc", Tags: []string{}},
		"nil tags":              {ImageID: "abc"},
	}
	for schemaName, obj := range imageObjectTypes(t) {
		var ds datasource.SchemaResponse
		newImageDataSource().Schema(ctx, datasource.SchemaRequest{}, &ds)
		for configName, args := range configs {
			raw := configValue(obj, args)
			var want, got imageModel
			if d := (tfsdk.Config{Raw: raw, Schema: ds.Schema}).Get(ctx, &want); d.HasError() {
				t.Fatalf("Config.Get: %v", d)
			}
			if d := got.fromConfig(ctx, raw); d.HasError() {
				t.Fatalf("%s, %s: fromConfig: %v", schemaName, configName, d)
			}
			if !got.ImageID.Equal(want.ImageID) || !got.OutputType.Equal(want.OutputType) || !got.AuthTimeout.Equal(want.AuthTimeout) {
				t.Errorf("%s, %s: fromConfig = %v, Config.Get = %v", schemaName, configName, got, want)
			}

			for imageName, img := range images {
				m := got
				m.ID = types.StringValue(img.ImageID)
				if d := m.fill(ctx, img); d.HasError() {
					t.Fatalf("fill: %v", d)
				}
				state := tfsdk.State{Schema: ds.Schema, Raw: tftypes.NewValue(obj, nil)}
				if d := state.Set(ctx, &m); d.HasError() {
					t.Fatalf("State.Set: %v", d)
				}
				v, d := m.terraformValue(ctx, raw.Type())
				if d.HasError() {
					t.Fatalf("%s, %s, %s: terraformValue: %v", schemaName, configName, imageName, d)
				}
				if !v.Equal(state.Raw) {
					t.Errorf("%s, %s, %s: terraformValue =\n%s\nState.Set =\n%s", schemaName, configName, imageName, v, state.Raw)
				}
			}
		}
	}
}

func TestStringListMatchesListValueFrom(t *testing.T) {
	ctx := context.Background()
	for _, ss := range [][]string{nil, {}, {"a"}, {"a", "b", ""}} {
		want, d := types.ListValueFrom(ctx, types.StringType, ss)
		if d.HasError() {
			t.Fatal(d)
		}
		if got := stringList(ss); !got.Equal(want) {
			t.Errorf("stringList(%#v) = %v, ListValueFrom = %v", ss, got, want)
		}
	}
}

func TestImageModelErrors(t *testing.T) {
	ctx := context.Background()
	var m imageModel
	if d := m.fromConfig(ctx, tftypes.NewValue(tftypes.String, "x")); !d.HasError() {
		t.Error("fromConfig of a string: no error")
	}
	obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"image_id": tftypes.String}}
	if d := m.fromConfig(ctx, tftypes.NewValue(obj, map[string]tftypes.Value{"image_id": tftypes.NewValue(tftypes.String, "x")})); !d.HasError() {
		t.Error("fromConfig without output_type: no error")
	}
	m.fill(ctx, &vod.Image{ImageID: "x"})
	if _, d := m.terraformValue(ctx, obj); !d.HasError() {
		t.Error("terraformValue of the wrong type: no error")
	}
}
