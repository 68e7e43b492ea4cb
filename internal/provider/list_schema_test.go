package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The provider serves both list resources, and the vod_image list resource's arguments are
// vod_images' filter attributes: the same names, types, descriptions and optionality, so that the
// two cannot drift apart.
func TestImageListArgumentsAreTheFilters(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatal(err, resp.Diagnostics)
	}
	var names []string
	for name := range resp.ListResourceSchemas {
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"vod_category", "vod_image"}) {
		t.Fatalf("list resources served: %v, want vod_category and vod_image", names)
	}
	var filter *tfprotov6.SchemaNestedBlock
	for _, b := range resp.DataSourceSchemas["vod_images"].Block.BlockTypes {
		if b.TypeName == "filter" {
			filter = b
		}
	}
	if filter == nil {
		t.Fatal("vod_images has no filter block")
	}
	list := map[string]*tfprotov6.SchemaAttribute{}
	for _, a := range resp.ListResourceSchemas["vod_image"].Block.Attributes {
		list[a.Name] = a
	}
	if len(list) != len(filter.Block.Attributes) {
		t.Errorf("the list resource has %d arguments, the filter block %d", len(list), len(filter.Block.Attributes))
	}
	for _, want := range filter.Block.Attributes {
		got, ok := list[want.Name]
		switch {
		case !ok:
			t.Errorf("the vod_image list resource has no %q argument", want.Name)
		case !got.Type.Equal(want.Type) || got.Description != want.Description || got.Optional != want.Optional || got.Required != want.Required:
			t.Errorf("%s: list resource %+v, filter %+v", want.Name, got, want)
		}
	}
}

// uploadImageType maps every ImageType GetImageInfo documents (and the upload forms the emulator
// keeps) to a value vod_image's image_type accepts.
func TestUploadImageType(t *testing.T) {
	for in, want := range map[string]string{
		"CoverSnapshot": "cover", "cover": "cover", "NormalSnapshot": "default", "SpriteSnapshot": "default",
		"SpriteOriginSnapshot": "default", "default": "default", "": "default",
	} {
		if got := uploadImageType(in); got != want {
			t.Errorf("uploadImageType(%q) = %q, want %q", in, got, want)
		}
	}
}
