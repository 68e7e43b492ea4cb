package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/vodtf/terraform-provider-vod/internal/provider"
)

// version is set by the release build: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	provider.DropLibraryDebug() // first: it may run the program again
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		quietLogsUnlessAsked()
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/vodtf/vod",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietLogsUnlessAsked turns the plugin SDK's and the provider's loggers off when no TF_LOG*
// variable is set. Terraform then shows none of their lines, yet by default they are still written
// at TRACE and parsed by Terraform: a quarter of the provider's CPU in a 1,000-image plan. Any
// TF_LOG* variable (TF_LOG=DEBUG, TF_LOG_PROVIDER=TRACE, ...) leaves logging as the user set it.
func quietLogsUnlessAsked() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	// terraform-plugin-go sets the provider's logger from TF_LOG_PROVIDER_VOD; the api subsystem
	// inherits it.
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_VOD"} {
		_ = os.Setenv(name, "off")
	}
}
