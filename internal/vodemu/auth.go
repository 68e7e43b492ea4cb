package vodemu

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// MaxClockSkew is how far a request timestamp may be from the server clock
// (Options.Now) before InvalidTimeStamp.Expired [RPC].
const MaxClockSkew = 15 * time.Minute

// timestampLayout is the only accepted form: yyyy-MM-ddTHH:mm:ssZ, UTC
// [RPC]; anything else is InvalidTimeStamp.Format.
const timestampLayout = "2006-01-02T15:04:05Z"

// credentials is what a request claims about itself, in either signature
// version, plus a way to check the claim against a secret.
type credentials struct {
	accessKeyID     string
	action, version string
	timestamp       string
	nonce           string
	token           string
	tokenPresent    bool
	// verify reports whether the request was signed with secret, and the
	// string to sign the server computed (for SignatureDoesNotMatch).
	verify func(secret string) (bool, string)
}

// parseCredentials detects the signature version and checks the common
// parameters' presence and shape. It returns the credentials it could read
// even with an error, so the caller can still count the Action. V3
// (Authorization: ACS3-HMAC-SHA256 ...) is used when that header is
// present, otherwise V1 (HMAC-SHA1) when a Signature parameter is present,
// otherwise the request is MissingSignature; another Authorization scheme
// is IncompleteSignature [RPC].
func parseCredentials(r *http.Request, req *rpcRequest) (*credentials, *apiError) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		if strings.HasPrefix(auth, v3Algorithm+" ") {
			return parseV3(r, req, auth)
		}
		return nil, errIncompleteSignature("only " + v3Algorithm + " Authorization headers are supported.")
	}
	if _, ok := req.params["Signature"]; ok {
		return parseV1(r, req)
	}
	return nil, errMissingCommon("Signature")
}

// parseV1 reads a V1 request: a missing common parameter is Missing<Name>
// [RPC]; the signature covers every parameter received but Signature
// (v1StringToSign).
func parseV1(r *http.Request, req *rpcRequest) (*credentials, *apiError) {
	p := req.params
	c := &credentials{
		accessKeyID: p["AccessKeyId"],
		action:      p["Action"],
		version:     p["Version"],
		timestamp:   p["Timestamp"],
		nonce:       p["SignatureNonce"],
	}
	c.token, c.tokenPresent = p["SecurityToken"]
	for _, name := range []string{"Action", "Version", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"} {
		if p[name] == "" {
			return c, errMissingCommon(name)
		}
	}
	if p["SignatureMethod"] != "HMAC-SHA1" {
		return c, errInvalid("SignatureMethod", "Only HMAC-SHA1 is supported.")
	}
	if p["SignatureVersion"] != "1.0" {
		return c, errInvalid("SignatureVersion", "Only 1.0 is supported.")
	}
	// The real API's default Format is XML, which is not emulated (a
	// deliberate choice): a client that forgets Format=JSON would get XML from
	// the cloud, so it fails here.
	format, ok := p["Format"]
	if !ok {
		format = "XML"
	}
	if aerr := checkFormat(format); aerr != nil {
		return c, aerr
	}
	if aerr := checkVersion(c.action, c.version); aerr != nil {
		return c, aerr
	}
	method, all, given := r.Method, req.all, p["Signature"]
	c.verify = func(secret string) (bool, string) {
		sts := v1StringToSign(method, all)
		return equalConstantTime(v1Sign(secret, sts), given), sts
	}
	return c, nil
}

// parseV3 reads a V3 request and rebuilds its canonical request [RPC] from
// what was received: the method, path, query, the SignedHeaders (host taken
// from the request's Host) and x-acs-content-sha256, which must be the
// SHA-256 of the body received (else InvalidParameter).
func parseV3(r *http.Request, req *rpcRequest, auth string) (*credentials, *apiError) {
	a, err := parseV3Authorization(auth)
	c := &credentials{
		accessKeyID: a.accessKeyID,
		action:      r.Header.Get("x-acs-action"),
		version:     r.Header.Get("x-acs-version"),
		timestamp:   r.Header.Get("x-acs-date"),
		nonce:       r.Header.Get("x-acs-signature-nonce"),
	}
	if vals, ok := r.Header["X-Acs-Security-Token"]; ok && len(vals) > 0 {
		c.token, c.tokenPresent = vals[0], true
	}
	if err != nil {
		return c, errIncompleteSignature("expected " + v3Algorithm + " Credential=<AccessKeyId>,SignedHeaders=<a;b>,Signature=<hex>.")
	}
	// Missing headers are named by the common parameter they carry
	// (x-acs-action is Action, x-acs-date Timestamp); a missing
	// x-acs-content-sha256, which carries none, is MissingXAcsContentSha256
	// (undocumented: named after the header).
	for _, h := range []struct{ header, name string }{{"x-acs-action", "Action"}, {"x-acs-version", "Version"},
		{"x-acs-signature-nonce", "SignatureNonce"}, {"x-acs-date", "Timestamp"}, {"x-acs-content-sha256", "XAcsContentSha256"}} {
		if r.Header.Get(h.header) == "" {
			return c, errMissingCommon(h.name)
		}
	}
	// The signature must cover the host and every x-acs-* header sent, or a
	// man in the middle could change them; this is what the SDKs sign (a
	// deliberate choice: no page requires it).
	signed := map[string]bool{}
	for _, h := range a.signedHeaders {
		signed[h] = true
	}
	required := []string{"host"}
	for name := range r.Header {
		if lower := strings.ToLower(name); strings.HasPrefix(lower, "x-acs-") {
			required = append(required, lower)
		}
	}
	for _, h := range required {
		if !signed[h] {
			return c, errIncompleteSignature("header " + h + " must be listed in SignedHeaders.")
		}
	}
	sum := sha256.Sum256(req.body)
	payloadHash := r.Header.Get("x-acs-content-sha256") // signed as sent
	if !strings.EqualFold(payloadHash, hex.EncodeToString(sum[:])) {
		return c, errInvalid("x-acs-content-sha256", "It is not the hex SHA-256 of the request body received.")
	}
	if f, ok := req.params["Format"]; ok {
		if aerr := checkFormat(f); aerr != nil {
			return c, aerr
		}
	}
	if aerr := checkVersion(c.action, c.version); aerr != nil {
		return c, aerr
	}
	method, path, query, host := r.Method, r.URL.EscapedPath(), req.query, r.Host
	header := r.Header.Clone()
	c.verify = func(secret string) (bool, string) {
		canonicalHeaders, signedList := v3CanonicalHeaders(a.signedHeaders, func(name string) []string {
			if name == "host" { // net/http moves Host out of the header map
				return []string{host}
			}
			return header.Values(name)
		})
		sts := v3StringToSign(v3CanonicalRequest(method, path, query, canonicalHeaders, signedList, payloadHash))
		return equalConstantTime(v3Sign(secret, sts), a.signature), sts
	}
	return c, nil
}

// checkFormat accepts JSON, in any case [RPC]; XML answers are not emulated,
// so XML is InvalidParameter (a deliberate choice).
func checkFormat(f string) *apiError {
	switch strings.ToUpper(f) {
	case "JSON":
		return nil
	case "XML":
		return errInvalid("Format", "XML responses are not emulated; send Format=JSON.")
	}
	return errInvalid("Format", "Valid values are JSON and XML.")
}

// checkVersion accepts the version of the action's product, else
// InvalidVersion: VOD and STS share the endpoint, and Version tells them
// apart (GetImageInfo(s) and SearchMedia 2017-03-21, AssumeRole(WithOIDC)
// 2015-04-01 [Models]). An action the emulator does not know may name
// either product's version (it is then InvalidAction.NotFound once
// authenticated).
func checkVersion(action, v string) *apiError {
	want := APIVersion
	if op, ok := operations[action]; ok {
		want = op.version
	} else if v == STSVersion {
		return nil
	}
	if v != want {
		return errInvalidVersion(want)
	}
	return nil
}

// checkAnonymous checks an unsigned call (AssumeRoleWithOIDC, which
// credentials-go sends unsigned): Version (parameter, or x-acs-version for a
// V3-style call) and Format (as for V1; optional V3-style) only. Keys,
// signatures, timestamps and nonces it may carry are ignored, as nothing is
// signed.
func checkAnonymous(r *http.Request, req *rpcRequest, action string) *apiError {
	if _, ok := req.params["Version"]; !ok && r.Header.Get("x-acs-version") != "" {
		// V3 style: version in a header, Format optional.
		if f, ok := req.params["Format"]; ok {
			if aerr := checkFormat(f); aerr != nil {
				return aerr
			}
		}
		return checkVersion(action, r.Header.Get("x-acs-version"))
	}
	if req.params["Version"] == "" {
		return errMissingCommon("Version")
	}
	format, ok := req.params["Format"]
	if !ok {
		format = "XML" // the real default, as for V1
	}
	if aerr := checkFormat(format); aerr != nil {
		return aerr
	}
	return checkVersion(action, req.params["Version"])
}

// authenticate runs the checks in the gateway's order: who
// (InvalidAccessKeyId.NotFound), signature (SignatureDoesNotMatch, its
// message ending with the server's string to sign), time
// (InvalidTimeStamp.Format, .Expired beyond MaxClockSkew), replay
// (SignatureNonceUsed), token [RPC]. The key is the long-term one or a
// temporary one issued by AssumeRole(WithOIDC), which every action, VOD's
// and STS's, accepts.
//
// Tokens: with Options.SecurityToken set, a request signed with the
// long-term key without a token is MissingSecurityToken, with another one
// InvalidSecurityToken.MismatchWithAccessKey (400) [RPC]; with it empty,
// tokens such requests carry are ignored (a deliberate choice: a long-term
// key needs none). Temporary credentials must carry their own token (V1
// SecurityToken, V3 x-acs-security-token), with the same two errors, and
// from their Expiration on (Options.Now) are InvalidSecurityToken.Expired
// (400) [RPC].
func (s *Server) authenticate(c *credentials) *apiError {
	secret := s.opts.AccessKeySecret
	var temp *tempKey
	if c.accessKeyID != s.opts.AccessKeyID {
		k, ok := s.temp.get(c.accessKeyID)
		if !ok {
			return errAccessKeyNotFound()
		}
		secret, temp = k.secret, &k
	}
	if ok, sts := c.verify(secret); !ok {
		return errSignatureDoesNotMatch(sts)
	}
	ts, err := time.Parse(timestampLayout, c.timestamp)
	if err != nil {
		return errTimestampFormat()
	}
	now := s.opts.Now()
	if d := now.Sub(ts); d > MaxClockSkew || d < -MaxClockSkew {
		return errTimestampExpired()
	}
	// A nonce must outlive the window in which its timestamp is accepted.
	expiry := ts
	if now.After(expiry) {
		expiry = now
	}
	if !s.nonces.add(c.accessKeyID+"\x00"+c.nonce, expiry.Add(MaxClockSkew), now) {
		return errNonceUsed()
	}
	want := s.opts.SecurityToken
	if temp != nil {
		want = temp.token
	}
	if want == "" {
		return nil
	}
	if !c.tokenPresent || c.token == "" {
		return errMissingCommon("SecurityToken")
	}
	if !equalConstantTime(c.token, want) {
		return errTokenMismatch()
	}
	if temp != nil && !now.Before(temp.expiry) {
		return errTokenExpired()
	}
	return nil
}
