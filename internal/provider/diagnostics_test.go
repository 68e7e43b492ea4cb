package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

func TestReadImageError(t *testing.T) {
	for name, tc := range map[string]struct {
		err         error
		wantSummary string
		wantDetail  []string
	}{
		"not found": {
			err:         &vod.APIError{Code: "NoSuchResource", HTTPStatus: 404, RequestID: "REQ-1", Message: "The specified resource does not exist."},
			wantSummary: "VOD image not found",
			wantDetail:  []string{`"img-1"`, "region cn-beijing", "request ID REQ-1"},
		},
		"wrong secret": {
			err: fmt.Errorf("wrapped: %w", &vod.APIError{Code: "SignatureDoesNotMatch", HTTPStatus: 400, RequestID: "REQ-2",
				Message: "Specified signature is not matched", Recommend: "https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch"}),
			wantSummary: "Failed to read VOD image",
			wantDetail: []string{`"img-1"`, "SignatureDoesNotMatch (HTTP 400)", "Request ID: REQ-2",
				"Recommend:  https://api.aliyun.com/troubleshoot", "secret_key"},
		},
		"throttled after retries": {
			err:         fmt.Errorf("%w (after 4 attempts)", &vod.APIError{Code: "Throttling.User", HTTPStatus: 400, RequestID: "REQ-3"}),
			wantSummary: "Failed to read VOD image",
			wantDetail:  []string{"Throttling.User", "REQ-3", "-parallelism"},
		},
		"no answer": {
			err:         errors.New("dial tcp 127.0.0.1:1: connect: connection refused"),
			wantSummary: "Failed to read VOD image",
			wantDetail:  []string{`"img-1"`, "before VOD answered", "connection refused", "Check the endpoint"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			d := readImageError("img-1", "cn-beijing", tc.err)
			if d.Summary() != tc.wantSummary {
				t.Errorf("summary = %q, want %q", d.Summary(), tc.wantSummary)
			}
			for _, want := range tc.wantDetail {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail lacks %q:\n%s", want, d.Detail())
				}
			}
		})
	}
}
