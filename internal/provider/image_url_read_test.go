package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// A vod_image_url whose image was deleted outside Terraform leaves the state with a warning that
// names the image and says why the plan creates it again; one whose image exists stays, silently.
func TestImageURLReadOfADeletedImage(t *testing.T) {
	const keyID, secret, kept = "LTAI5tReadTestKey0001", "read-test-secret", "3e34733b40b9a96ccf5c1ff6f69a0d01"
	emu, err := vodemu.Start(vodemu.Options{AccessKeyID: keyID, AccessKeySecret: secret, Images: []vodemu.Image{{ImageInfo: vodemu.ImageInfo{
		ImageID: kept, Status: "Normal", StorageLocation: "outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com",
		URL: "https://outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com/image/default/kept.png",
	}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	str := func(s string) *string { return &s }
	cred, err := credentials.NewCredential(&credentials.Config{Type: str("access_key"), AccessKeyId: str(keyID), AccessKeySecret: str(secret)})
	if err != nil {
		t.Fatal(err)
	}
	client, err := vod.New(vod.Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: cred})
	if err != nil {
		t.Fatal(err)
	}
	r := &imageURLResource{data: &providerData{client: client, region: "cn-shanghai", endpoint: emu.URL}}

	var sresp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(context.Background()).(tftypes.Object) //nolint:forcetypeassert // a schema's type is always an object
	read := func(imageID string) *resource.ReadResponse {
		vals := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			vals[name] = tftypes.NewValue(at, nil)
		}
		vals["image_id"], vals["id"] = tftypes.NewValue(tftypes.String, imageID), tftypes.NewValue(tftypes.String, imageID)
		vals["url"] = tftypes.NewValue(tftypes.String, "https://stored.example/u")
		vals["auth_timeout"], vals["renew_before"] = tftypes.NewValue(tftypes.Number, 3600), tftypes.NewValue(tftypes.Number, 1800)
		vals["expires_at"], vals["renew_at"] = tftypes.NewValue(tftypes.String, "2099-01-01T01:00:00Z"), tftypes.NewValue(tftypes.String, "2099-01-01T00:30:00Z")
		state := tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, vals)}
		resp := &resource.ReadResponse{State: state}
		r.Read(context.Background(), resource.ReadRequest{State: state}, resp)
		return resp
	}

	const gone = "3e34733b40b9a96ccf5c1ff6f69a0d02"
	resp := read(gone)
	if !resp.State.Raw.IsNull() {
		t.Error("the URL of a deleted image stays in the state")
	}
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("want one warning: %v", resp.Diagnostics)
	}
	w := resp.Diagnostics[0]
	for _, want := range []string{`Image "` + gone + `" no longer exists in region cn-shanghai`, "deleted outside Terraform",
		"the plan creates it again", "remove the resource"} {
		if !strings.Contains(w.Summary()+" "+w.Detail(), want) {
			t.Errorf("the warning lacks %q: %s: %s", want, w.Summary(), w.Detail())
		}
	}

	if resp := read(kept); resp.State.Raw.IsNull() || len(resp.Diagnostics) != 0 {
		t.Errorf("an existing image: state null %v, diagnostics %v", resp.State.Raw.IsNull(), resp.Diagnostics)
	}
}
