// Command terraform-provider-noop serves the benchmark's baseline provider (see package
// noopprovider) over plugin protocol 6. Only the benchmark builds it.
package main

import (
	"log"
	"os"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/vodtf/terraform-provider-vod/internal/bench/noopprovider"
)

func main() {
	// As the vod provider does (internal/provider/logging.go, AdjustLogging and GoPluginLogger):
	// when Terraform writes no provider log line (TF_LOG_PROVIDER and TF_LOG unset), the SDK's
	// and the provider's loggers are off, and go-plugin's logs warnings only. Otherwise the
	// framework formats a TRACE line per attribute and request only for Terraform to drop it: a
	// cost of the SDK's logging, not of Terraform or the protocol, which the baseline must not
	// carry (with it, 1,000 noop_image took longer to plan than 1,000 vod_image).
	level := hclog.Warn
	if os.Getenv("TF_LOG_PROVIDER") == "" && os.Getenv("TF_LOG") == "" {
		for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_NOOP"} {
			_ = os.Setenv(name, "off")
		}
	} else {
		level = hclog.Trace
	}
	err := tf6server.Serve(noopprovider.Address, providerserver.NewProtocol6(noopprovider.New()),
		tf6server.WithGoPluginLogger(hclog.New(&hclog.LoggerOptions{Level: level, Output: os.Stderr, JSONFormat: true})))
	if err != nil {
		log.Fatal(err.Error())
	}
}
