// Command devoverrides prints or writes the CLI configuration that makes Terraform and OpenTofu use
// the terraform-provider-vod binary in DIR for source "vodtf/vod" (package devoverrides).
//
//	go run ./internal/devoverrides/cmd/devoverrides [-o FILE | -where] DIR
//
// DIR is made absolute. Without -o the configuration goes to standard output; -where adds which
// file Terraform and OpenTofu will read it from here (TF_CLI_CONFIG_FILE, TERRAFORM_CONFIG,
// ~/.terraformrc, ~/.tofurc), as `make install` shows it.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vodtf/terraform-provider-vod/internal/devoverrides"
)

func main() {
	out := flag.String("o", "", "write the CLI configuration to this `file` instead of standard output")
	where := flag.Bool("where", false, "also say which file Terraform and OpenTofu read the CLI configuration from here")
	flag.Usage = func() {
		_, _ = fmt.Fprintln(flag.CommandLine.Output(), "usage: devoverrides [-o FILE] DIR\n\n"+
			"Prints a Terraform/OpenTofu CLI configuration whose dev_overrides use the\n"+
			"terraform-provider-vod binary in DIR for source \"vodtf/vod\".")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	dir, err := filepath.Abs(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "devoverrides:", err)
		os.Exit(1)
	}
	dirs := map[string]string{"vodtf/vod": dir}
	if *out == "" {
		fmt.Print(devoverrides.Config(dirs))
		if *where {
			home, _ := os.UserHomeDir()
			fmt.Print("\n" + devoverrides.Where(devoverrides.Environment{Getenv: os.Getenv, Home: home, Exists: exists}, os.ReadFile))
		}
		return
	}
	if *where {
		fmt.Fprintln(os.Stderr, "devoverrides: -where goes with standard output, not -o")
		os.Exit(2)
	}
	if err := devoverrides.Write(*out, dirs); err != nil {
		fmt.Fprintln(os.Stderr, "devoverrides:", err)
		os.Exit(1)
	}
}

func exists(file string) bool {
	_, err := os.Stat(file)
	return err == nil
}
