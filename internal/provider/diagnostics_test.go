package provider

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
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
	stsErr := &vod.CredentialError{Source: "STS AssumeRole at sts.aliyuncs.com", Problem: "the service answered with an error: The role not exists.",
		Code: "EntityNotExist.Role", HTTPStatus: 404, RequestID: "R-9", Attempts: 1}
	got := credentialErrorDetail("role acs:ram::1:role/x assumed with ...", vod.CredentialSource{AssumeRole: &vod.AssumeRole{}}, stsErr)
	for _, want := range []string{"The provider tried role acs:ram::1:role/x", "code EntityNotExist.Role", "request ID R-9", "trust policy"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	transient := &vod.CredentialError{Source: "STS AssumeRole at sts.aliyuncs.com", Problem: "the service answered with an error",
		Code: "Throttling.User", HTTPStatus: 400, Attempts: 4, Transient: true}
	got = credentialErrorDetail("role x", vod.CredentialSource{AssumeRole: &vod.AssumeRole{}}, transient)
	if !strings.Contains(got, "transient") || !strings.Contains(got, "4 attempts") || strings.Contains(got, "trust policy") {
		t.Errorf("a transient failure must say so and how many attempts, without configuration advice:\n%s", got)
	}
	// An error that is not a vod.CredentialError may quote what a library read: not shown.
	got = credentialErrorDetail("profile \"dev\"", vod.CredentialSource{UseProfile: true}, errors.New(`unmarshal failed: {"access_key_secret": "LEAK"}`))
	if strings.Contains(got, "LEAK") {
		t.Errorf("the text of a foreign error reached the diagnostic:\n%s", got)
	}
}

// Credentials that cannot be refreshed during a read are reported as such, not as a network fault.
func TestReadImageErrorFromCredentialRefresh(t *testing.T) {
	err := fmt.Errorf("GetImageInfo: getting credentials: %w", &vod.CredentialError{Source: "STS AssumeRole at sts.aliyuncs.com",
		Problem: "the service answered with an error", Code: "Throttling.User", Attempts: 4, Transient: true})
	d := readImageError("img-1", &providerData{region: "cn-beijing", endpoint: "https://vod.cn-beijing.aliyuncs.com"}, err)
	if d.Summary() != "Cannot get VOD credentials" || !strings.Contains(d.Detail(), "transient") ||
		!strings.Contains(d.Detail(), "4 attempts were made") || !strings.Contains(d.Detail(), `image "img-1"`) {
		t.Errorf("unexpected diagnostic: %s\n%s", d.Summary(), d.Detail())
	}
}
