package acctest

import (
	"fmt"
	"strings"
)

// The one way the acceptance tests write a provider "vod" block.

// ProviderBlock is a provider "vod" block with the given arguments: HCL lines such as
// `region = "cn-shanghai"` (Arg writes them), any of which may hold several lines.
func ProviderBlock(args ...string) string {
	var b strings.Builder
	b.WriteString("provider \"vod\" {\n")
	for _, a := range args {
		for line := range strings.SplitSeq(a, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				b.WriteString("  " + line + "\n")
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// Arg is the argument name = value: a quoted HCL string for a string value, else value as Go
// prints it (numbers, booleans). Write an expression as a line of its own.
func Arg(name string, value any) string {
	if s, ok := value.(string); ok {
		return fmt.Sprintf("%s = %q", name, s)
	}
	return fmt.Sprintf("%s = %v", name, value)
}

// Keys are the access_key and secret_key arguments of the emulator's key pair.
func Keys() string {
	return Arg("access_key", EmulatorAccessKeyID) + "\n" + Arg("secret_key", EmulatorAccessKeySecret)
}

// ProviderBlock is the provider block on tg with the given arguments: after the emulator's
// endpoint and region on the emulator; the arguments alone against the real cloud, where the
// environment gives the rest.
func (tg *Target) ProviderBlock(args ...string) string {
	if tg.Emulator == nil {
		return ProviderBlock(args...)
	}
	return ProviderBlock(append([]string{Arg("endpoint", tg.Emulator.URL), Arg("region", EmulatorRegion)}, args...)...)
}

// ProviderConfig is the provider block: the emulator's settings and key pair, or empty so that the
// real credentials come from the environment.
func (tg *Target) ProviderConfig() string {
	if tg.Emulator == nil {
		return ProviderBlock()
	}
	return tg.ProviderBlock(Keys())
}

// ProviderConfigWith is ProviderConfig with another secret key, for tests of wrong credentials.
func (tg *Target) ProviderConfigWith(secret string) string {
	if tg.Emulator == nil {
		return ProviderBlock(Arg("secret_key", secret))
	}
	return tg.ProviderBlock(Arg("access_key", EmulatorAccessKeyID), Arg("secret_key", secret))
}

// RequiredProviders is the terraform block of a configuration that a test runs with a Terraform
// binary of its own (dev_overrides for vodtf/vod), rather than through terraform-plugin-testing.
const RequiredProviders = `terraform {
  required_providers {
    vod = { source = "vodtf/vod" }
  }
}
`
