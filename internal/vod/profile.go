package vod

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"
)

// cliModes are the profile modes of the aliyun CLI (aliyun-cli config/profile.go), in its
// spelling; a profile's mode matches one of them regardless of case, as in the CLI.
var cliModes = []string{
	"AK", "StsToken", "RamRoleArn", "EcsRamRole", "RsaKeyPair", "RamRoleArnWithRoleName", "ChainableRamRoleArn",
	"External", "CredentialsURI", "OIDC", "CloudSSO", "OAuth", "BearerToken", "Anonymous",
}

func normalizeMode(mode string) string {
	for _, m := range cliModes {
		if strings.EqualFold(mode, m) {
			return m
		}
	}
	return mode
}

// ExpandHome replaces a leading "~" (alone or before a path separator) with the home directory,
// as shells, the aliyun CLI and other Terraform providers do for credential file paths. Other paths,
// and all paths when the home directory is unknown, are returned as they are.
func ExpandHome(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") && !strings.HasPrefix(path, `~\`) {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, path[1:])
}

// DefaultCLIConfigFile is where the aliyun CLI keeps its profiles: ~/.aliyun/config.json, expanded.
func DefaultCLIConfigFile() string { return ExpandHome("~/.aliyun/config.json") }

// CLIProfile is one profile of the aliyun CLI's config.json. Only the fields that select
// credentials and the region are read; the names are the CLI's.
type CLIProfile struct {
	Name                   string `json:"name"`
	Mode                   string `json:"mode"`
	AccessKeyID            string `json:"access_key_id"`
	AccessKeySecret        string `json:"access_key_secret"`
	STSToken               string `json:"sts_token"`
	STSRegion              string `json:"sts_region"`
	RAMRoleName            string `json:"ram_role_name"`
	RAMRoleARN             string `json:"ram_role_arn"`
	RoleSessionName        string `json:"ram_session_name"`
	ExternalID             string `json:"external_id"`
	SourceProfile          string `json:"source_profile"`
	ExpiredSeconds         int    `json:"expired_seconds"`
	RegionID               string `json:"region_id"`
	ProcessCommand         string `json:"process_command"`
	CredentialsURI         string `json:"credentials_uri"`
	OIDCProviderARN        string `json:"oidc_provider_arn"`
	OIDCTokenFile          string `json:"oidc_token_file"`
	CloudSSOSignInURL      string `json:"cloud_sso_sign_in_url"`
	AccessToken            string `json:"access_token"`
	CloudSSOAccessExpire   int64  `json:"cloud_sso_access_token_expire"`
	STSExpiration          int64  `json:"sts_expiration"`
	CloudSSOAccessConfig   string `json:"cloud_sso_access_config"`
	CloudSSOAccountID      string `json:"cloud_sso_account_id"`
	OAuthAccessToken       string `json:"oauth_access_token"`
	OAuthRefreshToken      string `json:"oauth_refresh_token"`
	OAuthAccessTokenExpire int64  `json:"oauth_access_token_expire"`
	OAuthSiteType          string `json:"oauth_site_type"`

	file string
	all  *cliConfig
}

type cliConfig struct {
	Current  string       `json:"current"`
	Profiles []CLIProfile `json:"profiles"`
}

// ReadCLIProfile reads profile name (empty: the file's current one) from the aliyun CLI config
// file at path (empty: ~/.aliyun/config.json; "~" is expanded). Its errors are *CredentialError:
// the file cannot be read, is not JSON, or has no such profile. They name the file and, for a
// syntax error, the line and column, never the file's content.
func ReadCLIProfile(path, name string) (*CLIProfile, error) {
	if path == "" {
		path = DefaultCLIConfigFile()
	}
	path = ExpandHome(path)
	raw, err := os.ReadFile(path) //nolint:gosec // G304: the configuration file the user names
	if err != nil {
		return nil, &CredentialError{Source: "aliyun CLI config file " + path, Problem: fileProblem(err),
			Fix: "check shared_credentials_file or ALIBABA_CLOUD_CONFIG_FILE; `aliyun configure` writes the file"}
	}
	var cfg cliConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, &CredentialError{Source: "aliyun CLI config file " + path,
			Problem: "the file is not valid JSON: " + jsonProblem(raw, err),
			Fix:     "correct the file by hand, or run `aliyun configure` to write it again"}
	}
	if name == "" {
		name = cfg.Current
	}
	if name == "" {
		name = "default"
	}
	for i := range cfg.Profiles {
		cfg.Profiles[i].file, cfg.Profiles[i].all = path, &cfg
	}
	return cfg.profile(name)
}

func (c *cliConfig) profile(name string) (*CLIProfile, error) {
	for i := range c.Profiles {
		if c.Profiles[i].Name == name {
			return &c.Profiles[i], nil
		}
	}
	names := make([]string, 0, len(c.Profiles))
	for _, p := range c.Profiles {
		names = append(names, fmt.Sprintf("%q", p.Name))
	}
	have := "it has no profiles"
	if len(names) > 0 {
		have = "it has " + strings.Join(names, ", ")
	}
	file := ""
	if len(c.Profiles) > 0 {
		file = c.Profiles[0].file
	}
	return nil, &CredentialError{Source: "aliyun CLI config file " + file, Problem: fmt.Sprintf("no profile named %q; %s", name, have),
		Fix: "check profile or ALIBABA_CLOUD_PROFILE (and the file's \"current\")"}
}

// jsonProblem says where a JSON document is broken: line and column, and the decoder's reason
// stripped of any quoted value. Never the content.
func jsonProblem(raw []byte, err error) string {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := position(raw, syntax.Offset)
		return fmt.Sprintf("syntax error at line %d, column %d", line, col)
	case errors.As(err, &typeErr):
		line, col := position(raw, typeErr.Offset)
		field := typeErr.Field
		if field == "" {
			field = "the document"
		}
		return fmt.Sprintf("%s has a %s where a %s belongs, at line %d, column %d", field, typeErr.Value, typeErr.Type, line, col)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return "the document is empty"
	}
	return "the document ends early or is not JSON"
}

// position converts a byte offset into a 1-based line and column.
func position(raw []byte, offset int64) (line, col int) {
	if offset > int64(len(raw)) {
		offset = int64(len(raw))
	}
	before := raw[:max(offset, 0)]
	line = bytes.Count(before, []byte("\n")) + 1
	// The offset is just past the offending byte.
	col = len(before) - bytes.LastIndexByte(before, '\n') - 1
	return line, max(col, 1)
}

// Region is the profile's region_id ("" when unset), the provider's last region fallback.
func (p *CLIProfile) Region() string { return p.RegionID }

func (p *CLIProfile) what() string { return fmt.Sprintf("profile %q in %s", p.Name, p.file) }

func (p *CLIProfile) problem(format string, a ...any) *CredentialError {
	return &CredentialError{Source: p.what(), Problem: fmt.Sprintf(format, a...)}
}

// require names the profile's fields that mode needs and lacks.
func (p *CLIProfile) require(mode string, fields map[string]string) error {
	var missing []string
	for _, k := range sortedKeys(fields) {
		if fields[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	ce := p.problem("mode %s needs %s, which the profile lacks", mode, strings.Join(missing, ", "))
	ce.Fix = fmt.Sprintf("run `aliyun configure --profile %s --mode %s` to set them", p.Name, mode)
	return ce
}

// mode is the profile's mode as the CLI reads it: matched case-insensitively, or recognised from
// the fields present when the profile names none (aliyun-cli AutoModeRecognition).
func (p *CLIProfile) mode() string {
	if p.Mode != "" {
		return normalizeMode(p.Mode)
	}
	switch {
	case p.AccessKeyID != "" && p.AccessKeySecret != "" && p.STSToken != "":
		return "StsToken"
	case p.AccessKeyID != "" && p.AccessKeySecret != "" && p.RAMRoleARN != "":
		return "RamRoleArn"
	case p.AccessKeyID != "" && p.AccessKeySecret != "":
		return "AK"
	case p.RAMRoleName != "":
		return "EcsRamRole"
	case p.ProcessCommand != "":
		return "External"
	case p.OIDCProviderARN != "" && p.OIDCTokenFile != "" && p.RAMRoleARN != "":
		return "OIDC"
	case p.CloudSSOSignInURL != "":
		return "CloudSSO"
	}
	return ""
}

func (p *CLIProfile) sessionName() string {
	if p.RoleSessionName != "" {
		return p.RoleSessionName
	}
	return "terraform"
}

// source builds the credential source of the profile, following source_profile for chained roles.
func (p *CLIProfile) source(f *fetcher, seen map[string]bool) (source, error) {
	if seen[p.Name] {
		return nil, p.problem("source_profile leads back to %q: the chain of profiles is a loop", p.Name)
	}
	seen[p.Name] = true
	mode := p.mode()
	staticKeys := func(withToken bool) (source, error) {
		s := &static{s: session{accessKeyID: p.AccessKeyID, accessKeySecret: p.AccessKeySecret}, from: p.what()}
		if withToken {
			s.s.securityToken = p.STSToken
		}
		return s, nil
	}
	role := func(base source) source {
		return newCached(&roleSource{f: f, base: newCached(base), host: f.stsHost(p.STSRegion), roleARN: p.RAMRoleARN,
			sessionName: p.sessionName(), externalID: p.ExternalID, durationSeconds: p.ExpiredSeconds})
	}
	switch mode {
	case "AK":
		if err := p.require(mode, map[string]string{"access_key_id": p.AccessKeyID, "access_key_secret": p.AccessKeySecret}); err != nil {
			return nil, err
		}
		return staticKeys(false)
	case "StsToken":
		if err := p.require(mode, map[string]string{"access_key_id": p.AccessKeyID, "access_key_secret": p.AccessKeySecret,
			"sts_token": p.STSToken}); err != nil {
			return nil, err
		}
		return staticKeys(true)
	case "RamRoleArn":
		if err := p.require(mode, map[string]string{"access_key_id": p.AccessKeyID, "access_key_secret": p.AccessKeySecret,
			"ram_role_arn": p.RAMRoleARN}); err != nil {
			return nil, err
		}
		base, _ := staticKeys(true) // the CLI signs with sts_token too when the profile has one
		return role(base), nil
	case "EcsRamRole":
		return newCached(&ecsSource{f: f, roleName: p.RAMRoleName}), nil
	case "RamRoleArnWithRoleName":
		if err := p.require(mode, map[string]string{"ram_role_arn": p.RAMRoleARN}); err != nil {
			return nil, err
		}
		return role(&ecsSource{f: f, roleName: p.RAMRoleName}), nil
	case "ChainableRamRoleArn":
		if err := p.require(mode, map[string]string{"source_profile": p.SourceProfile, "ram_role_arn": p.RAMRoleARN}); err != nil {
			return nil, err
		}
		src, err := p.all.profile(p.SourceProfile)
		if err != nil {
			ce := p.problem("its source_profile %q is not in the file", p.SourceProfile)
			return nil, ce
		}
		base, err := src.source(f, seen)
		if err != nil {
			return nil, err
		}
		return role(base), nil
	case "OIDC":
		if err := p.require(mode, map[string]string{"oidc_provider_arn": p.OIDCProviderARN, "oidc_token_file": p.OIDCTokenFile,
			"ram_role_arn": p.RAMRoleARN}); err != nil {
			return nil, err
		}
		return newCached(&oidcSource{f: f, host: f.stsHost(p.STSRegion), roleARN: p.RAMRoleARN, providerARN: p.OIDCProviderARN,
			tokenFile: ExpandHome(p.OIDCTokenFile), sessionName: p.sessionName(), durationSeconds: 3600}), nil
	case "External":
		if err := p.require(mode, map[string]string{"process_command": p.ProcessCommand}); err != nil {
			return nil, err
		}
		return newCached(&externalSource{command: p.ProcessCommand, profile: p.Name, timeout: time.Minute}), nil
	case "CredentialsURI":
		uri, from := p.CredentialsURI, "the profile's credentials_uri"
		if uri == "" {
			uri, from = os.Getenv("ALIBABA_CLOUD_CREDENTIALS_URI"), "ALIBABA_CLOUD_CREDENTIALS_URI" // as the CLI falls back
		}
		if uri == "" {
			return nil, p.require(mode, map[string]string{"credentials_uri": ""})
		}
		return newCached(&uriSource{f: f, uri: uri, from: from}), nil
	case "CloudSSO":
		return p.cloudSSO(mode)
	case "OAuth":
		return p.oauth()
	case "BearerToken":
		return nil, &CredentialError{Source: p.what(), Problem: "mode BearerToken signs requests with a bearer token, which VOD's API does not accept",
			Fix: "use a profile in a mode that yields an access key (AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC, External, CredentialsURI, CloudSSO)"}
	case "Anonymous":
		return nil, &CredentialError{Source: p.what(), Problem: "mode Anonymous sends unsigned requests, and every VOD request must be signed",
			Fix: "use a profile in a mode that yields an access key, such as AK or RamRoleArn"}
	case "RsaKeyPair":
		return nil, &CredentialError{Source: p.what(), Problem: "mode RsaKeyPair is deprecated by the aliyun CLI and worked only on the Japan site",
			Fix: "use an AK or RamRoleArn profile instead"}
	case "":
		return nil, p.problem("the profile has no mode, and its fields do not show one")
	}
	return nil, &CredentialError{Source: p.what(), Problem: fmt.Sprintf("mode %q is not one the aliyun CLI knows", truncate(p.Mode, 40)),
		Fix: "use one of " + strings.Join(cliModes, ", ")}
}

// cloudSSO uses the STS credentials the CLI cached at sign-in while they last, then the sign-in's
// access token; when that has expired too, only an interactive sign-in helps.
func (p *CLIProfile) cloudSSO(mode string) (source, error) {
	now := time.Now().Unix()
	if p.STSExpiration > now && p.AccessKeyID != "" && p.AccessKeySecret != "" && p.STSToken != "" {
		return &static{s: session{accessKeyID: p.AccessKeyID, accessKeySecret: p.AccessKeySecret, securityToken: p.STSToken,
			expires: time.Unix(p.STSExpiration, 0)}, from: p.what() + " (credentials cached by the CLI's CloudSSO sign-in)"}, nil
	}
	if err := p.require(mode, map[string]string{"cloud_sso_sign_in_url": p.CloudSSOSignInURL, "cloud_sso_account_id": p.CloudSSOAccountID,
		"cloud_sso_access_config": p.CloudSSOAccessConfig}); err != nil {
		return nil, err
	}
	if p.AccessToken == "" || p.CloudSSOAccessExpire <= now {
		return nil, &CredentialError{Source: p.what(), Problem: "the CloudSSO sign-in has expired, and signing in again is interactive",
			Fix: fmt.Sprintf("run `aliyun configure --profile %s --mode CloudSSO` to sign in, then run terraform again; "+
				"for unattended runs use a RamRoleArn, OIDC or CredentialsURI profile", p.Name)}
	}
	sp, err := providers.NewCloudSSOCredentialsProviderBuilder().WithSignInUrl(p.CloudSSOSignInURL).
		WithAccountId(p.CloudSSOAccountID).WithAccessConfig(p.CloudSSOAccessConfig).WithAccessToken(p.AccessToken).
		WithAccessTokenExpire(p.CloudSSOAccessExpire).Build()
	if err != nil {
		return nil, p.problem("the CloudSSO settings are incomplete")
	}
	return newCached(&sdkSource{p: sp, what: p.what() + " (CloudSSO)", problem: "CloudSSO did not give credentials for the account and access configuration",
		fix: fmt.Sprintf("run `aliyun configure --profile %s --mode CloudSSO` to sign in again", p.Name)}), nil
}

// oauth uses the STS credentials cached by the CLI's OAuth sign-in while they last, then its
// refresh token (credentials-go's OAuth provider).
func (p *CLIProfile) oauth() (source, error) {
	now := time.Now().Unix()
	if p.STSExpiration > now && p.AccessKeyID != "" && p.AccessKeySecret != "" && p.STSToken != "" {
		return &static{s: session{accessKeyID: p.AccessKeyID, accessKeySecret: p.AccessKeySecret, securityToken: p.STSToken,
			expires: time.Unix(p.STSExpiration, 0)}, from: p.what() + " (credentials cached by the CLI's OAuth sign-in)"}, nil
	}
	signIn := map[string]string{"CN": "https://oauth.aliyun.com", "INTL": "https://oauth.alibabacloud.com"}[strings.ToUpper(p.OAuthSiteType)]
	clientID := map[string]string{"CN": "4038181954557748008", "INTL": "4103531455503354461"}[strings.ToUpper(p.OAuthSiteType)]
	if signIn == "" {
		ce := p.problem("mode OAuth needs oauth_site_type CN or INTL")
		ce.Fix = fmt.Sprintf("run `aliyun configure --profile %s --mode OAuth`", p.Name)
		return nil, ce
	}
	if p.OAuthRefreshToken == "" {
		return nil, &CredentialError{Source: p.what(), Problem: "the OAuth sign-in has no refresh token, and signing in is interactive",
			Fix: fmt.Sprintf("run `aliyun configure --profile %s --mode OAuth` to sign in; for unattended runs use a RamRoleArn, OIDC or CredentialsURI profile", p.Name)}
	}
	op, err := providers.NewOAuthCredentialsProviderBuilder().WithSignInUrl(signIn).WithClientId(clientID).
		WithRefreshToken(p.OAuthRefreshToken).WithAccessToken(p.OAuthAccessToken).WithAccessTokenExpire(p.OAuthAccessTokenExpire).Build()
	if err != nil {
		return nil, p.problem("the OAuth settings are incomplete")
	}
	return newCached(&sdkSource{p: op, what: p.what() + " (OAuth)", problem: "the OAuth sign-in could not be refreshed",
		fix: fmt.Sprintf("run `aliyun configure --profile %s --mode OAuth` to sign in again", p.Name)}), nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// credentialsFileSource reads a profile of the Alibaba Cloud SDKs' ini file
// (~/.alibabacloud/credentials or ALIBABA_CLOUD_CREDENTIALS_FILE), with credentials-go's types
// access_key, ecs_ram_role and ram_role_arn. Errors name the file and line, never a value.
func credentialsFileSource(f *fetcher, path, profile string) (source, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // G304: the credentials file the user names
	if err != nil {
		return nil, &CredentialError{Source: "credentials file " + path, Problem: fileProblem(err)}
	}
	sections := map[string]map[string]string{}
	var cur map[string]string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") {
				return nil, &CredentialError{Source: "credentials file " + path, Problem: fmt.Sprintf("line %d opens a section without closing it", n)}
			}
			cur = map[string]string{}
			sections[strings.TrimSpace(line[1:len(line)-1])] = cur
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || cur == nil {
				return nil, &CredentialError{Source: "credentials file " + path, Problem: fmt.Sprintf("line %d is neither a [section] nor key = value in one", n)}
			}
			cur[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	sec, ok := sections[profile]
	what := fmt.Sprintf("profile [%s] of credentials file %s", profile, path)
	if !ok {
		return nil, &CredentialError{Source: "credentials file " + path, Problem: fmt.Sprintf("no section [%s]", profile)}
	}
	need := func(keys ...string) error {
		var missing []string
		for _, k := range keys {
			if sec[k] == "" {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			return &CredentialError{Source: what, Problem: "type " + sec["type"] + " needs " + strings.Join(missing, ", ")}
		}
		return nil
	}
	switch sec["type"] {
	case "access_key":
		if err := need("access_key_id", "access_key_secret"); err != nil {
			return nil, err
		}
		return &static{s: session{accessKeyID: sec["access_key_id"], accessKeySecret: sec["access_key_secret"]}, from: what}, nil
	case "ecs_ram_role":
		return newCached(&ecsSource{f: f, roleName: sec["role_name"]}), nil
	case "ram_role_arn":
		if err := need("access_key_id", "access_key_secret", "role_arn"); err != nil {
			return nil, err
		}
		name := sec["role_session_name"]
		if name == "" {
			name = "terraform"
		}
		base := &static{s: session{accessKeyID: sec["access_key_id"], accessKeySecret: sec["access_key_secret"]}, from: what}
		return newCached(&roleSource{f: f, base: base, host: f.stsHost(""), roleARN: sec["role_arn"], sessionName: name,
			policy: sec["policy"]}), nil
	case "":
		return nil, &CredentialError{Source: what, Problem: "the section has no type"}
	}
	return nil, &CredentialError{Source: what, Problem: fmt.Sprintf("type %q is not one of access_key, ecs_ram_role, ram_role_arn", sec["type"])}
}
