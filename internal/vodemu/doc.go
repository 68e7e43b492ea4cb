// Package vodemu is an offline emulator of the ApsaraVideo VOD OpenAPI
// (version 2017-03-21, RPC style) for GetImageInfo and GetImageInfos.
//
// It is a real HTTP server that verifies real signatures, so tests that talk
// to it exercise the client's signing, retries and error handling. It shares
// no code with any client or SDK: signatures, percent-encoding and signed
// URLs are implemented here from the protocol description, with the standard
// library only, so that a client's mistake shows up as an error.
//
// Use it in process (New gives an http.Handler; Start/StartOn listen on a
// port) or as the command internal/vodemu/cmd/vodemu.
//
// # Protocol
//
// Any path except /_emulator/* is the RPC endpoint, for GET and POST.
// Parameters from the query string and an application/x-www-form-urlencoded
// body are merged; a parameter sent twice is InvalidParameter. Bodies are
// limited to 1 MiB (413, Code InvalidParameter).
//
// Signature V3 (Authorization: ACS3-HMAC-SHA256 ...) is used when that header
// is present; otherwise V1 (HMAC-SHA1) when a Signature parameter is present;
// otherwise MissingParameter "Signature". Any other Authorization scheme is
// IncompleteSignature. V1 signs every received parameter
// but Signature, empty ones included. V3 rebuilds the canonical request from
// the received method, path, query, the SignedHeaders (host taken from the
// request's Host) and x-acs-content-sha256, which must equal the SHA-256 of
// the body received (else InvalidParameter). V3 requires host and every
// x-acs-* header sent to be among SignedHeaders (else IncompleteSignature),
// as the SDKs do. Canonical query names are RFC 3986-encoded like values
// (darabonba leaves names raw; the same for the alphanumeric names VOD uses).
//
// Checks run in this order: request shape (MissingParameter, InvalidParameter,
// IncompleteSignature, InvalidVersion), InvalidAccessKeyId.NotFound (404),
// SignatureDoesNotMatch (message ends with "server string to sign is:" and
// the server's string), InvalidTimeStamp.Format (only yyyy-MM-ddTHH:mm:ssZ),
// InvalidTimeStamp.Expired (more than 15 minutes from Options.Now),
// SignatureNonceUsed (nonces kept until their timestamp could no longer be
// accepted; at most 2^20 remembered), the security token, then
// InvalidAction.NotFound (404).
//
// Documented choices where the real service is unclear:
//   - Security token: with Options.SecurityToken set, a missing token is
//     MissingSecurityToken and a different one InvalidSecurityToken.Mismatch
//     (400). With it empty, tokens that requests carry are ignored.
//   - Format: JSON (any case) only. XML, and a V1 request without Format
//     (the real default is XML), are InvalidParameter: an XML-expecting
//     client would break against the cloud too. V3 needs no Format.
//   - RegionId is accepted and ignored; Region only names HostId.
//   - InvalidAccessKeyId.NotFound uses HTTP 404.
//   - Unsupported methods are 405 UnsupportedHTTPMethod.
//
// # Responses
//
// Errors are {"RequestId","HostId","Code","Message","Recommend"} with
// Content-Type application/json;charset=utf-8 and header x-acs-request-id.
// ImageInfo carries every field of the API reference, empty strings included;
// Mezzanine is omitted when the image has none. ModificationTime, Ext and Type
// appear only in GetImageInfos, and only when set. FileSize is a JSON string
// unless Mezzanine.FileSizeAsNumber (set by LoadImages when the data file
// wrote a number). GetImageInfos ignores empty and repeated IDs, allows 20,
// and always returns ImageInfo and NonExistImageIds arrays.
//
// # Signed URLs
//
// The stored URL's path is the object key; a stored URL whose host is not
// *.aliyuncs.com means the image has a CDN domain. Without OutputType a CDN URL
// is returned if there is a CDN domain, else an OSS URL; OutputType=cdn for an
// image without one also yields an OSS URL. AuthTimeout defaults to 3600 for
// both; the OSS maximum (2592000 for VOD "outin-" buckets, else 129600)
// applies when the returned URL is an OSS URL. CDN URLs use type-A
// auth_key=<now+AuthTimeout>-0-0-<md5>; OSS URLs use Expires/OSSAccessKeyId/
// Signature on https://<StorageLocation>/<key>. Mezzanine.FileURL is always an
// OSS URL, its lifetime capped at the OSS maximum. The OSS key pair and CDN
// key are the emulator's own (Options or the Default* constants), never the
// caller's; VerifyCDNURL and VerifyOSSURL check returned URLs.
//
// # Control endpoints
//
// GET /_emulator/health answers "ok"; GET /_emulator/stats answers Stats as
// JSON. Neither needs a signature nor is counted.
package vodemu
