package devoverrides

import (
	"os"
	"path/filepath"
	"strings"
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

// README.md and the docs index show exactly what `make install` prints, for a Go bin directory
// of /home/you/go/bin.
func TestDocumented(t *testing.T) {
	want := Config(map[string]string{"vodtf/vod": "/home/you/go/bin"})
	for _, doc := range []string{"README.md", filepath.Join("templates", "index.md.tmpl"), filepath.Join("docs", "index.md")} {
		b, err := os.ReadFile(filepath.Join("..", "..", doc))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "```terraform\n"+want+"```\n") {
			t.Errorf("%s does not show the CLI configuration make install prints:\n%s", doc, want)
		}
	}
}
