package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// Retries against injected faults: what is retried succeeds within the budget, what is not is
// reported after one request.
func TestAccProvider_retries(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		fault     vodemu.FaultKind
		next      int
		args      string
		want      string // error; empty for success
		wantCode  string // emulator result code counted wantCount times
		wantCount int64
	}{
		"throttled twice, then read":  {fault: "throttling", next: 2, wantCode: "Throttling.User", wantCount: 2},
		"throttled as 503, then read": {fault: "throttling-503", next: 1, wantCode: "Throttling.User", wantCount: 1},
		"unavailable once, then read": {fault: "unavailable", next: 1, wantCode: "ServiceUnavailable", wantCount: 1},
		"internal error, then read":   {fault: "internal", next: 3, wantCode: "InternalError", wantCount: 3},
		"connection reset, then read": {fault: "reset", next: 1},
		// Throttling is the account's rate limit, not a fault: retried within read_timeout, not max_retries.
		"throttled with retries switched off, then read": {fault: "throttling", next: 3, args: "max_retries = 0",
			wantCode: "Throttling.User", wantCount: 3},
		"slower than read_timeout, then read": {fault: "slow", next: 1, args: "read_timeout = 10"},
		"HTML 502 from a proxy, then read":    {fault: "html-502", next: 1},
		"malformed JSON, then read":           {fault: "malformed-json", next: 1},
		"truncated body, then read":           {fault: "truncated", next: 1},
		"empty 200, then read":                {fault: "empty-200", next: 1},
		"wrong Content-Type":                  {fault: "wrong-content-type", next: 1},
		"slower than read_timeout, no retries": {fault: "slow", next: 1, args: "read_timeout = 10\n  max_retries = 0",
			want: `Failed to read VOD image[\s\S]*(?i)timeout`},
		"retry budget exhausted": {fault: "internal", next: 10, args: "max_retries = 2",
			want: `InternalError \(HTTP 500\)\s+Attempts:\s+3`, wantCode: "InternalError", wantCount: 3},
	} {
		t.Run(name, func(t *testing.T) {
			// read_timeout = 10 against a slow answer of a minute: the slow attempt times out, and an
			// answer of a loaded machine's emulator (milliseconds, seconds at worst) never does.
			tg := acctest.New(t, func(o *vodemu.Options) { o.Faults.SlowDelay = time.Minute })
			tg.RequireEmulator(t)
			tg.Emulator.Server.InjectNext(tc.fault, tc.next, "GetImageInfo")
			readOnce(t, true, coverConfig(tg, acctest.Keys()+"\n  "+tc.args), tc.want)
			if tc.wantCode != "" {
				if n := tg.Count("", tc.wantCode); n != tc.wantCount {
					t.Errorf("the emulator answered %s %d times, want %d", tc.wantCode, n, tc.wantCount)
				}
			}
		})
	}
}

// Every fault the emulator can inject, for good: the read fails with an error that names the image
// and, where VOD (or something in its place) answered, the code and request ID. No panic, no hang.
func TestAccProvider_persistentFaults(t *testing.T) {
	t.Parallel()
	apiError := func(code string) string {
		return `Failed to read VOD image[\s\S]*` + acctest.ImageCDN + `[\s\S]*` + regexp.QuoteMeta(code) +
			`[\s\S]*Attempts:\s+2[\s\S]*Request ID:\s+\S+`
	}
	// Throttling is retried for read_timeout (1 s here), however many attempts that takes.
	throttled := func(code string) string {
		return `Failed to read VOD image[\s\S]*` + acctest.ImageCDN + `[\s\S]*` + regexp.QuoteMeta(code) +
			`[\s\S]*Attempts:\s+\d+\s+over\s+[\d.]+m?s\s+of\s+throttling\s+\(retried\s+for\s+up\s+to\s+read_timeout\)` +
			`[\s\S]*Request ID:\s+\S+[\s\S]*raise\s+read_timeout`
	}
	unreadable := `Unreadable VOD response[\s\S]*` + acctest.ImageCDN + `[\s\S]*after 2 attempts`
	transport := `Failed to read VOD image[\s\S]*` + acctest.ImageCDN + `[\s\S]*after 2 attempts`
	want := map[vodemu.FaultKind]string{
		"throttling":         throttled("Throttling.User (HTTP 400)"),
		"throttling-503":     throttled("Throttling.User (HTTP 503)"),
		"unavailable":        apiError("ServiceUnavailable (HTTP 503)"),
		"internal":           apiError("InternalError (HTTP 500)"),
		"html-502":           `Failed to read VOD image[\s\S]*` + acctest.ImageCDN + `[\s\S]*UnexpectedResponse \(HTTP 502\)[\s\S]*Attempts:\s+2`,
		"malformed-json":     unreadable,
		"empty-200":          unreadable,
		"truncated":          transport,
		"reset":              transport,
		"slow":               transport,
		"wrong-content-type": "", // a JSON body labelled text/plain is read as JSON
	}
	for _, kind := range vodemu.FaultKinds() {
		t.Run(string(kind), func(t *testing.T) {
			pattern, ok := want[kind]
			if !ok {
				t.Fatalf("no expectation for the emulator's fault %q: add it to this table and to README.md", kind)
			}
			// Only the slow fault is meant to meet read_timeout: a second, against a slow answer of a
			// minute. Every other kind keeps the default 30 s, so that a loaded machine's slow answer
			// is never mistaken for a timeout.
			tg := acctest.New(t, func(o *vodemu.Options) { o.Faults.SlowDelay = time.Minute })
			tg.RequireEmulator(t)
			tg.Emulator.Server.InjectNext(kind, 1000, "GetImageInfo")
			args := acctest.Keys() + "\n  max_retries = 1"
			if kind == vodemu.FaultSlow {
				args += "\n  read_timeout = 1"
			}
			readOnce(t, true, coverConfig(tg, args), pattern)
		})
	}
}

// A client error is final: one request, no retry.
func TestAccProvider_clientErrorNotRetried(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	runSteps(t, true, resource.TestStep{
		Config:      coverConfig(tg, fmt.Sprintf("access_key = %q\n  secret_key = \"wrong\"", acctest.EmulatorAccessKeyID)),
		ExpectError: regexp.MustCompile(`SignatureDoesNotMatch`),
	})
	if n := tg.Count("GetImageInfo", ""); n != 1 {
		t.Errorf("GetImageInfo was sent %d times, want once", n)
	}
}
