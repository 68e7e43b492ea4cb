package provider

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// everyField returns a vod.Image with every field set, nested ones included, each to a value of its
// own: strings "<Field>-<n>", integers n, a list of one such string, a pointer to a struct filled
// the same way. It also returns those values by field path. A field added to vod.Image or
// vod.Mezzanine is set here without an edit, so the parity tests (parityImages) and
// TestEveryImageFieldIsShown cover it at once.
func everyField() (*vod.Image, map[string]any) {
	img := &vod.Image{}
	set := map[string]any{}
	n := 0
	var fill func(path string, v reflect.Value)
	fill = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() {
					fill(path+f.Name, v.Field(i))
				}
			}
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			fill(path+".", v.Elem())
		case reflect.String:
			n++
			v.SetString(fmt.Sprintf("%s-%d", path, n))
			set[path] = v.String()
		case reflect.Int64:
			n++
			v.SetInt(int64(n))
			set[path] = int64(n)
		case reflect.Slice:
			n++
			s := fmt.Sprintf("%s-%d", path, n)
			v.Set(reflect.ValueOf([]string{s}))
			set[path] = s
		default:
			panic(fmt.Sprintf("everyField: %s is a %s; teach it this kind", path, v.Kind()))
		}
	}
	fill("", reflect.ValueOf(img).Elem())
	return img, set
}

// leaves collects every string and number in v, nested objects and lists included.
func leaves(v attr.Value, into map[any]bool) {
	switch v := v.(type) {
	case types.String:
		into[v.ValueString()] = true
	case types.Int64:
		into[v.ValueInt64()] = true
	case types.List:
		for _, e := range v.Elements() {
			leaves(e, into)
		}
	case types.Object:
		for _, a := range v.Attributes() {
			leaves(a, into)
		}
	}
}

// Every field the client reads from VOD reaches vod_image's attributes (the image ID as id): a
// field added to vod.Image or vod.Mezzanine without an attribute fails here, naming it.
func TestEveryImageFieldIsShown(t *testing.T) {
	img, set := everyField()
	m := imageModel{ID: types.StringValue(img.ImageID)}
	if d := m.fill(context.Background(), img); d.HasError() {
		t.Fatal(d)
	}
	obj, d := m.objectValue()
	if d.HasError() {
		t.Fatal(d)
	}
	shown := map[any]bool{}
	leaves(obj, shown)
	for field, value := range set {
		if !shown[value] {
			t.Errorf("vod.Image's %s (%v) is in no attribute of vod_image", field, value)
		}
	}
}
