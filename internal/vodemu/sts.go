package vodemu

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// STSVersion is the STS API version of AssumeRole and AssumeRoleWithOIDC [Models].
const STSVersion = "2015-04-01"

// STSOptions configures the STS actions.
type STSOptions struct {
	// Roles that can be assumed; with none, every RoleArn is
	// EntityNotExist.Role.
	Roles []Role
	// Lifetime, if > 0, is the lifetime of issued credentials whatever
	// DurationSeconds asks, so that tests see expiry and refresh in seconds.
	Lifetime time.Duration
	// OIDCProviderARN is the provider AssumeRoleWithOIDC accepts; empty
	// accepts none.
	OIDCProviderARN string
	// OIDCToken is the token AssumeRoleWithOIDC accepts, compared exactly
	// (no trimming: credentials-go sends a token file's bytes as they are).
	OIDCToken string
}

// Role is a role that AssumeRole and AssumeRoleWithOIDC can assume.
type Role struct {
	ARN        string // acs:ram::<account digits>:role/<name>, compared exactly
	ExternalID string // if set, AssumeRole must send this ExternalId
	// MaxSessionDuration bounds DurationSeconds, as RAM's role setting does:
	// 3600 s when zero (RAM's default), at most 43200 s.
	MaxSessionDuration time.Duration
}

func (r Role) maxSession() time.Duration {
	if r.MaxSessionDuration > 0 {
		return r.MaxSessionDuration
	}
	return defaultSessionSeconds * time.Second
}

var (
	roleArnPattern     = regexp.MustCompile(`^acs:ram::[0-9]+:role/[A-Za-z0-9.\-]{1,64}$`)
	sessionNamePattern = regexp.MustCompile(`^[\w.@\-]{2,64}$`)
)

// DurationSeconds bounds and default [AssumeRole]: 900 to 43200 s, default
// 3600 s; a role's own maximum (Role.MaxSessionDuration, RAM's default
// 3600 s) bounds it further.
const (
	minSessionSeconds     = 900
	maxSessionSeconds     = 43200
	defaultSessionSeconds = 3600
)

func validateSTS(o STSOptions) error {
	if o.Lifetime < 0 {
		return fmt.Errorf("STS lifetime %v is negative", o.Lifetime)
	}
	seen := map[string]bool{}
	for _, r := range o.Roles {
		if !roleArnPattern.MatchString(r.ARN) {
			return fmt.Errorf("role ARN %q is not acs:ram::<digits>:role/<name>", r.ARN)
		}
		if seen[r.ARN] {
			return fmt.Errorf("role ARN %q is listed twice", r.ARN)
		}
		if d := r.MaxSessionDuration; d != 0 && (d < time.Hour || d > maxSessionSeconds*time.Second || d%time.Second != 0) {
			return fmt.Errorf("role %q: maximum session duration %v is not whole seconds from 1h to 12h", r.ARN, d)
		}
		seen[r.ARN] = true
	}
	return nil
}

// assumeRole answers AssumeRole. It is signed (V1 or V3) like any call, by the long-term key or by
// temporary credentials issued earlier (chaining, as ChainableRamRoleArn profiles do). After the
// parameters (parseAssume): the role must be in STSOptions.Roles, compared exactly, else 404
// EntityNotExist.Role [RPC]; a role with an ExternalID needs that ExternalId, else 403
// NoPermission [AssumeRole] (ExternalId is ignored for roles without one); then the role's
// maximum session duration. SourceIdentity is echoed.
func (s *Server) assumeRole(requestID string, p map[string]string) (any, *apiError) {
	a, aerr := parseAssume(p)
	if aerr != nil {
		return nil, aerr
	}
	role, ok := s.role(a.roleArn)
	if !ok {
		return nil, errNoRole(a.roleArn)
	}
	if role.ExternalID != "" && !equalConstantTime(p["ExternalId"], role.ExternalID) {
		return nil, errNoPermission()
	}
	if aerr := checkSessionDuration(a.duration, role); aerr != nil {
		return nil, aerr
	}
	resp := s.issue(requestID, a)
	resp.SourceIdentity = p["SourceIdentity"]
	return resp, nil
}

// checkSessionDuration bounds DurationSeconds by the role's maximum session
// duration, with STS's message ("The Min/Max value of DurationSeconds is
// 15min/1hr." for the default role [STSErrors; AssumeRole]), the maximum
// written as the role has it.
func checkSessionDuration(d time.Duration, role Role) *apiError {
	if d <= role.maxSession() {
		return nil
	}
	return errDurationSeconds(durationWords(role.maxSession()))
}

func durationWords(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "hr"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "min"
	}
	return strconv.Itoa(int(d/time.Second)) + "s"
}

// assumeRoleWithOIDC answers AssumeRoleWithOIDC, which is unsigned (checkAnonymous). It checks
// RoleArn, OIDCProviderArn and OIDCToken are sent (MissingParameter), the parameters' shape
// (parseAssume), then the provider: not STSOptions.OIDCProviderARN (or that is empty) is 401
// AuthenticationFail.NoPermission "No such OIDC Provider registered." [STSErrors]; then the token:
// not exactly STSOptions.OIDCToken is 401 AuthenticationFail.OIDCToken.Invalid [STSErrors] (the
// token is compared whole, never verified as a JWT: the emulator has no identity provider); then
// the role (404) and its session limit, as for AssumeRole. The answer adds OIDCTokenInfo [Models].
func (s *Server) assumeRoleWithOIDC(requestID string, p map[string]string) (any, *apiError) {
	for _, name := range []string{"RoleArn", "OIDCProviderArn", "OIDCToken"} {
		if p[name] == "" {
			return nil, errMissing(name)
		}
	}
	a, aerr := parseAssume(p)
	if aerr != nil {
		return nil, aerr
	}
	o := s.opts.STS
	if provider := p["OIDCProviderArn"]; o.OIDCProviderARN == "" || provider != o.OIDCProviderARN {
		return nil, errOIDCProviderNotFound()
	}
	if o.OIDCToken == "" || !equalConstantTime(p["OIDCToken"], o.OIDCToken) {
		return nil, errOIDCTokenInvalid()
	}
	role, ok := s.role(a.roleArn)
	if !ok {
		return nil, errNoRole(a.roleArn)
	}
	if aerr := checkSessionDuration(a.duration, role); aerr != nil {
		return nil, aerr
	}
	resp := s.issue(requestID, a)
	resp.OIDCTokenInfo = tokenInfo(p["OIDCToken"], o.OIDCProviderARN)
	return resp, nil
}

// tokenInfo describes an accepted OIDC token from its JWT claims (read, not
// verified: the emulator compares the token as a whole): Subject (sub),
// Issuer (iss), ClientIds (aud), IssuanceTime (iat) and ExpirationTime
// (exp), and VerificationInfo naming the provider. A token that is not a
// JWT gives empty claims.
func tokenInfo(token, provider string) *oidcTokenInfo {
	var claims struct {
		Sub string          `json:"sub"`
		Iss string          `json:"iss"`
		Aud json.RawMessage `json:"aud"`
		Iat int64           `json:"iat"`
		Exp int64           `json:"exp"`
	}
	if parts := strings.Split(token, "."); len(parts) == 3 {
		if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "=")); err == nil {
			_ = json.Unmarshal(b, &claims)
		}
	}
	info := &oidcTokenInfo{Subject: claims.Sub, Issuer: claims.Iss, VerificationInfo: "Success: verified by " + provider}
	var one string
	var many []string
	switch {
	case json.Unmarshal(claims.Aud, &one) == nil:
		info.ClientIDs = one
	case json.Unmarshal(claims.Aud, &many) == nil:
		info.ClientIDs = strings.Join(many, ",")
	}
	if claims.Iat > 0 {
		info.IssuanceTime = time.Unix(claims.Iat, 0).UTC().Format(timestampLayout)
	}
	if claims.Exp > 0 {
		info.ExpirationTime = time.Unix(claims.Exp, 0).UTC().Format(timestampLayout)
	}
	return info
}

// assumeParams are the parameters both actions share, checked.
type assumeParams struct {
	roleArn, session string
	duration         time.Duration
}

// parseAssume checks, in this order: RoleArn is sent (MissingParameter) and
// is acs:ram::<digits>:role/<name>, name 1-64 of A-Z a-z 0-9 . - (else 400
// InvalidParameter.RoleArn [RPC]); RoleSessionName, required for both
// actions, is sent and is 2-64 of A-Z a-z 0-9 _ . @ - (else 400
// InvalidParameter.RoleSessionName [STSErrors; AssumeRole]);
// DurationSeconds, if sent, is a whole number in 900-43200 (else 400
// InvalidParameter.DurationSeconds [AssumeRole]); Policy, if not empty, is
// a JSON object (else 400 InvalidParameter.PolicyGrammar [STSErrors]).
func parseAssume(p map[string]string) (assumeParams, *apiError) {
	a := assumeParams{roleArn: p["RoleArn"], session: p["RoleSessionName"], duration: defaultSessionSeconds * time.Second}
	if a.roleArn == "" {
		return a, errMissing("RoleArn")
	}
	if !roleArnPattern.MatchString(a.roleArn) {
		return a, errRoleArnFormat()
	}
	if a.session == "" {
		return a, errMissing("RoleSessionName")
	}
	if !sessionNamePattern.MatchString(a.session) {
		return a, errRoleSessionNameFormat()
	}
	if v := p["DurationSeconds"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < minSessionSeconds || n > maxSessionSeconds {
			return a, errDurationSeconds("12hr")
		}
		a.duration = time.Duration(n) * time.Second
	}
	if policy := p["Policy"]; policy != "" {
		var doc map[string]any
		if err := json.Unmarshal([]byte(policy), &doc); err != nil {
			return a, errPolicyGrammar()
		}
	}
	return a, nil
}

func (s *Server) role(arn string) (Role, bool) {
	for _, r := range s.opts.STS.Roles {
		if r.ARN == arn {
			return r, true
		}
	}
	return Role{}, false
}

// issue creates temporary credentials for an assumed role [Models]:
// AssumedRoleUser.Arn <RoleArn>/<session>, AssumedRoleId <18 digits>:<session>.
// Expiration is Options.Now plus STSOptions.Lifetime if > 0, else
// DurationSeconds, with second precision, rounded up so that a short
// Lifetime is never already over when it is issued.
func (s *Server) issue(requestID string, a assumeParams) assumeRoleResponse {
	lifetime := a.duration
	if s.opts.STS.Lifetime > 0 {
		lifetime = s.opts.STS.Lifetime
	}
	now := s.opts.Now()
	expiry := now.Add(lifetime).UTC()
	if t := expiry.Truncate(time.Second); t.Before(expiry) {
		expiry = t.Add(time.Second)
	}
	id, k := s.temp.issue(now, expiry)
	return assumeRoleResponse{
		RequestID: requestID,
		AssumedRoleUser: assumedRoleUser{
			ARN:           a.roleArn + "/" + a.session,
			AssumedRoleID: roleID(a.roleArn) + ":" + a.session,
		},
		Credentials: stsCredentials{
			AccessKeyID:     id,
			AccessKeySecret: k.secret,
			SecurityToken:   k.token,
			Expiration:      expiry.Format(timestampLayout),
		},
	}
}

// roleID is a stable 18-digit ID for a role ARN, shaped like RAM's.
func roleID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return fmt.Sprintf("3%017d", binary.BigEndian.Uint64(sum[:8])%1e17)
}
