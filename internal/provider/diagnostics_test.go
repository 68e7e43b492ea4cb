package provider

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

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
		"throttled for the whole budget": {
			err: &vod.APIError{Action: "GetImageInfos", Code: "Throttling.User", HTTPStatus: 400, RequestID: "REQ-3",
				Attempts: 17, Throttled: 29870 * time.Millisecond},
			wantSummary: "Failed to read VOD image",
			wantDetail: []string{"Throttling.User", "REQ-3", "Attempts:   17 over 29.9s of throttling (retried for up to read_timeout)",
				"lowered its own rate for GetImageInfos", "raise read_timeout", "max_requests_per_second", "per account and per API action"},
		},
		"unreachable": {
			err:         &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED},
			wantSummary: "VOD endpoint not reachable",
			wantDetail:  []string{`"img-1"`, "https://vod.cn-beijing.aliyuncs.com could not be reached", "connection refused", "ALIBABA_CLOUD_ENDPOINT_VOD"},
		},
		"answer of the wrong shape": {
			err:         errors.New("GetImageInfo: the response has no ImageInfo"),
			wantSummary: "Failed to read VOD image",
			wantDetail:  []string{`"img-1"`, "no ImageInfo"},
		},
		"garbled answer": {
			err:         fmt.Errorf("%w (after 4 attempts)", &vod.MalformedResponseError{Action: "GetImageInfo", Err: io.ErrUnexpectedEOF}),
			wantSummary: "Unreadable VOD response",
			wantDetail:  []string{`"img-1"`, "region cn-beijing", "body is empty", "after 4 attempts", "proxy"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			d := readImageError("img-1", &providerData{region: "cn-beijing", endpoint: "https://vod.cn-beijing.aliyuncs.com"}, tc.err)
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

func TestCredentialErrorDetail(t *testing.T) {
	err := errors.New(`refresh session token failed: {"RequestId":"R-9","Code":"EntityNotExist.Role","Message":"The role not exists: acs:ram::1:role/x."}`)
	got := credentialErrorDetail("role acs:ram::1:role/x assumed with ...", vod.CredentialSource{AssumeRole: &vod.AssumeRole{}}, err)
	for _, want := range []string{"The provider tried role acs:ram::1:role/x", "STS answered EntityNotExist.Role: The role not exists",
		"Request ID: R-9", "trust policy"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	got = credentialErrorDetail("profile \"ecs\"", vod.CredentialSource{UseProfile: true}, errors.New("IMDS credentials is disabled"))
	if !strings.Contains(got, "ALIBABA_CLOUD_ECS_METADATA_DISABLED") || strings.Contains(got, "STS answered") {
		t.Errorf("unexpected detail for a disabled metadata service:\n%s", got)
	}
}
