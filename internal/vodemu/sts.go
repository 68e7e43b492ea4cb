package vodemu

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// STSVersion is the STS API version of AssumeRole and AssumeRoleWithOIDC.
const STSVersion = "2015-04-01"

// STSOptions configures the STS actions.
type STSOptions struct {
	// Roles that can be assumed; with none, every RoleArn is
	// EntityNotExist.Role.
	Roles []Role
	// Lifetime, if > 0, is the lifetime of issued credentials whatever
	// DurationSeconds asks, so that tests see expiry and refresh in seconds.
	Lifetime time.Duration
	// OIDCProviderArn is the provider AssumeRoleWithOIDC accepts; empty
	// accepts none.
	OIDCProviderArn string
	// OIDCToken is the token AssumeRoleWithOIDC accepts, compared exactly
	// (no trimming: credentials-go sends a token file's bytes as they are).
	OIDCToken string
}

// Role is a role that AssumeRole and AssumeRoleWithOIDC can assume.
type Role struct {
	Arn        string // acs:ram::<account digits>:role/<name>, compared exactly
	ExternalID string // if set, AssumeRole must send this ExternalId
}

var (
	roleArnPattern     = regexp.MustCompile(`^acs:ram::[0-9]+:role/[A-Za-z0-9.\-]{1,64}$`)
	sessionNamePattern = regexp.MustCompile(`^[\w.@\-]{2,64}$`)
)

// DurationSeconds bounds and default, as documented for AssumeRole.
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
		if !roleArnPattern.MatchString(r.Arn) {
			return fmt.Errorf("role ARN %q is not acs:ram::<digits>:role/<name>", r.Arn)
		}
		if seen[r.Arn] {
			return fmt.Errorf("role ARN %q is listed twice", r.Arn)
		}
		seen[r.Arn] = true
	}
	return nil
}

type assumeRoleResponse struct {
	RequestId       string
	AssumedRoleUser assumedRoleUser
	Credentials     stsCredentials
}

type assumedRoleUser struct {
	Arn           string
	AssumedRoleId string
}

type stsCredentials struct {
	AccessKeyId     string
	AccessKeySecret string
	SecurityToken   string
	Expiration      string
}

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
		return nil, &apiError{http.StatusForbidden, "NoPermission",
			"You are not authorized to do this action. You should be authorized by RAM."}
	}
	return s.issue(requestID, a), nil
}

// assumeRoleWithOIDC checks, after the parameters' shape, the provider
// (404), then the token (400), then the role (404).
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
	if provider := p["OIDCProviderArn"]; o.OIDCProviderArn == "" || provider != o.OIDCProviderArn {
		return nil, &apiError{http.StatusNotFound, "EntityNotExist.OIDCProvider",
			"The OIDC provider not exists: " + provider + "."}
	}
	if o.OIDCToken == "" || !equalConstantTime(p["OIDCToken"], o.OIDCToken) {
		return nil, &apiError{http.StatusBadRequest, "AuthenticationFail.OIDCToken.Invalid",
			"The OIDC token is invalid: it is not the token this emulator accepts."}
	}
	if _, ok := s.role(a.roleArn); !ok {
		return nil, errNoRole(a.roleArn)
	}
	return s.issue(requestID, a), nil
}

// assumeParams are the parameters both actions share, checked.
type assumeParams struct {
	roleArn, session string
	duration         time.Duration
}

func parseAssume(p map[string]string) (assumeParams, *apiError) {
	a := assumeParams{roleArn: p["RoleArn"], session: p["RoleSessionName"], duration: defaultSessionSeconds * time.Second}
	if a.roleArn == "" {
		return a, errMissing("RoleArn")
	}
	if !roleArnPattern.MatchString(a.roleArn) {
		return a, &apiError{http.StatusBadRequest, "InvalidParameter.RoleArn.Malformed",
			"The parameter RoleArn is wrongly formed: expected acs:ram::<account id>:role/<role name>."}
	}
	if a.session == "" {
		return a, errMissing("RoleSessionName")
	}
	if !sessionNamePattern.MatchString(a.session) {
		return a, &apiError{http.StatusBadRequest, "InvalidParameter.RoleSessionName",
			"The parameter RoleSessionName is wrongly formed: 2 to 64 letters, digits and . @ - _."}
	}
	if v := p["DurationSeconds"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < minSessionSeconds || n > maxSessionSeconds {
			return a, &apiError{http.StatusBadRequest, "InvalidParameter.DurationSeconds",
				"The Min/Max value of DurationSeconds is 15min/12hr."}
		}
		a.duration = time.Duration(n) * time.Second
	}
	if policy := p["Policy"]; policy != "" {
		var doc map[string]any
		if err := json.Unmarshal([]byte(policy), &doc); err != nil {
			return a, &apiError{http.StatusBadRequest, "InvalidParameter.PolicyGrammar",
				"The parameter Policy has not passed grammar check: it must be a JSON object."}
		}
	}
	return a, nil
}

func errNoRole(arn string) *apiError {
	return &apiError{http.StatusNotFound, "EntityNotExist.Role", "The role not exists: " + arn + "."}
}

func (s *Server) role(arn string) (Role, bool) {
	for _, r := range s.opts.STS.Roles {
		if r.Arn == arn {
			return r, true
		}
	}
	return Role{}, false
}

// issue creates temporary credentials for an assumed role. Expiration has
// second precision, rounded up so that a short Lifetime is never already
// over when it is issued.
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
		RequestId: requestID,
		AssumedRoleUser: assumedRoleUser{
			Arn:           a.roleArn + "/" + a.session,
			AssumedRoleId: roleID(a.roleArn) + ":" + a.session,
		},
		Credentials: stsCredentials{
			AccessKeyId:     id,
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
