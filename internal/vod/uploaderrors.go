package vod

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// UploadErrorKind says what an upload failure means for the caller.
type UploadErrorKind string

const (
	// UploadCredentialExpired means the UploadAuth credential has expired. It cannot be refreshed: delete
	// the image and call CreateUploadImage again.
	UploadCredentialExpired UploadErrorKind = "credential expired" //nolint:gosec // a kind's name, not a credential
	// UploadCredentialRefused means OSS refused the credential or its signature for another reason
	// (AccessDenied, InvalidAccessKeyId, InvalidSecurityToken, SignatureDoesNotMatch, ...).
	UploadCredentialRefused UploadErrorKind = "credential refused" //nolint:gosec // a kind's name, not a credential
	// UploadRejected means OSS refused the request itself (a 4xx other than the above).
	UploadRejected UploadErrorKind = "rejected"
	// UploadServerFailed means OSS failed (5xx) on every attempt.
	UploadServerFailed UploadErrorKind = "OSS failed"
	// UploadUnreachable means the request did not get an answer (connection, DNS, timeout) on every
	// attempt.
	UploadUnreachable UploadErrorKind = "OSS unreachable"
	// UploadCancelled means the context ended.
	UploadCancelled UploadErrorKind = "cancelled"
	// UploadFailedLocally means reading the content, or the ticket or configuration, failed.
	UploadFailedLocally UploadErrorKind = "failed locally"
)

// UploadError is an upload's failure. Its text is made here from the fields, never copied from
// the SDK's errors (whose answers can quote the string to sign, the security token among it), and
// every secret of the credential is removed from it once more.
type UploadError struct {
	Kind UploadErrorKind
	// Op is the OSS operation that failed (PutObject, InitiateMultipartUpload, UploadPart,
	// CompleteMultipartUpload), or "upload" before any request.
	Op      string
	ImageID string
	Bucket  string
	Key     string
	// From OSS's XML error, when it answered with one.
	HTTPStatus int
	Code       string
	RequestID  string
	EC         string
	Message    string
	// Hint says what to do.
	Hint string
	// cause is what errors.Is and errors.As may see: ctx's error, or the net.Error of a failed
	// connection, never an SDK error (which holds the request and the answer's raw bytes).
	cause error
}

// Error reads "uploading image <id> to OSS bucket <b>, object <k>: <Op>: <Code> (HTTP <s>, request
// ID <id>, EC <ec>): <Message>. <Hint>", leaving out what is empty.
func (e *UploadError) Error() string {
	var b strings.Builder
	b.WriteString("uploading")
	if e.ImageID != "" {
		b.WriteString(" image " + e.ImageID)
	}
	b.WriteString(" to OSS")
	if e.Bucket != "" {
		fmt.Fprintf(&b, " bucket %s, object %s", e.Bucket, e.Key)
	}
	b.WriteString(": ")
	if e.Op != "" && e.Op != "upload" {
		b.WriteString(e.Op + ": ")
	}
	if e.Code != "" || e.HTTPStatus != 0 {
		code := e.Code
		if code == "" {
			code = "error"
		}
		b.WriteString(code)
		var details []string
		if e.HTTPStatus != 0 {
			details = append(details, fmt.Sprintf("HTTP %d", e.HTTPStatus))
		}
		if e.RequestID != "" {
			details = append(details, "request ID "+e.RequestID)
		}
		if e.EC != "" {
			details = append(details, "EC "+e.EC)
		}
		if len(details) > 0 {
			b.WriteString(" (" + strings.Join(details, ", ") + ")")
		}
		if e.Message != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(strings.TrimRight(e.Message, ". "))
	b.WriteString(".")
	if e.Hint != "" {
		b.WriteString(" " + e.Hint)
	}
	return b.String()
}

// Unwrap gives ctx's error or the network error, if that was the cause.
func (e *UploadError) Unwrap() error { return e.cause }

// IsUploadCredentialExpired reports whether err is an *UploadError of kind
// UploadCredentialExpired: delete the image and call CreateUploadImage again.
func IsUploadCredentialExpired(err error) bool {
	var e *UploadError
	return errors.As(err, &e) && e.Kind == UploadCredentialExpired
}

// Error codes OSS gives for a refused credential or signature (oss-upload.md, "Errors": the 403
// troubleshooting page; SignatureDoesNotMatch is the usual code, not confirmed there).
var credentialCodes = map[string]bool{
	"AccessDenied": true, "InvalidAccessKeyId": true, "InvalidSecurityToken": true,
	"AccessKeyIdAndSecurityTokenNotMatch": true, "SignatureDoesNotMatch": true, "SecurityTokenExpired": true,
}

// expiredEC is OSS's fine-grained code for "the temporary access credentials included in the
// request expire" (OSS error page 0002-00000007, https://www.alibabacloud.com/help/en/oss/support/0002-00000007).
// OSS advises against logic on EC; it is one of several signs here, beside the code, the message
// and the credential's own expiry.
const expiredEC = "0002-00000007"

// uploadError turns an OSS SDK error into an *UploadError based on base.
func (c *Client) uploadError(ctx context.Context, base *UploadError, auth *UploadAuth, err error) error {
	e := *base
	e.Op = "upload"
	var opErr *oss.OperationError
	if errors.As(err, &opErr) {
		e.Op = opErr.Operation()
	}
	var svcErr *oss.ServiceError
	switch {
	case errors.As(err, &svcErr):
		e.HTTPStatus, e.Code, e.RequestID, e.EC, e.Message = svcErr.StatusCode, svcErr.Code, svcErr.RequestID, svcErr.EC, svcErr.Message
		if e.RequestID == "" && svcErr.Headers != nil {
			e.RequestID = svcErr.Headers.Get("x-oss-request-id")
		}
		if e.EC == "" && svcErr.Headers != nil {
			e.EC = svcErr.Headers.Get("x-oss-ec")
		}
		switch {
		case e.Code == "SecurityTokenExpired", e.EC == expiredEC,
			credentialCodes[e.Code] && (strings.Contains(strings.ToLower(e.Message), "expired") || auth.Expired(c.rates.clock.Now())):
			e.Kind = UploadCredentialExpired
		case credentialCodes[e.Code]:
			e.Kind = UploadCredentialRefused
		case e.HTTPStatus >= 500:
			e.Kind = UploadServerFailed
		default:
			e.Kind = UploadRejected
		}
	case ctx.Err() != nil:
		e.Kind, e.cause, e.Message = UploadCancelled, ctx.Err(), ctx.Err().Error()
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		e.Kind = UploadCancelled
		e.cause = context.Canceled
		if errors.Is(err, context.DeadlineExceeded) {
			e.cause = context.DeadlineExceeded
		}
		e.Message = e.cause.Error()
	default:
		var netErr net.Error
		if errors.As(err, &netErr) {
			e.Kind, e.cause = UploadUnreachable, netErr
		} else {
			e.Kind = UploadFailedLocally
		}
		e.Message = innermost(err)
	}
	e.Message = redact(e.Message, auth.secrets())
	return e.withHint()
}

// withHint sets what to do for e's kind.
func (e *UploadError) withHint() *UploadError {
	switch e.Kind {
	case UploadCredentialExpired:
		e.Hint = "The upload credential from CreateUploadImage lasts about 50 minutes and cannot be refreshed: the image must be deleted and created again (a new CreateUploadImage)."
	case UploadCredentialRefused:
		e.Hint = "OSS refused the upload credential VOD gave; if this persists, check the account's VOD storage and the clock of this machine (signatures are time-bound)."
	case UploadRejected:
		e.Hint = "OSS refused the request for the reason its code gives; it was not retried."
	case UploadServerFailed:
		e.Hint = "OSS failed after retries; try again later."
	case UploadUnreachable:
		e.Hint = "Check the network path to the OSS endpoint (proxy, firewall, DNS) and try again."
	}
	return e
}

// innermost is the text of the innermost error that is not one of the OSS SDK's wrappers: the
// transport's or the reader's own words, without the SDK's prefixes.
func innermost(err error) string {
	for {
		var next error
		switch e := err.(type) { //nolint:errorlint // one level of the chain at a time, on purpose
		case *oss.OperationError:
			next = e.Unwrap()
		case *oss.UploadError:
			next = e.Unwrap()
		case *oss.ClientError:
			next = e.Unwrap()
		case *oss.CanceledError:
			next = e.Unwrap()
		}
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// querySecrets matches the values of query parameters and headers that carry a credential or a
// signature, should a URL or a request reach an error text.
var querySecrets = regexp.MustCompile(`(?i)((?:x-oss-)?security-token|(?:x-oss-)?signature|ossaccesskeyid|x-oss-credential|accesskeysecret)([=:]\s*)[^&\s"',;]+`)

// redact removes the given secrets, and any credential-bearing parameter, from s.
func redact(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return querySecrets.ReplaceAllString(s, "$1$2[redacted]")
}
