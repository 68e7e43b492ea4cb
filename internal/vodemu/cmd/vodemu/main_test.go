package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// -h documents the data file: its minimal example, what is required and what is filled.
func TestHelpDescribesTheDataFile(t *testing.T) {
	var stdout, stderr bytes.Buffer
	run([]string{"-h"}, &stdout, &stderr, nil)
	help := stdout.String() + stderr.String()
	for _, want := range []string{"-data", "Data file (-data):", `"ImageId": "3e34733b40b9a96ccf5c1ff6f69a0001"`,
		"Required: ImageId", "Filled when absent", "AppId            app-1000000", "-cdn-url-validity"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	// The example in the help is a data file the emulator accepts.
	start := strings.Index(help, "  [")
	end := strings.Index(help, "  ]")
	if start < 0 || end < start {
		t.Fatalf("no example in:\n%s", help)
	}
	file := filepath.Join(t.TempDir(), "example.json")
	if err := os.WriteFile(file, []byte(help[start:end+3]), 0o600); err != nil {
		t.Fatal(err)
	}
	imgs, err := vodemu.LoadImages(file)
	if err != nil || len(imgs) != 1 {
		t.Fatalf("the help's example: %v %+v", err, imgs)
	}
}

func TestBadUsageExits2(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"Title":"no id"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	nourl := filepath.Join(dir, "nourl.json")
	if err := os.WriteFile(nourl, []byte(`[{"ImageId":"a","StorageLocation":"outin-x.oss-cn-shanghai.aliyuncs.com"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(dir, "deep.json")
	if err := os.WriteFile(deep, []byte(`{"Categories":[{"CateId":1,"CateName":"a"},{"CateId":2,"CateName":"b","ParentId":1},`+
		`{"CateId":3,"CateName":"c","ParentId":2},{"CateId":4,"CateName":"d","ParentId":3}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	misspelt := filepath.Join(dir, "misspelt.json")
	if err := os.WriteFile(misspelt, []byte(`{"Categories":[{"CateId":1,"Name":"a"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VODEMU_ACCESS_KEY_SECRET", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "-access-key-id and -access-key-secret"},
		{[]string{"-access-key-id", "a"}, "-access-key-secret"},
		{[]string{"-nope"}, "flag provided but not defined"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "extra"}, "unexpected arguments"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-data", bad}, "ImageId is missing"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-data", nourl}, `URL is missing: GetImageInfo always returns it`},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-data", filepath.Join(dir, "absent.json")}, "absent.json"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-data", deep}, "level 4 is deeper than default categories may go (3 levels)"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-data", misspelt}, `category 1: json: unknown field "Name"`},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-faults", "nope:next=1"}, `unknown fault kind "nope"`},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-faults", "reset"}, "KIND:next=N or KIND:rate=P"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-faults", "reset:next=0"}, "next must be"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-faults", "reset:rate=1.5"}, "rate must be"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-faults", "reset:every=2"}, "KIND:next=N"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-faults", "reset:next=1@"}, "empty action"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-qps", "-1"}, "-qps"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-qps", "GetImage=10"}, `-qps: "GetImage=10": unknown action "GetImage"`},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-role", "arn:aws:iam::1:role/x"}, "role ARN"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-role", "acs:ram::1:role/x", "-role-max-session", "13h"}, "maximum session duration"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-oidc-token-file", filepath.Join(dir, "absent")}, "-oidc-token-file"},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-oss-signature", "v2"}, `-oss-signature: "v2": want v1, v4 or BUCKET=v1|v4`},
		{[]string{"-access-key-id", "a", "-access-key-secret", "s", "-oss-signature", "b.oss-cn-shanghai.aliyuncs.com=v4"}, "is not a bucket name"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr, nil); code != 2 {
			t.Errorf("%q: exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(stderr.String(), tc.want) || stdout.Len() != 0 {
			t.Errorf("%q: stderr %q stdout %q", tc.args, stderr.String(), stdout.String())
		}
	}
}

func TestListenFailureExits1(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-access-key-id", "a", "-access-key-secret", "s", "-listen", "256.1.1.1:0"}, &stdout, &stderr, nil); code != 1 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}

func TestRunInProcess(t *testing.T) {
	t.Setenv("VODEMU_ACCESS_KEY_SECRET", "from-env")
	pr, pw := io.Pipe()
	stop := make(chan os.Signal, 1)
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() { done <- run([]string{"-access-key-id", "ak"}, pw, &stderr, stop) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	endpoint := strings.TrimSpace(strings.TrimPrefix(line, "endpoint="))
	status, body := signedGet(t, endpoint, "ak", "from-env", "x")
	if status != 404 || !strings.Contains(body, "NoSuchResource") {
		t.Fatalf("%d %s", status, body)
	}
	stop <- syscall.SIGTERM
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}

func TestParseFaults(t *testing.T) {
	got, err := parseFaults("throttling:next=2@GetImageInfo+GetImageInfos, reset:rate=0.25")
	if err != nil {
		t.Fatal(err)
	}
	want := []faultSpec{
		{kind: vodemu.FaultThrottling, next: 2, actions: []string{"GetImageInfo", "GetImageInfos"}},
		{kind: vodemu.FaultReset, rate: 0.25, isRate: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%+v", got)
	}
}

// TestRunWithFaultsQPSAndCA runs the command with the new flags: the faults
// are in place before the endpoint line, -qps throttles, and -ca-out gives
// TLS on the same port with the written CA.
func TestRunWithFaultsQPSAndCA(t *testing.T) {
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("tok\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	stop := make(chan os.Signal, 1)
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run([]string{"-access-key-id", "ak", "-access-key-secret", "s", "-faults", "internal:next=1@GetImageInfo,unavailable:rate=0@GetImageInfos",
			"-qps", "3", "-ca-out", caFile, "-role", "acs:ram::1:role/r#ext", "-sts-lifetime", "30s",
			"-oidc-provider-arn", "acs:ram::1:oidc-provider/p", "-oidc-token-file", tokenFile}, pw, &stderr, stop)
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	endpoint := strings.TrimSpace(strings.TrimPrefix(line, "endpoint="))
	var statuses []int
	for range 5 {
		status, body := signedGet(t, endpoint, "ak", "s", "x")
		if status == 400 && !strings.Contains(body, "Throttling.User") {
			t.Fatalf("%d %s", status, body)
		}
		statuses = append(statuses, status)
	}
	// The fault, then the 3-token bucket (the fault took no token), then throttling.
	if fmt.Sprint(statuses) != "[500 404 404 404 400]" {
		t.Fatalf("statuses %v", statuses)
	}
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("not a PEM certificate: %s", pemBytes)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(strings.Replace(endpoint, "http://", "https://", 1) + "/_emulator/health")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Fatalf("https: %d", resp.StatusCode)
	}
	// The OIDC token is the file's trimmed content.
	form := url.Values{"RoleArn": {"acs:ram::1:role/r"}, "OIDCProviderArn": {"acs:ram::1:oidc-provider/p"}, "OIDCToken": {"tok"}, "RoleSessionName": {"sess"}}
	resp, err = http.Post(endpoint+"/?Action=AssumeRoleWithOIDC&Version=2015-04-01&Format=JSON", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"AccessKeyId":"STS.`) {
		t.Fatalf("OIDC: %d %s", resp.StatusCode, b)
	}
	stop <- syscall.SIGTERM
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "CA certificate in "+caFile) {
		t.Fatalf("stderr: %s", stderr.String())
	}
}

// TestCommand builds the real binary, starts it, and stops it with SIGTERM.
func TestCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGTERM")
	}
	bin := filepath.Join(t.TempDir(), "vodemu")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-access-key-id", "ak", "-access-key-secret", "s3cr3t-VALUE",
		"-data", filepath.Join("..", "..", "..", "..", "examples", "demo", "images.json"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()

	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(time.Minute): // a margin for a loaded machine: it prints before serving
		t.Fatalf("no endpoint line; stderr: %s", stderr.String())
	}
	endpoint, ok := strings.CutPrefix(line, "endpoint=")
	if !ok || !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("first line %q", line)
	}
	status, body := signedGet(t, endpoint, "ak", "s3cr3t-VALUE", "a1b2c3d4e5f647a8b9c0d1e2f3a4b5c6")
	if status != 200 || !strings.Contains(body, "auth_key=") {
		t.Fatalf("%d %s", status, body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v; stderr: %s", err, stderr.String())
	}
	if extra, open := <-lines; open {
		t.Fatalf("more stdout: %q", extra)
	}
	if strings.Contains(stderr.String(), "s3cr3t-VALUE") || strings.Contains(stderr.String(), "Signature") {
		t.Fatalf("secret material logged: %s", stderr.String())
	}
}

// signedGet makes one V1-signed GetImageInfo call.
func signedGet(t *testing.T, endpoint, ak, secret, imageID string) (int, string) {
	t.Helper()
	return signedCall(t, endpoint, ak, secret, url.Values{"Action": {"GetImageInfo"}, "ImageId": {imageID}})
}

// signedCall makes one V1-signed VOD call with the action's parameters p (Action included).
func signedCall(t *testing.T, endpoint, ak, secret string, p url.Values) (int, string) {
	t.Helper()
	for k, v := range map[string]string{
		"Version": "2017-03-21", "Format": "JSON", "AccessKeyId": ak, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": time.Now().Format(time.RFC3339Nano), "Timestamp": time.Now().UTC().Format("2006-01-02T15:04:05Z"),
	} {
		p.Set(k, v)
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	enc := func(s string) string {
		return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
	}
	var parts []string
	for _, k := range keys {
		parts = append(parts, enc(k)+"="+enc(p.Get(k)))
	}
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte("GET&%2F&" + enc(strings.Join(parts, "&"))))
	p.Set("Signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
	resp, err := http.Get(endpoint + "/?" + p.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if !json.Valid(b) {
		t.Fatalf("not JSON: %s", b)
	}
	return resp.StatusCode, string(b)
}

func TestQPSFlag(t *testing.T) {
	for spec, want := range map[string]string{
		"documented": "0,AddCategory=30,CreateUploadImage=80,DeleteCategory=10,DeleteImage=50,GetCategories=50,GetImageInfo=100,GetImageInfos=10,SearchMedia=50,UpdateCategory=100,UpdateImageInfos=100",
		"GetImageInfos=10,SearchMedia=50,GetImageInfo=100": "0,GetImageInfo=100,GetImageInfos=10,SearchMedia=50",
		"100":                        "100",
		"documented,GetImageInfo=20": "0,AddCategory=30,CreateUploadImage=80,DeleteCategory=10,DeleteImage=50,GetCategories=50,GetImageInfo=20,GetImageInfos=10,SearchMedia=50,UpdateCategory=100,UpdateImageInfos=100",
	} {
		c, err := parseFlags([]string{"-access-key-id", "a", "-access-key-secret", "s", "-qps", spec}, io.Discard)
		if err != nil {
			t.Fatalf("-qps %s: %v", spec, err)
		}
		if got := (vodemu.RateLimits{QPS: c.opts.QPS, ByAction: c.opts.ActionQPS}).String(); got != want {
			t.Errorf("-qps %s: %s, want %s", spec, got, want)
		}
	}
}

// -oss-signature and -oss-security-token reach the Options.
func TestOSSSignatureFlags(t *testing.T) {
	c, err := parseFlags([]string{"-access-key-id", "a", "-access-key-secret", "s",
		"-oss-signature", "v4,outin-old=v1", "-oss-security-token", "tok"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.opts.OSSSignatureVersion != "v4" || !reflect.DeepEqual(c.opts.OSSBucketSignatureVersions, map[string]string{"outin-old": "v1"}) ||
		c.opts.OSSSecurityToken != "tok" {
		t.Fatalf("options: %q %v %q", c.opts.OSSSignatureVersion, c.opts.OSSBucketSignatureVersions, c.opts.OSSSecurityToken)
	}
	c, err = parseFlags([]string{"-access-key-id", "a", "-access-key-secret", "s"}, io.Discard)
	if err != nil || c.opts.OSSSignatureVersion != "v1" || c.opts.OSSBucketSignatureVersions != nil {
		t.Fatalf("default: %v %q %v", err, c.opts.OSSSignatureVersion, c.opts.OSSBucketSignatureVersions)
	}
}
