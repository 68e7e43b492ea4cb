package vodemu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A data file's Upload object becomes Options.Upload, in seconds where the options take durations.
func TestLoadDataFileUpload(t *testing.T) {
	dir := t.TempDir()
	write := func(content string) string {
		path := filepath.Join(dir, "data.json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	df, err := LoadDataFile(write(`{"Upload":{"StorageLocation":"outin-abc.oss-cn-beijing.aliyuncs.com","CredentialLifetimeSeconds":1.5,
		"Completion":{"AfterReads":2,"DelaySeconds":30,"Fail":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := UploadOptions{StorageLocation: "outin-abc.oss-cn-beijing.aliyuncs.com", CredentialLifetime: 1500 * time.Millisecond,
		Completion: UploadCompletion{AfterReads: 2, Delay: 30 * time.Second, Fail: true}}
	if df.Upload != want {
		t.Errorf("Upload %+v, want %+v", df.Upload, want)
	}
	// Without the object (or in the array form), the defaults.
	for _, content := range []string{`{"Images":[]}`, `{"Upload":null}`, `[]`} {
		if df, err := LoadDataFile(write(content)); err != nil || df.Upload != (UploadOptions{}) {
			t.Errorf("%s: %+v %v", content, df.Upload, err)
		}
	}
	for content, want := range map[string]string{
		`{"Upload":{"Lifetime":60}}`:                                                     `unknown field "Lifetime"`,
		`{"Upload":{"Completion":{"Reads":1}}}`:                                          `unknown field "Reads"`,
		`{"Upload":{"CredentialLifetimeSeconds":"60"}}`:                                  "CredentialLifetimeSeconds is a JSON string, want a number",
		`{"Upload":{"CredentialLifetimeSeconds":-1}}`:                                    "Upload.CredentialLifetimeSeconds is -1",
		`{"Upload":{"Completion":{"AfterReads":-1}}}`:                                    "Upload.Completion.AfterReads is -1",
		`{"Upload":{"Completion":{"DelaySeconds":-2}}}`:                                  "Upload.Completion.DelaySeconds is -2",
		`{"Upload":{"StorageLocation":"outin-abc"}}`:                                     "Upload.StorageLocation: storage location \"outin-abc\" is not an OSS bucket host",
		`{"Upload":{"StorageLocation":"https://outin-abc.oss-cn-beijing.aliyuncs.com"}}`: "is not an OSS bucket host",
	} {
		_, err := LoadDataFile(write(content))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "data.json") {
			t.Errorf("%s: error %v, want one naming the file and saying %q", content, err, want)
		}
	}
}

// The Upload example in DataFileFormat (vodemu -h) is one the emulator loads.
func TestDataFileFormatUploadExample(t *testing.T) {
	start := strings.Index(DataFileFormat, `  "Upload": {`)
	end := strings.Index(DataFileFormat[max(start, 0):], "}}")
	if start < 0 || end < 0 {
		t.Fatal("no Upload example in DataFileFormat")
	}
	path := filepath.Join(t.TempDir(), "example.json")
	if err := os.WriteFile(path, []byte("{"+DataFileFormat[start:start+end+2]+"}"), 0o600); err != nil {
		t.Fatal(err)
	}
	df, err := LoadDataFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if df.Upload.CredentialLifetime != time.Minute || df.Upload.Completion.AfterReads != 2 || df.Upload.StorageLocation == "" {
		t.Errorf("the example's Upload: %+v", df.Upload)
	}
}
