// Command vodbench benchmarks `terraform plan` with N vod_image data sources against the bundled
// VOD emulator under a per-action QPS limit, for the provider with request coalescing (the
// default), with it off (batch_reads = false), and for a baseline provider whose data source does
// nothing. It writes a Markdown report (internal/bench/results.md by default) and prints it.
// See internal/bench/README.md.
//
//	go run ./internal/bench/cmd/vodbench -terraform "$(command -v terraform)"
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

type options struct {
	terraform     string
	runs          int
	smallRuns     int
	sizes         []int
	qps           float64
	out           string
	parallelism32 bool
	kinds         []string
	shape         string
	planTimeout   time.Duration
	keep          bool
	limitCases    []string // limitScenarios IDs to run
	mixed         bool     // run BenchmarkReadsUnderDocumentedLimits
	writeCases    []string // writeCaseIDs to run (writes.go)
	// queryTerraform, a Terraform with terraform query, runs the query case (query.go); "" skips it.
	queryTerraform string
}

func main() {
	var o options
	var sizes, kinds, limitCases, writeCases, only string
	flag.StringVar(&o.terraform, "terraform", "", "terraform or tofu binary (required)")
	flag.StringVar(&o.queryTerraform, "query-terraform", "", "Terraform 1.14 or later: also list 12,000 images with terraform query under the documented limits (query.go)")
	flag.IntVar(&o.runs, "runs", 3, "measured runs per case (the median is reported), after one warm-up run")
	flag.IntVar(&o.smallRuns, "small-runs", 15, "measured runs per case for N ≤ 10, where a plan takes a fraction of a second and a few ms matter (at least -runs)")
	flag.StringVar(&sizes, "sizes", "1,100,1000", "comma-separated numbers of vod_image data sources")
	flag.Float64Var(&o.qps, "qps", 100, "the emulator's per-action rate limit (requests per second)")
	flag.StringVar(&o.out, "out", "internal/bench/results.md", "Markdown results file (\"\" or - to only print)")
	flag.BoolVar(&o.parallelism32, "parallelism32", true, "also run every case at the largest size with -parallelism=32")
	flag.StringVar(&kinds, "cases", "a,b,c", "cases to run: a (coalescing), b (batch_reads = false), c (noop baseline)")
	flag.StringVar(&o.shape, "shape", "count", "how the configuration repeats the data source: count (over a list) or for_each (over toset(list), much slower in Terraform at N=1000)")
	flag.DurationVar(&o.planTimeout, "plan-timeout", 5*time.Minute, "limit for one terraform plan")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binaries, configurations, outputs)")
	flag.StringVar(&limitCases, "limit-cases", "a,b,a2,a4,ids,filter", "cases under VOD's documented per-action limits, "+
		"plans started together against one emulator: a (vod_image ×1000), b (batch_reads = false), a2 and a4 (2 and 4 plans "+
		"of a at once), ids (vod_images with 5,000 ids), filter (vod_images, a filter matching 5,000); \"\" for none")
	flag.BoolVar(&o.mixed, "mixed", true, "measure 1,000 reads under the documented limits using GetImageInfo beside "+
		"GetImageInfos vs GetImageInfos only (BenchmarkReadsUnderDocumentedLimits in internal/vod)")
	flag.StringVar(&writeCases, "write-cases", strings.Join(writeCaseIDs, ","), "write-side cases: create (200 vod_image of 1 MB "+
		"in one apply under the documented limits), plan (1,000 managed vod_image planned with nothing changed, against "+
		"noop_image), rss (the provider's peak RSS for a 200 MB image against a 1 MB one, plan and apply), categories (a "+
		"tree of 300 vod_category created and read back under the documented limits); \"\" for none")
	flag.StringVar(&only, "only", "", "run only these groups, comma-separated: reads (-cases), limits (-limit-cases), mixed (-mixed), "+
		"writes (-write-cases), query (-query-terraform); \"\" for all")
	flag.Parse()

	err := o.parse(sizes, kinds, limitCases)
	if err == nil {
		err = o.parseWrites(writeCases, only)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vodbench:", err)
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "vodbench:", err)
		os.Exit(1)
	}
}

func (o *options) parse(sizes, kinds, limitCases string) error {
	if o.terraform == "" {
		return errors.New("-terraform is required")
	}
	if abs, err := filepath.Abs(o.terraform); err == nil && strings.ContainsRune(o.terraform, os.PathSeparator) {
		o.terraform = abs
	}
	if o.runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a positive number", s)
		}
		if !slices.Contains(o.sizes, n) {
			o.sizes = append(o.sizes, n)
		}
	}
	slices.Sort(o.sizes)
	for _, k := range strings.Split(kinds, ",") {
		if k = strings.TrimSpace(k); k == "" && kinds == "" {
			break // -cases "": none
		}
		if _, ok := kindInfo[k]; !ok {
			return fmt.Errorf("-cases: unknown case %q (a, b or c)", k)
		}
		if !slices.Contains(o.kinds, k) {
			o.kinds = append(o.kinds, k)
		}
	}
	slices.Sort(o.kinds)
	if o.qps <= 0 {
		return errors.New("-qps must be positive")
	}
	known := map[string]bool{}
	for _, sc := range limitScenarios() {
		known[sc.ID] = true
	}
	for _, id := range strings.Split(limitCases, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if !known[id] {
			return fmt.Errorf("-limit-cases: unknown case %q (a, b, a2, a4, ids or filter)", id)
		}
		if !slices.Contains(o.limitCases, id) {
			o.limitCases = append(o.limitCases, id)
		}
	}
	if o.shape != "for_each" && o.shape != "count" {
		return errors.New("-shape must be for_each or count")
	}
	return nil
}

// smallN is the largest N that gets -small-runs measured runs.
const smallN = 10

func (o *options) runsFor(n int) int {
	if n <= smallN {
		return max(o.runs, o.smallRuns)
	}
	return o.runs
}

type arg struct{ Name, Value string }

// kindInfo describes the three cases: which provider, and its extra provider arguments.
var kindInfo = map[string]struct {
	Title, Provider string
	Extra           []arg
}{
	"a": {"vod, coalescing (default)", "vod", nil},
	"b": {"vod, batch_reads = false", "vod", []arg{{"batch_reads", "false"}}},
	"c": {"noop baseline", "noop", nil},
}

type benchCase struct {
	Kind, Title, Provider string
	Extra                 []arg
	N, Parallelism        int    // Parallelism 0: terraform's default (10)
	Skip                  string // why the case was not run
	Warmup                *runResult
	Runs                  []runResult
}

func (c *benchCase) id() string {
	p := "default"
	if c.Parallelism > 0 {
		p = strconv.Itoa(c.Parallelism)
	}
	return fmt.Sprintf("%s-n%d-p%s", c.Kind, c.N, p)
}

func (c *benchCase) label() string {
	p := "default"
	if c.Parallelism > 0 {
		p = strconv.Itoa(c.Parallelism)
	}
	return fmt.Sprintf("(%s) N=%d parallelism=%s", c.Kind, c.N, p)
}

// runResult is one plan and what the emulator and the wrapper saw during it.
type runResult struct {
	planResult
	Calls     int64
	ByAction  map[string]int64
	Throttled int64
	RSSKiB    int64
	Procs     int
	// ProviderCPU is the CPU time of all provider processes of the plan.
	ProviderCPU time.Duration
}

func (r *runResult) failed() bool { return r.ExitCode != 0 }

func cases(o options) []*benchCase {
	var out []*benchCase
	add := func(n, par int) {
		for _, k := range o.kinds {
			info := kindInfo[k]
			out = append(out, &benchCase{Kind: k, Title: info.Title, Provider: info.Provider, Extra: info.Extra, N: n, Parallelism: par})
		}
	}
	for _, n := range o.sizes {
		add(n, 0)
	}
	if o.parallelism32 {
		add(o.sizes[len(o.sizes)-1], 32)
	}
	return out
}

// estimate guesses the seconds one plan takes, for the progress line: Terraform's own cost grows with
// N, and without coalescing every read is a request under the QPS limit.
func estimate(c *benchCase, qps float64) float64 {
	s := 0.3 + 0.003*float64(c.N)
	if c.Kind == "b" {
		s += float64(c.N) / qps
	}
	return s
}

func run(ctx context.Context, o options) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tfVersion := firstLines(commandOutput(root, o.terraform, "version"), 1)
	if tfVersion == "" {
		return fmt.Errorf("%s version: failed; is -terraform a terraform or tofu binary?", o.terraform)
	}
	work, err := os.MkdirTemp("", "vodbench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("keeping", work)
	} else {
		defer func() { _ = os.RemoveAll(work) }()
	}
	bins, err := build(root, filepath.Join(work, "bin"))
	if err != nil {
		return err
	}
	home := filepath.Join(work, "home")
	cliConfig := filepath.Join(work, "terraformrc")
	if err := os.MkdirAll(home, 0o750); err != nil {
		return err
	}
	if err := writeCLIConfig(cliConfig, bins.WrapDirs); err != nil {
		return err
	}
	realBins := map[string]string{"vod": bins.Vod, "noop": bins.Noop}

	all := cases(o)
	// Cases whose extra provider arguments the provider's schema lacks are skipped, saying so.
	if slices.ContainsFunc(all, func(c *benchCase) bool { return len(c.Extra) > 0 }) {
		attrs, err := providerAttributes(o.terraform, filepath.Join(work, "schema"),
			tfEnv(home, cliConfig, bins.Vod, filepath.Join(work, "rss-schema")), "vod")
		if err != nil {
			return err
		}
		for _, c := range all {
			for _, a := range c.Extra {
				if !attrs[a.Name] {
					c.Skip = fmt.Sprintf("the provider's schema has no `%s` argument yet (checked with `terraform providers schema -json`)", a.Name)
				}
			}
		}
	}

	// Cases of one size and parallelism run interleaved, run by run, so that a change in the
	// machine's load during the benchmark falls on all of them alike.
	var groups [][]*benchCase
	var estTotal float64
	plans := 0
	for _, c := range all {
		if c.Skip != "" {
			fmt.Printf("skipping %s: %s\n", c.label(), c.Skip)
			continue
		}
		if n := len(groups); n > 0 && groups[n-1][0].N == c.N && groups[n-1][0].Parallelism == c.Parallelism {
			groups[n-1] = append(groups[n-1], c)
		} else {
			groups = append(groups, []*benchCase{c})
		}
		plans += o.runsFor(c.N) + 1
		estTotal += float64(o.runsFor(c.N)+1) * estimate(c, o.qps)
	}
	for _, sc := range limitScenarios() {
		if slices.Contains(o.limitCases, sc.ID) {
			estTotal += float64(o.runs) * sc.estimate()
		}
	}
	fmt.Printf("%s; %d plans (1 warm-up + %d measured per case, %d for N ≤ %d), %d cases under the documented limits; estimated %s\n",
		tfVersion, plans, o.runs, o.runsFor(1), smallN, len(o.limitCases), fmtDur(time.Duration(estTotal*float64(time.Second))))

	loadStart := loadAverage()
	start := time.Now()
	var estDone float64
	done := 0
	for _, g := range groups {
		for _, c := range g {
			dir := filepath.Join(work, "cases", c.id())
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return err
			}
			if err := writeMain(dir, c, o.shape); err != nil {
				return err
			}
		}
		runs := o.runsFor(g[0].N)
		for i := 0; i <= runs; i++ {
			for _, c := range g {
				dir := filepath.Join(work, "cases", c.id())
				rss := filepath.Join(work, fmt.Sprintf("rss-%s-%d", c.id(), i))
				r, err := runOnce(ctx, o, c, dir, home, cliConfig, realBins[c.Provider], rss)
				if err != nil {
					return err
				}
				if ctx.Err() != nil {
					return errors.New("interrupted: no report written")
				}
				what := "warm-up"
				if i == 0 {
					c.Warmup = &r
				} else {
					c.Runs = append(c.Runs, r)
					what = fmt.Sprintf("run %d/%d", i, runs)
				}
				done++
				estDone += estimate(c, o.qps)
				elapsed := time.Since(start)
				left := time.Duration((estTotal - estDone) * float64(elapsed) / estDone)
				fmt.Printf("[%*d/%d] %s %s: %s | elapsed %s, ~%s left\n", len(strconv.Itoa(plans)), done, plans,
					c.label(), what, describe(c, &r), fmtDur(elapsed), fmtDur(left))
				if r.failed() {
					fmt.Printf("    FAILED (exit %d): %s\n", r.ExitCode, strings.ReplaceAll(r.FirstErr, "\n", "\n    "))
				}
			}
		}
	}

	// The cases under the documented limits, each run -runs times (no warm-up: Terraform and the
	// provider are warm from the cases above, and each run takes seconds).
	var scens []*scenario
	for _, sc := range limitScenarios() {
		if slices.Contains(o.limitCases, sc.ID) {
			scens = append(scens, sc)
		}
	}
	for i := 1; i <= o.runs; i++ {
		for _, sc := range scens {
			if sc.Source != "image" && sc.Unlimited == nil {
				u, err := runScenario(ctx, o, sc, vodemu.RateLimits{}, work, home, cliConfig, bins.Vod, 0)
				if err != nil {
					return err
				}
				sc.Unlimited = &u
				fmt.Printf("[limits] (%s) %s without limits: %s\n", sc.ID, sc.Title, describeScenario(u))
			}
			r, err := runScenario(ctx, o, sc, sc.Limits, work, home, cliConfig, bins.Vod, i)
			if err != nil {
				return err
			}
			if ctx.Err() != nil {
				return errors.New("interrupted: no report written")
			}
			sc.Runs = append(sc.Runs, r)
			fmt.Printf("[limits] (%s) %s run %d/%d: %s | elapsed %s\n", sc.ID, sc.Title, i, o.runs, describeScenario(r), fmtDur(time.Since(start)))
			for _, p := range r.Plans {
				if p.ExitCode != 0 {
					fmt.Printf("    FAILED (exit %d): %s\n", p.ExitCode, strings.ReplaceAll(p.FirstErr, "\n", "\n    "))
					break
				}
			}
		}
	}
	querySection := ""
	if o.queryTerraform != "" {
		if querySection, err = runQueryCase(ctx, o, work, home, cliConfig, bins.Vod, bins.Noop); err != nil {
			return err
		}
	}
	var mixed []mixedResult
	mixedCmd := ""
	if o.mixed {
		fmt.Println("[mixed] go test -bench BenchmarkReadsUnderDocumentedLimits ./internal/vod/")
		if mixed, mixedCmd, err = runMixedBenchmark(ctx, root, o.runs); err != nil {
			return err
		}
	}
	var writes *writeResults
	if len(o.writeCases) > 0 {
		if writes, err = runWrites(ctx, o, work, home, cliConfig, bins, start); err != nil {
			return err
		}
	}

	rep := report{
		scenarios: scens, mixed: mixed, mixedCmd: mixedCmd, writes: writes, loadStart: loadStart, loadEnd: loadAverage(),
		opts: o, cases: all, bins: bins, terraformVersion: tfVersion,
		goVersion: commandOutput(root, "go", "env", "GOVERSION"),
		commit:    commitInfo(root),
		date:      time.Now(),
		duration:  time.Since(start),
	}
	md := rep.markdown() + querySection
	fmt.Println()
	fmt.Print(md)
	if o.out != "" && o.out != "-" {
		md += keptSection(o.out)
		if err := os.WriteFile(o.out, []byte(md), 0o644); err != nil { //nolint:gosec // a report in the repository, for everyone to read
			return err
		}
		fmt.Printf("\nwrote %s\n", o.out)
	}
	return nil
}

// runOnce runs one plan of case c against a fresh emulator, so that its counts are this run's own.
func runOnce(ctx context.Context, o options, c *benchCase, dir, home, cliConfig, realProvider, rssFile string) (runResult, error) {
	var emu *vodemu.Running
	endpoint := ""
	if c.Provider == "vod" {
		var err error
		emu, err = vodemu.Start(vodemu.Options{
			AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret, Region: region,
			Images: images(c.N), QPS: o.qps,
		})
		if err != nil {
			return runResult{}, fmt.Errorf("starting the emulator: %w", err)
		}
		defer func() { _ = emu.Close() }()
		endpoint = emu.URL
	}
	if err := writeProvider(dir, c, endpoint); err != nil {
		return runResult{}, err
	}
	pctx, cancel := context.WithTimeout(ctx, o.planTimeout)
	defer cancel()
	r := runResult{planResult: plan(pctx, o.terraform, dir, tfEnv(home, cliConfig, realProvider, rssFile), c.Parallelism)}
	if emu != nil {
		st := emu.Server.Stats()
		r.Calls, r.ByAction, r.Throttled = st.Requests, st.ByAction, st.ByCode["Throttling.User"]
	}
	r.RSSKiB, r.Procs, r.ProviderCPU = readRSS(rssFile)
	return r, nil
}

func describe(c *benchCase, r *runResult) string {
	s := fmt.Sprintf("%.2f s", r.Wall.Seconds())
	if c.Provider == "vod" {
		s += fmt.Sprintf(", %d calls (%.3f/image), %d throttled", r.Calls, float64(r.Calls)/float64(c.N), r.Throttled)
	}
	s += fmt.Sprintf(", %d errors, peak RSS %s", r.Errors, fmtMB(r.RSSKiB*1024))
	return s
}

// loadAverage is the machine's 1-, 5- and 15-minute load averages, from /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	if f := strings.Fields(string(b)); len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func commitInfo(root string) string {
	rev := commandOutput(root, "git", "rev-parse", "--short=12", "HEAD")
	if rev == "" {
		return "unknown"
	}
	if commandOutput(root, "git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no") != "" {
		rev += " with uncommitted changes"
	}
	return rev
}

func fmtDur(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// fmtMB formats bytes in MB (10^6 bytes), the unit of the targets.
func fmtMB(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MB", float64(b)/1e6)
}

// keptHeading begins the part of the results file that the benchmark does not measure (figures
// measured by hand, each with its date and machine); a new report keeps it.
const keptHeading = "\n## Measured by hand\n"

// keptSection is that part of the file at path, or "" when there is none.
func keptSection(path string) string {
	old, err := os.ReadFile(path) //nolint:gosec // the report's own path, from the command line
	if err != nil {
		return ""
	}
	if i := strings.Index(string(old), keptHeading); i >= 0 {
		return string(old[i:])
	}
	return ""
}

// parseWrites reads -write-cases and -only; -only turns off the groups it does not name.
func (o *options) parseWrites(writeCases, only string) error {
	var err error
	if o.writeCases, err = parseWriteCases(writeCases); err != nil {
		return err
	}
	if only == "" {
		return nil
	}
	groups := map[string]bool{}
	for _, g := range strings.Split(only, ",") {
		g = strings.TrimSpace(g)
		if !slices.Contains([]string{"reads", "limits", "mixed", "writes", "query"}, g) {
			return fmt.Errorf("-only: unknown group %q (reads, limits, mixed, writes or query)", g)
		}
		groups[g] = true
	}
	if !groups["reads"] {
		o.kinds = nil
	}
	if !groups["limits"] {
		o.limitCases = nil
	}
	if !groups["mixed"] {
		o.mixed = false
	}
	if !groups["writes"] {
		o.writeCases = nil
	}
	if !groups["query"] {
		o.queryTerraform = ""
	}
	return nil
}
