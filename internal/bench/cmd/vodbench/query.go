package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
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

// runQuery runs the query once against a fresh emulator with limits.
func runQuery(ctx context.Context, terraform string, timeout time.Duration, limits vodemu.RateLimits, dir string, env []string) (queryRun, error) {
	emu, err := vodemu.Start(vodemu.Options{
		AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret, Region: region,
		Images: images(queryImages), QPS: limits.QPS, ActionQPS: limits.ByAction,
	})
	if err != nil {
		return queryRun{}, fmt.Errorf("starting the emulator: %w", err)
	}
	defer func() { _ = emu.Close() }()
	if err := writeQuery(dir, emu.URL, queryImages); err != nil {
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
	r.Listed, r.Repeated = countFound(out.Bytes())
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
// results that repeat one.
func countFound(out []byte) (listed, repeated int) {
	seen := map[string]bool{}
	for _, line := range bytes.Split(out, []byte("\n")) {
		var msg struct {
			Type  string `json:"type"`
			Found struct {
				Identity map[string]any `json:"identity"`
			} `json:"list_resource_found"`
		}
		if json.Unmarshal(line, &msg) != nil || msg.Type != "list_resource_found" {
			continue
		}
		id := fmt.Sprint(msg.Found.Identity["image_id"])
		if seen[id] {
			repeated++
		}
		seen[id] = true
	}
	return len(seen), repeated
}

// runQueryCase runs the query case runs times (no warm-up: each run is a fresh emulator, and
// Terraform and the provider are warm from the plans before it) and returns its report section.
func runQueryCase(ctx context.Context, o options, work, home, cliConfig, provider string) (string, error) {
	limits := vodemu.RateLimits{ByAction: vodemu.DocumentedQPS}
	dir := filepath.Join(work, "query")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	// Without limits first: what the query costs besides waiting for SearchMedia's limit (Terraform
	// handling 12,000 results, the provider, the emulator), the floor of the bound.
	floor, err := runQuery(ctx, o.queryTerraform, o.planTimeout, vodemu.RateLimits{}, dir,
		tfEnv(home, cliConfig, provider, filepath.Join(work, "rss-query-0")))
	if err != nil {
		return "", err
	}
	fmt.Printf("[query] %d images without limits: %.2f s, %d listed, calls %s\n", queryImages, floor.Wall.Seconds(),
		floor.Listed, byAction(floor.ByAction))
	var runs []queryRun
	for i := 1; i <= o.runs; i++ {
		env := tfEnv(home, cliConfig, provider, filepath.Join(work, fmt.Sprintf("rss-query-%d", i)))
		r, err := runQuery(ctx, o.queryTerraform, o.planTimeout, limits, dir, env)
		if err != nil {
			return "", err
		}
		if ctx.Err() != nil {
			return "", errors.New("interrupted: no report written")
		}
		runs = append(runs, r)
		fmt.Printf("[query] %d images, run %d/%d: %.2f s, %d listed (%d repeated), calls %s, throttled %s\n", queryImages, i, o.runs,
			r.Wall.Seconds(), r.Listed, r.Repeated, byAction(r.ByAction), byAction(r.Throttled))
		if r.ExitCode != 0 {
			fmt.Printf("    FAILED (exit %d): %s\n", r.ExitCode, strings.ReplaceAll(r.FirstErr, "\n", "\n    "))
		}
	}
	return queryMarkdown(runs, floor, limits, commandOutput(work, o.queryTerraform, "version")), nil
}

// queryMarkdown is the query case's section of the report: the median run against the bound.
func queryMarkdown(runs []queryRun, floor queryRun, limits vodemu.RateLimits, version string) string {
	var b strings.Builder
	b.WriteString("\n## Listing beyond the paging cap (terraform query)\n\n")
	fmt.Fprintf(&b, "`terraform query -json` (%s) of one `list \"vod_image\"` block matching all of %d images, "+
		"against an emulator with VOD's documented per-action limits (SearchMedia %s/s); %d runs, the median shown.\n\n",
		firstLines(version, 1), queryImages, fmtNum(limits.ByAction["SearchMedia"]), len(runs))
	if len(runs) == 0 {
		return b.String()
	}
	sorted := append([]queryRun(nil), runs...)
	for i := range sorted { // insertion sort by wall time: a handful of runs
		for j := i; j > 0 && sorted[j].Wall < sorted[j-1].Wall; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	m := sorted[len(sorted)/2]
	bound, how := queryBound(queryImages, limits.ByAction["SearchMedia"])
	if floor.ExitCode == 0 && floor.Wall > bound {
		bound = floor.Wall
		how += fmt.Sprintf("; the same query without limits took %.2f s, which is larger and is the bound", floor.Wall.Seconds())
	} else {
		how += fmt.Sprintf("; the same query without limits took %.2f s", floor.Wall.Seconds())
	}
	calls := int64(0)
	for _, n := range m.ByAction {
		calls += n
	}
	ratio, verdict := math.Inf(1), "no bound"
	if bound > 0 {
		ratio = m.Wall.Seconds() / bound.Seconds()
		verdict = "within the 1.25× target"
		if ratio > 1.25 {
			verdict = "above the 1.25× target"
		}
	}
	perImage := 0.0
	if m.Listed > 0 {
		perImage = float64(calls) / float64(m.Listed)
	}
	b.WriteString("| Wall time | Listed | Calls by action | Calls per listed image | Throttled | Bound | Ratio |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %.2f s | %d of %d, %d repeated | %s | %.4f | %s | %.2f s | %.2f× (%s) |\n\n", m.Wall.Seconds(), m.Listed, queryImages, m.Repeated,
		byAction(m.ByAction), perImage, byAction(m.Throttled), bound.Seconds(), ratio, verdict)
	fmt.Fprintf(&b, "Bound: %s. Each run's wall time: ", how)
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
