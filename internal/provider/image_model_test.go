package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

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

// imageSchema is one of vod_image's schemas, with the framework's configuration and state of it.
type imageSchema struct {
	typ    attr.Type
	config func(raw tftypes.Value) tfsdk.Config
	state  func() tfsdk.State
}

// imageSchemas are vod_image's schemas: the data source's and the ephemeral resource's.
func imageSchemas(t *testing.T) map[string]imageSchema {
	t.Helper()
	ctx := context.Background()
	var ds datasource.SchemaResponse
	newImageDataSource().Schema(ctx, datasource.SchemaRequest{}, &ds)
	var eph ephemeral.SchemaResponse
	newImageEphemeral().Schema(ctx, ephemeral.SchemaRequest{}, &eph)
	// Result.Set of the ephemeral resource is the same Set on the same data as State.Set.
	return map[string]imageSchema{
		"data source": {ds.Schema.Type(),
			func(raw tftypes.Value) tfsdk.Config { return tfsdk.Config{Raw: raw, Schema: ds.Schema} },
			func() tfsdk.State {
				return tfsdk.State{Schema: ds.Schema, Raw: tftypes.NewValue(ds.Schema.Type().TerraformType(ctx), nil)}
			}},
		"ephemeral": {eph.Schema.Type(),
			func(raw tftypes.Value) tfsdk.Config { return tfsdk.Config{Raw: raw, Schema: eph.Schema} },
			func() tfsdk.State {
				return tfsdk.State{Schema: eph.Schema, Raw: tftypes.NewValue(eph.Schema.Type().TerraformType(ctx), nil)}
			}},
	}
}

// parityImages are images the parity tests convert: one with every field set (everyField), and
// ones without the optional parts.
var parityImages = map[string]*vod.Image{
	"every field":           func() *vod.Image { img, _ := everyField(); return img }(),
	"no tags, no mezzanine": {ImageID: "abc", Tags: []string{}},
	"nil tags":              {ImageID: "abc"},
}

// TestImageModelMatchesFramework checks that readConfig and objectValue give what the framework's
// struct conversion (Config.Get and State.Set of the model) gives, which they replace for speed.
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
	for schemaName, schema := range imageSchemas(t) {
		obj, ok := schema.typ.TerraformType(ctx).(tftypes.Object)
		if !ok {
			t.Fatalf("%s schema type is not an object", schemaName)
		}
		if !schema.typ.Equal(imageObjectType) {
			t.Errorf("%s schema type = %s, imageObjectType = %s", schemaName, schema.typ, imageObjectType)
		}
		for configName, args := range configs {
			config := schema.config(configValue(obj, args))
			var want, got imageModel
			if d := config.Get(ctx, &want); d.HasError() {
				t.Fatalf("Config.Get: %v", d)
			}
			if d := got.readConfig(ctx, config); d.HasError() {
				t.Fatalf("%s, %s: readConfig: %v", schemaName, configName, d)
			}
			if !got.ImageID.Equal(want.ImageID) || !got.OutputType.Equal(want.OutputType) || !got.AuthTimeout.Equal(want.AuthTimeout) {
				t.Errorf("%s, %s: readConfig = %v, Config.Get = %v", schemaName, configName, got, want)
			}

			for imageName, img := range parityImages {
				m := got
				m.ID = types.StringValue(img.ImageID)
				if d := m.fill(ctx, img); d.HasError() {
					t.Fatalf("fill: %v", d)
				}
				wantState := schema.state()
				if d := wantState.Set(ctx, &m); d.HasError() {
					t.Fatalf("State.Set of the model: %v", d)
				}
				v, d := m.objectValue()
				if d.HasError() {
					t.Fatalf("%s, %s, %s: objectValue: %v", schemaName, configName, imageName, d)
				}
				gotState := schema.state()
				if d := gotState.Set(ctx, v); d.HasError() {
					t.Fatalf("%s, %s, %s: State.Set of objectValue: %v", schemaName, configName, imageName, d)
				}
				if !gotState.Raw.Equal(wantState.Raw) {
					t.Errorf("%s, %s, %s: objectValue =\n%s\nState.Set of the model =\n%s", schemaName, configName, imageName,
						gotState.Raw, wantState.Raw)
				}
			}
		}
	}
}

// TestImagesListMatchesFramework checks that imagesList gives what the framework's reflection
// (ListValueFrom of the element models) gives, and the type of images in vod_images' schema.
func TestImagesListMatchesFramework(t *testing.T) {
	ctx := context.Background()
	itemType := imagesDataSourceSchema().Attributes["images"].GetType().(types.ListType).ElemType //nolint:forcetypeassert // images is a list attribute by the schema
	if !itemType.Equal(imagesItemType) {
		t.Errorf("images element type = %s, imagesItemType = %s", itemType, imagesItemType)
	}
	var images []*vod.Image
	for _, img := range parityImages {
		images = append(images, img)
	}
	for name, modified := range map[string]map[string]string{
		"by ids":   nil,
		"a filter": {"abc": "2024-03-02T00:00:00Z"},
	} {
		var items []imagesItemModel
		for _, img := range images {
			item := imagesItemModel{ImageID: types.StringValue(img.ImageID), ModificationTime: types.StringNull()}
			if mt, ok := modified[img.ImageID]; ok {
				item.ModificationTime = types.StringValue(mt)
			}
			item.fill(ctx, img)
			items = append(items, item)
		}
		want, d := types.ListValueFrom(ctx, imagesItemType, items)
		if d.HasError() {
			t.Fatal(d)
		}
		got, d := imagesList(ctx, images, modified)
		if d.HasError() {
			t.Fatal(d)
		}
		if !got.Equal(want) {
			t.Errorf("%s: imagesList =\n%s\nListValueFrom =\n%s", name, got, want)
		}
	}
	if got, d := imagesList(ctx, []*vod.Image{}, nil); d.HasError() || got.IsNull() || len(got.Elements()) != 0 {
		t.Errorf("imagesList of none = %v, %v; want an empty list", got, d)
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

// TestImageModelErrors checks that a configuration or state of another shape is an error, not a panic.
func TestImageModelErrors(t *testing.T) {
	ctx := context.Background()
	obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"image_id": tftypes.String}}
	sch := dschema.Schema{Attributes: map[string]dschema.Attribute{"image_id": dschema.StringAttribute{Required: true}}}
	config := tfsdk.Config{Raw: tftypes.NewValue(obj, map[string]tftypes.Value{"image_id": tftypes.NewValue(tftypes.String, "x")}), Schema: sch}
	var m imageModel
	if d := m.readConfig(ctx, config); !d.HasError() {
		t.Error("readConfig without output_type: no error")
	}
	m.fill(ctx, &vod.Image{ImageID: "x"})
	v, d := m.objectValue()
	if d.HasError() {
		t.Fatal(d)
	}
	state := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(obj, nil)}
	if d := state.Set(ctx, v); !d.HasError() {
		t.Error("State.Set of the wrong type: no error")
	}
}

// TestEphemeralSchemaMatchesDataSource checks that ephemeralAttributes keeps every attribute of the
// data source's schema, with its type, description and flags, nested attributes included.
func TestEphemeralSchemaMatchesDataSource(t *testing.T) {
	ds, eph := imageDataSourceSchema(), imageEphemeralSchema()
	if !ds.Type().Equal(eph.Type()) {
		t.Errorf("ephemeral type = %s, data source type = %s", eph.Type(), ds.Type())
	}
	type flags struct {
		desc                                    string
		required, optional, computed, sensitive bool
	}
	type attribute interface {
		GetDescription() string
		IsRequired() bool
		IsOptional() bool
		IsComputed() bool
		IsSensitive() bool
	}
	flagsOf := func(a attribute) flags {
		return flags{a.GetDescription(), a.IsRequired(), a.IsOptional(), a.IsComputed(), a.IsSensitive()}
	}
	if len(ds.Attributes) != len(eph.Attributes) {
		t.Errorf("ephemeral has %d attributes, data source %d", len(eph.Attributes), len(ds.Attributes))
	}
	for name, d := range ds.Attributes {
		e, ok := eph.Attributes[name]
		if !ok {
			t.Errorf("ephemeral schema lacks %s", name)
			continue
		}
		if flagsOf(d) != flagsOf(e) {
			t.Errorf("%s: ephemeral %+v, data source %+v", name, flagsOf(e), flagsOf(d))
		}
		dn, dok := d.(dschema.SingleNestedAttribute)
		en, eok := e.(eschema.SingleNestedAttribute)
		if dok != eok {
			t.Errorf("%s: nested in one schema only", name)
			continue
		}
		for sub, da := range dn.Attributes {
			if ea, ok := en.Attributes[sub]; !ok || flagsOf(da) != flagsOf(ea) {
				t.Errorf("%s.%s: ephemeral %v, data source %+v", name, sub, ea, flagsOf(da))
			}
		}
	}
}
