package provider_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// realTerraform runs the terraform binary of the acceptance tests on the provider binary built
// from this tree (dev_overrides), as a user does: terraform-plugin-testing serves the provider in
// the test process, where Terraform's filtering of provider log lines never applies.
type realTerraform struct {
	rc  string // CLI configuration file
	ctx context.Context
}

func newRealTerraform(t *testing.T) *realTerraform {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	pluginDir := acctest.PluginDir(t)
	rc := filepath.Join(dir, "terraformrc")
	writeFile(t, rc, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/vodtf/vod" = %[1]q
    "registry.opentofu.org/vodtf/vod" = %[1]q
  }
  direct {}
}
`, pluginDir))
	return &realTerraform{rc: rc, ctx: ctx}
}

// plan runs `terraform plan` on config with the logging variables env (every other TF_LOG*
// variable removed) and returns its standard output and error; failed says whether it failed.
func (r *realTerraform) plan(t *testing.T, config string, env ...string) (stdout, stderr string, failed bool) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.tf"), config)
	cmd := exec.CommandContext(r.ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), "plan", "-input=false", "-no-color", "-refresh=true")
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_LOG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append([]string{"TF_CLI_CONFIG_FILE=" + r.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}, env...)...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running terraform: %v", err)
	}
	return out.String(), errOut.String(), err != nil
}

// flat joins terraform's output, which wraps diagnostics at 78 columns, into one line.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// logLines returns the lines of a Terraform log that contain all of words.
func logLines(log string, words ...string) []string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		all := true
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			out = append(out, line)
		}
	}
	return out
}

func readsConfig(tg *acctest.Target, secret string) string {
	return acctest.RequiredProviders + tg.ProviderConfigWith(secret) + fmt.Sprintf(`
data "vod_image" "cdn" {
  image_id    = %q
  output_type = "cdn"
}

data "vod_image" "oss" {
  image_id    = %q
  output_type = "oss"
}

data "vod_images" "both" {
  ids = [%[1]q, %[2]q]
}
`, acctest.ImageCDN, acctest.ImageOSS)
}

// Every logging variable that docs/index.md documents does what it says there, through a real
// terraform: which lines appear is decided by Terraform as well as by the provider.
func TestAccLoggingVariables(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	tf := newRealTerraform(t)
	config := readsConfig(tg, acctest.EmulatorAccessKeySecret)

	const (
		configured = "configured the VOD client"
		request    = "VOD request succeeded"
		semantic   = "Value switched to prior value due to semantic equality logic"
		notShown   = "VOD provider log lines not shown"
	)
	type check struct {
		name string
		ok   func(stdout, log string) bool
	}
	has := func(s string) check {
		return check{"log has " + s, func(_, log string) bool { return strings.Contains(log, s) }}
	}
	lacks := func(s string) check {
		return check{"log lacks " + s, func(_, log string) bool { return !strings.Contains(log, s) }}
	}
	says := func(s string) check {
		return check{"output says " + s, func(out, _ string) bool { return strings.Contains(flat(out), s) }}
	}
	silent := check{"no warning about logs", func(out, _ string) bool { return !strings.Contains(out, notShown) }}
	// A line of Terraform's (or OpenTofu's) own log, at INFO.
	coreLog := regexp.MustCompile(`\[INFO\] +(Terraform|OpenTofu) version: `)
	hasCore := check{"log has Terraform's own lines", func(_, log string) bool { return coreLog.MatchString(log) }}
	lacksCore := check{"log lacks Terraform's own lines", func(_, log string) bool { return !coreLog.MatchString(log) }}

	for _, tc := range []struct {
		env    []string
		checks []check
	}{
		{nil, []check{lacks("provider.terraform-provider-vod"), lacksCore, silent}},
		{[]string{"TF_LOG_PROVIDER_VOD=DEBUG"}, []check{lacks("provider.terraform-provider-vod"), says(notShown),
			says("Add TF_LOG_PROVIDER=DEBUG")}},
		{[]string{"TF_LOG_PROVIDER_VOD=DEBUG", "TF_LOG=WARN"}, []check{lacks(configured), lacks(request), says(notShown),
			says("only from level WARN")}},
		{[]string{"TF_LOG=DEBUG"}, []check{hasCore, has(configured), has(request), lacks(semantic), lacks("configuring server automatic mTLS"), silent}},
		{[]string{"TF_LOG_PROVIDER=DEBUG"}, []check{lacksCore, has(configured), has(request), lacks(semantic)}},
		{[]string{"TF_LOG_PROVIDER=TRACE"}, []check{lacksCore, has("reading VOD image"), has("@module=sdk.proto"), has(semantic),
			has("configuring server automatic mTLS")}},
		{[]string{"TF_LOG_PROVIDER=TRACE", "TF_LOG_SDK=OFF"}, []check{has("reading VOD image"), has(request), lacks("@module=sdk.")}},
		{[]string{"TF_LOG_PROVIDER=TRACE", "TF_LOG_PROVIDER_VOD=INFO"}, []check{has(configured), lacks(request),
			lacks("reading VOD image"), has("@module=sdk.proto")}},
		{[]string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PROVIDER_VOD_API=WARN"}, []check{has(configured), lacks(request)}},
		{[]string{"TF_LOG=DEBUG", "TF_LOG_SDK_FRAMEWORK=DEBUG"}, []check{has(request), has(semantic)}},
	} {
		t.Run(strings.Join(append([]string{"env"}, tc.env...), " "), func(t *testing.T) {
			before := tg.Requests()
			stdout, log, failed := tf.plan(t, config, tc.env...)
			if failed {
				t.Fatalf("plan failed:\n%s\n%s", stdout, log)
			}
			for _, c := range tc.checks {
				if !c.ok(stdout, log) {
					t.Errorf("%s; output:\n%s\nlog (%d lines):\n%s", c.name, stdout, strings.Count(log, "\n"), log)
				}
			}
			// Where request lines are written, there is one per request, each on one line with the
			// request's action, parameters and ID.
			if lines := logLines(log, request); len(lines) > 0 {
				if sent := tg.Requests() - before; int64(len(lines)) != sent {
					t.Errorf("%d request lines for %d requests:\n%s", len(lines), sent, strings.Join(lines, "\n"))
				}
				for _, line := range lines {
					for _, field := range []string{"action=", "request_id=", "duration_ms=", "@module=vod.api"} {
						if !strings.Contains(line, field) {
							t.Errorf("request line without %s: %s", field, line)
						}
					}
					if !strings.Contains(line, "image_id=") && !strings.Contains(line, "image_ids=") {
						t.Errorf("request line without its image IDs: %s", line)
					}
				}
			}
		})
	}

	t.Run("TF_LOG_PATH", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "terraform.log")
		stdout, stderr, failed := tf.plan(t, config, "TF_LOG=DEBUG", "TF_LOG_PATH="+file)
		if failed || strings.Contains(stderr, configured) {
			t.Fatalf("failed=%v or the log went to stderr:\n%s\n%s", failed, stdout, stderr)
		}
		log, err := os.ReadFile(file)
		if err != nil || !strings.Contains(string(log), request) {
			t.Errorf("the log file lacks the request lines (%v):\n%s", err, log)
		}
	})

	t.Run("TF_LOG_PROVIDER_VOD_API=WARN keeps the retries", func(t *testing.T) {
		tg.Emulator.Server.InjectNext(vodemu.FaultThrottling, 1)
		stdout, log, failed := tf.plan(t, config, "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PROVIDER_VOD_API=WARN")
		if failed {
			t.Fatalf("plan failed:\n%s\n%s", stdout, log)
		}
		retries := logLines(log, "VOD request failed, retrying", "Throttling.User", "request_id=")
		if len(retries) != 1 || len(logLines(log, request)) != 0 {
			t.Errorf("want exactly the one retry line and no request line:\n%s", log)
		}
	})
}

// One wrong secret fails every read the same way: the error is explained once, in full, with the
// access key ID masked and without the server's string to sign; the other reads point to it in one
// line each. The failed requests are logged on one line each.
func TestAccWrongSecretExplainedOnce(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	tf := newRealTerraform(t)
	const wrong = "wrong-secret-0123456789abcdef"
	stdout, stderr, failed := tf.plan(t, readsConfig(tg, wrong), "TF_LOG_PROVIDER=DEBUG", "TF_LOG_SDK=OFF")
	if !failed {
		t.Fatalf("plan succeeded with a wrong secret:\n%s", stdout)
	}
	// Terraform writes the errors and the log to standard error.
	var errorText, log strings.Builder
	for _, line := range strings.Split(stderr, "\n") {
		if regexp.MustCompile(`^\d{4}-\d\d-\d\dT`).MatchString(line) || strings.HasPrefix(line, "  | ") {
			log.WriteString(line + "\n")
		} else {
			errorText.WriteString(line + "\n")
		}
	}
	errs := errorText.String()
	if n := len(regexp.MustCompile(`(?m)^Error: `).FindAllString(errs, -1)); n != 3 {
		t.Errorf("%d errors for 3 reads:\n%s", n, errs)
	}
	if n := strings.Count(errs, "Error: VOD rejected the provider's credentials"); n != 1 {
		t.Errorf("the cause is explained %d times:\n%s", n, errs)
	}
	pointer := regexp.MustCompile(`failed: SignatureDoesNotMatch \(request ID [0-9A-F-]{36}\)\. The access key secret does not match ` +
		`[^.]*\. The error "VOD rejected the provider's credentials" gives the details`)
	if n := len(pointer.FindAllString(flat(errs), -1)); n != 2 {
		t.Errorf("%d one-line pointers, want 2:\n%s", n, errs)
	}
	// Whichever error Terraform prints first, it says what to do.
	for i, e := range strings.Split(errs, "Error: ")[1:] {
		if !strings.Contains(flat(e), "secret_key or ALIBABA_CLOUD_ACCESS_KEY_SECRET") {
			t.Errorf("error %d does not say what to do on its own:\n%s", i+1, e)
		}
	}
	key := acctest.EmulatorAccessKeyID
	for _, want := range []string{"access key ID ***" + key[len(key)-3:], "secret_key or ALIBABA_CLOUD_ACCESS_KEY_SECRET"} {
		if !strings.Contains(flat(errs), want) {
			t.Errorf("the errors lack %q:\n%s", want, errs)
		}
	}
	for _, never := range []string{wrong, key, "string to sign", "ACS3-HMAC-SHA256"} {
		if strings.Contains(stdout+stderr, never) {
			t.Errorf("the output or the log contains %q", never)
		}
	}
	failedLines := logLines(log.String(), "VOD request failed", "error=", "SignatureDoesNotMatch")
	if len(failedLines) == 0 {
		t.Fatalf("no one-line failed-request line in the log:\n%s", log.String())
	}
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.Contains(line, "@module=vod") && strings.HasSuffix(strings.TrimSpace(line), "error=") {
			t.Errorf("a multi-line error in the log: %s", line)
		}
	}
}
