// Command vodemu serves the ApsaraVideo VOD emulator until SIGINT or SIGTERM.
//
//	vodemu -access-key-id AK -access-key-secret SECRET [-data images.json]
//	       [-listen 127.0.0.1:0] [-security-token TOKEN] [-region cn-shanghai]
//	       [-cdn-url-validity 30m] [-faults SPEC] [-seed N] [-slow-delay 5s]
//	       [-qps N|documented|ACTION=N,...] [-role ARN[#EXTERNAL_ID]]...
//	       [-role-max-session DURATION] [-sts-lifetime DURATION]
//	       [-oidc-provider-arn ARN] [-oidc-token-file FILE] [-ca-out FILE]
//	       [-upload-storage-location HOST] [-upload-credential-lifetime 50m]
//	       [-upload-after-reads N] [-upload-delay DURATION] [-upload-fail]
//	       [-upload-fail-next N]
//
// Each flag sets the vodemu.Options field of the same meaning (vodemu -h
// says which). The secret may come from VODEMU_ACCESS_KEY_SECRET instead of
// the command line. -data is a data file (vodemu.DataFileFormat, which -h
// prints). -faults takes comma-separated KIND:next=N or KIND:rate=P items,
// each optionally ending in @Action1+Action2 (parseFaults), e.g.
// throttling:next=2@GetImageInfo,reset:rate=0.1; see vodemu.FaultKind for
// the kinds. -qps takes vodemu.ParseRateLimits' grammar, e.g.
// documented,GetImageInfo=20. -ca-out generates a CA, serves TLS and a
// CONNECT proxy on the same port, and writes the CA certificate there for
// SSL_CERT_FILE. The -upload-* flags set vodemu.UploadOptions (and
// -upload-fail-next calls Server.FailNextUploads), each overriding the data
// file's Upload object where given.
//
// Once listening it prints exactly one line, endpoint=http://HOST:PORT, to
// stdout (with -ca-out, https://HOST:PORT works on the same port); logs go
// to stderr. Exit status: 0 after a clean shutdown, 2 for bad flags or a bad
// data or token file, 1 for other failures (listening, writing -ca-out).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, sig))
}

// errReported marks flag errors the flag package has already printed.
var errReported = errors.New("flag error")

func run(args []string, stdout, stderr io.Writer, stop <-chan os.Signal) int {
	logger := log.New(stderr, "vodemu: ", log.LstdFlags)
	c, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if !errors.Is(err, errReported) {
			printErr(stderr, "vodemu:", err)
		}
		return 2
	}
	opts := c.opts
	opts.Logger = logger
	if c.caOut != "" {
		if opts.CA, err = vodemu.NewCA(); err == nil {
			err = os.WriteFile(c.caOut, opts.CA.CertPEM(), 0o644) //nolint:gosec // G306: a CA certificate, public by nature, read by clients run by other users or in containers
		}
		if err != nil {
			printErr(stderr, "vodemu: -ca-out:", err)
			return 1
		}
	}
	r, err := vodemu.StartOn(c.listen, opts)
	if err != nil {
		printErr(stderr, err)
		return 1
	}
	// Faults are in place before the endpoint is announced.
	for _, f := range c.faults {
		f.apply(r.Server)
	}
	r.Server.FailNextUploads(c.failNextUploads)
	// The only stdout line: scripts read the endpoint from it. os.Stdout is
	// unbuffered, so the line is out as soon as Fprintf returns.
	if _, err := fmt.Fprintf(stdout, "endpoint=%s\n", r.URL); err != nil {
		printErr(stderr, "vodemu: write endpoint:", err)
	}
	logger.Printf("serving %d images at %s (region %s)", len(opts.Images), r.URL, opts.Region)
	if opts.CA != nil {
		logger.Printf("TLS and CONNECT proxy on the same port; CA certificate in %s", c.caOut)
	}

	s := <-stop
	logger.Printf("%v: shutting down", s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Shutdown(ctx); err != nil {
		logger.Printf("shutdown: %v", err)
		return 1
	}
	st := r.Server.Stats()
	logger.Printf("served %d requests: %v", st.Requests, st.ByCode)
	if len(st.ByFault) > 0 || st.ProxyConnects+st.ProxyRefused > 0 {
		logger.Printf("injected faults %v; proxy tunnels %d, refused %d", st.ByFault, st.ProxyConnects, st.ProxyRefused)
	}
	return 0
}

// printErr writes a line to stderr; if that fails, there is nowhere left to report it.
func printErr(stderr io.Writer, a ...any) { _, _ = fmt.Fprintln(stderr, a...) }
