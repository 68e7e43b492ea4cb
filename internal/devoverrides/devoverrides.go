// Package devoverrides writes the Terraform and OpenTofu CLI configuration that makes a CLI use a
// provider built here instead of one from a registry: a provider_installation block whose
// dev_overrides name the provider under both registries' addresses, since `source = "vodtf/vod"`
// means registry.terraform.io/vodtf/vod to Terraform and registry.opentofu.org/vodtf/vod to
// OpenTofu. With it, plan and apply need no `terraform init`; both CLIs print a warning that
// overrides are in effect.
//
// The GNUmakefile (make docs, examples-check, demo, install), internal/bench and the acceptance
// tests all write their CLI configuration through this package, so that there is one way to do it.
// Format: https://developer.hashicorp.com/terraform/cli/config/config-file#development-overrides-for-provider-developers
package devoverrides

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// Registries are the host names a source address without a host resolves under: Terraform's and
// OpenTofu's public registries.
var Registries = []string{"registry.terraform.io", "registry.opentofu.org"}

// Config returns a CLI configuration that sends each provider of dirs ("namespace/type", e.g.
// "vodtf/vod") under every one of Registries to its directory, which holds the binary
// terraform-provider-<type>. Every other provider installs as usual (`direct {}`).
func Config(dirs map[string]string) string {
	sources := make([]string, 0, len(dirs))
	for source := range dirs {
		sources = append(sources, source)
	}
	sort.Strings(sources)
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, source := range sources {
		for _, host := range Registries {
			fmt.Fprintf(&b, "    %q = %q\n", host+"/"+source, dirs[source])
		}
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}

// Write writes Config(dirs) to file, readable only by its owner.
func Write(file string, dirs map[string]string) error {
	return os.WriteFile(file, []byte(Config(dirs)), 0o600)
}
