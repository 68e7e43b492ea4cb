package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/vodtf/terraform-provider-vod/internal/provider"
)

// version is set by the release build: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		// Terraform filters the provider's log lines; -debug sends them to this process's stderr.
		provider.AdjustLogging()
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/vodtf/vod",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
