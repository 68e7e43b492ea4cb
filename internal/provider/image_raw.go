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
	read := func(name string, err error) {
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Configuration Read Error", configReadError(err))
		}
	}
	m.ImageID, err = configAttribute[types.String](ctx, attrs, "image_id", types.StringType)
	read("image_id", err)
	m.OutputType, err = configAttribute[types.String](ctx, attrs, "output_type", types.StringType)
	read("output_type", err)
	m.AuthTimeout, err = configAttribute[types.Int64](ctx, attrs, "auth_timeout", types.Int64Type)
	read("auth_timeout", err)
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

// configAttribute converts the attribute name of attrs to T with typ, as Config.Get would.
func configAttribute[T attr.Value](ctx context.Context, attrs map[string]tftypes.Value, name string, typ attr.Type) (T, error) {
	var zero T
	v, ok := attrs[name]
	if !ok {
		return zero, fmt.Errorf("the configuration has no attribute %q", name)
	}
	av, err := typ.ValueFromTerraform(ctx, v)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", name, err)
	}
	t, ok := av.(T)
	if !ok {
		return zero, fmt.Errorf("%s: expected %T, got %T", name, zero, av)
	}
	return t, nil
}
