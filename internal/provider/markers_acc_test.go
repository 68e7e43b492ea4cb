package provider_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
)

// markerScenario is one terraform run with marker secrets planted in a credential source,
// usually a broken one. Every marker is a distinct string that must not appear in any output.
type markerScenario struct {
	name   string
	env    map[string]string
	files  map[string]string // path relative to HOME -> content
	args   string            // extra provider arguments
	image  string            // image_id; default the fixture image
	leak   string            // control: this marker must be found, or the check proves nothing
	expect string            // "error" or "ok"
	want   string            // with expect "error": text the error must contain, when the scenario is about one error
	// endpoint replaces the emulator's URL as the endpoint argument; "-" sets none.
	endpoint string
}

// markersEveryCLI are the scenarios that also run under the other CLIs of the matrix (acctest.CLISubset):
// one of each way a text reaches what the CLI shows or writes (the control, an argument refused at
// validation, arguments, environment variables, libraries printing to stdout, a helper process's
// stderr, an STS answer). The others differ from these only in which credential source the
// provider reads, which no CLI changes.
var markersEveryCLI = map[string]bool{"control-marker-in-image-id": true, "arguments": true, "environment": true,
	"debug-environment": true, "endpoint-userinfo-argument": true, "profile-external-noisy": true, "sts-answer-error": true}

// TestAccSecretsMarkersStayOut plants distinct markers in every credential source the provider
// reads (arguments, each environment variable, each profile mode, the SDKs' ini file, a
// credentials URI, an External helper that prints noise around its JSON and on stderr, STS
// answers, an OIDC token file), breaks the sources in the ways users do, and runs a real terraform
// with TF_LOG=TRACE: no marker may appear in stdout, stderr, the log file, the plan JSON or the
// state. A control scenario puts a marker where it is meant to be shown (an image ID): the check
// must find it. VOD_MARKER_PROVIDER_DIR runs the scenarios against another build of the provider
// (such as one from before this test) to see the check fail on a real leak.
func TestAccSecretsMarkersStayOut(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	dir := t.TempDir()
	pluginDir := os.Getenv("VOD_MARKER_PROVIDER_DIR")
	if pluginDir == "" {
		pluginDir = acctest.PluginDir(t)
	}
	rc := filepath.Join(dir, "terraformrc")
	writeFile(t, rc, fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/vodtf/vod\" = %[1]q\n"+
		"    \"registry.opentofu.org/vodtf/vod\" = %[1]q\n  }\n  direct {}\n}\n", pluginDir))

	markers := map[string]string{} // marker -> where it was planted
	mark := func(where string) string {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		m := "MRK" + hex.EncodeToString(b)
		markers[m] = where
		return m
	}
	home := filepath.Join(dir, "home")
	scenarios := markerScenarios(t, tg, dir, home, mark)
	for name := range markersEveryCLI {
		if !slices.ContainsFunc(scenarios, func(sc markerScenario) bool { return sc.name == name }) {
			t.Fatalf("markersEveryCLI names %q, which is no scenario", name)
		}
	}

	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			if acctest.CLISubset() && !markersEveryCLI[sc.name] {
				t.Skip("the provider's own handling of this source: runs under the first CLI only (README.md, \"What runs where\")")
			}
			work := filepath.Join(dir, "runs", sc.name)
			_ = os.RemoveAll(home)
			for rel, content := range sc.files {
				writeFile(t, filepath.Join(home, rel), content)
				if strings.HasSuffix(rel, ".sh") {
					_ = os.Chmod(filepath.Join(home, rel), 0o700)
				}
			}
			image := sc.image
			if image == "" {
				image = acctest.ImageCDN
			}
			endpoint := acctest.Arg("endpoint", tg.Emulator.URL)
			switch sc.endpoint {
			case "":
			case "-":
				endpoint = ""
			default:
				endpoint = acctest.Arg("endpoint", sc.endpoint)
			}
			writeFile(t, filepath.Join(work, "main.tf"), acctest.RequiredProviders+
				acctest.ProviderBlock(endpoint, "max_retries = 1", sc.args)+fmt.Sprintf(`
data "vod_image" "x" {
  image_id = %q
}
`, image))
			logFile := filepath.Join(work, "trace.log")
			var outputs []string
			run := func(args ...string) error {
				cmd := exec.CommandContext(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
				cmd.Dir = work
				// Later entries win: the scenario's settings over the test process's.
				env := append(os.Environ(), "HOME="+home, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile, "TF_CLI_CONFIG_FILE="+rc,
					"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true")
				for k, v := range sc.env {
					env = append(env, k+"="+v)
				}
				cmd.Env = env
				var stdout, stderr strings.Builder
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				outputs = append(outputs, stdout.String(), stderr.String())
				return err
			}
			planErr := run("plan", "-input=false", "-no-color", "-out=plan.bin")
			if planErr == nil {
				_ = run("show", "-json", "plan.bin")
				_ = run("apply", "-input=false", "-no-color", "plan.bin")
			}
			if (planErr != nil) != (sc.expect == "error") {
				t.Errorf("plan error = %v, want %s:\n%s", planErr, sc.expect, strings.Join(outputs, "\n"))
			}
			// Terraform wraps diagnostics at 78 columns: compared with the line breaks made spaces.
			if sc.want != "" && !strings.Contains(strings.Join(strings.Fields(strings.Join(outputs, "\n")), " "), sc.want) {
				t.Errorf("the error does not say %q:\n%s", sc.want, strings.Join(outputs, "\n"))
			}
			for _, f := range []string{logFile, filepath.Join(work, "terraform.tfstate")} {
				if raw, err := os.ReadFile(f); err == nil {
					outputs = append(outputs, string(raw))
				}
			}
			all := strings.Join(outputs, "\n")
			// A setting refused at plan time stops at validation, before Configure: the provider's
			// ValidateProviderConfig lines then show that its logs reached the outputs.
			if !strings.Contains(all, "Configure") && !strings.Contains(all, "configure") && !strings.Contains(all, "tf_rpc=ValidateProviderConfig") {
				t.Fatalf("the outputs (%d bytes) hold no trace of the provider's configuration: the logs did not reach them:\n%.1500s", len(all), all)
			}
			for m, where := range markers {
				found := strings.Contains(all, m)
				switch {
				case m == sc.leak && !found:
					t.Errorf("control: the marker planted in %s was not found; the check cannot see a leak", where)
				case m != sc.leak && found:
					t.Errorf("the marker planted in %s appears in the output:\n%s", where, context200(all, m))
				}
			}
		})
	}
}

func context200(s, m string) string {
	i := strings.Index(s, m)
	return s[max(0, i-200):min(len(s), i+len(m)+200)]
}

func markerScenarios(t *testing.T, tg *acctest.Target, dir, home string, mark func(string) string) []markerScenario {
	region := fmt.Sprintf("region = %q", acctest.EmulatorRegion)
	sts := fmt.Sprintf("sts_endpoint = %q", tg.STSEndpoint())
	id := acctest.EmulatorAccessKeyID

	// Every profile mode, each with markers in its secret fields.
	profiles := fmt.Sprintf(`{"current": "ak", "profiles": [
 {"name": "ak", "mode": "AK", "access_key_id": %[1]q, "access_key_secret": %[2]q, "region_id": "cn-shanghai"},
 {"name": "sts", "mode": "StsToken", "access_key_id": %[1]q, "access_key_secret": %[3]q, "sts_token": %[4]q},
 {"name": "role", "mode": "RamRoleArn", "access_key_id": %[1]q, "access_key_secret": %[5]q, "ram_role_arn": %[6]q, "ram_session_name": "m"},
 {"name": "chain", "mode": "ChainableRamRoleArn", "source_profile": "role", "ram_role_arn": %[6]q, "ram_session_name": "m"},
 {"name": "oidc", "mode": "OIDC", "ram_role_arn": %[6]q, "oidc_provider_arn": %[7]q, "oidc_token_file": "~/token", "ram_session_name": "m"},
 {"name": "external-noisy", "mode": "External", "process_command": "%[8]s/helper.sh noisy"},
 {"name": "external-fails", "mode": "External", "process_command": "%[8]s/helper.sh fail"},
 {"name": "uri", "mode": "CredentialsURI", "credentials_uri": %[9]q},
 {"name": "sso", "mode": "CloudSSO", "cloud_sso_sign_in_url": "https://signin.example/x", "cloud_sso_account_id": "1",
  "cloud_sso_access_config": "ac", "access_token": %[10]q, "cloud_sso_access_token_expire": 1000},
 {"name": "oauth", "mode": "OAuth", "oauth_site_type": "CN", "oauth_access_token": %[11]q},
 {"name": "bearer", "mode": "BearerToken", "bearer_token": %[12]q},
 {"name": "rsa", "mode": "RsaKeyPair", "private_key": %[13]q, "key_pair_name": "k"}
]}`, id, mark("AK profile secret"), mark("StsToken profile secret"), mark("StsToken profile token"),
		mark("RamRoleArn profile secret"), acctest.OpenRoleARN, acctest.OIDCProviderARN, home,
		"", mark("CloudSSO access token"), mark("OAuth access token"), mark("BearerToken"), mark("RsaKeyPair private key"))
	helper := fmt.Sprintf(`#!/bin/sh
echo "%[1]s on stderr" >&2
case "$1" in
  fail) echo '{"mode": "AK", "access_key_id": "x", "access_key_secret": "%[2]s"}'; exit 3 ;;
  *) echo "getting credentials for %[3]s"; echo '{"mode": "AK", "access_key_id": "x", "access_key_secret": "%[4]s"}'; echo done ;;
esac
`, mark("External helper stderr"), mark("External helper output before failing"), mark("External helper noise"),
		mark("External helper JSON"))

	// A credentials URI and an STS stand-in that answer markers in every way.
	uriSecret, uriBody, uriHTML := mark("credentials URI answer secret"), mark("credentials URI error body"), mark("credentials URI HTML")
	uri := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/no-token":
			_, _ = fmt.Fprintf(w, `{"Code": "Success", "AccessKeyId": "x", "AccessKeySecret": %q}`, uriSecret)
		case "/error":
			w.WriteHeader(http.StatusForbidden)
			_, _ = fmt.Fprintf(w, `{"Code": "Denied", "Message": %q}`, uriBody)
		default:
			_, _ = fmt.Fprintf(w, "<html>%s</html>", uriHTML)
		}
	}))
	t.Cleanup(uri.Close)
	profiles = strings.Replace(profiles, `"credentials_uri": ""`, fmt.Sprintf(`"credentials_uri": %q`,
		withUserInfo(uri.URL, mark("profile credentials_uri password"))+"/no-token?token="+mark("credentials URI query token")), 1)

	stsSecret, stsToken, stsErr, stsHTML := mark("STS answer secret"), mark("STS answer token"), mark("STS error body"), mark("STS HTML body")
	fakeSTS := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		switch r.Form.Get("RoleSessionName") {
		case "ok":
			_, _ = fmt.Fprintf(w, `{"RequestId": "r", "Credentials": {"AccessKeyId": "STS.x", "AccessKeySecret": %q, "SecurityToken": %q, "Expiration": "2099-01-01T00:00:00Z"}}`, stsSecret, stsToken)
		case "partial":
			_, _ = fmt.Fprintf(w, `{"RequestId": "r", "Credentials": {"AccessKeyId": "STS.x", "AccessKeySecret": %q}}`, stsSecret)
		case "error":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprintf(w, `{"RequestId": "r", "Code": "NoPermission", "Message": "denied", "HostId": %q, "Recommend": %q}`, stsErr, stsErr)
		default:
			w.WriteHeader(http.StatusBadGateway)
			_, _ = fmt.Fprintf(w, "<html><body>%s</body></html>", stsHTML)
		}
	}))
	t.Cleanup(fakeSTS.Close)
	caFile := filepath.Join(dir, "fake-sts-ca.pem")
	writeFile(t, caFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fakeSTS.Certificate().Raw})))
	fakeHost := strings.TrimPrefix(fakeSTS.URL, "https://")

	ini := func(body string) map[string]string { return map[string]string{".alibabacloud/credentials": body} }
	withHelper := func(m map[string]string) map[string]string {
		m["helper.sh"] = helper
		m[".aliyun/config.json"] = profiles
		m["token"] = mark("OIDC token file")
		return m
	}
	var out []markerScenario
	control := mark("control: image ID")
	out = append(out,
		markerScenario{name: "control-marker-in-image-id", args: acctest.Keys() + "\n  " + region, image: control, leak: control, expect: "error"},
		markerScenario{name: "arguments", args: fmt.Sprintf("%s\n  access_key = %q\n  secret_key = %q\n  security_token = %q", region, id,
			mark("argument secret_key"), mark("argument security_token")), expect: "error"},
		markerScenario{name: "environment", args: region, expect: "error", env: map[string]string{
			"ALIBABA_CLOUD_ACCESS_KEY_ID": id, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": mark("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
			"ALIBABA_CLOUD_SECURITY_TOKEN": mark("ALIBABA_CLOUD_SECURITY_TOKEN"), "ALICLOUD_SECRET_KEY": mark("ALICLOUD_SECRET_KEY"),
			"ALICLOUD_SECURITY_TOKEN": mark("ALICLOUD_SECURITY_TOKEN")}},
		// DEBUG=dara (and the others Alibaba's libraries read) makes them print every request's
		// headers, the security token among them, to stdout.
		markerScenario{name: "debug-environment", expect: "error", args: fmt.Sprintf("%s\n  access_key = %q\n  secret_key = %q\n  security_token = %q",
			region, id, mark("secret_key with DEBUG set"), mark("security_token with DEBUG set")),
			env: map[string]string{"DEBUG": "dara,tea,sdk,credential"}},
		markerScenario{name: "alicloud-environment", args: region, expect: "error", env: map[string]string{
			"ALICLOUD_ACCESS_KEY": id, "ALICLOUD_SECRET_KEY": mark("ALICLOUD_SECRET_KEY in use")}},
	)
	broken := strings.Replace(profiles, `"region_id": "cn-shanghai"},`, `"region_id": "cn-shanghai",},`, 1)
	out = append(out,
		markerScenario{name: "config-json-trailing-comma-profile", args: region, env: map[string]string{"ALIBABA_CLOUD_PROFILE": "ak"},
			files: map[string]string{".aliyun/config.json": broken}, expect: "error"},
		markerScenario{name: "config-json-trailing-comma-default-chain", args: region,
			files: map[string]string{".aliyun/config.json": broken}, expect: "error"},
		markerScenario{name: "config-json-cut-short", args: region,
			files: map[string]string{".aliyun/config.json": profiles[:len(profiles)/2]}, expect: "error"},
		markerScenario{name: "config-json-wrong-types", args: region, expect: "error",
			files: map[string]string{".aliyun/config.json": `{"current": "x", "profiles": [{"name": "x", "mode": "AK", "access_key_id": "a", "access_key_secret": ` +
				`["` + mark("config.json secret of the wrong type") + `"]}]}`}},
	)
	for _, p := range []string{"ak", "sts", "role", "chain", "oidc", "external-noisy", "external-fails", "uri", "sso", "oauth", "bearer", "rsa"} {
		out = append(out, markerScenario{name: "profile-" + p, args: region + "\n  " + sts + fmt.Sprintf("\n  profile = %q", p),
			files: withHelper(map[string]string{}), expect: "error"})
	}
	out = append(out,
		markerScenario{name: "ini-broken", args: region, expect: "error",
			files: ini("[default]\ntype = access_key\naccess_key_id = " + id + "\n" + mark("ini line without =") + "\n")},
		markerScenario{name: "ini-wrong-secret", args: region, expect: "error",
			files: ini("[default]\ntype = access_key\naccess_key_id = " + id + "\naccess_key_secret = " + mark("ini access_key_secret") + "\n")},
		markerScenario{name: "ini-ram-role", args: region + "\n  " + sts, expect: "error",
			files: ini("[default]\ntype = ram_role_arn\naccess_key_id = " + id + "\naccess_key_secret = " + mark("ini ram_role_arn secret") +
				"\nrole_arn = " + acctest.OpenRoleARN + "\n")},
	)
	for _, path := range []string{"/no-token", "/error", "/html"} {
		out = append(out, markerScenario{name: "credentials-uri" + strings.ReplaceAll(path, "/", "-"), args: region, expect: "error",
			env: map[string]string{"ALIBABA_CLOUD_CREDENTIALS_URI": uri.URL + path + "?token=" + mark("credentials URI query "+path)}})
	}
	for _, session := range []string{"ok", "partial", "error", "html"} {
		out = append(out, markerScenario{name: "sts-answer-" + session, expect: "error",
			args: fmt.Sprintf("%s\n  %s\n  sts_endpoint = %q\n  assume_role {\n    role_arn = %q\n    session_name = %q\n  }",
				region, acctest.Keys(), fakeHost, acctest.OpenRoleARN, session),
			env: map[string]string{"SSL_CERT_FILE": caFile}})
	}
	// Every setting that takes a URL or host, with a password in its user info: refused or used,
	// the password is never shown (issue 20: the endpoint refusal printed it).
	emuHost := strings.TrimPrefix(tg.Emulator.URL, "http://")
	assume := fmt.Sprintf("\n  assume_role {\n    role_arn = %q\n  }", acctest.OpenRoleARN)
	out = append(out,
		markerScenario{name: "endpoint-userinfo-argument", args: region + "\n  " + acctest.Keys(), expect: "error",
			endpoint: "http://admin:" + mark("endpoint argument password") + "@" + emuHost},
		markerScenario{name: "endpoint-userinfo-environment", args: region + "\n  " + acctest.Keys(), expect: "error", endpoint: "-",
			env: map[string]string{"ALIBABA_CLOUD_ENDPOINT_VOD": "http://admin:" + mark("ALIBABA_CLOUD_ENDPOINT_VOD password") + "@" + emuHost}},
		markerScenario{name: "endpoint-token-user-environment", args: region + "\n  " + acctest.Keys(), expect: "error", endpoint: "-",
			env: map[string]string{"ALIBABA_CLOUD_ENDPOINT_VOD": "http://" + mark("ALIBABA_CLOUD_ENDPOINT_VOD user name as token") + "@" + emuHost}},
		markerScenario{name: "sts-endpoint-userinfo-argument", expect: "error",
			args: region + "\n  " + acctest.Keys() + "\n  " + acctest.Arg("sts_endpoint", "https://admin:"+mark("sts_endpoint argument password")+"@"+fakeHost) + assume},
		markerScenario{name: "sts-endpoint-userinfo-environment", expect: "error", args: region + "\n  " + acctest.Keys() + assume,
			env: map[string]string{"ALIBABA_CLOUD_STS_ENDPOINT": "https://admin:" + mark("ALIBABA_CLOUD_STS_ENDPOINT password") + "@" + fakeHost}},
		markerScenario{name: "credentials-uri-userinfo", args: region, expect: "error",
			env: map[string]string{"ALIBABA_CLOUD_CREDENTIALS_URI": withUserInfo(uri.URL, mark("ALIBABA_CLOUD_CREDENTIALS_URI password")) + "/error"}},
		// A proxy that refuses connections: the VOD host (no endpoint) is reached through it.
		markerScenario{name: "proxy-userinfo", args: region + "\n  " + acctest.Keys(), expect: "error", endpoint: "-",
			env: map[string]string{"HTTPS_PROXY": "http://proxyuser:" + mark("HTTPS_PROXY password") + "@127.0.0.1:1",
				"https_proxy": "http://proxyuser:" + mark("https_proxy password") + "@127.0.0.1:1", "NO_PROXY": "", "no_proxy": ""}},
		// A proxy variable that does not parse: Alibaba's SDK core quoted it whole in its error. Refused
		// at configure for the VOD endpoint's scheme; for STS (https, behind an http endpoint) when
		// the credentials are fetched.
		markerScenario{name: "proxy-malformed-vod", args: region + "\n  " + acctest.Keys(), expect: "error", endpoint: "-",
			want: "the proxy variable HTTPS_PROXY is not a valid URL (http://xxxxx@127.0.0.1:notaport)",
			env: map[string]string{"HTTPS_PROXY": "http://proxyuser:" + mark("malformed HTTPS_PROXY password") + "@127.0.0.1:notaport",
				"https_proxy": "", "NO_PROXY": "", "no_proxy": ""}},
		markerScenario{name: "proxy-malformed-sts", expect: "error", want: "the proxy variable https_proxy is not a valid URL",
			args: region + "\n  " + acctest.Keys() + "\n  " + acctest.Arg("sts_endpoint", fakeHost) + assume,
			env: map[string]string{"HTTPS_PROXY": "", "https_proxy": "http://proxyuser:" + mark("malformed https_proxy password") + "@[::1",
				"SSL_CERT_FILE": caFile, "NO_PROXY": "", "no_proxy": ""}},
	)
	out = append(out, markerScenario{name: "oidc-environment", args: region + "\n  " + sts, expect: "error",
		files: map[string]string{"oidc-token": mark("OIDC token from the environment")},
		env: map[string]string{"ALIBABA_CLOUD_ROLE_ARN": acctest.OpenRoleARN, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": acctest.OIDCProviderARN,
			"ALIBABA_CLOUD_OIDC_TOKEN_FILE": "~/oidc-token"}})
	return out
}

// withUserInfo puts user:password@ into an http URL.
func withUserInfo(rawURL, password string) string {
	return strings.Replace(rawURL, "://", "://marker-user:"+password+"@", 1)
}
