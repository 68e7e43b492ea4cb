// Package vodemu is an offline emulator of the ApsaraVideo VOD OpenAPI
// (version 2017-03-21, RPC style) for GetImageInfo, GetImageInfos and
// SearchMedia (images only), and of STS (version 2015-04-01) for AssumeRole
// and AssumeRoleWithOIDC.
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
// limited to 1 MiB (413, Code InvalidParameter). VOD and STS share the
// endpoint: each action needs its product's Version (GetImageInfo(s) and
// SearchMedia 2017-03-21, AssumeRole(WithOIDC) 2015-04-01), else InvalidVersion; an
// unknown action may name either version.
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
// AssumeRoleWithOIDC is never signed (see STS).
//
// Checks run in this order: reading the request (405, 413, bad encoding, a
// parameter sent twice), injected faults and the rate limit (both look at
// the Action only, so a retry gets a fresh decision and a faulted or
// throttled request burns no nonce), request shape (MissingParameter,
// InvalidParameter, IncompleteSignature, InvalidVersion),
// InvalidAccessKeyId.NotFound (404), SignatureDoesNotMatch (message ends
// with "server string to sign is:" and the server's string),
// InvalidTimeStamp.Format (only yyyy-MM-ddTHH:mm:ssZ),
// InvalidTimeStamp.Expired (more than 15 minutes from Options.Now),
// SignatureNonceUsed (nonces kept until their timestamp could no longer be
// accepted; at most 2^20 remembered), the security token, then
// InvalidAction.NotFound (404), then the action's own parameters.
//
// Documented choices where the real service is unclear:
//   - Security token of the long-term key: with Options.SecurityToken set, a
//     missing token is MissingSecurityToken and a different one
//     InvalidSecurityToken.Mismatch (400). With it empty, tokens that
//     requests carry are ignored. Temporary keys: see STS.
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
// HostId is vod.<Region>.aliyuncs.com, or sts.aliyuncs.com for the STS
// actions; Recommend is https://api.aliyun.com/troubleshoot?q=<Code>&
// product=<Vod|Sts>&requestId=<RequestId>. ImageInfo carries every field of
// the API reference, empty strings included; Mezzanine is omitted when the
// image has none. ModificationTime, Ext and Type appear only in
// GetImageInfos and SearchMedia, and only when set. FileSize is a JSON
// string unless Mezzanine.FileSizeAsNumber (set by LoadImages when the data
// file wrote a number). GetImageInfos ignores empty and repeated IDs, allows 20, and
// always returns ImageInfo and NonExistImageIds arrays.
//
// # SearchMedia
//
// Only images are stored, so SearchType=image is the one that finds
// anything; video (the API's default, also when SearchType is empty),
// audio and attached answer Total 0 with their Match and ScrollToken
// unchecked (their fields differ). An empty parameter counts as not sent.
// Checked in this order, each failure InvalidParameter naming the
// parameter: SearchType (video, audio, image, attached); ScrollToken (any
// non-empty value with image: "ScrollToken traversal is only for audio and
// video"); SortBy (CreationTime:Desc, the default, or CreationTime:Asc);
// PageNo (an integer >= 1, default 1); PageSize (1-100, default 10);
// (PageNo-1)*PageSize < 5000, named PageNo, as page browsing reaches only
// the first 5,000 hits; then Match. Fields is ignored. Hits sort by
// CreationTime (none counts as oldest), ties by ImageId ascending in both
// directions; a page across hit 5,000 is cut there, and Total counts every
// hit. The body is {"RequestId","Total","MediaList":[{"MediaType":"image",
// "MediaId","CreationTime","Image"}]}, MediaList [] when empty, each Image
// as GetImageInfos returns it without OutputType and AuthTimeout.
//
// Match is the subset the API reference documents for images:
//
//	Match  = [Clause {WS "and" WS Clause}]         "and" in any case
//	Clause = ("ImageId" | "CateId" | "StorageLocation" | "AppId" | "Status"
//	         | "Title" | "Tags" | "Description") ("=" Value | "in" List)
//	       | "CreationTime" "=" "(" Bound "," Bound ")"
//	List   = "(" Value {"," Value} ")"             "in" in any case
//	Value  = String | Integer                      Integer: [-]digits, CateId only
//	Bound  = String                                yyyy-MM-ddTHH:mm:ssZ, or '' for open
//	String = "'" ... "'" | '"' ... '"'             a backslash makes the next byte literal
//
// WS is one or more spaces, tabs, CRs or LFs; elsewhere whitespace between
// tokens is optional. Field names are case-sensitive. ImageId, CateId (as a
// number, quoted or not), StorageLocation, AppId and Status compare
// exactly; Title, Tags (the stored comma-separated string) and Description
// are case-insensitive substrings; "in" is any of its values; the range is
// inclusive, and an image without CreationTime is in none. All clauses must
// hold, several on one field too. Whitespace only is no filter. Anything
// else (another field, "or", parentheses, an operator the field does not
// take, a bad bound, an unterminated string, trailing text) is
// InvalidParameter "Match" with the reason and its byte offset.
//
// # Signed URLs
//
// The stored URL's path is the object key; a stored URL whose host is not
// *.aliyuncs.com means the image has a CDN domain. Without OutputType a CDN URL
// is returned if there is a CDN domain, else an OSS URL; OutputType=cdn for an
// image without one also yields an OSS URL. AuthTimeout defaults to 3600 for
// both; the OSS maximum (2592000 for VOD "outin-" buckets, else 129600)
// applies when the returned URL is an OSS URL; an AuthTimeout whose expiry
// overflows a 64-bit Unix time is InvalidParameter. CDN URLs use type-A
// auth_key=<now+AuthTimeout>-0-0-<md5>; OSS URLs use Expires/OSSAccessKeyId/
// Signature on https://<StorageLocation>/<key>. Mezzanine.FileURL is always an
// OSS URL, its lifetime capped at the OSS maximum. The OSS key pair and CDN
// key are the emulator's own (Options or the Default* constants), never the
// caller's; VerifyCDNURL and VerifyOSSURL check returned URLs.
//
// # STS
//
// AssumeRole is signed (V1 or V3) like any call, by the long-term key or by
// temporary credentials issued earlier (chaining, as ChainableRamRoleArn
// profiles do). AssumeRoleWithOIDC is unsigned, as credentials-go sends it:
// only Version (parameter, or x-acs-version for a V3-style call) and Format
// (as for V1; optional V3-style) are checked; AccessKeyId, Signature,
// Timestamp and nonce are ignored. Parameters, checked in this order:
//   - (OIDC) RoleArn, OIDCProviderArn and OIDCToken missing: MissingParameter.
//   - RoleArn missing: MissingParameter; not acs:ram::<digits>:role/<name>
//     (name: 1-64 of A-Z a-z 0-9 . -): 400 InvalidParameter.RoleArn.Malformed.
//   - RoleSessionName (required for both actions) missing: MissingParameter;
//     not 2-64 of A-Z a-z 0-9 _ . @ -: 400 InvalidParameter.RoleSessionName.
//   - DurationSeconds not a whole number in 900-43200 (default 3600): 400
//     InvalidParameter.DurationSeconds.
//   - Policy, if not empty, not a JSON object: 400 InvalidParameter.PolicyGrammar.
//   - (OIDC) OIDCProviderArn not STSOptions.OIDCProviderArn (or that is
//     empty): 404 EntityNotExist.OIDCProvider. OIDCToken not exactly
//     STSOptions.OIDCToken: 400 AuthenticationFail.OIDCToken.Invalid (the
//     code the real STS uses for a token it rejects; the token is opaque
//     here, never parsed as a JWT).
//   - RoleArn not in STSOptions.Roles (compared exactly): 404
//     EntityNotExist.Role "The role not exists: <arn>.".
//   - (AssumeRole) the role has an ExternalID and ExternalId differs: 403
//     NoPermission "You are not authorized to do this action. You should be
//     authorized by RAM.". ExternalId is ignored for roles without one.
//
// Success is {"RequestId","AssumedRoleUser":{"Arn":"<RoleArn>/<session>",
// "AssumedRoleId":"<18 digits>:<session>"},"Credentials":{"AccessKeyId":
// "STS.<26 random>","AccessKeySecret","SecurityToken":"CAIS<base64, about
// 500 characters, with + / =>","Expiration":"yyyy-MM-ddTHH:mm:ssZ"}}.
// Expiration is Options.Now plus STSOptions.Lifetime if > 0, else
// DurationSeconds, rounded up to the second. The OIDC response has no
// OIDCTokenInfo.
//
// Temporary credentials are accepted by every action, VOD and STS, signed
// like the long-term key, and must carry their own token (V1 SecurityToken,
// V3 x-acs-security-token): missing is MissingSecurityToken, another token
// InvalidSecurityToken.Mismatch (400); from Expiration on (Options.Now),
// InvalidSecurityToken.Expired (400) "Specified SecurityToken is expired.".
// These token checks come after the signature, timestamp and nonce checks.
// Expired keys are remembered for 24 hours (at most 65536 keys), then are
// InvalidAccessKeyId.NotFound.
//
// # TLS and the CONNECT proxy
//
// With Options.CA (see NewCA), Start/StartOn serve TLS and plain HTTP on the
// same port: a connection whose first byte is 0x16 (a TLS handshake) gets
// TLS, anything else plain HTTP; a connection silent for 10 s is closed.
// TLS offers HTTP/1.1 only. Certificates are issued on demand, cached per
// SNI name, signed by the CA and valid for that name: 127.0.0.1, ::1 and
// localhost (one certificate for all three, also used when the client sends
// no SNI, as Go clients do for an IP address) and names ending in
// .aliyuncs.com. Any other name fails the handshake. The CA is an ECDSA
// P-256 certificate named "vodemu test CA", valid 24 hours; write CertPEM to
// a file and point SSL_CERT_FILE at it before the process first uses TLS
// (Go loads system roots once).
//
// The server is then also an HTTP proxy that never dials anywhere:
//   - CONNECT <name>.aliyuncs.com:443 is answered 200; the tunnel then
//     carries TLS with a certificate for the SNI name (or <name>) and this
//     emulator behind it. CONNECT to the emulator's own address (a loopback
//     name with the port the proxy request came in on) is tunnelled the same
//     way, because darabonba proxies even loopback requests when
//     HTTPS_PROXY is set. Every tunnel counts in Stats.ProxyConnects.
//   - Any other CONNECT target, any other port, and absolute-form requests
//     (GET http://host/...) for other hosts get 403 text/plain and count in
//     Stats.ProxyRefused. Absolute-form requests for *.aliyuncs.com or the
//     emulator itself are served as direct requests.
//
// So with HTTPS_PROXY=http://127.0.0.1:PORT and SSL_CERT_FILE set, clients
// that insist on https://sts.aliyuncs.com (credentials-go's RamRoleArn, OIDC
// and ChainableRamRoleArn CLI profiles) or https://vod.<region>.aliyuncs.com
// reach the emulator. Go reads HTTPS_PROXY once per process, and exempts
// loopback addresses from it. A Server used as a plain http.Handler answers
// CONNECT 501: tunnels need Start/StartOn. Without Options.CA, CONNECT is an
// RPC request like any other (405).
//
// # Faults and rate limit
//
// Faults apply to RPC requests only (never /_emulator/*), before the rate
// limit and authentication. Kinds (FaultKind constants; the strings are what
// flags and the control endpoint take):
//   - throttling: 400 Throttling.User "Request was denied due to user flow control."
//   - throttling-503: the same with 503.
//   - unavailable: 503 ServiceUnavailable.
//   - internal: 500 InternalError.
//   - reset: "HTTP/1.1 200 OK" and one header line, then the connection is
//     closed; clients see an unexpected EOF. (Bytes go out first because
//     Go's transport retries, unseen, a reused connection closed before any
//     answer.)
//   - slow: waits FaultOptions.SlowDelay (default 5 s), then answers
//     normally; if the client goes away first, nothing is answered and the
//     request counts as fault:slow.
//   - malformed-json: 200 application/json, body `{"RequestId": "<id>", "ImageInfo": {`.
//   - truncated: 200 with Content-Length 512 more than the body sent
//     (`{"RequestId":"<id>","ImageInfo":{"ImageId":"`), then the connection closes.
//   - html-502: 502 text/html, a Tengine "502 Bad Gateway" page.
//   - empty-200: 200 application/json, empty body.
//   - wrong-content-type: the normal answer (200 for a valid call) with
//     Content-Type text/plain;charset=utf-8.
//
// InjectNext(kind, n, actions...) faults the next n requests naming one of
// actions (any action if none); queued faults are used oldest first and
// take precedence over rates. SetFaultRate(kind, p, actions...) faults each
// matching request with probability p, one rate per kind (p <= 0 removes
// it); each matching rate takes one draw, in the order the rates were set,
// from a sequence seeded by Options.FaultSeed, so the same seed and request
// order give the same faults. ClearFaults removes all. Fault answers with a
// Code are counted under it in Stats.ByCode, the others as fault:<kind>;
// Stats.ByFault counts every injected fault by kind.
//
// Rate limits. VOD limits calls per account and per action, shared by the
// account's RAM users and processes (VOD's "QPS limits on API operations"
// page, which adds that the enforced limits may vary by region and load).
// Options.QPS > 0 gives each implemented Action (and one bucket for all
// others) a token bucket of max(1, QPS) tokens, full at start, refilled at
// QPS per second of real time (not Options.Now); Options.ActionQPS sets an
// Action's own limit instead (0: none). A request finding its bucket empty
// gets 400 Throttling.User "Request was denied due to user flow control."
// (Alibaba Cloud's common error code and message for an account's flow
// control; it also comes with 503, which the throttling-503 fault gives;
// clients must key off the code). A faulted
// request takes no token. The buckets belong to the server, so every client
// of one emulator (several terraform processes, say) shares them, as an
// account's clients share its limits. Server.ThrottledByAction counts these
// answers by Action. The bucket shape (burst of one second's worth) is
// undocumented: the docs give a rate only. -qps documented (DocumentedQPS)
// sets, per Action:
//   - GetImageInfos 10/s: the GetImageInfos API reference (2024 version).
//   - SearchMedia 50/s: the QPS-limits page, media search.
//   - GetImageInfo 100/s: assumed. No page seen gives one; 100 is the
//     figure the QPS-limits page gives most often.
//   - AssumeRole, AssumeRoleWithOIDC: no limit (STS limits are STS's own,
//     not part of VOD's page).
//
// # Control endpoints
//
// GET /_emulator/health answers "ok"; GET /_emulator/stats answers Stats as
// JSON. POST /_emulator/faults takes {"kind":"throttling","next":2},
// {"kind":"reset","rate":0.1,"actions":["GetImageInfo"]} or {"clear":true}
// ("clear" may come with a kind: clear first, then add), answers 204, and
// 400 for bad JSON, unknown fields or kinds, "next" < 1 without "rate", or
// "rate" outside [0, 1]. None needs a signature, gets faults, or is counted.
//
// # Command
//
// cmd/vodemu takes -access-key-id, -access-key-secret (or env
// VODEMU_ACCESS_KEY_SECRET), -data, -listen, -security-token, -region, and:
//
//	-faults SPEC            SPEC = ITEM {"," ITEM}
//	                        ITEM = KIND ":" ("next=" N | "rate=" P) ["@" ACTION {"+" ACTION}]
//	                        e.g. throttling:next=2@GetImageInfo,reset:rate=0.1
//	-seed N                 Options.FaultSeed
//	-slow-delay DURATION    FaultOptions.SlowDelay
//	-qps SPEC               SPEC = ITEM {"," ITEM}, later items overriding
//	                        ITEM = N (Options.QPS) | "documented" | ACTION "=" N
//	                        (Options.ActionQPS), e.g. documented,GetImageInfo=20
//	-role ARN[#EXTERNAL_ID] a role in STSOptions.Roles (repeatable)
//	-sts-lifetime DURATION  STSOptions.Lifetime
//	-oidc-provider-arn ARN  STSOptions.OIDCProviderArn
//	-oidc-token-file FILE   STSOptions.OIDCToken is the file's content, trimmed
//	                        (credentials-go sends a token file untrimmed:
//	                        write it without a trailing newline)
//	-ca-out FILE            generate a CA, serve TLS and the proxy, and write
//	                        the CA certificate (PEM) to FILE for SSL_CERT_FILE
package vodemu
