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

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/vodtf/terraform-provider-vod/internal/provider"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// Fixture image IDs served by the emulator (see testdata/images.json).
const (
	ImageCDN       = "3e34733b40b9a96ccf5c1ff6f69a0001" // CDN domain, tags, mezzanine with FileSize as a string
	ImageOSS       = "3e34733b40b9a96ccf5c1ff6f69a0002" // OSS-only URL, FileSize as a number
	ImageUploading = "3e34733b40b9a96ccf5c1ff6f69a0003" // no tags, no mezzanine, status Uploading
	// MissingImage exists neither in the emulator nor, by its form, in any real account.
	MissingImage = "00000000000000000000000000000000"
)

// Credentials the emulator accepts. They are test values, not secrets.
const (
	EmulatorAccessKeyID     = "LTAI5tEmulatorTestKey01"
	EmulatorAccessKeySecret = "emulator-secret-do-not-use-elsewhere"
	EmulatorRegion          = "cn-shanghai"
)

// ProtoV6ProviderFactories serves the provider in-process for terraform-plugin-testing.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"vod": providerserver.NewProtocol6WithError(provider.New("acctest")()),
}

// realCloud is set by Main when real credentials and VOD_ACC_IMAGE_ID are given.
var realCloud bool

// Main prepares the environment for acceptance tests, runs them and exits. Call it from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	realCloud = os.Getenv("VOD_ACC_IMAGE_ID") != "" &&
		(os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID") != "" || os.Getenv("ALICLOUD_ACCESS_KEY") != "")
	home, err := os.MkdirTemp("", "vod-acctest-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	defer os.RemoveAll(home)
	if err := isolate(home); err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	if os.Getenv("TF_ACC") != "" {
		if err := chooseTerraform(); err != nil {
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
				os.Unsetenv(name)
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

// chooseTerraform pins TF_ACC_TERRAFORM_PATH so that terraform-plugin-testing never tries to
// download a binary: the given path, else terraform or tofu on PATH.
func chooseTerraform() error {
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
	os.Setenv("TF_ACC_TERRAFORM_PATH", bin)
	if isOpenTofu(bin) && os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	}
	return nil
}

func isOpenTofu(bin string) bool {
	if strings.Contains(filepath.Base(bin), "tofu") {
		return true
	}
	out, err := exec.Command(bin, "version").Output()
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
// the real-cloud target.
func New(t *testing.T) *Target {
	t.Helper()
	if realCloud {
		region := firstEnv("ALIBABA_CLOUD_REGION", "ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION")
		return &Target{ImageID: os.Getenv("VOD_ACC_IMAGE_ID"), Region: region}
	}
	images, err := vodemu.LoadImages(fixturePath())
	if err != nil {
		t.Fatalf("loading fixture images: %v", err)
	}
	emu, err := vodemu.Start(vodemu.Options{
		AccessKeyID:     EmulatorAccessKeyID,
		AccessKeySecret: EmulatorAccessKeySecret,
		Region:          EmulatorRegion,
		Images:          images,
	})
	if err != nil {
		t.Fatalf("starting the VOD emulator: %v", err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	return &Target{Emulator: emu, ImageID: ImageCDN, Region: EmulatorRegion}
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

// ProviderConfig is the provider block: explicit emulator settings, or empty so that the real
// credentials come from the environment.
func (tg *Target) ProviderConfig() string {
	if tg.Emulator == nil {
		return "provider \"vod\" {}\n"
	}
	return tg.ProviderConfigWith(EmulatorAccessKeySecret)
}

// ProviderConfigWith is ProviderConfig with another secret key, for tests of wrong credentials.
func (tg *Target) ProviderConfigWith(secret string) string {
	if tg.Emulator == nil {
		return fmt.Sprintf("provider \"vod\" {\n  secret_key = %q\n}\n", secret)
	}
	return fmt.Sprintf(`provider "vod" {
  endpoint   = %q
  region     = %q
  access_key = %q
  secret_key = %q
}
`, tg.Emulator.URL, EmulatorRegion, EmulatorAccessKeyID, secret)
}

// Requests is the number of API requests the emulator has answered.
func (tg *Target) Requests() int64 {
	if tg.Emulator == nil {
		return -1
	}
	return tg.Emulator.Server.Stats().Requests
}

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
