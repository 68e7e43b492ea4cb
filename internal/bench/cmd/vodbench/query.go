package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// The query case: `terraform query` of one list "vod_image" block that matches every image of a
// library larger than SearchMedia's 5,000-hit paging cap, against an emulator with VOD's
// documented per-action limits. It needs a Terraform with list blocks (1.14 or later), given with
// -query-terraform; the provider splits the search by creation time (vod.ListImages).

// queryImages is the library's size: more than twice the paging cap.
const queryImages = 12000

// queryRun is one run of the query case.
type queryRun struct {
	Wall      time.Duration
	Listed    int // distinct images in terraform query -json's list_resource_found messages
	Repeated  int // those messages that named an image already listed
	ByAction  map[string]int64
	Throttled map[string]int64
	ExitCode  int
	FirstErr  string
	// FirstCall and LastCall are when the emulator answered the first and last SearchMedia call,
	// from the start of the command: the rest of the wall time is Terraform's and the provider's.
	FirstCall, LastCall time.Duration
	// FirstFound and LastFound are when Terraform printed the first and last result (the
	// messages' @timestamp), from the start of the command.
	FirstFound, LastFound time.Duration
}

// queryBound is the lower bound on a query's wall time that SearchMedia's documented limit implies:
// the pages the images fill (100 a page) at the limit, less the first second's worth, as every
// bucket starts full.
func queryBound(n int, searchQPS float64) (time.Duration, string) {
	pages := math.Ceil(float64(n) / 100)
	secs := max(0, pages-searchQPS) / searchQPS
	return time.Duration(secs * float64(time.Second)),
		fmt.Sprintf("%d SearchMedia pages (100 images each) at %s/s, less the first second's %s: %.2f s",
			int(pages), fmtNum(searchQPS), fmtNum(searchQPS), secs)
}

// writeQuery writes the query case's configuration into dir.
func writeQuery(dir, endpoint string, n int) error {
	c := &benchCase{Kind: "query", Provider: "vod", N: n}
	if err := writeProvider(dir, c, endpoint); err != nil {
		return err
	}
	main := "terraform {\n  required_providers {\n    vod = { source = \"vodtf/vod\" }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o600); err != nil {
		return err
	}
	q := fmt.Sprintf("list \"vod_image\" \"all\" {\n  provider = vod\n  limit    = %d\n  config {}\n}\n", 2*n)
	return os.WriteFile(filepath.Join(dir, "all.tfquery.hcl"), []byte(q), 0o600)
}

// writeNoopQuery writes the no-op baseline of the query case into dir: list "noop_listed_image"
// making up n results at once.
func writeNoopQuery(dir string, n int) error {
	main := "terraform {\n  required_providers {\n    noop = { source = \"vodtf/noop\" }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o600); err != nil {
		return err
	}
	q := fmt.Sprintf("list \"noop_listed_image\" \"all\" {\n  provider = noop\n  limit    = %d\n  config {\n    results = %d\n  }\n}\n", 2*n, n)
	return os.WriteFile(filepath.Join(dir, "all.tfquery.hcl"), []byte(q), 0o600)
}

// runQuery runs the query once against a fresh emulator with limits.
func runQuery(ctx context.Context, terraform string, timeout time.Duration, limits vodemu.RateLimits, dir string, env []string, noop bool) (queryRun, error) {
	clock := &callClock{}
	emu, err := vodemu.Start(vodemu.Options{
		AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret, Region: region,
		Images: images(queryImages), QPS: limits.QPS, ActionQPS: limits.ByAction, Logger: log.New(clock, "", 0),
	})
	if err != nil {
		return queryRun{}, fmt.Errorf("starting the emulator: %w", err)
	}
	defer func() { _ = emu.Close() }()
	write := func() error { return writeQuery(dir, emu.URL, queryImages) }
	if noop {
		write = func() error { return writeNoopQuery(dir, queryImages) }
	}
	if err := write(); err != nil {
		return queryRun{}, err
	}
	qctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(qctx, terraform, "query", "-json", "-no-color") //nolint:gosec // the -query-terraform binary the user named
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	r := queryRun{Wall: time.Since(start), ByAction: emu.Server.Stats().ByAction, Throttled: emu.Server.ThrottledByAction()}
	r.FirstCall, r.LastCall = clock.span(start)
	var first, last time.Time
	r.Listed, r.Repeated, first, last = countFound(out.Bytes())
	if !first.IsZero() {
		r.FirstFound, r.LastFound = first.Sub(start), last.Sub(start)
	}
	if err != nil {
		r.ExitCode = -1
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 0 {
			r.ExitCode = ee.ExitCode()
		}
		r.FirstErr = lastLines(out.String(), 8)
	}
	return r, nil
}

// countFound counts the distinct images that terraform query -json's output lists, and the
// results that repeat one, and says when the first and last were printed.
func countFound(out []byte) (listed, repeated int, first, last time.Time) {
	seen := map[string]bool{}
	for _, line := range bytes.Split(out, []byte("\n")) {
		var msg struct {
			Type      string    `json:"type"`
			Timestamp time.Time `json:"@timestamp"`
			Found     struct {
				Identity map[string]any `json:"identity"`
			} `json:"list_resource_found"`
		}
		if json.Unmarshal(line, &msg) != nil || msg.Type != "list_resource_found" {
			continue
		}
		if first.IsZero() {
			first = msg.Timestamp
		}
		last = msg.Timestamp
		id := fmt.Sprint(msg.Found.Identity["image_id"])
		if seen[id] {
			repeated++
		}
		seen[id] = true
	}
	return len(seen), repeated, first, last
}

// runQueryCase runs the query case runs times (no warm-up: each run is a fresh emulator, and
// Terraform and the provider are warm from the plans before it) and returns its report section.
func runQueryCase(ctx context.Context, o options, work, home, cliConfig, provider, noopProvider string) (string, error) {
	limits := vodemu.RateLimits{ByAction: vodemu.DocumentedQPS}
	dir := filepath.Join(work, "query")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	// Without limits first: what the query costs besides waiting for SearchMedia's limit (Terraform
	// handling 12,000 results, the provider, the emulator), the floor of the bound.
	unlimited, err := runQuery(ctx, o.queryTerraform, o.planTimeout, vodemu.RateLimits{}, dir,
		tfEnv(home, cliConfig, provider, filepath.Join(work, "rss-query-0")), false)
	if err != nil {
		return "", err
	}
	// The no-op provider's list of as many results: what Terraform and the plugin protocol cost,
	// which no provider goes below (the median of the runs).
	noopDir := filepath.Join(work, "query-noop")
	if err := os.MkdirAll(noopDir, 0o750); err != nil {
		return "", err
	}
	var noops []queryRun
	for i := 1; i <= o.runs; i++ {
		r, err := runQuery(ctx, o.queryTerraform, o.planTimeout, vodemu.RateLimits{}, noopDir,
			tfEnv(home, cliConfig, noopProvider, filepath.Join(work, fmt.Sprintf("rss-query-noop-%d", i))), true)
		if err != nil {
			return "", err
		}
		fmt.Printf("[query] %d no-op results, run %d/%d: %.2f s, %d listed (printed from %.2f s to %.2f s)\n", queryImages, i, o.runs,
			r.Wall.Seconds(), r.Listed, r.FirstFound.Seconds(), r.LastFound.Seconds())
		if r.ExitCode != 0 {
			fmt.Printf("    FAILED (exit %d): %s\n", r.ExitCode, strings.ReplaceAll(r.FirstErr, "\n", "\n    "))
		}
		noops = append(noops, r)
	}
	fmt.Printf("[query] %d images without limits: %.2f s, %d listed, calls %s (from %.2f s to %.2f s)\n", queryImages,
		unlimited.Wall.Seconds(), unlimited.Listed, byAction(unlimited.ByAction), unlimited.FirstCall.Seconds(), unlimited.LastCall.Seconds())
	var runs []queryRun
	for i := 1; i <= o.runs; i++ {
		env := tfEnv(home, cliConfig, provider, filepath.Join(work, fmt.Sprintf("rss-query-%d", i)))
		r, err := runQuery(ctx, o.queryTerraform, o.planTimeout, limits, dir, env, false)
		if err != nil {
			return "", err
		}
		if ctx.Err() != nil {
			return "", errors.New("interrupted: no report written")
		}
		runs = append(runs, r)
		fmt.Printf("[query] %d images, run %d/%d: %.2f s, %d listed (%d repeated, printed from %.2f s to %.2f s), calls %s (from %.2f s to %.2f s), throttled %s\n",
			queryImages, i, o.runs, r.Wall.Seconds(), r.Listed, r.Repeated, r.FirstFound.Seconds(), r.LastFound.Seconds(),
			byAction(r.ByAction), r.FirstCall.Seconds(), r.LastCall.Seconds(), byAction(r.Throttled))
		if r.ExitCode != 0 {
			fmt.Printf("    FAILED (exit %d): %s\n", r.ExitCode, strings.ReplaceAll(r.FirstErr, "\n", "\n    "))
		}
	}
	return queryMarkdown(runs, unlimited, medianRun(noops), limits, commandOutput(work, o.queryTerraform, "version")), nil
}

// medianRun is the run of median wall time ({} for none).
func medianRun(runs []queryRun) queryRun {
	if len(runs) == 0 {
		return queryRun{}
	}
	sorted := append([]queryRun(nil), runs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Wall < sorted[j].Wall })
	return sorted[len(sorted)/2]
}

// queryMarkdown is the query case's section of the report: the median run against the bound
// SearchMedia's limit implies. The limit governs the calls, so they are what the target compares:
// first to last call against the bound. Terraform prints the results only once the list has
// ended (the first result's @timestamp comes after the last call), so the wall time is the calls
// plus what Terraform costs before and after them, which the no-op query of as many results
// measures; the wall time is also shown against that sum.
func queryMarkdown(runs []queryRun, unlimited, noop queryRun, limits vodemu.RateLimits, version string) string {
	var b strings.Builder
	b.WriteString("\n## Listing beyond the paging cap (terraform query)\n\n")
	fmt.Fprintf(&b, "`terraform query -json` (%s) of one `list \"vod_image\"` block matching all of %d images, "+
		"against an emulator with VOD's documented per-action limits (SearchMedia %s/s); %d runs, the median shown. "+
		"The no-op query is the same command over the no-op provider's `list \"noop_listed_image\"`, which makes up as "+
		"many results at once: what Terraform and the plugin protocol cost (the median of %d runs).\n\n",
		firstLines(version, 1), queryImages, fmtNum(limits.ByAction["SearchMedia"]), len(runs), len(runs))
	if len(runs) == 0 {
		return b.String()
	}
	m := medianRun(runs)
	bound, how := queryBound(queryImages, limits.ByAction["SearchMedia"])
	calls := int64(0)
	for _, n := range m.ByAction {
		calls += n
	}
	span := m.LastCall - m.FirstCall
	ratio, verdict := math.Inf(1), "no bound"
	if bound > 0 {
		ratio = span.Seconds() / bound.Seconds()
		verdict = "within the 1.25× target"
		if ratio > 1.25 {
			verdict = "above the 1.25× target"
		}
	}
	perImage := 0.0
	if m.Listed > 0 {
		perImage = float64(calls) / float64(m.Listed)
	}
	withTerraform := bound + noop.Wall
	b.WriteString("| Wall time | Listed | Calls by action | Calls per listed image | Throttled | SearchMedia calls, first to last | " +
		"Bound (the limit) | Calls / bound | Results printed | No-op query | Wall / (bound + no-op query) |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %.2f s | %d of %d, %d repeated | %s | %.4f | %s | %.2f–%.2f s: %.2f s | %.2f s | %.2f× (%s) | %.2f–%.2f s | %.2f s (%d results) | %.2f× |\n\n",
		m.Wall.Seconds(), m.Listed, queryImages, m.Repeated, byAction(m.ByAction), perImage, byAction(m.Throttled),
		m.FirstCall.Seconds(), m.LastCall.Seconds(), span.Seconds(), bound.Seconds(), ratio, verdict,
		m.FirstFound.Seconds(), m.LastFound.Seconds(), noop.Wall.Seconds(), noop.Listed, m.Wall.Seconds()/max(withTerraform.Seconds(), 1e-9))
	fmt.Fprintf(&b, "Bound: %s. The wall time against that bound alone is %.2f×: Terraform starts, then prints every result "+
		"only after the list has ended (the no-op query printed its results from %.2f s to %.2f s of %.2f s). "+
		"The same vod query without limits: %.2f s, its calls from %.2f s to %.2f s. Each run's wall time: ",
		how, m.Wall.Seconds()/max(bound.Seconds(), 1e-9), noop.FirstFound.Seconds(), noop.LastFound.Seconds(), noop.Wall.Seconds(),
		unlimited.Wall.Seconds(), unlimited.FirstCall.Seconds(), unlimited.LastCall.Seconds())
	for i, r := range runs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%.2f s", r.Wall.Seconds())
		if r.ExitCode != 0 {
			fmt.Fprintf(&b, " (failed, exit %d)", r.ExitCode)
		}
	}
	b.WriteString(".\n")
	return b.String()
}
