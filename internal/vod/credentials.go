package vod

import (
	"fmt"
	"sync"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
)

// CredentialSource says where credentials come from. Exactly one of the base sources is used:
// static keys, OIDC, a CLI profile, or (when none is set) credentials-go's default chain. AssumeRole,
// when set, exchanges the base credentials for a role's temporary ones. The resolution itself is
// credentials-go's; this type only chooses it.
type CredentialSource struct {
	AccessKeyID, AccessKeySecret, SecurityToken string

	OIDC *OIDCSource

	// UseProfile selects a profile of the aliyun CLI's config.json: ProfileName (empty for the
	// file's current profile) in ProfileFile (empty for ~/.aliyun/config.json).
	UseProfile               bool
	ProfileName, ProfileFile string

	AssumeRole *AssumeRole

	// STSEndpoint is the STS host[:port] for OIDC and role assumption (always called over HTTPS);
	// empty for sts.aliyuncs.com.
	STSEndpoint string
	// Timeouts of STS calls, in milliseconds; zero for credentials-go's defaults.
	ConnectTimeoutMillis, ReadTimeoutMillis int
}

// OIDCSource assumes a role with an OIDC token, as CI runners and Kubernetes RRSA provide it.
type OIDCSource struct {
	RoleARN, ProviderARN, TokenFile, SessionName string
	DurationSeconds                              int
}

// AssumeRole is a RAM role to assume with the base credentials.
type AssumeRole struct {
	RoleARN, SessionName, ExternalID, Policy string
	DurationSeconds                          int
}

// NewCredential builds the credential that the client signs with. Temporary credentials are
// refreshed by credentials-go before they expire.
func NewCredential(src CredentialSource) (credentials.Credential, error) {
	base, err := src.base()
	if err != nil {
		return nil, err
	}
	cp := base
	if ar := src.AssumeRole; ar != nil {
		cp, err = providers.NewRAMRoleARNCredentialsProviderBuilder().
			WithCredentialsProvider(base).
			WithRoleArn(ar.RoleARN).
			WithRoleSessionName(ar.SessionName).
			WithExternalId(ar.ExternalID).
			WithPolicy(ar.Policy).
			WithDurationSeconds(ar.DurationSeconds).
			WithStsEndpoint(src.STSEndpoint).
			WithHttpOptions(src.httpOptions()).
			Build()
		if err != nil {
			return nil, fmt.Errorf("assume_role %s: %w", ar.RoleARN, err)
		}
	}
	return credentials.FromCredentialsProvider(cp.GetProviderName(), &serialized{inner: cp}), nil
}

func (src CredentialSource) base() (providers.CredentialsProvider, error) {
	switch {
	case src.AccessKeyID != "" && src.SecurityToken != "":
		return providers.NewStaticSTSCredentialsProviderBuilder().
			WithAccessKeyId(src.AccessKeyID).WithAccessKeySecret(src.AccessKeySecret).
			WithSecurityToken(src.SecurityToken).Build()
	case src.AccessKeyID != "":
		return providers.NewStaticAKCredentialsProviderBuilder().
			WithAccessKeyId(src.AccessKeyID).WithAccessKeySecret(src.AccessKeySecret).Build()
	case src.OIDC != nil:
		o := src.OIDC
		p, err := providers.NewOIDCCredentialsProviderBuilder().
			WithRoleArn(o.RoleARN).
			WithOIDCProviderARN(o.ProviderARN).
			WithOIDCTokenFilePath(o.TokenFile).
			WithRoleSessionName(o.SessionName).
			WithDurationSeconds(o.DurationSeconds).
			WithSTSEndpoint(src.STSEndpoint).
			WithHttpOptions(src.httpOptions()).
			Build()
		if err != nil {
			return nil, fmt.Errorf("OIDC role %s: %w", o.RoleARN, err)
		}
		return p, nil
	case src.UseProfile:
		return providers.NewCLIProfileCredentialsProviderBuilder().
			WithProfileName(src.ProfileName).WithProfileFile(src.ProfileFile).Build()
	default:
		return providers.NewDefaultCredentialsProvider(), nil
	}
}

func (src CredentialSource) httpOptions() *providers.HttpOptions {
	return &providers.HttpOptions{ConnectTimeout: src.ConnectTimeoutMillis, ReadTimeout: src.ReadTimeoutMillis}
}

// serialized makes a credentials provider safe for concurrent use: credentials-go's providers
// refresh session credentials without locking, and Terraform reads data sources in parallel.
// It also means one STS call per refresh, not one per concurrent reader.
type serialized struct {
	mu    sync.Mutex
	inner providers.CredentialsProvider
}

func (s *serialized) GetCredentials() (*providers.Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inner.GetCredentials()
}

func (s *serialized) GetProviderName() string { return s.inner.GetProviderName() }
