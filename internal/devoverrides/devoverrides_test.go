package devoverrides

import (
	"os"
	"path/filepath"
	"testing"
)

func TestConfig(t *testing.T) {
	got := Config(map[string]string{"vodtf/vod": "/opt/vod bin", "vodtf/noop": `C:\noop`})
	want := `provider_installation {
  dev_overrides {
    "registry.terraform.io/vodtf/noop" = "C:\\noop"
    "registry.opentofu.org/vodtf/noop" = "C:\\noop"
    "registry.terraform.io/vodtf/vod" = "/opt/vod bin"
    "registry.opentofu.org/vodtf/vod" = "/opt/vod bin"
  }
  direct {}
}
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWrite(t *testing.T) {
	file := filepath.Join(t.TempDir(), "terraformrc")
	if err := Write(file, map[string]string{"vodtf/vod": "/bin"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil || string(b) != Config(map[string]string{"vodtf/vod": "/bin"}) {
		t.Fatalf("%q, %v", b, err)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
}
