package vodemu

import (
	"fmt"
	"net/http"
)

// Every error answer of the emulator: apiError, its wire form (errorBody), and the constructors of
// the codes it answers with, from the request's reading to the actions, each citing its public
// source (the keys are listed in README.md).

// apiError is an error answer in the gateway's shape.
type apiError struct {
	status        int
	code, message string
}

// errMissingCommon is a missing common (gateway) parameter: Missing<Name>,
// "<Name> is mandatory for this action." [RPC; STSErrors' MissingSecurityToken
// has the same form]: MissingAction, MissingVersion, MissingAccessKeyId,
// MissingSignatureMethod, MissingSignatureVersion, MissingSignatureNonce,
// MissingTimestamp, MissingSignature, MissingSecurityToken.
func errMissingCommon(name string) *apiError {
	return &apiError{http.StatusBadRequest, "Missing" + name, name + " is mandatory for this action."}
}

// errMissing is a missing parameter of the action itself: MissingParameter
// [VODErrors].
func errMissing(name string) *apiError {
	return &apiError{http.StatusBadRequest, "MissingParameter",
		fmt.Sprintf("The input parameter %q that is mandatory for processing this request is not supplied.", name)}
}

// errInvalid is a parameter of the action with a wrong value: InvalidParameter [VODErrors]; why,
// if not empty, says what is wrong.
func errInvalid(name, why string) *apiError {
	msg := fmt.Sprintf("The specified parameter %q is not valid.", name)
	if why != "" {
		msg += " " + why
	}
	return &apiError{http.StatusBadRequest, "InvalidParameter", msg}
}

// errBadRequest is a request that cannot be read (InvalidParameter), with what is wrong.
func errBadRequest(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter", msg}
}

// errBodyTooLarge is a body past MaxBodyBytes: InvalidParameter, 413 (undocumented: real calls
// are tiny).
func errBodyTooLarge() *apiError {
	return &apiError{http.StatusRequestEntityTooLarge, "InvalidParameter", "The request body is larger than 1 MiB."}
}

// errUnsupportedMethod is a method other than GET and POST.
func errUnsupportedMethod() *apiError {
	return &apiError{http.StatusBadRequest, "UnsupportedHTTPMethod", "This http method is not supported: use GET or POST."}
}

// errActionNotFound is an Action the endpoint does not implement, 404 [RPC].
func errActionNotFound() *apiError {
	return &apiError{http.StatusNotFound, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."}
}

// errInvalidVersion is a Version other than the action's product's, want [RPC].
func errInvalidVersion(want string) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidVersion", "Specified parameter Version is not valid. This product supports " + want + "."}
}

// Authentication (auth.go).

// errIncompleteSignature is a signature that cannot be read [RPC]; detail says why.
func errIncompleteSignature(detail string) *apiError {
	return &apiError{http.StatusBadRequest, "IncompleteSignature", "The request signature does not conform to Aliyun standards: " + detail}
}

// errAccessKeyNotFound is an AccessKeyId the emulator does not know. [RPC] gives 404 or 400,
// varying by product; the emulator chose 404.
func errAccessKeyNotFound() *apiError {
	return &apiError{http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found."}
}

// errSignatureDoesNotMatch is a wrong signature; the message ends with "server string to sign
// is:" and the string the server computed [RPC].
func errSignatureDoesNotMatch(stringToSign string) *apiError {
	return &apiError{http.StatusBadRequest, "SignatureDoesNotMatch",
		"Specified signature is not matched with our calculation. server string to sign is:" + stringToSign}
}

// errTimestampFormat is a Timestamp or x-acs-date not in timestampLayout [RPC].
func errTimestampFormat() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."}
}

// errTimestampExpired is a timestamp more than MaxClockSkew from the server's clock [RPC].
func errTimestampExpired() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."}
}

// errNonceUsed is a nonce the nonce cache has seen (nonce.go) [RPC].
func errNonceUsed() *apiError {
	return &apiError{http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already."}
}

// errTokenMismatch is a SecurityToken that does not go with the access key, 400 [RPC].
func errTokenMismatch() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey."}
}

// errTokenExpired is the SecurityToken of expired temporary credentials, 400 [RPC].
func errTokenExpired() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."}
}

// Actions (images.go, match.go, sts.go).

// errNoSuchResource is an image that does not exist: GetImageInfo's documented error, 404 [RPC].
func errNoSuchResource() *apiError {
	return &apiError{http.StatusNotFound, "NoSuchResource", "The specified resource does not exist."}
}

// errMatchSyntax is a SearchMedia Match that cannot be parsed: 400 ErrorMatchSyntax, "The
// parameter Match.<Field> has an error syntax, please check it." [Search, Common errors]; name is
// Match or Match.<field>, msg the reason and its byte offset (the emulator's addition).
func errMatchSyntax(name, msg string) *apiError {
	return &apiError{http.StatusBadRequest, "ErrorMatchSyntax", "The parameter " + name + " has an error syntax, please check it. " + msg}
}

// errNoPermission is an AssumeRole the caller may not make (an ExternalId that is not the role's),
// 403 [AssumeRole; RPC].
func errNoPermission() *apiError {
	return &apiError{http.StatusForbidden, "NoPermission", "You are not authorized to do this action. You should be authorized by RAM."}
}

// errDurationSeconds is a DurationSeconds outside 15 minutes to maxWords (such as "12hr"), 400
// [STSErrors; AssumeRole].
func errDurationSeconds(maxWords string) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter.DurationSeconds", "The Min/Max value of DurationSeconds is 15min/" + maxWords + "."}
}

// errOIDCProviderNotFound is an OIDCProviderArn the emulator does not know, 401 [STSErrors].
func errOIDCProviderNotFound() *apiError {
	return &apiError{http.StatusUnauthorized, "AuthenticationFail.NoPermission", "No such OIDC Provider registered."}
}

// errOIDCTokenInvalid is an OIDC token other than the one the emulator accepts, 401 [STSErrors].
func errOIDCTokenInvalid() *apiError {
	return &apiError{http.StatusUnauthorized, "AuthenticationFail.OIDCToken.Invalid",
		"The OIDC token is invalid: it is not the token this emulator accepts."}
}

// errRoleArnFormat is a RoleArn not of the form acs:ram::<account id>:role/<role name>, 400 [RPC].
func errRoleArnFormat() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter.RoleArn",
		"The parameter RoleArn is wrongly formed: expected acs:ram::<account id>:role/<role name>."}
}

// errRoleSessionNameFormat is a RoleSessionName outside 2 to 64 of letters, digits and . @ - _, 400
// [STSErrors; AssumeRole].
func errRoleSessionNameFormat() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter.RoleSessionName",
		"The parameter RoleSessionName is wrongly formed: 2 to 64 letters, digits and . @ - _."}
}

// errPolicyGrammar is a Policy that is not a JSON object, 400 [STSErrors].
func errPolicyGrammar() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter.PolicyGrammar",
		"The parameter Policy has not passed grammar check: it must be a JSON object."}
}

// errNoRole is a RoleArn that names no role of Options.STS, 404 [RPC].
func errNoRole(arn string) *apiError {
	return &apiError{http.StatusNotFound, "EntityNotExist.Role", "The role not exists: " + arn + "."}
}

// Throttling and server faults (ratelimit.go, faultanswer.go).

const msgThrottled = "Request was denied due to user flow control."

// errThrottled is the rate limit's answer, and FaultThrottling's: 400 Throttling.User "Request was
// denied due to user flow control.", Alibaba Cloud's common code and message for an account's flow
// control, which also comes with 503 (errThrottledUnavailable): clients must key off the code
// [RPC].
func errThrottled() *apiError {
	return &apiError{http.StatusBadRequest, "Throttling.User", msgThrottled}
}

// errThrottledUnavailable is FaultThrottling503: the same code with 503.
func errThrottledUnavailable() *apiError {
	return &apiError{http.StatusServiceUnavailable, "Throttling.User", msgThrottled}
}

// errServiceUnavailable is FaultUnavailable, 503 [RPC].
func errServiceUnavailable() *apiError {
	return &apiError{http.StatusServiceUnavailable, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."}
}

// errInternal is FaultInternal, and the answer to a panic in an action, 500 [RPC].
func errInternal() *apiError {
	return &apiError{http.StatusInternalServerError, "InternalError",
		"The request processing has failed due to some unknown error, exception or failure."}
}

// errorBody is the gateway's error body [RPC] (writeError).
type errorBody struct {
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
	Code      string
	Message   string
	Recommend string
}
