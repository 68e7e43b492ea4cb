package provider_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// The examples of the testing guide (templates/guides/testing.md.tmpl) pass under the CLI of the
// acceptance tests, run as a user's CI runs them: `<cli> test` in a copy of the example's folder,
// with the provider built from this tree through dev_overrides (no init), against an emulator
// serving examples/demo/images.json, or, for the mock tests, with no emulator and no credentials.
// A CLI that lacks what a test file needs skips it, saying which version brings it.
func TestAccTestingGuideExamples(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	if acctest.RealCloud() {
		t.Skip("the examples read the demo images of the emulator")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	out, err := exec.Command(bin, "version").Output() //nolint:gosec // G204: the CLI the acceptance tests run
	if err != nil {
		t.Fatalf("%s version: %v", bin, err)
	}
	m := regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\S+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("cannot tell the CLI from `%s version`: %s", bin, out)
	}
	product, cliVersion := m[1], version.Must(version.NewVersion(m[2])).Core()

	images, err := vodemu.LoadImages(filepath.Join("..", "..", "examples", "demo", "images.json"))
	if err != nil {
		t.Fatal(err)
	}
	emu, err := vodemu.Start(vodemu.Options{AccessKeyID: "LTAI5tGuideTestKey0001", AccessKeySecret: "guide-test-secret", Images: images})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	cases := []struct {
		dir, file string
		// The first versions that run the file, and what they bring.
		terraform, opentofu, needs string
		emulator                   bool
	}{
		{"module", "emulator.tftest.hcl", "1.6.0", "1.6.0", ".tftest.hcl files", true},
		{"module", "mock.tftest.hcl", "1.7.0", "1.8.0", "mock_provider", false},
		{"ephemeral", "emulator.tftest.hcl", "1.10.0", "1.11.0", "ephemeral resources", true},
	}
	minimum := func(terraform, opentofu string) *version.Version {
		if product == "OpenTofu" {
			return version.Must(version.NewVersion(opentofu))
		}
		return version.Must(version.NewVersion(terraform))
	}
	// The provider binary and its dev_overrides CLI configuration, built only if a file can run.
	var tf *realTerraform
	for _, tc := range cases {
		if !cliVersion.LessThan(minimum(tc.terraform, tc.opentofu)) {
			tf = newRealTerraform(t)
			break
		}
	}

	for _, tc := range cases {
		t.Run(tc.dir+"/"+tc.file, func(t *testing.T) {
			t.Parallel()
			if minimum := minimum(tc.terraform, tc.opentofu); cliVersion.LessThan(minimum) {
				t.Skipf("%s %s cannot run it: %s came with %s %s", product, cliVersion, tc.needs, product, minimum)
			}
			work := t.TempDir()
			src := filepath.Join("..", "..", "examples", "testing", tc.dir)
			for _, name := range []string{"main.tf", filepath.Join("tests", tc.file)} {
				b, err := os.ReadFile(filepath.Join(src, name))
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(work, name), string(b))
			}
			cmd := exec.CommandContext(t.Context(), bin, "test", "-no-color") //nolint:gosec // G204: the CLI the acceptance tests run
			cmd.Dir = work
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "ALIBABA_CLOUD_") && !strings.HasPrefix(kv, "ALICLOUD_") && !strings.HasPrefix(kv, "TF_LOG") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			cmd.Env = append(cmd.Env, "TF_CLI_CONFIG_FILE="+tf.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
				"ALIBABA_CLOUD_ECS_METADATA_DISABLED=true")
			if tc.emulator {
				cmd.Env = append(cmd.Env, "ALIBABA_CLOUD_ENDPOINT_VOD="+emu.URL, "ALIBABA_CLOUD_REGION=cn-shanghai",
					"ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tGuideTestKey0001", "ALIBABA_CLOUD_ACCESS_KEY_SECRET=guide-test-secret")
			}
			output, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatalf("running %s test: %v", bin, err)
			}
			if err != nil || !strings.Contains(string(output), tc.file+"... pass") {
				t.Errorf("%s test of examples/testing/%s/tests/%s: %v\n%s", product, tc.dir, tc.file, err, output)
			}
		})
	}
}
