// Command devoverrides prints or writes the CLI configuration that makes Terraform and OpenTofu use
// the terraform-provider-vod binary in DIR for source "vodtf/vod" (package devoverrides).
//
//	go run ./internal/devoverrides/cmd/devoverrides [-o FILE] DIR
//
// DIR is made absolute. Without -o the configuration goes to standard output.
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
		return
	}
	if err := devoverrides.Write(*out, dirs); err != nil {
		fmt.Fprintln(os.Stderr, "devoverrides:", err)
		os.Exit(1)
	}
}
