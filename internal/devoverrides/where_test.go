package devoverrides

import (
	"os"
	"strings"
	"testing"
)

// env is an Environment with the variables vars, home /home/u and the files of files.
func env(vars map[string]string, files map[string]string) (Environment, func(string) ([]byte, error)) {
	return Environment{
			Getenv: func(k string) string { return vars[k] },
			Home:   "/home/u",
			Exists: func(f string) bool { _, ok := files[f]; return ok },
		}, func(f string) ([]byte, error) {
			if c, ok := files[f]; ok {
				return []byte(c), nil
			}
			return nil, os.ErrNotExist
		}
}

func TestConfigFiles(t *testing.T) {
	for name, tc := range map[string]struct {
		vars, files         map[string]string
		terraform, opentofu string
		variable            string
	}{
		"defaults":                           {terraform: "/home/u/.terraformrc", opentofu: "/home/u/.tofurc"},
		"OpenTofu falls back to terraformrc": {files: map[string]string{"/home/u/.terraformrc": ""}, terraform: "/home/u/.terraformrc", opentofu: "/home/u/.terraformrc"},
		"tofurc wins over terraformrc": {files: map[string]string{"/home/u/.terraformrc": "", "/home/u/.tofurc": ""},
			terraform: "/home/u/.terraformrc", opentofu: "/home/u/.tofurc"},
		"XDG on a fresh machine": {vars: map[string]string{"XDG_CONFIG_HOME": "/xdg"}, terraform: "/home/u/.terraformrc", opentofu: "/xdg/opentofu/tofurc"},
		"XDG ignored when terraformrc exists": {vars: map[string]string{"XDG_CONFIG_HOME": "/xdg"}, files: map[string]string{"/home/u/.terraformrc": ""},
			terraform: "/home/u/.terraformrc", opentofu: "/home/u/.terraformrc"},
		"TF_CLI_CONFIG_FILE": {vars: map[string]string{"TF_CLI_CONFIG_FILE": "/ci.tfrc", "TERRAFORM_CONFIG": "/old.tfrc"},
			files: map[string]string{"/home/u/.tofurc": ""}, terraform: "/ci.tfrc", opentofu: "/ci.tfrc", variable: "TF_CLI_CONFIG_FILE"},
		"TERRAFORM_CONFIG":  {vars: map[string]string{"TERRAFORM_CONFIG": "/old.tfrc"}, terraform: "/old.tfrc", opentofu: "/old.tfrc", variable: "TERRAFORM_CONFIG"},
		"empty means unset": {vars: map[string]string{"TF_CLI_CONFIG_FILE": ""}, terraform: "/home/u/.terraformrc", opentofu: "/home/u/.tofurc"},
	} {
		t.Run(name, func(t *testing.T) {
			e, _ := env(tc.vars, tc.files)
			got := ConfigFiles(e)
			want := []Reader{{"Terraform", tc.terraform, tc.variable}, {"OpenTofu", tc.opentofu, tc.variable}}
			if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

// What `make install` says: the file each CLI reads and, when a variable names another file than
// the one a user writes by habit, that file and how to undo it.
func TestWhere(t *testing.T) {
	for name, tc := range map[string]struct {
		vars, files map[string]string
		want        []string
		not         []string
	}{
		"fresh machine": {want: []string{"Terraform reads ~/.terraformrc, which does not exist yet: create it.",
			"OpenTofu  reads ~/.tofurc, which does not exist yet", "If TF_CLI_CONFIG_FILE is set"}},
		"existing file with a provider_installation block": {files: map[string]string{"/home/u/.terraformrc": "provider_installation {\n  direct {}\n}\n"},
			want: []string{"Terraform reads ~/.terraformrc, which exists and has a provider_installation block: add the dev_overrides block to it, as a file may have only one",
				"OpenTofu  reads ~/.terraformrc"}},
		"a CI's TF_CLI_CONFIG_FILE": {vars: map[string]string{"TF_CLI_CONFIG_FILE": "/etc/ci.tfrc"}, files: map[string]string{"/etc/ci.tfrc": "plugin_cache_dir = \"/c\"\n"},
			want: []string{"TF_CLI_CONFIG_FILE is set, to /etc/ci.tfrc: Terraform and OpenTofu read that file and no other (not ~/.terraformrc, not ~/.tofurc).",
				"It exists: add the block to it.", "Or unset TF_CLI_CONFIG_FILE", "to use ~/.terraformrc or ~/.tofurc"},
			not: []string{"Terraform reads"}},
		"TF_CLI_CONFIG_FILE naming the usual file": {vars: map[string]string{"TF_CLI_CONFIG_FILE": "/home/u/.terraformrc"},
			want: []string{"TF_CLI_CONFIG_FILE is set, to ~/.terraformrc: Terraform and OpenTofu read that file and no other (not ~/.tofurc).", "does not exist yet"},
			not:  []string{"Or unset"}},
		"both variables": {vars: map[string]string{"TF_CLI_CONFIG_FILE": "/a.tfrc", "TERRAFORM_CONFIG": "/b.tfrc"},
			want: []string{"to /a.tfrc", "TERRAFORM_CONFIG, also set, is ignored"}},
	} {
		t.Run(name, func(t *testing.T) {
			e, read := env(tc.vars, tc.files)
			got := Where(e, read)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("has %q:\n%s", n, got)
				}
			}
		})
	}
}
