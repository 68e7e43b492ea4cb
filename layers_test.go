package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/vodtf/terraform-provider-vod"

// mayImport is every package of the module (its directory) with the packages of the module its
// non-test files may import. Imports run one way, down: the provider uses the vod client, never
// the other way; the client and the emulator share nothing, so that the emulator cannot share the
// client's mistakes (it imports no Alibaba SDK either: internal/vodemu/imports_test.go); only the
// acceptance-test harness and the tools stand above them. A new package needs a line here.
var mayImport = map[string][]string{
	".":                                      {"internal/provider"},
	"internal/provider":                      {"internal/vod"},
	"internal/vod":                           nil,
	"internal/vodemu":                        nil,
	"internal/vodemu/cmd/vodemu":             {"internal/vodemu"},
	"internal/acctest":                       {"internal/provider", "internal/vod", "internal/vodemu"},
	"internal/devoverrides":                  nil,
	"internal/devoverrides/cmd/devoverrides": {"internal/devoverrides"},
	"internal/bench/cmd/vodbench":            {"internal/devoverrides", "internal/vodemu"},
	"internal/bench/noopprovider":            nil,
	"internal/bench/noopprovider/cmd/terraform-provider-noop": {"internal/bench/noopprovider"},
	"internal/bench/rsswrap":                                  nil,
}

func TestPackageLayers(t *testing.T) {
	imports := map[string][]string{} // package directory to the module's packages it imports
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (name == "testdata" || strings.HasPrefix(name, ".") || name == "examples" || name == "docs") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if _, ok := imports[dir]; !ok {
			imports[dir] = []string{}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if rest, ok := strings.CutPrefix(p, module+"/"); ok {
				imports[dir] = append(imports[dir], rest)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir, deps := range imports {
		allowed, known := mayImport[dir]
		if !known {
			t.Errorf("package %s is not in mayImport: add it, with the packages it may import", dir)
			continue
		}
		for _, dep := range deps {
			if !slices.Contains(allowed, dep) {
				t.Errorf("%s imports %s; it may import only %v (mayImport in layers_test.go)", dir, dep, allowed)
			}
		}
	}
	for dir := range mayImport {
		if _, ok := imports[dir]; !ok {
			t.Errorf("mayImport lists %s, which has no Go files", dir)
		}
	}
}
