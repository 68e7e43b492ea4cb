// Package acctest runs the provider's acceptance tests against the bundled VOD emulator, or against
// the real cloud when real credentials and VOD_ACC_IMAGE_ID are set. It also isolates the tests from
// the machine: no user profile files, no ECS metadata lookups, no Terraform checkpoint calls.
package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aliyun/credentials-go/credentials/providers"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/vodtf/terraform-provider-vod/internal/provider"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// Fixture image IDs served by the emulator (see testdata/images.json).
const (
	ImageCDN       = "3e34733b40b9a96ccf5c1ff6f69a0001" // CDN domain, tags, mezzanine with FileSize as a string
	ImageOSS       = "3e34733b40b9a96ccf5c1ff6f69a0002" // OSS-only URL, FileSize written as a number (served as the model's string)
	ImageUploading = "3e34733b40b9a96ccf5c1ff6f69a0003" // no tags, no mezzanine, status Uploading
	ImageAutumn    = "3e34733b40b9a96ccf5c1ff6f69a0004" // like ImageCDN, created later
	ImageChef      = "3e34733b40b9a96ccf5c1ff6f69a0005" // quotes in the title, status UploadFail, another app
	// MissingImage exists neither in the emulator nor, by its form, in any real account.
	MissingImage = "00000000000000000000000000000000"
)

// Credentials, roles and OIDC settings the emulators accept. They are test values, not secrets.
const (
	EmulatorAccessKeyID     = "LTAI5tEmulatorTestKey01"
	EmulatorAccessKeySecret = "emulator-secret-do-not-use-elsewhere"
	EmulatorRegion          = "cn-shanghai"

	// RoleARN can be assumed with RoleExternalID; OpenRoleARN needs no external ID.
	RoleARN         = "acs:ram::1234567890123456:role/vod-reader"
	RoleExternalID  = "vod-acctest-external-id"
	OpenRoleARN     = "acs:ram::1234567890123456:role/vod-chained"
	OIDCProviderARN = "acs:ram::1234567890123456:oidc-provider/acctest-ci"
	OIDCToken       = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhY2N0ZXN0In0.c2lnbmF0dXJl" //nolint:gosec // G101: a fixed test token the emulator accepts, no secret
)

// ProtoV6ProviderFactories serves the provider in-process for terraform-plugin-testing.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"vod": providerserver.NewProtocol6WithError(provider.New("acctest")()),
}

// realCloud is set by Main when real credentials and VOD_ACC_IMAGE_ID are given.
var realCloud bool

// runHome is the run's temporary HOME, set by Main.
var runHome string

// ca signs the emulators' TLS certificates; SSL_CERT_FILE makes this process trust it (credentials-go
// calls STS over HTTPS only). shared is the emulator that HTTPS_PROXY points at: requests that
// credentials-go sends to sts.*.aliyuncs.com for CLI profiles land there, and nowhere else.
var (
	ca     *vodemu.CA
	shared *vodemu.Running
)

// Main prepares the environment for acceptance tests, runs them and exits. Call it from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

// goEnv keeps the go command's caches as they were before HOME was replaced, for tests that build.
var goEnv []string

// GoBuildEnv is the environment for running the go command inside a test: the caller's module and
// build caches, and no network (everything was downloaded to build the test itself).
func GoBuildEnv() []string {
	return append(os.Environ(), append(goEnv, "GOPROXY=off", "GOFLAGS=-mod=mod")...)
}

func run(m *testing.M) int {
	if out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output(); err == nil {
		if v := strings.Fields(string(out)); len(v) == 3 {
			goEnv = []string{"GOCACHE=" + v[0], "GOMODCACHE=" + v[1], "GOPATH=" + v[2]}
		}
	}
	realCloud = os.Getenv("VOD_ACC_IMAGE_ID") != "" &&
		(os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID") != "" || os.Getenv("ALICLOUD_ACCESS_KEY") != "")
	home, err := os.MkdirTemp("", "vod-acctest-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(home) }() // best effort: at worst a temporary directory stays behind
	runHome = home
	if err := isolate(home); err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	if !realCloud {
		if err := startShared(home); err != nil {
			fmt.Fprintln(os.Stderr, "acctest:", err)
			return 1
		}
		defer func() { _ = shared.Close() }() // the tests are over; the process exits next
	}
	if os.Getenv("TF_ACC") != "" {
		if err := chooseTerraform(home); err != nil {
			fmt.Fprintln(os.Stderr, "acctest:", err)
			return 1
		}
	}
	return m.Run()
}

// isolate points HOME and the Terraform CLI config at a temporary directory and switches off every
// lookup that could leave this machine. In emulator mode it also drops the caller's Alibaba Cloud
// variables so that only what a test sets reaches the provider.
func isolate(home string) error {
	cliConfig := filepath.Join(home, "terraformrc")
	if err := os.WriteFile(cliConfig, []byte("# acceptance tests: no provider installation overrides\n"), 0o600); err != nil {
		return err
	}
	if !realCloud {
		for _, kv := range os.Environ() {
			name, _, _ := strings.Cut(kv, "=")
			if strings.HasPrefix(name, "ALIBABA_CLOUD_") || strings.HasPrefix(name, "ALICLOUD_") {
				if err := os.Unsetenv(name); err != nil {
					return err
				}
			}
		}
	}
	for k, v := range map[string]string{
		"HOME":                                home,
		"TF_CLI_CONFIG_FILE":                  cliConfig,
		"CHECKPOINT_DISABLE":                  "1",
		"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
	} {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	return nil
}

// startShared creates the CA, trusts it, and starts the shared emulator behind HTTPS_PROXY. It must
// run before anything in this process makes an HTTPS request: Go reads the system roots and the
// proxy variables once.
func startShared(home string) error {
	var err error
	if ca, err = vodemu.NewCA(); err != nil {
		return err
	}
	caFile := filepath.Join(home, "vodemu-ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM(), 0o600); err != nil {
		return err
	}
	if shared, err = vodemu.Start(emulatorOptions()); err != nil {
		return err
	}
	for k, v := range map[string]string{
		"SSL_CERT_FILE": caFile,
		"HTTPS_PROXY":   "http://" + shared.Addr,
		"https_proxy":   "http://" + shared.Addr,
		"NO_PROXY":      "",
		"no_proxy":      "",
	} {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	return nil
}

// emulatorOptions is the configuration every test emulator starts from.
func emulatorOptions() vodemu.Options {
	images, err := vodemu.LoadImages(fixturePath())
	if err != nil {
		panic(fmt.Sprintf("loading fixture images: %v", err)) // a broken fixture file is a bug in this repository
	}
	return vodemu.Options{
		AccessKeyID:     EmulatorAccessKeyID,
		AccessKeySecret: EmulatorAccessKeySecret,
		Region:          EmulatorRegion,
		Images:          images,
		CA:              ca,
		STS: vodemu.STSOptions{
			Roles:           []vodemu.Role{{ARN: RoleARN, ExternalID: RoleExternalID}, {ARN: OpenRoleARN}},
			OIDCProviderARN: OIDCProviderARN,
			OIDCToken:       OIDCToken,
		},
	}
}

// chooseTerraform pins TF_ACC_TERRAFORM_PATH so that terraform-plugin-testing never tries to
// download a binary: the given path, else terraform or tofu on PATH, behind versionShim (in home).
func chooseTerraform(home string) error {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		for _, name := range []string{"terraform", "tofu"} {
			if p, err := exec.LookPath(name); err == nil {
				bin = p
				break
			}
		}
	}
	if bin == "" {
		return fmt.Errorf("TF_ACC is set but no terraform or tofu binary was found: set TF_ACC_TERRAFORM_PATH, " +
			"or run `make testacc`, which builds OpenTofu from the Go module proxy")
	}
	if abs, err := filepath.Abs(bin); err == nil {
		bin = abs
	}
	if err := os.Setenv("TF_ACC_TERRAFORM_PATH", versionShim(filepath.Join(home, "cli"), bin)); err != nil {
		return err
	}
	if isOpenTofu(bin) && os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		return os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	}
	return nil
}

func isOpenTofu(bin string) bool {
	if strings.Contains(filepath.Base(bin), "tofu") {
		return true
	}
	out, err := exec.Command(bin, "version").Output() //nolint:gosec // G702: running the terraform binary the user chose (TF_ACC_TERRAFORM_PATH or PATH) is the point
	return err == nil && strings.Contains(string(out), "OpenTofu")
}

// Target is where one test sends its requests.
type Target struct {
	// Emulator is nil against the real cloud.
	Emulator *vodemu.Running
	// ImageID names an image that exists: a fixture, or VOD_ACC_IMAGE_ID.
	ImageID string
	// Region is the provider's region.
	Region string
}

// New starts an emulator of the test's own (so its statistics are the test's alone), or returns
// the real-cloud target. Options, if given, adjust the emulator's configuration.
func New(t testing.TB, adjust ...func(*vodemu.Options)) *Target {
	t.Helper()
	if realCloud {
		region := firstEnv("ALIBABA_CLOUD_REGION", "ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION")
		return &Target{ImageID: os.Getenv("VOD_ACC_IMAGE_ID"), Region: region}
	}
	opts := emulatorOptions()
	for _, f := range adjust {
		f(&opts)
	}
	emu, err := vodemu.Start(opts)
	if err != nil {
		t.Fatalf("starting the VOD emulator: %v", err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	return &Target{Emulator: emu, ImageID: ImageCDN, Region: EmulatorRegion}
}

// Shared is the emulator behind HTTPS_PROXY, for tests of CLI profiles whose STS calls go to
// sts.*.aliyuncs.com: the temporary credentials it issues are valid on it alone. Its statistics
// are shared by every test that uses it.
func Shared(t *testing.T) *Target {
	t.Helper()
	if shared == nil {
		t.Skip("the shared emulator runs only in emulator mode")
	}
	return &Target{Emulator: shared, ImageID: ImageCDN, Region: EmulatorRegion}
}

// RealCloud reports whether tests run against Alibaba Cloud itself.
func RealCloud() bool { return realCloud }

// RequireEmulator skips a test that depends on the emulator's fixtures or statistics.
func (tg *Target) RequireEmulator(t *testing.T) {
	t.Helper()
	if tg.Emulator == nil {
		t.Skip("needs the emulator's fixture images or statistics; running against the real cloud")
	}
}

// Requests is the number of API requests the emulator has answered.
func (tg *Target) Requests() int64 { return tg.Count("", "") }

// Count is how many requests the emulator answered with this action ("" for any) and code ("" for
// any; "OK" for success).
func (tg *Target) Count(action, code string) int64 {
	if tg.Emulator == nil {
		return -1
	}
	st := tg.Emulator.Server.Stats()
	switch {
	case action != "" && code != "":
		panic("Count takes an action or a code, not both")
	case action != "":
		return st.ByAction[action]
	case code != "":
		return st.ByCode[code]
	}
	return st.Requests
}

// STSEndpoint is the emulator's host:port, which serves STS over HTTPS too.
func (tg *Target) STSEndpoint() string { return tg.Emulator.Addr }

func fixturePath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata", "images.json")
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// TemporaryCredentials are STS credentials issued by an emulator.
type TemporaryCredentials struct {
	AccessKeyID, AccessKeySecret, SecurityToken string
}

// IssueTemporaryCredentials assumes roleARN on the emulator's STS with the emulator's key pair,
// through credentials-go as the provider would.
func (tg *Target) IssueTemporaryCredentials(t *testing.T, roleARN string) TemporaryCredentials {
	t.Helper()
	p, err := providers.NewRAMRoleARNCredentialsProviderBuilder().
		WithAccessKeyId(EmulatorAccessKeyID).
		WithAccessKeySecret(EmulatorAccessKeySecret).
		WithRoleArn(roleARN).
		WithRoleSessionName("acctest").
		WithDurationSeconds(900).
		WithStsEndpoint(tg.STSEndpoint()).
		Build()
	if err != nil {
		t.Fatal(err)
	}
	cc, err := p.GetCredentials()
	if err != nil {
		t.Fatalf("assuming %s on the emulator: %v", roleARN, err)
	}
	return TemporaryCredentials{cc.AccessKeyId, cc.AccessKeySecret, cc.SecurityToken}
}

// CLISubset reports whether this run is one of the matrix's subset runs (.ci/test sets
// VOD_ACC_CLI_SUBSET for the CLIs after the first): a test with many cases that differ only in
// what the provider does then runs a representative few and skips the rest with the reason.
func CLISubset() bool { return os.Getenv("VOD_ACC_CLI_SUBSET") != "" }
