package vodemu

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The emulator's wire types (messages.go) have every field of the answers' models, nested ones
// included: a field Alibaba adds to GetImageInfo's ImageInfo or its Mezzanine, once models.json is
// refreshed, fails here until it is a line in messages.go. (TestConformance checks the other way:
// that every field the emulator sends is in the model.)
func TestWireTypesHaveEveryModelField(t *testing.T) {
	models := loadModels(t)
	for _, tc := range []struct {
		action, field string
		wire          reflect.Type
	}{
		{"GetImageInfo", "ImageInfo", reflect.TypeFor[ImageInfo]()},
		{"GetImageInfos", "ImageInfo", reflect.TypeFor[ImageInfo]()},
	} {
		resp, ok := models[tc.action].Response.(map[string]any)
		if !ok {
			t.Fatalf("%s: the model's response is not an object", tc.action)
		}
		model := resp[tc.field]
		if list, ok := model.([]any); ok && len(list) == 1 {
			model = list[0]
		}
		for _, missing := range missingFields(tc.action+"."+tc.field, model, tc.wire) {
			t.Errorf("the model has %s; the emulator's wire type does not", missing)
		}
	}
}

// missingFields lists the fields of an object model (field name to type name, or to a nested
// model) that wire, a struct, has no json field for, recursively.
func missingFields(path string, model any, wire reflect.Type) []string {
	obj, ok := model.(map[string]any)
	if !ok {
		return nil
	}
	if wire.Kind() == reflect.Pointer {
		wire = wire.Elem()
	}
	byName := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(wire) {
		if name := strings.Split(f.Tag.Get("json"), ",")[0]; name != "" && name != "-" {
			byName[name] = f.Type
		}
	}
	var missing []string
	for name, sub := range obj {
		typ, ok := byName[name]
		if !ok {
			missing = append(missing, path+"."+name)
			continue
		}
		missing = append(missing, missingFields(path+"."+name, sub, typ)...)
	}
	slices.Sort(missing)
	return missing
}
