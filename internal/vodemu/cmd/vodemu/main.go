// Command vodemu serves the ApsaraVideo VOD emulator until SIGINT or SIGTERM.
//
//	vodemu -access-key-id AK -access-key-secret SECRET [-data images.json]
//	       [-listen 127.0.0.1:0] [-security-token TOKEN] [-region cn-shanghai]
//
// The secret may come from VODEMU_ACCESS_KEY_SECRET instead of the command
// line. Once listening it prints exactly one line, endpoint=http://HOST:PORT,
// to stdout; logs go to stderr. Exit status: 0 after a clean shutdown, 2 for
// bad flags or a bad data file, 1 for other failures.
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
	opts, listen, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if !errors.Is(err, errReported) {
			fmt.Fprintln(stderr, "vodemu:", err)
		}
		return 2
	}
	opts.Logger = logger
	r, err := vodemu.StartOn(listen, opts)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	// The only stdout line: scripts read the endpoint from it. os.Stdout is
	// unbuffered, so the line is out as soon as Fprintf returns.
	if _, err := fmt.Fprintf(stdout, "endpoint=%s\n", r.URL); err != nil {
		fmt.Fprintln(stderr, "vodemu: write endpoint:", err)
	}
	logger.Printf("serving %d images at %s (region %s)", len(opts.Images), r.URL, opts.Region)

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
	return 0
}

func parseFlags(args []string, stderr io.Writer) (vodemu.Options, string, error) {
	var opts vodemu.Options
	var listen, data string
	fs := flag.NewFlagSet("vodemu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&listen, "listen", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&data, "data", "", "JSON array of ImageInfo objects to serve (empty: no images)")
	fs.StringVar(&opts.AccessKeyID, "access-key-id", "", "the accepted AccessKeyId (required)")
	fs.StringVar(&opts.AccessKeySecret, "access-key-secret", "", "the accepted AccessKeySecret (required; or env VODEMU_ACCESS_KEY_SECRET)")
	fs.StringVar(&opts.SecurityToken, "security-token", "", "if set, every request must carry this security token")
	fs.StringVar(&opts.Region, "region", "cn-shanghai", "region named in HostId")
	if err := fs.Parse(args); err != nil {
		return opts, "", fmt.Errorf("%w: %w", errReported, err)
	}
	if fs.NArg() > 0 {
		return opts, "", fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if opts.AccessKeySecret == "" {
		opts.AccessKeySecret = os.Getenv("VODEMU_ACCESS_KEY_SECRET")
	}
	if opts.AccessKeyID == "" || opts.AccessKeySecret == "" {
		return opts, "", errors.New("-access-key-id and -access-key-secret (or VODEMU_ACCESS_KEY_SECRET) are required")
	}
	if data != "" {
		imgs, err := vodemu.LoadImages(data)
		if err != nil {
			return opts, "", err
		}
		opts.Images = imgs
	}
	return opts, listen, nil
}
