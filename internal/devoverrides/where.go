package devoverrides

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Reader is the CLI configuration file one CLI reads, and why.
type Reader struct {
	CLI  string // "Terraform" or "OpenTofu"
	File string
	// Variable is the environment variable that named File; "" when File is the CLI's default.
	Variable string
}

// Environment is what decides which file a CLI reads: its environment variables, the home
// directory, and which files exist.
type Environment struct {
	Getenv func(string) string
	Home   string
	Exists func(string) bool
}

// ConfigFiles returns the CLI configuration file Terraform and OpenTofu read (on systems other than
// Windows), by the rules of their code and documentation:
//
//   - both: TF_CLI_CONFIG_FILE, else TERRAFORM_CONFIG (its older name), when set and not empty
//     (hashicorp/terraform and opentofu/opentofu, internal/command/cliconfig/cliconfig.go);
//   - else Terraform: ~/.terraformrc (https://developer.hashicorp.com/terraform/cli/config/config-file);
//   - else OpenTofu: ~/.tofurc, or ~/.terraformrc when only that one exists, or
//     $XDG_CONFIG_HOME/opentofu/tofurc when XDG_CONFIG_HOME is set and neither exists
//     (https://opentofu.org/docs/cli/config/config-file; config_unix.go, util.go).
func ConfigFiles(env Environment) []Reader {
	for _, name := range []string{"TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG"} {
		if file := env.Getenv(name); file != "" {
			return []Reader{{"Terraform", file, name}, {"OpenTofu", file, name}}
		}
	}
	terraformrc, tofurc := filepath.Join(env.Home, ".terraformrc"), filepath.Join(env.Home, ".tofurc")
	tofu := tofurc
	switch xdg := env.Getenv("XDG_CONFIG_HOME"); {
	case xdg != "" && !env.Exists(terraformrc) && !env.Exists(tofurc):
		tofu = filepath.Join(xdg, "opentofu", "tofurc")
	case env.Exists(terraformrc) && !env.Exists(tofurc):
		tofu = terraformrc
	}
	return []Reader{{"Terraform", terraformrc, ""}, {"OpenTofu", tofu, ""}}
}

// Where says, for `make install`, which file each CLI will read the configuration from, and what
// to do when an environment variable names it: the file a user would write by habit
// (~/.terraformrc) is then never read, and the CLI answers with an error about the lock file.
// read returns a file's content (os.ReadFile), to tell whether it has a provider_installation
// block already (a file may have only one).
func Where(env Environment, read func(string) ([]byte, error)) string {
	readers := ConfigFiles(env)
	var b strings.Builder
	describe := func(file string) string {
		content, err := read(file)
		switch {
		case err != nil:
			return "does not exist yet: create it"
		case strings.Contains(string(content), "provider_installation"):
			return "exists and has a provider_installation block: add the dev_overrides block to it, as a file may have only one"
		}
		return "exists: add the block to it"
	}
	if v := readers[0].Variable; v != "" {
		file := readers[0].File
		fmt.Fprintf(&b, "%s is set, to %s: Terraform and OpenTofu read that file", v, tilde(file, env.Home))
		var ignored []string
		for _, def := range []string{".terraformrc", ".tofurc"} {
			if filepath.Clean(file) != filepath.Join(env.Home, def) {
				ignored = append(ignored, "~/"+def)
			}
		}
		if len(ignored) > 0 {
			fmt.Fprintf(&b, " and no other (not %s)", strings.Join(ignored, ", not "))
		}
		fmt.Fprintf(&b, ".\nIt %s.\n", describe(file))
		if len(ignored) == 2 { // the file is not one a CLI would read anyway
			fmt.Fprintf(&b, "Or unset %s (in the shell profile or CI settings that set it) to use %s.\n", v, strings.Join(ignored, " or "))
		}
		if v == "TF_CLI_CONFIG_FILE" && env.Getenv("TERRAFORM_CONFIG") != "" {
			b.WriteString("(TERRAFORM_CONFIG, also set, is ignored while TF_CLI_CONFIG_FILE is set.)\n")
		}
		return b.String()
	}
	for _, r := range readers {
		fmt.Fprintf(&b, "%-9s reads %s, which %s.\n", r.CLI, tilde(r.File, env.Home), describe(r.File))
	}
	b.WriteString("If TF_CLI_CONFIG_FILE is set where you run terraform (a CI job, another shell), the CLI reads that file instead.\n")
	return b.String()
}

// tilde writes file under home as ~/file.
func tilde(file, home string) string {
	if rel, err := filepath.Rel(home, file); err == nil && home != "" && !strings.HasPrefix(rel, "..") {
		return "~/" + filepath.ToSlash(rel)
	}
	return file
}
