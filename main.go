package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/vodtf/terraform-provider-vod/internal/provider"
)

// version is set by the release build: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	provider.DropLibraryDebug() // first: it may run the program again
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// providerserver.Serve, with go-plugin's logger chosen here: Terraform filters the provider's
	// log lines, and -debug sends them to this process's stderr instead.
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		provider.AdjustLogging()
		opts = append(opts, tf6server.WithGoPluginLogger(provider.GoPluginLogger()))
	}
	err := tf6server.Serve("registry.terraform.io/vodtf/vod", providerserver.NewProtocol6(provider.New(version)()), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
