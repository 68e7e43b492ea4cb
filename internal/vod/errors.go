package vod

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

// APIError is an error answered by the VOD API: a JSON body with a code, a message and a request ID.
// Fields the answer left out are empty; Code is "Unknown" when it named none.
type APIError struct {
	// Action is the API action called, such as GetImageInfo.
	Action     string
	HTTPStatus int
	// Code is VOD's error code, such as NoSuchResource or Throttling.User.
	Code string
	// Message is VOD's message, without the string to sign that SignatureDoesNotMatch appends.
	Message   string
	RequestID string
	HostID    string
	// Recommend is VOD's diagnosis URL, when it gives one.
	Recommend string
	// Attempts is how many times the request was sent, retries included.
	Attempts int
	// Throttled, when the call ended on a Throttling answer after retrying it, is how long the call
	// had been trying: the budget (the read timeout) that ran out.
	Throttled time.Duration
}

// Error reads "<Action>: <Code> (HTTP <status>, request ID <id>) after <n> attempts in <d>: <Message>",
// leaving out the parts that are empty.
func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s: %s (HTTP %d", e.Action, e.Code, e.HTTPStatus)
	if e.RequestID != "" {
		msg += ", request ID " + e.RequestID
	}
	msg += ")"
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
		if e.Throttled > 0 {
			msg += fmt.Sprintf(" in %s", e.Throttled.Round(100*time.Millisecond))
		}
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// IsNotFound reports whether err, or an error it wraps, is an *APIError with code NoSuchResource:
// the requested image does not exist.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Code == "NoSuchResource"
}

// isRetryable reports whether a call that failed with err may succeed if sent again:
// throttling, server-side failures and transport errors (timeouts included), never client mistakes
// or a cancellation. Whether the caller's own deadline has passed is the caller's to check: an
// attempt that timed out also matches context.DeadlineExceeded.
func isRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var credErr *CredentialError
	if errors.As(err, &credErr) { // retried already, by the credential's own requests
		return false
	}
	var proxyErr *ProxyError
	if errors.As(err, &proxyErr) { // a malformed HTTPS_PROXY stays malformed
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch {
		case strings.Contains(apiErr.Code, "Throttling"),
			apiErr.Code == "ServiceUnavailable", apiErr.Code == "ServiceUnAvailable",
			apiErr.Code == "InternalError",
			apiErr.HTTPStatus >= 500:
			return true
		}
		return false
	}
	var malformed *MalformedResponseError
	if errors.As(err, &malformed) {
		return true
	}
	if isHostNotFound(err) {
		// DNS answered that the name does not exist: a wrong host in the configuration, which
		// retrying does not cure (a DNS timeout or server failure stays retryable).
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// apiErrorFrom converts the SDK core's response errors into an *APIError and its failure to parse a
// proxy variable into a *ProxyError; other errors pass through.
func apiErrorFrom(action string, err error) error {
	var respErr dara.ResponseError
	if !errors.As(err, &respErr) {
		return proxyErrorFrom(err)
	}
	data := respErr.GetData()
	apiErr := &APIError{
		Action:    action,
		Code:      dara.StringValue(respErr.GetCode()),
		Message:   withoutStringToSign(stringField(data, "Message", "message")),
		RequestID: stringField(data, "RequestId", "requestId"),
		HostID:    stringField(data, "HostId", "hostId"),
		Recommend: stringField(data, "Recommend", "recommend"),
	}
	if status := respErr.GetStatusCode(); status != nil {
		apiErr.HTTPStatus = *status
	}
	if apiErr.Code == "" {
		apiErr.Code = "Unknown"
	}
	return apiErr
}

// withoutStringToSign drops what SignatureDoesNotMatch appends to its message: "server string to
// sign is:" and the server's canonical request (vod-api.md, Errors). It cannot help a user, takes
// several lines, and in the older signature versions it holds the request's parameters, an STS
// token among them.
func withoutStringToSign(msg string) string {
	if loc := stringToSign.FindStringIndex(msg); loc != nil {
		msg = strings.TrimRight(msg[:loc[0]], " \t\n.") + "."
	}
	return msg
}

var stringToSign = regexp.MustCompile(`(?i)server\s+string\s+to\s+sign\s+is`)

func stringField(data map[string]interface{}, names ...string) string {
	for _, name := range names {
		if s, ok := data[name].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// IsUnreachable reports whether err, or an error it wraps, means the endpoint could not be reached
// at all: no DNS answer, a refused connection or a connection timeout.
func IsUnreachable(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &dnsErr) || errors.Is(err, syscall.ECONNREFUSED) ||
		(errors.As(err, &opErr) && opErr.Op == "dial")
}

// isHostNotFound reports whether err, or an error it wraps, is DNS's answer that a host name does not
// exist (NXDOMAIN or no address), as opposed to a DNS timeout or server failure.
func isHostNotFound(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}

// IsHostNotFound reports whether err, or an error it wraps, says that the endpoint's host name does
// not exist in DNS: a configuration mistake, never retried.
func IsHostNotFound(err error) bool { return isHostNotFound(err) }

// dnsName is the name that DNS did not find, "" if err is no such error.
func dnsName(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "no such host " + RedactURL(dnsErr.Name)
	}
	return ""
}

// IsProxyFailure reports whether err, or an error it wraps, is a failure to reach the HTTP proxy
// (HTTPS_PROXY and the like) rather than the endpoint behind it.
func IsProxyFailure(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "proxyconnect"
}
