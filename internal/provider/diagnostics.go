package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// hints say what to do about the API error codes a user is most likely to meet.
var hints = map[string]string{
	"InvalidAccessKeyId.NotFound":    "The access key ID is not known to Alibaba Cloud: check access_key or ALIBABA_CLOUD_ACCESS_KEY_ID, and that the key has not been deleted.",
	"InvalidAccessKeyId.Inactive":    "The access key is disabled: enable it in the RAM console or use another one.",
	"SignatureDoesNotMatch":          "The access key secret does not match the access key ID: check secret_key or ALIBABA_CLOUD_ACCESS_KEY_SECRET.",
	"InvalidSecurityToken.Expired":   "The STS security token has expired: obtain new temporary credentials.",
	"InvalidSecurityToken.Malformed": "The STS security token is not valid: check security_token or ALIBABA_CLOUD_SECURITY_TOKEN, and that it belongs to the temporary access key.",
	"InvalidTimeStamp.Expired":       "The request's timestamp was rejected: check that this machine's clock is correct.",
	"Forbidden.RAM":                  "The RAM user or role lacks permission: grant it vod:GetImageInfo.",
	"Forbidden":                      "The caller is not allowed to read this image: check its RAM permissions (vod:GetImageInfo).",
	"Throttling.User":                "The account's request rate limit was reached: lower terraform's -parallelism or retry later.",
	"Throttling":                     "VOD throttled the request: lower terraform's -parallelism or retry later.",
}

// readImageError turns an error from GetImageInfo into a diagnostic that names the image and says
// what to do.
func readImageError(imageID, region string, err error) diag.Diagnostic {
	var apiErr *vod.APIError
	if !errors.As(err, &apiErr) {
		return diag.NewErrorDiagnostic("Failed to read VOD image",
			fmt.Sprintf("Reading image %q in region %s failed before VOD answered: %s\n\n"+
				"Check the endpoint and your network connection, then run terraform again.", imageID, region, err))
	}
	if vod.IsNotFound(err) {
		return diag.NewErrorDiagnostic("VOD image not found",
			fmt.Sprintf("No image with ID %q exists in region %s (request ID %s). Check the image ID, and that "+
				"the provider's region and account are the ones that hold the image.", imageID, region, apiErr.RequestID))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Reading image %q in region %s failed.\n\n", imageID, region)
	fmt.Fprintf(&b, "Code:       %s (HTTP %d)\n", apiErr.Code, apiErr.HTTPStatus)
	fmt.Fprintf(&b, "Message:    %s\n", apiErr.Message)
	fmt.Fprintf(&b, "Request ID: %s\n", apiErr.RequestID)
	if apiErr.Recommend != "" {
		fmt.Fprintf(&b, "Recommend:  %s\n", apiErr.Recommend)
	}
	if hint, ok := hints[apiErr.Code]; ok {
		fmt.Fprintf(&b, "\n%s", hint)
	}
	return diag.NewErrorDiagnostic("Failed to read VOD image", b.String())
}
