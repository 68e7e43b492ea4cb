package vod

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"
)

// roleSource assumes a RAM role with base's credentials (STS AssumeRole).
type roleSource struct {
	f                                        *fetcher
	base                                     source
	host                                     string
	roleARN, sessionName, externalID, policy string
	durationSeconds                          int
}

func (r *roleSource) describe() string {
	return fmt.Sprintf("role %s assumed with %s", r.roleARN, r.base.describe())
}

func (r *roleSource) get(ctx context.Context) (*session, error) {
	params := map[string]string{"RoleArn": r.roleARN, "RoleSessionName": r.sessionName,
		"ExternalId": r.externalID, "Policy": r.policy}
	if r.durationSeconds > 0 {
		params["DurationSeconds"] = strconv.Itoa(r.durationSeconds)
	}
	return r.f.callSTS(ctx, r.host, "AssumeRole", params, r.base)
}

// oidcSource assumes a RAM role with an OIDC token read from a file at every refresh, as CI
// runners and Kubernetes RRSA rotate it (STS AssumeRoleWithOIDC, not signed).
type oidcSource struct {
	f                                                    *fetcher
	host                                                 string
	roleARN, providerARN, tokenFile, sessionName, policy string
	durationSeconds                                      int
}

func (o *oidcSource) describe() string {
	return fmt.Sprintf("OIDC role %s with the token in %s", o.roleARN, o.tokenFile)
}

func (o *oidcSource) get(ctx context.Context) (*session, error) {
	token, err := os.ReadFile(o.tokenFile)
	if err != nil {
		return nil, &CredentialError{Source: "OIDC token file " + o.tokenFile, Problem: fileProblem(err),
			Fix: "check ALIBABA_CLOUD_OIDC_TOKEN_FILE or the profile's oidc_token_file"}
	}
	tok := strings.TrimSpace(string(token))
	if tok == "" {
		return nil, &CredentialError{Source: "OIDC token file " + o.tokenFile, Problem: "the file is empty"}
	}
	params := map[string]string{"RoleArn": o.roleARN, "OIDCProviderArn": o.providerARN, "OIDCToken": tok,
		"RoleSessionName": o.sessionName, "Policy": o.policy}
	if o.durationSeconds > 0 {
		params["DurationSeconds"] = strconv.Itoa(o.durationSeconds)
	}
	return o.f.callSTS(ctx, o.host, "AssumeRoleWithOIDC", params, nil)
}

// fileProblem says why a file could not be read without quoting more than the OS error, which
// names only the path.
func fileProblem(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "the file does not exist"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	var pathErr *os.PathError
	if errors.As(err, &pathErr) {
		return "cannot be read: " + pathErr.Err.Error()
	}
	return "cannot be read"
}

// uriSource gets temporary credentials from a credentials URI: a GET answered with
// {"Code": "Success", "AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}, as the
// aliyun CLI and credentials-go read ALIBABA_CLOUD_CREDENTIALS_URI.
type uriSource struct {
	f    *fetcher
	uri  string
	from string
}

func (u *uriSource) describe() string {
	return fmt.Sprintf("credentials URI %s (from %s)", redactURL(u.uri), u.from)
}

func (u *uriSource) get(ctx context.Context) (*session, error) {
	what := "credentials URI " + redactURL(u.uri)
	s, err := u.f.retry(ctx, what, func(ctx context.Context) (*session, error) {
		body, err := u.f.do(ctx, http.MethodGet, u.uri, nil)
		if err != nil {
			return nil, err
		}
		var a sessionFields
		if err := decodeSession(what, body, &a); err != nil {
			return nil, err
		}
		if err := a.checkCode(what); err != nil {
			return nil, err
		}
		return a.toSession(what, true)
	})
	var ce *CredentialError
	if errors.As(err, &ce) && ce.Fix == "" && strings.Contains(ce.Problem, "host name was not found in DNS") && !strings.Contains(ce.Problem, "proxy") {
		ce.Fix = "check " + u.from + ": its host is not known to DNS"
	}
	return s, err
}

// ecsMetadataEndpoint is the ECS instance metadata service; tests replace it.
var ecsMetadataEndpoint = "http://100.100.100.200"

// ecsSource gets the credentials of an ECS instance's RAM role from the metadata service, with
// the IMDSv2 token unless the service refuses it (and IMDSv1 is not disabled). The service is on
// the instance's own network: its connections get credentials-go's 1 s connect timeout, so that
// the default chain off ECS moves on quickly (a dial failure is not retried).
type ecsSource struct {
	f        *fetcher
	roleName string
}

func (e *ecsSource) fetcher() *fetcher {
	f := *e.f
	f.connect = min(f.connect, time.Second)
	f.http = newHTTPClient(f.connect, f.read)
	return &f
}

func (e *ecsSource) describe() string {
	if e.roleName == "" {
		return "the ECS instance's RAM role"
	}
	return "the ECS RAM role " + e.roleName
}

func (e *ecsSource) get(ctx context.Context) (*session, error) {
	what := "ECS metadata service " + ecsMetadataEndpoint
	if strings.EqualFold(os.Getenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED"), "true") {
		return nil, &CredentialError{Source: what, Problem: "the metadata service is disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
			Fix: "run on an ECS instance with a RAM role and without that variable, or use another credential source"}
	}
	imdsv1 := !strings.EqualFold(os.Getenv("ALIBABA_CLOUD_IMDSV1_DISABLED"), "true")
	f := e.fetcher()
	return f.retry(ctx, what, func(ctx context.Context) (*session, error) {
		header := http.Header{}
		token, err := f.do(ctx, http.MethodPut, ecsMetadataEndpoint+"/latest/api/token",
			http.Header{"X-Aliyun-Ecs-Metadata-Token-Ttl-Seconds": {"21600"}})
		switch {
		case err == nil:
			header.Set("X-Aliyun-Ecs-Metadata-Token", string(token))
		case IsUnreachable(err):
			return nil, &CredentialError{Source: what, Problem: "not reachable: this is not an ECS instance, or its network blocks the service"}
		case !imdsv1:
			return nil, err
		}
		role := e.roleName
		if role == "" {
			name, err := f.do(ctx, http.MethodGet, ecsMetadataEndpoint+"/latest/meta-data/ram/security-credentials/", header)
			if err != nil {
				return nil, err
			}
			if role = strings.TrimSpace(string(name)); role == "" {
				return nil, &CredentialError{Source: what, Problem: "the instance has no RAM role attached"}
			}
		}
		body, err := f.do(ctx, http.MethodGet, ecsMetadataEndpoint+"/latest/meta-data/ram/security-credentials/"+role, header)
		if err != nil {
			return nil, err
		}
		var a sessionFields
		if err := decodeSession(what, body, &a); err != nil {
			return nil, err
		}
		if err := a.checkCode(what); err != nil {
			return nil, err
		}
		return a.toSession(what+" (role "+role+")", true)
	})
}

// externalSource runs a command that prints credentials as JSON, as the aliyun CLI's External
// mode does: {"mode": "AK"|"StsToken", "access_key_id", "access_key_secret", "sts_token"}, plus
// credentials-go's optional "expiration" (RFC 3339). Its output is never shown, whatever it holds.
type externalSource struct {
	command, profile string
	timeout          time.Duration
}

func (x *externalSource) describe() string {
	return fmt.Sprintf("the External command of profile %q", x.profile)
}

func (x *externalSource) get(ctx context.Context) (*session, error) {
	what := fmt.Sprintf("the External command of profile %q", x.profile)
	args := strings.Fields(x.command) // the CLI splits process_command on spaces
	if len(args) == 0 {
		return nil, &CredentialError{Source: what, Problem: "process_command is empty"}
	}
	ctx, cancel := context.WithTimeout(ctx, x.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...) //nolint:gosec // G204: the profile's process_command, run as the CLI runs it
	var stdout bytes.Buffer
	cmd.Stdout = &stdout // its stderr is discarded too: helpers print secrets there as well
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		switch {
		case ctx.Err() != nil:
			return nil, &CredentialError{Source: what, Problem: fmt.Sprintf("the command did not finish within %s", x.timeout)}
		case errors.As(err, &exitErr):
			return nil, &CredentialError{Source: what, Problem: fmt.Sprintf("the command exited with status %d", exitErr.ExitCode())}
		case errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist):
			return nil, &CredentialError{Source: what, Problem: fmt.Sprintf("the program %q was not found", args[0])}
		}
		return nil, &CredentialError{Source: what, Problem: "the command could not be started"}
	}
	var out struct {
		Mode            string `json:"mode"`
		AccessKeyID     string `json:"access_key_id"`
		AccessKeySecret string `json:"access_key_secret"`
		SecurityToken   string `json:"sts_token"`
		Expiration      string `json:"expiration"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, &CredentialError{Source: what, Problem: "its output is not one JSON object: " + jsonProblem(stdout.Bytes(), err),
			Fix: "make the command print only the JSON object, and anything else on stderr"}
	}
	mode := normalizeMode(out.Mode)
	if mode != "AK" && mode != "StsToken" {
		return nil, &CredentialError{Source: what, Problem: "its output's mode is neither \"AK\" nor \"StsToken\""}
	}
	a := sessionFields{AccessKeyID: out.AccessKeyID, AccessKeySecret: out.AccessKeySecret, SecurityToken: out.SecurityToken,
		Expiration: out.Expiration} // optional: without it, the command runs once per provider configuration
	if mode == "StsToken" && a.SecurityToken == "" {
		return nil, &CredentialError{Source: what, Problem: "its output's mode is StsToken but it lacks sts_token"}
	}
	return a.toSession(what, false)
}

// sdkSource wraps a credentials-go provider (CloudSSO, OAuth) whose errors may quote what the
// sign-in service answered: they are replaced by a fixed text.
type sdkSource struct {
	p                  providers.CredentialsProvider
	what, problem, fix string
}

func (s *sdkSource) describe() string { return s.what }

func (s *sdkSource) get(context.Context) (*session, error) {
	c, err := s.p.GetCredentials()
	if err != nil {
		return nil, &CredentialError{Source: s.what, Problem: s.problem, Fix: s.fix}
	}
	if c.AccessKeyId == "" || c.AccessKeySecret == "" {
		return nil, &CredentialError{Source: s.what, Problem: "no access key was returned"}
	}
	// credentials-go refreshes these itself; ask again within the refresh margin.
	return &session{accessKeyID: c.AccessKeyId, accessKeySecret: c.AccessKeySecret, securityToken: c.SecurityToken,
		expires: time.Now().Add(refreshMargin + time.Minute)}, nil
}

// chainSource tries sources in order, as credentials-go's default chain does, and keeps the first
// that works. Its error lists why each failed.
type chainSource struct {
	sources []source
	used    source
}

func (c *chainSource) describe() string {
	if c.used != nil {
		return c.used.describe() + " (found by the default credential chain)"
	}
	return "the default credential chain"
}

func (c *chainSource) get(ctx context.Context) (*session, error) {
	if c.used != nil {
		return c.used.get(ctx)
	}
	var problems []string
	var lastErr error
	for _, src := range c.sources {
		s, err := src.get(ctx)
		lastErr = err
		if err == nil {
			c.used = src
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		var ce *CredentialError
		if errors.As(err, &ce) && ce.Transient {
			return nil, err // a source that is there but failing: do not fall through to another
		}
		problems = append(problems, "- "+err.Error())
	}
	switch len(problems) {
	case 0:
		return nil, &CredentialError{Source: "the default credential chain", Problem: "no credential source is configured"}
	case 1: // the one source present is the one meant: its own error says what to fix
		var ce *CredentialError
		if len(c.sources) == 1 && errors.As(lastErr, &ce) {
			return nil, ce
		}
	}
	return nil, &CredentialError{Source: "the default credential chain",
		Problem: "no source gave credentials:\n" + strings.Join(problems, "\n"),
		Fix:     "correct the source above that is meant to give credentials, or give them another way (see the provider's Credentials documentation)"}
}
