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
// # Sources
//
// Every behaviour below names the public source it follows, by these keys,
// or says that it is undocumented and why the emulator chose what it does:
//
//	[Models]    Alibaba Cloud's generated SDK models, vod-20170321 (GetImageInfo,
//	            GetImageInfos, SearchMedia) and sts-20150401 (AssumeRole,
//	            AssumeRoleWithOIDC): testdata/api-models/models.json, with its README.
//	[GetImage]  "ApsaraVideo VOD: GetImageInfo" API reference (the project's seed copy).
//	[Search]    "SearchMedia" API reference, with its "Common errors" table.
//	[Protocol]  "Protocol for media asset search" (doc 86991): the syntax table, the
//	            special-character table and the Image field table.
//	[Guide]     "Search for media asset information" developer guide (doc 99179):
//	            Fields, and the one-sided range ('a',).
//	[VODErrors] ApsaraVideo VOD "Error codes" (MissingParameter, InvalidParameter, ...).
//	[RPC]       the project's vod-api.md, gathered from Alibaba Cloud's signature and
//	            error-code pages: V1/V3 signing, replay checks, the error body, Missing<Name>,
//	            InvalidSecurityToken.* and QPS limits.
//	[ClientErrors] the RPC gateway's "Client error codes" table that Alibaba Cloud publishes
//	            for its RPC products (help.aliyun.com/en/polardb/client-error-codes, document
//	            51132): UnsupportedHTTPMethod, 403, "This http method not supported.".
//	[STSErrors] "STS error codes" (api-sts-2015-04-01-errorcodes) and "Common errors when
//	            you access OSS by using STS" (doc 42775).
//	[AssumeRole] "AssumeRole" API reference (doc 28763): DurationSeconds from 900 to the
//	            role's maximum session duration (3600 s unless raised, up to 43200 s).
//	[TypeA]     "Type A signing" (VOD URL signing; CDN/DCDN doc 119858).
//
// # Protocol
//
// Any path except /_emulator/* is the RPC endpoint, for GET and POST [RPC].
// Parameters from the query string and an application/x-www-form-urlencoded
// body are merged [RPC]; a parameter sent twice is InvalidParameter
// (undocumented: with two values nobody can tell which was meant). Bodies are
// limited to 1 MiB (413, Code InvalidParameter; undocumented, real calls are
// tiny). VOD and STS share the
// endpoint: each action needs its product's Version (GetImageInfo(s) and
// SearchMedia 2017-03-21, AssumeRole(WithOIDC) 2015-04-01), else InvalidVersion; an
// unknown action may name either version.
//
// Signature V3 (Authorization: ACS3-HMAC-SHA256 ...) is used when that header
// is present; otherwise V1 (HMAC-SHA1) when a Signature parameter is present;
// otherwise MissingSignature. Any other Authorization scheme is
// IncompleteSignature. V1 signs every received parameter
// but Signature, empty ones included. V3 rebuilds the canonical request from
// the received method, path, query, the SignedHeaders (host taken from the
// request's Host) and x-acs-content-sha256, which must equal the SHA-256 of
// the body received (else InvalidParameter). V3 requires host and every
// x-acs-* header sent to be among SignedHeaders (else IncompleteSignature),
// as the SDKs do. Canonical query names are RFC 3986-encoded like values
// (darabonba leaves names raw; the same for the alphanumeric names VOD uses).
// AssumeRoleWithOIDC is never signed (see STS). [RPC]
//
// A missing common (gateway) parameter is 400 Missing<Name>, "<Name> is
// mandatory for this action." [RPC; STSErrors' MissingSecurityToken has the
// same form]: MissingAction, MissingVersion, MissingAccessKeyId,
// MissingSignatureMethod, MissingSignatureVersion, MissingSignatureNonce,
// MissingTimestamp, MissingSignature, MissingSecurityToken. V3 headers are
// named by the parameter they carry (x-acs-action is Action, x-acs-date
// Timestamp); a missing x-acs-content-sha256 is MissingXAcsContentSha256
// (undocumented; named after the header). An action's own missing parameter
// is MissingParameter [VODErrors]. A method other than GET and POST is 403
// UnsupportedHTTPMethod [ClientErrors].
//
// Checks run in this order: reading the request (method, 413, bad encoding, a
// parameter sent twice), injected faults and the rate limit (both look at
// the Action only, so a retry gets a fresh decision and a faulted or
// throttled request burns no nonce), request shape (Missing<Name>,
// InvalidParameter, IncompleteSignature, InvalidVersion),
// InvalidAccessKeyId.NotFound (404), SignatureDoesNotMatch (message ends
// with "server string to sign is:" and the server's string),
// InvalidTimeStamp.Format (only yyyy-MM-ddTHH:mm:ssZ),
// InvalidTimeStamp.Expired (more than 15 minutes from Options.Now),
// SignatureNonceUsed (nonces kept until their timestamp could no longer be
// accepted; at most 2^20 remembered), the security token, then
// InvalidAction.NotFound (404), then the action's own parameters. [RPC; the
// order itself is undocumented: it is the order in which each check can be
// made at all.]
//
// Documented choices where the real service is unclear:
//   - Security token of the long-term key: with Options.SecurityToken set, a
//     missing token is MissingSecurityToken and a different one
//     InvalidSecurityToken.MismatchWithAccessKey (400) [RPC]. With it empty,
//     tokens that requests carry are ignored. Temporary keys: see STS.
//   - Format: JSON (any case) only. XML, and a V1 request without Format
//     (the real default is XML), are InvalidParameter: an XML-expecting
//     client would break against the cloud too.
//   - RegionId is accepted and ignored; Region only names HostId. (Which
//     host serves a region is the client's business: the official client
//     sends cn-hangzhou to vod.cn-shanghai.aliyuncs.com [Models, endpoints].)
//   - InvalidAccessKeyId.NotFound uses HTTP 404 (vod-api.md: 404 or 400,
//     varying by product).
//   - Options.OnRequest sees every request read, for tests of what a client
//     sends (the conformance test uses it).
//
// # Responses
//
// Errors are {"RequestId","HostId","Code","Message","Recommend"} [RPC] with
// Content-Type application/json;charset=utf-8 and header x-acs-request-id.
// HostId is vod.<Region>.aliyuncs.com, or sts.aliyuncs.com for the STS
// actions; Recommend is https://api.aliyun.com/troubleshoot?q=<Code>&
// product=<Vod|Sts>&requestId=<RequestId>.
//
// GetImageInfo's ImageInfo, and each item of GetImageInfos' ImageInfo,
// carry exactly the fields of [Models]' ImageInfo (GetImageInfos' items are
// GetImageInfo's [Models]): never ModificationTime, Ext or Type. The fields
// every image has are always sent (AppId, CreationTime, ImageId, ImageType,
// Status, StorageLocation, URL: [GetImage]'s example has all of them); Title,
// Description, Tags, CateId and CateName only when set, and Mezzanine only
// when the image has a source file (undocumented whether the real API sends
// empty values; leaving them out catches a client that needs them). FileSize
// is a JSON string [Models]; Mezzanine.FileSizeAsNumber, settable from Go
// only, sends a number to test a client's tolerance (a deliberate departure
// from the model). GetImageInfos ignores empty and repeated IDs, allows 20
// [RPC], and always returns ImageInfo and NonExistImageIds arrays.
//
// # Images and data files
//
// Options.Images, PutImage and data files (LoadImages, DataFileFormat) hold
// images as ImageInfo objects plus ModificationTime. ImageId and URL are
// required; the other fields [GetImage] always returns are filled when
// absent with realistic values: StorageLocation from the OSS host of URL or
// Mezzanine.FileURL (required if neither is one), CreationTime the server's
// start time, Status Normal, ImageType NormalSnapshot ([GetImage]'s
// example), AppId app-1000000 (VOD's default application). Status must be
// one of [GetImage]'s values. Filling rather than rejecting is a choice: a
// file that names only what matters to a test still yields complete,
// realistic answers, never an empty url.
//
// # SearchMedia
//
// Only images are stored, so SearchType=image is the one that finds
// anything; video (the API's default [Search], also when SearchType is
// empty), audio and attached answer Total 0 with their Match unchecked
// (their fields differ). An empty parameter counts as not sent. Checked in
// this order, each failure InvalidParameter naming the parameter unless
// said otherwise: SearchType (video, audio, image, attached [Search]);
// SortBy (below); PageNo (an integer >= 1, default 1); PageSize (1-100,
// default 10 [Search]); (PageNo-1)*PageSize < 5000, named PageNo, as page
// browsing reaches only the first 5,000 hits [Search]; then Match.
// ScrollToken is ignored for images: it "only takes effect when you query
// the data of video and audio files" [Search].
//
// SortBy is up to three comma-separated Field:Desc|Field:Asc items [Search],
// the fields those the protocol page marks as image sort fields,
// CreationTime and ModificationTime [Protocol]; default CreationTime:Desc
// [Search]. Naming a field twice is InvalidParameter (undocumented; the
// order would be ambiguous). Hits sort by the items in turn, an image
// without the time counting as oldest, then by ImageId ascending (undocumented:
// a stable order keeps pages from shuffling); a page across hit 5,000 is
// cut there, and Total counts every hit.
//
// The body is {"RequestId","Total","ScrollToken","MediaList":[{"CreationTime",
// "MediaType":"image","MediaId","Image"}]} [Models], MediaList [] when
// empty; ScrollToken (32 hex characters [Search]) is sent when there are
// hits. Image carries ImageId and CreationTime ("by default, only the ID,
// creation time, and type of each media asset are returned" [Protocol]),
// plus the fields Fields names among AppId, CateId, CateName, Description,
// ModificationTime, Status, StorageLocation, Tags, Title and URL [Guide;
// Models], each when set. Other names in Fields are ignored: Fields is
// shared by all media types. FileName is an image returned field in
// [Protocol] but no model has it, so it is never sent (the models win).
// URL is signed as GetImageInfo signs it without OutputType and AuthTimeout.
//
// Match follows [Protocol]'s syntax, special characters and Image table:
//
//	Match  = [Expr]
//	Expr   = Term {WS "and" WS Term}                   "and", "or", "in": any case
//	Term   = Clause | "(" Expr {WS "or" WS Expr} ")"   "or" only inside parentheses
//	Clause = Field "=" Value | Field "in" List | Field "=" Range
//	List   = "(" Value {"," Value} ")"
//	Range  = ("(" | "[") [Bound] "," [Bound] (")" | "]")   at least one bound
//	Value  = String | Integer                          Integer: [-]digits, CateId only
//	Bound  = String holding yyyy-MM-ddTHH:mm:ssZ
//	String = "'" ... "'" | '"' ... '"'                 a backslash makes the next byte literal
//
// Per field [Protocol, Image table]: ImageId and CateId take "=" (exact);
// AppId and Status take "in" only; StorageLocation "=" and "in" (exact);
// FileName, Title, Tags and Description "=" and "in", both fuzzy
// (case-insensitive substring, any of the values); CreationTime and
// ModificationTime take a range. CateName and URL are returned fields only.
// "(" and ")" exclude a bound, "[" and "]" include it [Protocol, special
// characters]; an absent bound is left out, as in ('2018-01-01T00:00:00Z',)
// [Guide], and an empty quoted bound is an error. "and" binds tighter than
// "or" (undocumented; the usual precedence). FileName compares
// Mezzanine.OriginalFileName (undocumented: the source file's name is the
// image's file name). Double quotes, backslash escapes, a bare or quoted
// integer for CateId and free whitespace are accepted (undocumented;
// [Protocol] asks only for single-byte punctuation). Field names are
// case-sensitive. Whitespace only is no filter. Anything else is 400
// ErrorMatchSyntax "The parameter Match.<Field> has an error syntax, please
// check it." [Search, Common errors], followed by the reason and its byte
// offset.
//
// # Signed URLs
//
// The stored URL's path is the object key; a stored URL whose host is not
// *.aliyuncs.com means the image has a CDN domain. Without OutputType a CDN
// URL is returned if there is a CDN domain, else an OSS URL [GetImage];
// OutputType=cdn for an image without one also yields an OSS URL.
//
// CDN URLs use type-A signing, auth_key=<timestamp>-0-0-<md5> [TypeA]. The
// timestamp is when the URL was generated plus the signer's offset, and the
// CDN serves the URL until timestamp + the domain's configured validity
// period [TypeA] (Options.CDNURLValidity, default DefaultCDNURLValidity,
// 1800 s: the domain owner's setting; no public default was found). How VOD
// derives the offset from AuthTimeout is undocumented: the emulator takes
// AuthTimeout as the offset ([TypeA]: "Timestamp = UNIX timestamp on the
// signing server + configured validity period on the signing server") and no
// offset without it, so that [GetImage]'s "if you leave this parameter empty,
// the default validity period that is specified in URL signing is used"
// holds. AuthTimeout for CDN has a minimum of 1 and no maximum [GetImage].
//
// OSS URLs use Expires/OSSAccessKeyId/Signature on https://<StorageLocation>/<key>
// with Expires = now + AuthTimeout, default 3600, at most 2592000 for VOD
// "outin-" buckets and 129600 for others [GetImage]; an expiry that overflows
// a 64-bit Unix time is InvalidParameter. Mezzanine.FileURL is always an OSS
// URL, its lifetime capped at the OSS maximum. The OSS key pair and CDN key
// are the emulator's own (Options or the Default* constants), never the
// caller's; VerifyCDNURL (with the domain's validity) and VerifyOSSURL check
// returned URLs as CDN and OSS would.
//
// OSS URLs may instead be signed with V4 (x-oss-signature-version,
// x-oss-credential, x-oss-date, x-oss-expires, x-oss-signature; with
// Options.OSSSecurityToken also x-oss-security-token, or V1's security-token),
// chosen per image (OSSSignatureVersion, a data-file field no API returns), per
// bucket or for all (Options, -oss-signature). A V4 URL holds at most 604800 s:
// a longer AuthTimeout is cut to it (VOD's behaviour is undocumented). Requests
// whose host is <bucket>.oss-<region>.aliyuncs.com (or oss-<region>... with
// /<bucket>/<key>) go to the OSS endpoint (oss.go), which verifies V1 and V4,
// header and query forms (osssig.go, tested with the OSS SDK's vectors), and
// answers GET/HEAD of stored images' objects with an empty body, or OSS's XML
// errors. Sources are cited in osssig.go and oss.go.
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
//     (name: 1-64 of A-Z a-z 0-9 . -): 400 InvalidParameter.RoleArn [RPC].
//   - RoleSessionName (required for both actions) missing: MissingParameter;
//     not 2-64 of A-Z a-z 0-9 _ . @ -: 400 InvalidParameter.RoleSessionName
//     [STSErrors; AssumeRole].
//   - DurationSeconds not a whole number in 900-43200 (default 3600): 400
//     InvalidParameter.DurationSeconds [AssumeRole].
//   - Policy, if not empty, not a JSON object: 400 InvalidParameter.PolicyGrammar
//     [STSErrors].
//   - (OIDC) OIDCProviderArn not STSOptions.OIDCProviderARN (or that is
//     empty): 401 AuthenticationFail.NoPermission "No such OIDC Provider
//     registered." [STSErrors]. OIDCToken not exactly STSOptions.OIDCToken:
//     401 AuthenticationFail.OIDCToken.Invalid [STSErrors] (the token is
//     compared whole, never verified as a JWT).
//   - RoleArn not in STSOptions.Roles (compared exactly): 404
//     EntityNotExist.Role "The role not exists: <arn>." [RPC].
//   - (AssumeRole) the role has an ExternalID and ExternalId differs: 403
//     NoPermission "You are not authorized to do this action. You should be
//     authorized by RAM." [AssumeRole]. ExternalId is ignored for roles without one.
//   - DurationSeconds above the role's maximum session duration
//     (Role.MaxSessionDuration, default 3600 s): 400
//     InvalidParameter.DurationSeconds "The Min/Max value of DurationSeconds
//     is 15min/1hr." [STSErrors; AssumeRole], the maximum written as the role has it.
//
// Success is {"RequestId","SourceIdentity","AssumedRoleUser":{"Arn":
// "<RoleArn>/<session>","AssumedRoleId":"<18 digits>:<session>"},
// "Credentials":{"AccessKeyId":"STS.<26 random>","AccessKeySecret",
// "SecurityToken":"CAIS<base64, about 500 characters, with + / =>",
// "Expiration":"yyyy-MM-ddTHH:mm:ssZ"}} [Models]. SourceIdentity echoes the
// request's and is left out without one (undocumented whether an empty
// value is sent). AssumeRoleWithOIDC adds OIDCTokenInfo [Models]: Subject,
// Issuer, ClientIds (aud), IssuanceTime and ExpirationTime read from the
// token's JWT claims (empty if it is no JWT), VerificationInfo naming the
// provider. Expiration is Options.Now plus STSOptions.Lifetime if > 0, else
// DurationSeconds, rounded up to the second.
//
// Temporary credentials are accepted by every action, VOD and STS, signed
// like the long-term key, and must carry their own token (V1 SecurityToken,
// V3 x-acs-security-token): missing is MissingSecurityToken, another token
// InvalidSecurityToken.MismatchWithAccessKey (400); from Expiration on
// (Options.Now), InvalidSecurityToken.Expired (400) "Specified SecurityToken
// is expired." [RPC]. These token checks come after the signature, timestamp
// and nonce checks. Expired keys are remembered for 24 hours (at most 65536
// keys), then are InvalidAccessKeyId.NotFound (undocumented; bounded memory).
//
// # Conformance
//
// conformance_test.go calls every action, successfully and on every error
// path (each error code the source can answer, found by reading the source),
// and compares each raw answer with [Models] (errors with [RPC]'s error
// body) field by field: no field the model lacks, the model's JSON types,
// and the fields listed above as always sent. It also runs the project's
// client and checks that every parameter it sends is in the action's request
// model. sdk_classic_test.go calls every action through the classic
// alibaba-cloud-sdk-go (V1) and darabonba's CallApi (V3).
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
// limit and authentication; STS actions are RPC requests like VOD's, so
// "throttling:next=1@AssumeRole" faults a role assumption. Kinds (FaultKind constants; the strings are what
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
// "rate" outside [0, 1]. DELETE /_emulator/images/<ImageId> removes an image, as
// deleting it in VOD would (later reads answer NoSuchResource): 204, or 404 if
// there is no such image. None needs a signature, gets faults, or is counted.
//
// # Command
//
// cmd/vodemu takes -access-key-id, -access-key-secret (or env
// VODEMU_ACCESS_KEY_SECRET), -data (DataFileFormat; -h prints it), -listen,
// -security-token, -region, -cdn-url-validity (Options.CDNURLValidity), and:
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
//	-role-max-session D     every role's Role.MaxSessionDuration
//	-sts-lifetime DURATION  STSOptions.Lifetime
//	-oidc-provider-arn ARN  STSOptions.OIDCProviderArn
//	-oidc-token-file FILE   STSOptions.OIDCToken is the file's content, trimmed
//	                        (credentials-go sends a token file untrimmed:
//	                        write it without a trailing newline)
//	-ca-out FILE            generate a CA, serve TLS and the proxy, and write
//	                        the CA certificate (PEM) to FILE for SSL_CERT_FILE
package vodemu
