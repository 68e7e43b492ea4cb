package vod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const leak = "LEAKED-SECRET-VALUE"

func testFetcher(maxRetries int) *fetcher {
	return &fetcher{http: newHTTPClient(time.Second, time.Second), connect: time.Second, read: time.Second,
		maxRetries: maxRetries, backoff: func(int) time.Duration { return time.Millisecond }}
}

// noLeak fails when err's text holds the planted value.
func noLeak(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), leak) {
		t.Errorf("the error quotes the planted secret: %v", err)
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadCLIProfileErrorsQuoteNoContent(t *testing.T) {
	for name, tc := range map[string]struct {
		content, want string
	}{
		"trailing comma": {"{\n  \"profiles\": [\n    {\"name\": \"a\", \"access_key_secret\": \"" + leak + "\",}\n  ]\n}", "syntax error at line 3, column 62"},
		"cut short":      {"{\"profiles\": [{\"name\": \"a\", \"access_key_secret\": \"" + leak, "syntax error at line 1"},
		"wrong type":     {"{\"profiles\": [{\"name\": \"a\", \"access_key_secret\": [\"" + leak + "\"]}]}", "profiles.access_key_secret has a array where a string belongs, at line 1"},
		"empty":          {"", "syntax error at line 1"},
		"not an object":  {leak, "syntax error at line 1, column 1"},
		"unknown name":   {"{\"profiles\": [{\"name\": \"a\", \"access_key_secret\": \"" + leak + "\"}]}", `no profile named "b"; it has "a"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadCLIProfile(writeTemp(t, "config.json", tc.content), "b")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
			noLeak(t, err)
		})
	}
}

func TestExpandHome(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	for in, want := range map[string]string{"~": "/home/u", "~/.aliyun/config.json": "/home/u/.aliyun/config.json",
		"/abs/~/x": "/abs/~/x", "~other/x": "~other/x", "rel/x": "rel/x", "": ""} {
		if got := ExpandHome(in); got != want {
			t.Errorf("ExpandHome(%q) = %q, want %q", in, got, want)
		}
	}
}

// Mode names match as in the aliyun CLI (strings.EqualFold), and a profile without a mode gets
// the one its fields show (aliyun-cli AutoModeRecognition).
func TestProfileModeMatching(t *testing.T) {
	for _, tc := range []struct {
		p    CLIProfile
		want string
	}{
		{CLIProfile{Mode: "ak"}, "AK"}, {CLIProfile{Mode: "STSTOKEN"}, "StsToken"}, {CLIProfile{Mode: "credentialsuri"}, "CredentialsURI"},
		{CLIProfile{Mode: "ramrolearnwithrolename"}, "RamRoleArnWithRoleName"}, {CLIProfile{Mode: "Magic"}, "Magic"},
		{CLIProfile{AccessKeyID: "a", AccessKeySecret: "s"}, "AK"},
		{CLIProfile{AccessKeyID: "a", AccessKeySecret: "s", STSToken: "t"}, "StsToken"},
		{CLIProfile{AccessKeyID: "a", AccessKeySecret: "s", RAMRoleARN: "r"}, "RamRoleArn"},
		{CLIProfile{RAMRoleName: "r"}, "EcsRamRole"}, {CLIProfile{ProcessCommand: "x"}, "External"},
		{CLIProfile{OIDCProviderARN: "p", OIDCTokenFile: "f", RAMRoleARN: "r"}, "OIDC"},
		{CLIProfile{CloudSSOSignInURL: "u"}, "CloudSSO"}, {CLIProfile{}, ""},
	} {
		if got := tc.p.mode(); got != tc.want {
			t.Errorf("mode of %+v = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// flakyCredentialServer answers status for the first n requests, then answer.
func flakyCredentialServer(n int32, status int, answer string) (*httptest.Server, *atomic.Int32) { //nolint:unparam // answer is a parameter so the failing and the good answers read side by side at the call
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) <= n {
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, "<html>%s</html>", leak)
			return
		}
		_, _ = fmt.Fprint(w, answer)
	}))
	return srv, &calls
}

const goodURIAnswer = `{"Code": "Success", "AccessKeyId": "STS.a", "AccessKeySecret": "s", "SecurityToken": "t", "Expiration": "2099-01-01T00:00:00Z"}`

func TestCredentialsURIRetriesTransientFailures(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv, calls := flakyCredentialServer(2, status, goodURIAnswer)
			defer srv.Close()
			s, err := (&uriSource{f: testFetcher(3), uri: srv.URL + "/creds?token=" + leak}).get(context.Background())
			if err != nil || s.securityToken != "t" || calls.Load() != 3 {
				t.Fatalf("got %+v, %v after %d calls; want success on the third", s, err, calls.Load())
			}
		})
	}
	t.Run("exhausted", func(t *testing.T) {
		srv, calls := flakyCredentialServer(100, http.StatusBadGateway, goodURIAnswer)
		defer srv.Close()
		_, err := (&uriSource{f: testFetcher(2), uri: srv.URL + "/creds?token=" + leak}).get(context.Background())
		var ce *CredentialError
		if !errors.As(err, &ce) || !ce.Transient || ce.Attempts != 3 || calls.Load() != 3 ||
			!strings.Contains(err.Error(), "transient") || !strings.Contains(err.Error(), "3 attempts") {
			t.Fatalf("got %v (%+v) after %d calls; want a transient error after 3 attempts", err, ce, calls.Load())
		}
		noLeak(t, err)
	})
	t.Run("not retried: a client error", func(t *testing.T) {
		srv, calls := flakyCredentialServer(100, http.StatusForbidden, goodURIAnswer)
		defer srv.Close()
		_, err := (&uriSource{f: testFetcher(3), uri: srv.URL}).get(context.Background())
		if err == nil || isTransientCredentialError(err) || calls.Load() != 1 {
			t.Fatalf("got %v after %d calls; want one final error", err, calls.Load())
		}
	})
}

func TestCredentialsURIAnswersNameWhatIsMissing(t *testing.T) {
	for answer, want := range map[string]string{
		`{"Code": "Success", "AccessKeyId": "a", "AccessKeySecret": "` + leak + `"}`:                               "lacks SecurityToken and Expiration",
		`{"Code": "Failed", "AccessKeySecret": "` + leak + `"}`:                                                    `Code is not "Success"`,
		`{"Code": "Success", "AccessKeyId": "a", "AccessKeySecret": "s", "SecurityToken": "t", "Expiration": "x"}`: "Expiration is not an RFC 3339 time",
		`["` + leak + `"]`: "JSON of an unexpected shape",
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprint(w, answer) }))
		_, err := (&uriSource{f: testFetcher(0), uri: srv.URL}).get(context.Background())
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("answer %s: got %v, want %q", answer, err, want)
		}
		noLeak(t, err)
	}
}

// Cancelling stops a credential fetch during its backoff at once.
func TestCredentialFetchCancellation(t *testing.T) {
	srv, _ := flakyCredentialServer(100, http.StatusServiceUnavailable, goodURIAnswer)
	defer srv.Close()
	f := testFetcher(10)
	f.backoff = func(int) time.Duration { return time.Hour }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := (&uriSource{f: f, uri: srv.URL}).get(ctx)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "cancelled") {
			t.Errorf("got %v, want a cancellation", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the fetch did not stop when cancelled")
	}
}

func TestECSMetadataSource(t *testing.T) {
	var tokenAsked, v1 atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token":
			tokenAsked.Add(1)
			_, _ = fmt.Fprint(w, "imds-token")
		case r.Header.Get("X-Aliyun-Ecs-Metadata-Token") != "imds-token":
			v1.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
		case r.URL.Path == "/latest/meta-data/ram/security-credentials/":
			_, _ = fmt.Fprint(w, "vod-reader\n")
		case r.URL.Path == "/latest/meta-data/ram/security-credentials/vod-reader":
			_, _ = fmt.Fprint(w, goodURIAnswer)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	old := ecsMetadataEndpoint
	ecsMetadataEndpoint = srv.URL
	defer func() { ecsMetadataEndpoint = old }()
	// The suite disables metadata lookups; this test pins them to its own loopback server.
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "")
	s, err := (&ecsSource{f: testFetcher(0)}).get(context.Background())
	if err != nil || s.accessKeyID != "STS.a" || tokenAsked.Load() != 1 || v1.Load() != 0 {
		t.Fatalf("got %+v, %v (token asked %d, IMDSv1 requests %d)", s, err, tokenAsked.Load(), v1.Load())
	}
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	if _, err := (&ecsSource{f: testFetcher(0)}).get(context.Background()); err == nil ||
		!strings.Contains(err.Error(), "ALIBABA_CLOUD_ECS_METADATA_DISABLED") {
		t.Errorf("a disabled metadata service: got %v", err)
	}
}

func TestExternalSource(t *testing.T) {
	script := writeTemp(t, "helper.sh", `#!/bin/sh
echo "`+leak+` on stderr" >&2
case "$1" in
  ok) echo '{"mode": "StsToken", "access_key_id": "a", "access_key_secret": "s", "sts_token": "t"}' ;;
  noisy) echo "hello `+leak+`"; echo '{"mode": "AK", "access_key_id": "a", "access_key_secret": "`+leak+`"}' ;;
  fail) echo '{"access_key_secret": "`+leak+`"}'; exit 7 ;;
  badmode) echo '{"mode": "Bearer", "access_key_id": "a", "access_key_secret": "`+leak+`"}' ;;
esac
`)
	if err := os.Chmod(script, 0o700); err != nil {
		t.Fatal(err)
	}
	for arg, want := range map[string]string{"ok": "", "noisy": "not one JSON object: syntax error at line 1, column 1",
		"fail": "exited with status 7", "badmode": `neither "AK" nor "StsToken"`} {
		s, err := (&externalSource{command: script + " " + arg, profile: "p", timeout: 10 * time.Second}).get(context.Background())
		switch {
		case want == "" && (err != nil || s.securityToken != "t"):
			t.Errorf("%s: got %+v, %v", arg, s, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: got %v, want %q", arg, err, want)
		}
		noLeak(t, err)
	}
}

func TestCredentialsFileSource(t *testing.T) {
	for content, want := range map[string]string{
		"[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = s\n": "",
		"[default]\ntype = access_key\n" + leak + "\n":                             "line 3 is neither",
		"[default\ntype = access_key\n":                                            "line 1 opens a section",
		"[other]\ntype = access_key\n":                                             "no section [default]",
		"[default]\ntype = access_key\naccess_key_id = a\n":                        "needs access_key_secret",
		"[default]\ntype = " + leak[:4] + "\n":                                     "is not one of access_key",
	} {
		src, err := credentialsFileSource(testFetcher(0), writeTemp(t, "credentials", content), "default")
		if err == nil {
			_, err = src.get(context.Background())
		}
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: got %v, want %q", content, err, want)
		}
		noLeak(t, err)
	}
}

// A chained profile that leads back to itself is an error, not a hang.
func TestChainableProfileLoop(t *testing.T) {
	path := writeTemp(t, "config.json", `{"profiles": [
  {"name": "a", "mode": "ChainableRamRoleArn", "source_profile": "b", "ram_role_arn": "r"},
  {"name": "b", "mode": "ChainableRamRoleArn", "source_profile": "a", "ram_role_arn": "r"}]}`)
	p, err := ReadCLIProfile(path, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.source(testFetcher(0), map[string]bool{}); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("got %v, want a loop error", err)
	}
}

func TestRedactURL(t *testing.T) {
	if got := redactURL("http://user:" + leak + "@host:8080/path?token=" + leak); got != "http://host:8080/path" {
		t.Errorf("redactURL = %q", got)
	}
}

// A refresh that fails while the current credentials are still valid keeps them; once they are
// about to expire, the failure is reported.
func TestCachedKeepsValidCredentialsWhenRefreshFails(t *testing.T) {
	fail := &failingSource{}
	c := newCached(fail)
	c.cur = &session{accessKeyID: "a", expires: time.Now().Add(time.Minute)} // inside the refresh margin
	if s, err := c.get(context.Background()); err != nil || s.accessKeyID != "a" || fail.calls != 1 {
		t.Fatalf("got %+v, %v after %d refreshes; want the current credentials after one failed refresh", s, err, fail.calls)
	}
	c.cur.expires = time.Now().Add(10 * time.Second)
	if _, err := c.get(context.Background()); err == nil {
		t.Fatal("credentials about to expire were used although their refresh failed")
	}
}

type failingSource struct{ calls int }

func (f *failingSource) get(context.Context) (*session, error) {
	f.calls++
	return nil, &CredentialError{Source: "test", Problem: "down", Transient: true}
}
func (f *failingSource) describe() string { return "test" }

// The metadata service's transient failures are retried like any other credential request.
func TestECSMetadataRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			_, _ = fmt.Fprint(w, "imds-token")
			return
		}
		if calls.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = fmt.Fprint(w, goodURIAnswer)
	}))
	defer srv.Close()
	old := ecsMetadataEndpoint
	ecsMetadataEndpoint = srv.URL
	defer func() { ecsMetadataEndpoint = old }()
	// The suite disables metadata lookups; this test pins them to its own loopback server.
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "")
	if s, err := (&ecsSource{f: testFetcher(3), roleName: "r"}).get(context.Background()); err != nil || s.accessKeyID != "STS.a" {
		t.Fatalf("got %+v, %v after %d requests", s, err, calls.Load())
	}
	calls.Store(-100)
	_, err := (&ecsSource{f: testFetcher(1), roleName: "r"}).get(context.Background())
	if !isTransientCredentialError(err) || !strings.Contains(err.Error(), "2 attempts") {
		t.Errorf("got %v, want a transient failure after 2 attempts", err)
	}
}
