package provider

import (
	"fmt"

	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	lschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
)

// listAttributes turns optional data-source arguments into the same arguments of a list resource's
// config block: one description and one set of validators for both (the framework has a schema
// package per kind of block). Only the kinds the list resources take are converted; any other
// panics, which every schema test shows at once.
func listAttributes(attrs map[string]dschema.Attribute) map[string]lschema.Attribute {
	out := make(map[string]lschema.Attribute, len(attrs))
	for name, a := range attrs {
		switch a := a.(type) {
		case dschema.StringAttribute:
			out[name] = lschema.StringAttribute{Optional: a.Optional, Required: a.Required, Description: a.Description,
				MarkdownDescription: a.MarkdownDescription, Validators: a.Validators}
		case dschema.Int64Attribute:
			out[name] = lschema.Int64Attribute{Optional: a.Optional, Required: a.Required, Description: a.Description,
				MarkdownDescription: a.MarkdownDescription, Validators: a.Validators}
		case dschema.BoolAttribute:
			out[name] = lschema.BoolAttribute{Optional: a.Optional, Required: a.Required, Description: a.Description,
				MarkdownDescription: a.MarkdownDescription, Validators: a.Validators}
		case dschema.ListAttribute:
			out[name] = lschema.ListAttribute{Optional: a.Optional, Required: a.Required, ElementType: a.ElementType,
				Description: a.Description, MarkdownDescription: a.MarkdownDescription, Validators: a.Validators}
		default:
			panic(fmt.Sprintf("listAttributes: %s is a %T, which has no conversion", name, a))
		}
	}
	return out
}
