package vodemu

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The emulator must share no code with the client it checks: its non-test
// files may not import any Alibaba Cloud SDK.
func TestNoSDKImports(t *testing.T) {
	for _, dir := range []string{".", filepath.Join("cmd", "vodemu")} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if strings.HasPrefix(path, "github.com/alibabacloud-go/") || strings.HasPrefix(path, "github.com/aliyun/") {
					t.Errorf("%s imports %s", f, path)
				}
			}
		}
	}
}
