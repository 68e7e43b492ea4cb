// Command terraform-provider-noop serves the benchmark's baseline provider (see package
// noopprovider) over plugin protocol 6. Only the benchmark builds it.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/vodtf/terraform-provider-vod/internal/bench/noopprovider"
)

func main() {
	err := providerserver.Serve(context.Background(), noopprovider.New, providerserver.ServeOpts{
		Address:         noopprovider.Address,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
