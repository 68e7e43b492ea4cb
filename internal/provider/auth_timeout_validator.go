package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// authTimeoutAtLeastOne rejects an auth_timeout below 1 second saying what the value is, as the
// OSS maximum's message does, where the framework's int64validator.AtLeast(1) says only "must be
// at least 1".
type authTimeoutAtLeastOne struct{}

func (authTimeoutAtLeastOne) Description(context.Context) string {
	return "value must be at least 1 (seconds the signed URL stays valid)"
}

func (v authTimeoutAtLeastOne) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (authTimeoutAtLeastOne) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueInt64() >= 1 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "auth_timeout too short",
		fmt.Sprintf("auth_timeout is how long the signed URL stays valid, in seconds: at least 1 second; got %d. "+
			"Leave it unset for the default, or give the number of "+
			"seconds the URL must work for, such as 3600 for an hour or 86400 for a day.", req.ConfigValue.ValueInt64()))
}
