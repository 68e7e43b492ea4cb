package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// vod_image converts between its model and Terraform values by hand rather than with the
// framework's Config.Get and State.Set. Those convert through reflection and, in framework
// v1.19.0, compile a regular expression for every field of the model on every call
// (internal/reflect.isValidFieldName): with vod_image's 16 attributes and three conversions per
// data source (ValidateConfig, Read's Get and Set), that was about a quarter of the provider's CPU
// in a 1,000-image plan. The values are the same: image_raw_test.go compares both ways.

// fromConfig reads what a vod_image configuration sets (image_id, output_type and
// auth_timeout) from the raw configuration object into m, as Config.Get would.
func (m *imageModel) fromConfig(ctx context.Context, raw tftypes.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	attrs, err := objectAttributes(raw)
	if err != nil {
		diags.AddError("Configuration Read Error", configReadError(err))
		return diags
	}
	if v, err := stringAttribute(ctx, attrs, "image_id"); err != nil {
		diags.AddAttributeError(path.Root("image_id"), "Configuration Read Error", configReadError(err))
	} else {
		m.ImageID = v
	}
	if v, err := stringAttribute(ctx, attrs, "output_type"); err != nil {
		diags.AddAttributeError(path.Root("output_type"), "Configuration Read Error", configReadError(err))
	} else {
		m.OutputType = v
	}
	if v, err := int64Attribute(ctx, attrs, "auth_timeout"); err != nil {
		diags.AddAttributeError(path.Root("auth_timeout"), "Configuration Read Error", configReadError(err))
	} else {
		m.AuthTimeout = v
	}
	return diags
}

func configReadError(err error) string {
	return "An unexpected error was encountered trying to read the configuration. This is always an error in the " +
		"provider. Please report the following to the provider developer:\n\n" + err.Error()
}

// terraformValue returns m as an object of type typ (the schema's object type), as State.Set
// would store it.
func (m *imageModel) terraformValue(ctx context.Context, typ tftypes.Type) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	values := [...]struct {
		name string
		v    attr.Value
	}{
		{"image_id", m.ImageID}, {"output_type", m.OutputType}, {"auth_timeout", m.AuthTimeout}, {"id", m.ID},
		{"url", m.URL}, {"status", m.Status}, {"creation_time", m.CreationTime},
		{"storage_location", m.StorageLocation}, {"cate_id", m.CateID}, {"cate_name", m.CateName},
		{"tags", m.Tags}, {"image_type", m.ImageType}, {"description", m.Description}, {"app_id", m.AppID},
		{"title", m.Title}, {"mezzanine", m.Mezzanine},
	}
	out := make(map[string]tftypes.Value, len(values))
	for _, a := range values {
		tv, err := a.v.ToTerraformValue(ctx)
		if err != nil {
			diags.AddAttributeError(path.Root(a.name), "Value Conversion Error", stateWriteError(err))
			return tftypes.Value{}, diags
		}
		out[a.name] = tv
	}
	if err := tftypes.ValidateValue(typ, out); err != nil {
		diags.AddError("State Write Error", stateWriteError(err))
		return tftypes.Value{}, diags
	}
	return tftypes.NewValue(typ, out), diags
}

func stateWriteError(err error) string {
	return "An unexpected error was encountered trying to write the state. This is always an error in the " +
		"provider. Please report the following to the provider developer:\n\n" + err.Error()
}

// objectAttributes returns the attributes of a known object value.
func objectAttributes(raw tftypes.Value) (map[string]tftypes.Value, error) {
	if !raw.Type().Is(tftypes.Object{}) {
		return nil, fmt.Errorf("expected an object, got %s", raw.Type())
	}
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return nil, err
	}
	return attrs, nil
}

func stringAttribute(ctx context.Context, attrs map[string]tftypes.Value, name string) (types.String, error) {
	v, ok := attrs[name]
	if !ok {
		return types.String{}, fmt.Errorf("the configuration has no attribute %q", name)
	}
	av, err := types.StringType.ValueFromTerraform(ctx, v)
	if err != nil {
		return types.String{}, fmt.Errorf("%s: %w", name, err)
	}
	s, ok := av.(types.String)
	if !ok {
		return types.String{}, fmt.Errorf("%s: expected a string, got %T", name, av)
	}
	return s, nil
}

func int64Attribute(ctx context.Context, attrs map[string]tftypes.Value, name string) (types.Int64, error) {
	v, ok := attrs[name]
	if !ok {
		return types.Int64{}, fmt.Errorf("the configuration has no attribute %q", name)
	}
	av, err := types.Int64Type.ValueFromTerraform(ctx, v)
	if err != nil {
		return types.Int64{}, fmt.Errorf("%s: %w", name, err)
	}
	n, ok := av.(types.Int64)
	if !ok {
		return types.Int64{}, fmt.Errorf("%s: expected a number, got %T", name, av)
	}
	return n, nil
}
