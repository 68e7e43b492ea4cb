package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // G505: OSS V1 signatures are HMAC-SHA1 by protocol
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

var keyFlags = []string{"-access-key-id", "a", "-access-key-secret", "s"}

// Each -upload-* flag sets its vodemu.UploadOptions field; -upload-fail-next is kept for the server.
func TestUploadFlags(t *testing.T) {
	c, err := parseFlags(append(keyFlags, "-upload-storage-location", "outin-abc.oss-cn-beijing.aliyuncs.com",
		"-upload-credential-lifetime", "90s", "-upload-after-reads", "2", "-upload-delay", "30s", "-upload-fail",
		"-upload-fail-next", "3"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := vodemu.UploadOptions{StorageLocation: "outin-abc.oss-cn-beijing.aliyuncs.com", CredentialLifetime: 90 * time.Second,
		Completion: vodemu.UploadCompletion{AfterReads: 2, Delay: 30 * time.Second, Fail: true}}
	if c.opts.Upload != want || c.failNextUploads != 3 {
		t.Errorf("Upload %+v, fail next %d; want %+v, 3", c.opts.Upload, c.failNextUploads, want)
	}
	// Without them: the library's defaults (zero options: 3000 s, at once, Normal).
	c, err = parseFlags(keyFlags, io.Discard)
	if err != nil || c.opts.Upload != (vodemu.UploadOptions{}) || c.failNextUploads != 0 {
		t.Errorf("defaults: %+v %d %v", c.opts.Upload, c.failNextUploads, err)
	}
}

// A data file's Upload object sets the options; a flag given overrides its one field only.
func TestUploadFlagsOverrideDataFile(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data.json")
	if err := os.WriteFile(data, []byte(`{"Upload":{"StorageLocation":"outin-file.oss-cn-shanghai.aliyuncs.com",
		"CredentialLifetimeSeconds":60,"Completion":{"AfterReads":4,"Fail":true}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := parseFlags(append(keyFlags, "-data", data), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	fromFile := vodemu.UploadOptions{StorageLocation: "outin-file.oss-cn-shanghai.aliyuncs.com", CredentialLifetime: time.Minute,
		Completion: vodemu.UploadCompletion{AfterReads: 4, Fail: true}}
	if c.opts.Upload != fromFile {
		t.Errorf("from the file: %+v, want %+v", c.opts.Upload, fromFile)
	}
	c, err = parseFlags(append(keyFlags, "-data", data, "-upload-after-reads", "0", "-upload-fail=false"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	overridden := fromFile
	overridden.Completion = vodemu.UploadCompletion{}
	if c.opts.Upload != overridden {
		t.Errorf("with flags: %+v, want %+v", c.opts.Upload, overridden)
	}
}

// Bad -upload-* values and Upload objects are usage errors (exit 2) naming the flag or field.
func TestBadUploadFlagsExit2(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data.json")
	if err := os.WriteFile(data, []byte(`{"Upload":{"Completion":{"DelaySeconds":-1}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-upload-after-reads", "-1"}, "-upload-after-reads: want 0 or more"},
		{[]string{"-upload-delay", "-1s"}, "-upload-delay: want 0 or more"},
		{[]string{"-upload-credential-lifetime", "0s"}, "-upload-credential-lifetime: want 1s or more"},
		{[]string{"-upload-fail-next", "-1"}, "-upload-fail-next: want 0 or more"},
		{[]string{"-upload-storage-location", "outin-abc"}, `storage location "outin-abc" is not an OSS bucket host`},
		{[]string{"-data", data}, "Upload.Completion.DelaySeconds is -1"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(append(keyFlags, tc.args...), &stdout, &stderr, nil); code != 2 {
			t.Errorf("%q: exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%q: stderr %q, want %q", tc.args, stderr.String(), tc.want)
		}
	}
}

// startCommand runs the command in process with args; it returns the endpoint and a function that
// stops it and checks that it exited cleanly.
func startCommand(t *testing.T, args ...string) (endpoint string, stopAndCheck func()) {
	t.Helper()
	pr, pw := io.Pipe()
	stop := make(chan os.Signal, 1)
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() { done <- run(args, pw, &stderr, stop) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(strings.TrimPrefix(line, "endpoint=")), func() {
		stop <- syscall.SIGTERM
		if code := <-done; code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
}

// createUpload calls CreateUploadImage and returns the ImageId and the decoded UploadAddress and
// UploadAuth.
func createUpload(t *testing.T, endpoint string) (id string, addr, auth map[string]string) {
	t.Helper()
	status, body := signedCall(t, endpoint, "a", "s", url.Values{"Action": {"CreateUploadImage"}, "ImageType": {"default"}})
	if status != 200 {
		t.Fatalf("CreateUploadImage: %d %s", status, body)
	}
	var answer struct{ ImageId, UploadAddress, UploadAuth string }
	if err := json.Unmarshal([]byte(body), &answer); err != nil {
		t.Fatal(err)
	}
	decoded := func(s string) map[string]string {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	return answer.ImageId, decoded(answer.UploadAddress), decoded(answer.UploadAuth)
}

// The running command issues upload credentials as the flags say: their lifetime and bucket.
func TestRunWithUploadFlags(t *testing.T) {
	endpoint, stop := startCommand(t, append(keyFlags, "-upload-credential-lifetime", "90s",
		"-upload-storage-location", "outin-abc.oss-cn-beijing.aliyuncs.com")...)
	_, addr, auth := createUpload(t, endpoint)
	if auth["Expiration"] != "90" {
		t.Errorf("UploadAuth.Expiration %q, want 90", auth["Expiration"])
	}
	if addr["Bucket"] != "outin-abc" || addr["Endpoint"] != "https://oss-cn-beijing.aliyuncs.com" {
		t.Errorf("UploadAddress %v, want bucket outin-abc at https://oss-cn-beijing.aliyuncs.com", addr)
	}
	stop()
}

// In the running command, -upload-after-reads keeps an uploaded image Uploading for that many
// reads, and -upload-fail-next fails the first upload only.
func TestRunWithUploadCompletionFlags(t *testing.T) {
	endpoint, stop := startCommand(t, append(keyFlags, "-upload-after-reads", "1", "-upload-fail-next", "1")...)
	for _, want := range []string{"UploadFail", "Normal"} {
		id, addr, auth := createUpload(t, endpoint)
		putObject(t, endpoint, addr, auth, []byte("image bytes"))
		var statuses []string
		for range 2 {
			status, body := signedGet(t, endpoint, "a", "s", id)
			var answer struct{ ImageInfo struct{ Status string } }
			if err := json.Unmarshal([]byte(body), &answer); status != 200 || err != nil {
				t.Fatalf("GetImageInfo %s: %d %s", id, status, body)
			}
			statuses = append(statuses, answer.ImageInfo.Status)
		}
		if got := strings.Join(statuses, " then "); got != "Uploading then "+want {
			t.Errorf("image %s: %s, want Uploading then %s", id, got, want)
		}
	}
	stop()
}

// putObject uploads body with the upload credential auth to addr's object on the emulator's own
// address (path style), signed with OSS's V1 header signature.
func putObject(t *testing.T, endpoint string, addr, auth map[string]string, body []byte) {
	t.Helper()
	resource := "/" + addr["Bucket"] + "/" + addr["FileName"]
	req, err := http.NewRequest(http.MethodPut, endpoint+resource, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	date := time.Now().UTC().Format(http.TimeFormat)
	req.Header.Set("Date", date)
	req.Header.Set("Content-Type", "image/png")
	req.Header.Set("x-oss-security-token", auth["SecurityToken"])
	m := hmac.New(sha1.New, []byte(auth["AccessKeySecret"]))
	m.Write([]byte("PUT\n\nimage/png\n" + date + "\nx-oss-security-token:" + auth["SecurityToken"] + "\n" + resource))
	req.Header.Set("Authorization", "OSS "+auth["AccessKeyId"]+":"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 {
		t.Fatalf("PutObject %s: %d %s", resource, resp.StatusCode, b)
	}
}
