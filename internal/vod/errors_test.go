package vod

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"testing"
)

func TestIsRetryable(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want bool
	}{
		"throttling 400":      {&APIError{Code: "Throttling.User", HTTPStatus: 400}, true},
		"throttling api 503":  {&APIError{Code: "Throttling.Api", HTTPStatus: 503}, true},
		"service unavailable": {&APIError{Code: "ServiceUnavailable", HTTPStatus: 503}, true},
		"VOD's spelling":      {&APIError{Code: "ServiceUnAvailable", HTTPStatus: 503}, true},
		"internal error":      {&APIError{Code: "InternalError", HTTPStatus: 500}, true},
		"any 5xx":             {&APIError{Code: "Unknown", HTTPStatus: 502}, true},
		"not found":           {&APIError{Code: "NoSuchResource", HTTPStatus: 404}, false},
		"bad signature":       {&APIError{Code: "SignatureDoesNotMatch", HTTPStatus: 400}, false},
		"invalid parameter":   {&APIError{Code: "InvalidParameter", HTTPStatus: 400}, false},
		"forbidden":           {&APIError{Code: "Forbidden.RAM", HTTPStatus: 403}, false},
		"connection reset":    {fmt.Errorf("read: %w", &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}), true},
		"unexpected EOF":      {fmt.Errorf("reading body: %w", io.ErrUnexpectedEOF), true},
		"cancelled":           {context.Canceled, false},
		"attempt timed out":   {&url.Error{Op: "Post", URL: "http://x", Err: context.DeadlineExceeded}, true},
		"decoding error":      {errors.New("GetImageInfo: the response has no ImageInfo"), false},
		"nil":                 {nil, false},
		"wrapped throttling":  {fmt.Errorf("x: %w", &APIError{Code: "Throttling", HTTPStatus: 400}), true},
	} {
		t.Run(name, func(t *testing.T) {
			if got := isRetryable(tc.err); got != tc.want {
				t.Errorf("isRetryable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestIsNotFound(t *testing.T) {
	if !IsNotFound(fmt.Errorf("wrapped: %w", &APIError{Code: "NoSuchResource"})) {
		t.Error("a wrapped NoSuchResource is not found")
	}
	if IsNotFound(&APIError{Code: "InvalidParameter"}) || IsNotFound(errors.New("NoSuchResource")) {
		t.Error("only an APIError with code NoSuchResource is not found")
	}
}

// SignatureDoesNotMatch's message ends with the server's string to sign, several lines long and,
// in older signature versions, holding the request's parameters: it is cut off.
func TestWithoutStringToSign(t *testing.T) {
	for in, want := range map[string]string{
		"Specified signature is not matched with our calculation. server string to sign is:ACS3-HMAC-SHA256\nc451":  "Specified signature is not matched with our calculation.",
		"Specified signature is not matched with our calculation. Server string to sign is:POST&%2F&AccessKeyId%3D": "Specified signature is not matched with our calculation.",
		"The specified resource does not exist.": "The specified resource does not exist.",
	} {
		if got := withoutStringToSign(in); got != want {
			t.Errorf("withoutStringToSign(%q) = %q, want %q", in, got, want)
		}
	}
}
