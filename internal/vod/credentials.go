package vod

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
)

// CredentialSource says where credentials come from. Exactly one base source is used: static
// keys, OIDC, a CLI profile, or (when none is set) the default chain. AssumeRole, when set,
// exchanges the base credentials for a role's temporary ones.
//
// Every request made to get or refresh credentials (STS AssumeRole and AssumeRoleWithOIDC, a
// credentials URI, the ECS metadata service) goes through the client's transport (proxy from
// HTTPS_PROXY/NO_PROXY, the timeouts) and its retry policy (the client's retryable failures,
// MaxRetries, backoff with jitter, cancellation); every error is a *CredentialError, whose text holds no credential
// material. credentials-go supplies the types and the CloudSSO and OAuth sign-in exchanges; its
// own fetchers are not used, as they neither retry nor take a transport, and quote what they read
// in their errors.
type CredentialSource struct {
	AccessKeyID, AccessKeySecret, SecurityToken string
	// KeysFrom describes where the static keys came from, for messages.
	KeysFrom string

	OIDC *OIDCSource

	// UseProfile selects a profile of the aliyun CLI's config.json: Profile, when already read
	// (ReadCLIProfile), else ProfileName (empty for the file's current profile) in ProfileFile
	// (empty for ~/.aliyun/config.json).
	UseProfile               bool
	Profile                  *CLIProfile
	ProfileName, ProfileFile string

	AssumeRole *AssumeRole

	// STSEndpoint is the STS host[:port] (or https://host[:port], ParseSTSEndpoint) for every STS
	// call, whichever source makes it (always HTTPS); empty for the profile's sts_region endpoint,
	// else sts.aliyuncs.com. STSEndpointFrom names the setting it came from (such as "argument
	// sts_endpoint"), for the errors that a wrong host causes.
	STSEndpoint, STSEndpointFrom string
	// Timeouts and retries of credential requests, as in Config; zero timeouts take the client's
	// defaults (10s to connect, 30s to read), and MaxRetries zero or less means none.
	ConnectTimeout, ReadTimeout time.Duration
	MaxRetries                  int
	// backoff, set by this package's tests only, replaces exponential backoff with jitter.
	backoff func(attempt int) time.Duration
}

// OIDCSource assumes a role with an OIDC token, as CI runners and Kubernetes RRSA provide it. The
// token is read from TokenFile ("~" expanded) at every refresh; DurationSeconds is the session's
// validity in seconds (0: STS's default).
type OIDCSource struct {
	RoleARN, ProviderARN, TokenFile, SessionName string
	DurationSeconds                              int
}

// AssumeRole is a RAM role to assume with the base credentials. Policy is a JSON policy document
// narrowing the role's; DurationSeconds is the session's validity in seconds (0: STS's default).
type AssumeRole struct {
	RoleARN, SessionName, ExternalID, Policy string
	DurationSeconds                          int
}

// Credential is what the client signs with: a credentials-go Credential for the SDK core, whose
// temporary credentials are refreshed before they expire.
type Credential struct {
	credentials.Credential
	top *cached
}

// Resolve gets (or refreshes) the credentials now, with ctx's cancellation; the SDK core's own
// GetCredential then finds them fresh. Credentials still valid for a while are kept without a
// request. Its errors are *CredentialError: after the source's own retries (Transient when the last
// failure was retryable), and also when ctx ends (its Problem then says cancelled).
func (c *Credential) Resolve(ctx context.Context) error {
	_, err := c.top.get(ctx)
	return err
}

// Describe says which source gave the credentials, for logs (never a value).
func (c *Credential) Describe() string { return c.top.describe() }

// NewCredential builds the credential that the client signs with. It makes no request; Resolve
// does. Its errors are *CredentialError: an STSEndpoint of none of the forms ParseSTSEndpoint takes,
// or a failure to read a CLI profile (UseProfile without Profile): a file that cannot be read or is
// not JSON, a missing profile, a mode without the fields it needs.
func NewCredential(src CredentialSource) (*Credential, error) {
	f := &fetcher{
		connect:    orDefault(src.ConnectTimeout, defaultConnectTimeout),
		read:       orDefault(src.ReadTimeout, defaultReadTimeout),
		maxRetries: max(src.MaxRetries, 0),
		backoff:    src.backoff,
		stsFrom:    orText(src.STSEndpointFrom, "the STS endpoint setting"),
	}
	if src.STSEndpoint != "" {
		host, err := ParseSTSEndpoint(src.STSEndpoint)
		if err != nil {
			return nil, &CredentialError{Source: f.stsFrom, Problem: err.Error()}
		}
		f.stsEndpoint = host
	}
	if f.backoff == nil {
		f.backoff = exponentialBackoff
	}
	f.http = newHTTPClient(f.connect, f.read)
	base, err := src.base(f)
	if err != nil {
		return nil, err
	}
	if ar := src.AssumeRole; ar != nil {
		base = &roleSource{f: f, base: newCached(base), host: f.stsHost(""), roleARN: ar.RoleARN, sessionName: ar.SessionName,
			externalID: ar.ExternalID, policy: ar.Policy, durationSeconds: ar.DurationSeconds}
	}
	top := newCached(base)
	return &Credential{Credential: credentials.FromCredentialsProvider("vod", &sdkProvider{top: top}), top: top}, nil
}

func (src CredentialSource) base(f *fetcher) (source, error) {
	switch {
	case src.AccessKeyID != "":
		return &static{s: session{accessKeyID: src.AccessKeyID, accessKeySecret: src.AccessKeySecret,
			securityToken: src.SecurityToken}, from: orText(src.KeysFrom, "the access key given")}, nil
	case src.OIDC != nil:
		o := src.OIDC
		return &oidcSource{f: f, host: f.stsHost(""), roleARN: o.RoleARN, providerARN: o.ProviderARN,
			tokenFile: ExpandHome(o.TokenFile), sessionName: o.SessionName, durationSeconds: o.DurationSeconds}, nil
	case src.UseProfile:
		p := src.Profile
		if p == nil {
			var err error
			if p, err = ReadCLIProfile(src.ProfileFile, src.ProfileName); err != nil {
				return nil, err
			}
		}
		return p.source(f, map[string]bool{})
	default:
		return defaultChain(f), nil
	}
}

// defaultChain is credentials-go's default order after the environment's keys and OIDC (which
// the provider handles itself): the aliyun CLI's current profile, the SDKs' credentials file, the
// ECS RAM role, a credentials URI. Only sources that are present are tried.
func defaultChain(f *fetcher) source {
	c := &chainSource{}
	if !strings.EqualFold(os.Getenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED"), "true") {
		if _, err := os.Stat(DefaultCLIConfigFile()); err == nil {
			name := os.Getenv("ALIBABA_CLOUD_PROFILE")
			c.sources = append(c.sources, &lazy{what: "the aliyun CLI's " + DefaultCLIConfigFile(), build: func() (source, error) {
				p, err := ReadCLIProfile("", name)
				if err != nil {
					return nil, err
				}
				return p.source(f, map[string]bool{})
			}})
		}
	}
	file := ExpandHome(os.Getenv("ALIBABA_CLOUD_CREDENTIALS_FILE"))
	if file == "" {
		file = ExpandHome("~/.alibabacloud/credentials")
	}
	if _, err := os.Stat(file); err == nil { //nolint:gosec // G703: the user's own credentials file
		name := orText(os.Getenv("ALIBABA_CLOUD_PROFILE"), "default")
		c.sources = append(c.sources, &lazy{what: "credentials file " + file, build: func() (source, error) {
			return credentialsFileSource(f, file, name)
		}})
	}
	if !strings.EqualFold(os.Getenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED"), "true") {
		c.sources = append(c.sources, newCached(&ecsSource{f: f, roleName: os.Getenv("ALIBABA_CLOUD_ECS_METADATA")}))
	}
	if uri := os.Getenv("ALIBABA_CLOUD_CREDENTIALS_URI"); uri != "" {
		c.sources = append(c.sources, newCached(&uriSource{f: f, uri: uri, from: "ALIBABA_CLOUD_CREDENTIALS_URI"}))
	}
	return c
}

// lazy builds a source when first asked, so that a broken file fails the chain's attempt, not
// the configuration.
type lazy struct {
	what  string
	build func() (source, error)
	src   source
}

func (l *lazy) describe() string {
	if l.src != nil {
		return l.src.describe()
	}
	return l.what
}

func (l *lazy) get(ctx context.Context) (*session, error) {
	if l.src == nil {
		src, err := l.build()
		if err != nil {
			return nil, err
		}
		l.src = src
	}
	return l.src.get(ctx)
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// sdkProvider is the credentials-go provider the SDK core asks for credentials. It has no
// context: Client.call resolves with the request's context first, so this normally finds the
// credentials fresh; otherwise it refreshes with a background context (still bounded by the
// retries and timeouts).
type sdkProvider struct{ top *cached }

func (p *sdkProvider) GetCredentials() (*providers.Credentials, error) {
	s, err := p.top.get(context.Background())
	if err != nil {
		return nil, err
	}
	return &providers.Credentials{AccessKeyId: s.accessKeyID, AccessKeySecret: s.accessKeySecret,
		SecurityToken: s.securityToken, ProviderName: "vod"}, nil
}

func (p *sdkProvider) GetProviderName() string { return "vod" }

// Secrets returns the secret values of the credentials now held (access key secret, token), for
// log masking. It makes no request.
func (c *Credential) Secrets() []string {
	c.top.mu.Lock()
	defer c.top.mu.Unlock()
	if c.top.cur == nil {
		return nil
	}
	var out []string
	for _, v := range []string{c.top.cur.accessKeySecret, c.top.cur.securityToken} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// AccessKeyID returns the access key ID of the credentials now held ("" before Resolve), for
// errors that name the key tried (masked by the caller). It makes no request.
func (c *Credential) AccessKeyID() string {
	c.top.mu.Lock()
	defer c.top.mu.Unlock()
	if c.top.cur == nil {
		return ""
	}
	return c.top.cur.accessKeyID
}
