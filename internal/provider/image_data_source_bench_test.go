package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/provider"
)

// BenchmarkImageDataSourceRPC is what one vod_image costs the provider in a plan: the
// ValidateDataResourceConfig and ReadDataSource calls Terraform makes, through the framework's
// protocol server, with one GetImageInfo request to an emulator of the process (batch_reads off,
// so that no batching window is timed). It puts BenchmarkImageDataSourceConversion in proportion.
//
//	go test -run '^$' -bench ImageDataSourceRPC -benchmem ./internal/provider/
func BenchmarkImageDataSourceRPC(b *testing.B) {
	ctx := context.Background()
	tg := acctest.New(b)
	if tg.Emulator == nil {
		b.Skip("needs the emulator")
	}
	server, err := providerserver.NewProtocol6WithError(provider.New("bench")())()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	dynamic := func(s *tfprotov6.Schema, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
		typ := s.ValueType().(tftypes.Object) //nolint:forcetypeassert // a schema's value type is always an object
		vals := map[string]tftypes.Value{}
		for name, t := range typ.AttributeTypes {
			vals[name] = tftypes.NewValue(t, nil)
		}
		for name, v := range set {
			vals[name] = v
		}
		dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
		if err != nil {
			b.Fatal(err)
		}
		return &dv
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4",
		Config: dynamic(schemas.Provider, map[string]tftypes.Value{
			"endpoint": str(tg.Emulator.URL), "region": str(acctest.EmulatorRegion),
			"access_key": str(acctest.EmulatorAccessKeyID), "secret_key": str(acctest.EmulatorAccessKeySecret),
			"batch_reads": tftypes.NewValue(tftypes.Bool, false),
		}),
	})
	if err != nil || hasError(configured.Diagnostics) {
		b.Fatal(err, configured.Diagnostics)
	}
	config := dynamic(schemas.DataSourceSchemas["vod_image"], map[string]tftypes.Value{
		"image_id": str(acctest.ImageCDN), "output_type": str("cdn"), "auth_timeout": tftypes.NewValue(tftypes.Number, 600),
	})
	b.ReportAllocs()
	for b.Loop() {
		v, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "vod_image", Config: config})
		if err != nil || hasError(v.Diagnostics) {
			b.Fatal(err, v.Diagnostics)
		}
		r, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "vod_image", Config: config})
		if err != nil || hasError(r.Diagnostics) {
			b.Fatal(err, r.Diagnostics)
		}
	}
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
