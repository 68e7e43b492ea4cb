package provider_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/devoverrides"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// With TF_LOG=TRACE, a real terraform running the real provider binary logs everything it does;
// the access key secret, the STS token and the signatures of the signed URLs must not be in it.
func TestAccSecretsStayOutOfTraceLogs(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	const token = "CAIS-trace-test-security-token-0123456789"
	tg := acctest.New(t, func(o *vodemu.Options) { o.SecurityToken = token })
	tg.RequireEmulator(t)

	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	// No deadline of its own (go test's -timeout bounds it): building the provider from a cold
	// cache while other acceptance tests run takes minutes on a 2-core machine.
	ctx := t.Context()
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-vod"), "../..")
	build.Env = acctest.GoBuildEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := devoverrides.Write(rc, map[string]string{"vodtf/vod": pluginDir}); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "config")
	writeFile(t, filepath.Join(config, "main.tf"), acctest.RequiredProviders+
		tg.ProviderBlock(acctest.Keys(), acctest.Arg("security_token", token))+fmt.Sprintf(`
data "vod_image" "cdn" {
  image_id    = %q
  output_type = "cdn"
}

data "vod_image" "oss" {
  image_id    = %q
  output_type = "oss"
}

output "urls" {
  value = [data.vod_image.cdn.url, data.vod_image.oss.url, data.vod_image.oss.mezzanine.file_url]
}
`, acctest.ImageCDN, acctest.ImageOSS))

	logFile := filepath.Join(dir, "trace.log")
	terraform := func(args ...string) []byte {
		t.Helper()
		cmd := exec.CommandContext(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
		cmd.Dir = config
		cmd.Env = append(os.Environ(), "TF_LOG=TRACE", "TF_LOG_PATH="+logFile, "TF_CLI_CONFIG_FILE="+rc,
			"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	terraform("apply", "-auto-approve", "-input=false", "-no-color")
	var urls []string
	if err := json.Unmarshal(terraform("output", "-json", "urls"), &urls); err != nil || len(urls) != 3 {
		t.Fatalf("reading the URL outputs: %v (%q)", err, urls)
	}

	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	// The log must hold the provider's own lines, or this test proves nothing.
	for _, want := range []string{"configured the VOD client", "VOD request succeeded", acctest.ImageOSS} {
		if !strings.Contains(log, want) {
			t.Fatalf("the TRACE log (%d bytes) lacks %q: the provider's logs did not reach it", len(log), want)
		}
	}
	// Each API request is one structured line of the api subsystem, naming the image.
	structured := false
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "VOD request succeeded") && strings.Contains(line, "image_id=") &&
			strings.Contains(line, "action=") && strings.Contains(line, "duration_ms=") && strings.Contains(line, "@module=vod.api") {
			structured = true
		}
	}
	if !structured {
		t.Error("no 'VOD request succeeded' line of the api subsystem with image_id, action and duration_ms")
	}
	secrets := map[string]string{"access key secret": acctest.EmulatorAccessKeySecret, "security token": token}
	for i, u := range urls {
		for name, value := range urlSignatures(t, u) {
			secrets[fmt.Sprintf("URL %d %s", i, name)] = value
		}
	}
	if len(secrets) < 5 {
		t.Fatalf("found too few URL signatures to check: %v", secrets)
	}
	for name, value := range secrets {
		if strings.Contains(log, value) {
			t.Errorf("the TRACE log contains the %s", name)
		}
	}
}

// urlSignatures returns the secret parts of a signed URL: the auth_key hash, or the OSS signature.
func urlSignatures(t *testing.T, raw string) map[string]string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	q := u.Query()
	if ak := q.Get("auth_key"); ak != "" {
		out["auth_key hash"] = ak[strings.LastIndex(ak, "-")+1:]
	}
	if sig := q.Get("Signature"); sig != "" {
		out["OSS signature"] = sig
		out["OSS signature, URL-encoded"] = url.QueryEscape(sig)
	}
	return out
}
