package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// computed is a computed attribute of a nested object read from a T of the vod client: its schema
// (a data-source attribute, as imageAttributes are) and the value it takes from a T, side by side,
// so that one entry describes it once and fills it. mezzanineAttributes are these.
type computed[T any] struct {
	schema dschema.Attribute
	value  func(*T) attr.Value
}

// computedString is a computed string attribute with this description and value.
func computedString[T any](description string, get func(*T) string) computed[T] {
	return computed[T]{
		schema: dschema.StringAttribute{Computed: true, Description: description},
		value:  func(t *T) attr.Value { return types.StringValue(get(t)) },
	}
}

// computedInt64 is a computed number attribute with this description and value.
func computedInt64[T any](description string, get func(*T) int64) computed[T] {
	return computed[T]{
		schema: dschema.Int64Attribute{Computed: true, Description: description},
		value:  func(t *T) attr.Value { return types.Int64Value(get(t)) },
	}
}

// computedSchemas are the schemas of attrs, for a nested attribute's Attributes.
func computedSchemas[T any](attrs map[string]computed[T]) map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(attrs))
	for name, a := range attrs {
		out[name] = a.schema
	}
	return out
}

// computedObject is the object of typ (the nested attribute's type) that attrs take from t; null
// when t is nil.
func computedObject[T any](typ types.ObjectType, attrs map[string]computed[T], t *T) (types.Object, diag.Diagnostics) {
	if t == nil {
		return types.ObjectNull(typ.AttrTypes), nil
	}
	values := make(map[string]attr.Value, len(attrs))
	for name, a := range attrs {
		values[name] = a.value(t)
	}
	return types.ObjectValue(typ.AttrTypes, values)
}
