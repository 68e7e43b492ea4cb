package provider_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/devoverrides"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// With TF_LOG=TRACE, a real terraform running the real provider binary logs everything it does;
// the access key secret, the STS token and the signatures of the signed URLs must not be in it.
func TestAccSecretsStayOutOfTraceLogs(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	const token = "CAIS-trace-test-security-token-0123456789"
	tg := acctest.New(t, func(o *vodemu.Options) { o.SecurityToken = token })
	tg.RequireEmulator(t)

	dir := t.TempDir()
	pluginDir := acctest.PluginDir(t)
	ctx := t.Context()
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

// uploadRecorder is a reverse proxy in front of an emulator that keeps the secrets of every upload
// credential CreateUploadImage hands out, so that a test can look for them in Terraform's outputs.
// tamperOSS, when set, changes the Content-Type of OSS uploads after they were signed, so that OSS
// answers SignatureDoesNotMatch (with its StringToSign and the signature provided).
type uploadRecorder struct {
	mu        sync.Mutex
	secrets   map[string]string // value -> what it is
	tamperOSS atomic.Bool
}

func (u *uploadRecorder) start(t *testing.T, emu *vodemu.Running) string {
	t.Helper()
	target, err := url.Parse(emu.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.Out.Host = pr.In.Host // the Host header the client signed
		if u.tamperOSS.Load() && pr.Out.Method == http.MethodPut {
			pr.Out.Header.Set("Content-Type", "application/x-tampered")
		}
	}}
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Query().Get("Action") != "CreateUploadImage" && !strings.Contains(resp.Request.Header.Get("x-acs-action"), "CreateUploadImage") {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		var answer struct{ UploadAuth string }
		if json.Unmarshal(body, &answer) == nil && answer.UploadAuth != "" {
			raw, err := base64.StdEncoding.DecodeString(answer.UploadAuth)
			var auth struct{ AccessKeySecret, SecurityToken string }
			if err == nil && json.Unmarshal(raw, &auth) == nil {
				u.mu.Lock()
				u.secrets[auth.AccessKeySecret] = "an upload credential's AccessKeySecret"
				u.secrets[auth.SecurityToken] = "an upload credential's SecurityToken"
				u.secrets[answer.UploadAuth] = "an UploadAuth as VOD sent it (base64)"
				u.mu.Unlock()
			}
		}
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestAccSecretsStayOutOfUploads runs vod_image's upload path with a real terraform and the real
// provider binary, TF_LOG=TRACE: a successful upload, a plan and a destroy; an upload OSS refuses
// with SignatureDoesNotMatch (whose answer quotes what was signed); and upload credentials that
// expire before the upload (SecurityTokenExpired, the image deleted and asked for again). No upload
// credential's AccessKeySecret or SecurityToken (nor the UploadAuth that holds them) may appear in
// stdout, stderr, the log, the plan JSON or the state.
func TestAccSecretsStayOutOfUploads(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	ok := acctest.New(t)
	ok.RequireEmulator(t)
	var ticks atomic.Int64
	start := time.Now()
	expiring := acctest.New(t, func(o *vodemu.Options) {
		o.Upload.CredentialLifetime = time.Second
		o.Now = func() time.Time { return start.Add(time.Duration(ticks.Add(1)) * 5 * time.Second) }
	})
	dir := t.TempDir()
	pluginDir := acctest.PluginDir(t)
	ctx := t.Context()
	rc := filepath.Join(dir, "terraformrc")
	if err := devoverrides.Write(rc, map[string]string{"vodtf/vod": pluginDir}); err != nil {
		t.Fatal(err)
	}
	rec := &uploadRecorder{secrets: map[string]string{}}
	okURL, expiringURL := rec.start(t, ok.Emulator), rec.start(t, expiring.Emulator)
	src := writePNG(t, filepath.Join(dir, "logo.png"), 32, 32, 40)

	var outputs []string
	run := func(name, endpoint, title string, wantErr bool, commands ...[]string) {
		t.Helper()
		work := filepath.Join(dir, name)
		writeFile(t, filepath.Join(work, "main.tf"), acctest.RequiredProviders+acctest.ProviderBlock(
			acctest.Arg("endpoint", endpoint), acctest.Arg("region", acctest.EmulatorRegion), acctest.Keys(),
			acctest.Arg("oss_endpoint", endpoint), "max_retries = 1")+fmt.Sprintf(`
resource "vod_image" "x" {
  source     = %q
  image_type = "default"
  title      = %q
}
`, src, title))
		logFile := filepath.Join(work, "trace.log")
		var failed bool
		for _, args := range commands {
			cmd := exec.CommandContext(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
			cmd.Dir = work
			cmd.Env = append(os.Environ(), "TF_LOG=TRACE", "TF_LOG_PATH="+logFile, "TF_CLI_CONFIG_FILE="+rc,
				"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if cmd.Run() != nil {
				failed = true
			}
			outputs = append(outputs, stdout.String(), stderr.String())
		}
		if failed != wantErr {
			t.Errorf("%s: failed = %v, want %v:\n%s", name, failed, wantErr, strings.Join(outputs[len(outputs)-2*len(commands):], "\n"))
		}
		for _, f := range []string{logFile, filepath.Join(work, "terraform.tfstate"), filepath.Join(work, "terraform.tfstate.backup")} {
			if raw, err := os.ReadFile(f); err == nil {
				outputs = append(outputs, string(raw))
			}
		}
	}
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	run("success", okURL, "first", false, apply)
	// A change of title, planned to a file and shown as JSON, then applied; then a destroy.
	writeFile(t, filepath.Join(dir, "success", "main.tf"), strings.Replace(readFile(t, filepath.Join(dir, "success", "main.tf")), `"first"`, `"second"`, 1))
	run("success", okURL, "second", false, []string{"plan", "-input=false", "-no-color", "-out=plan.bin"},
		[]string{"show", "-json", "plan.bin"}, []string{"apply", "-input=false", "-no-color", "plan.bin"},
		[]string{"destroy", "-auto-approve", "-input=false", "-no-color"})
	rec.tamperOSS.Store(true)
	run("signature-refused", okURL, "refused", true, apply)
	rec.tamperOSS.Store(false)
	run("expired", expiringURL, "expired", true, apply)

	all := strings.Join(outputs, "\n")
	// The checks must see what they check: the upload happened, and each failure was reported.
	for _, want := range []string{"SignatureDoesNotMatch", "SecurityTokenExpired", "CreateUploadImage", "was deleted"} {
		if !strings.Contains(all, want) {
			t.Errorf("the outputs (%d bytes) lack %q: the scenario did not happen as meant", len(all), want)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.secrets) < 3*4 { // success, refused, and three expired credentials
		t.Fatalf("recorded %d upload secrets, want at least 12: the recorder did not see the credentials", len(rec.secrets))
	}
	for value, what := range rec.secrets {
		if strings.Contains(all, value) {
			t.Errorf("%s appears in the outputs:\n%s", what, context200(all, value))
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
