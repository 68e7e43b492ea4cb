package provider

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every line of .ci/acc-every-cli (the acceptance tests that run under every CLI of the matrix;
// README.md, "What runs where") matches at least one acceptance test of this package, so that a
// renamed test cannot silently drop out of the OpenTofu and oldest-Terraform runs.
func TestEveryCLIListNamesTests(t *testing.T) { checkRunList(t, "acc-every-cli") }

// Likewise .ci/acc-query, the acceptance tests that run under Terraform 1.14 (terraform query).
func TestQueryCLIListNamesTests(t *testing.T) { checkRunList(t, "acc-query") }

// checkRunList checks that every line of the list .ci/<name> is a -run pattern that matches at
// least one acceptance test of this package.
func checkRunList(t *testing.T, name string) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", ".ci", name))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	decl := regexp.MustCompile(`(?m)^func (TestAcc\w+)\(t \*testing\.T\)`)
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
			names = append(names, m[1])
		}
	}
	if len(names) == 0 {
		t.Fatal("found no acceptance tests in *_test.go")
	}
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lines++
		re, err := regexp.Compile(line)
		if err != nil || strings.ContainsAny(line, "/ ") {
			t.Errorf("%q is not a -run pattern for a top-level test: %v", line, err)
			continue
		}
		matched := false
		for _, n := range names {
			matched = matched || re.MatchString(n)
		}
		if !matched {
			t.Errorf(".ci/%s: %q matches no acceptance test (renamed or removed?)", name, line)
		}
	}
	if lines == 0 {
		t.Errorf(".ci/%s lists no test", name)
	}
}
