package main

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// scenario is a case under per-action rate limits: one or more plans started together against one
// emulator, so that they share its limits as plans of one account share the account's.
type scenario struct {
	ID, Title string
	// Source is "image" (N vod_image data sources repeated with count), "ids" (one vod_images with N
	// ids) or "filter" (one vod_images whose filter matches N images).
	Source string
	Extra  []arg // provider arguments
	N      int
	Plans  int
	Limits vodemu.RateLimits
	Runs   []scenarioRun
	// Unlimited is one run of the same plans against an emulator without limits (vod_images
	// only): what the plan costs besides waiting for the limits.
	Unlimited *scenarioRun
}

// scenarioRun is one run of a scenario: its plans and what the emulator saw during them.
type scenarioRun struct {
	Wall      time.Duration // from the start of the plans to the end of the last
	Plans     []planResult
	ByAction  map[string]int64
	Throttled map[string]int64 // Throttling.User answers by action
}

func (r scenarioRun) errors() int {
	n := 0
	for _, p := range r.Plans {
		n += p.Errors
	}
	return n
}

func (r scenarioRun) failedPlans() int {
	n := 0
	for _, p := range r.Plans {
		if p.ExitCode != 0 {
			n++
		}
	}
	return n
}

// limitScenarios are the scenarios -limit-cases can choose, all under VOD's documented limits.
func limitScenarios() []*scenario {
	doc := vodemu.RateLimits{ByAction: vodemu.DocumentedQPS}
	return []*scenario{
		{ID: "a", Title: "vod_image, coalescing (default)", Source: "image", N: 1000, Plans: 1, Limits: doc},
		{ID: "b", Title: "vod_image, batch_reads = false", Source: "image", Extra: []arg{{"batch_reads", "false"}}, N: 1000, Plans: 1, Limits: doc},
		{ID: "a2", Title: "vod_image, coalescing, 2 plans at once", Source: "image", N: 1000, Plans: 2, Limits: doc},
		{ID: "a4", Title: "vod_image, coalescing, 4 plans at once", Source: "image", N: 1000, Plans: 4, Limits: doc},
		{ID: "ids", Title: "vod_images, 5,000 `ids`", Source: "ids", N: 5000, Plans: 1, Limits: doc},
		{ID: "filter", Title: "vod_images, `filter` matching 5,000", Source: "filter", N: 5000, Plans: 1, Limits: doc},
	}
}

func (s *scenario) qps(action string) float64 {
	if q, ok := s.Limits.ByAction[action]; ok {
		return q
	}
	return s.Limits.QPS
}

func (s *scenario) batching() bool { return !slices.Contains(s.Extra, arg{"batch_reads", "false"}) }

// bound is the lower bound on the wall time that the limits imply, and how it is computed. Every
// bucket starts full (one second's worth), so the first second's worth of calls costs nothing;
// the rest goes at the sum of what each action can carry per second: GetImageInfo one image per
// call, GetImageInfos as many as a batch holds (at Terraform's default -parallelism of 10, at most
// 10 reads are waiting to be batched; vod_images sends 20). floor, if > 0, is a bound of its own
// (the no-op baseline plan), and the larger one is returned.
func (s *scenario) bound(floor time.Duration) (time.Duration, string) {
	info, infos, search := s.qps("GetImageInfo"), s.qps("GetImageInfos"), s.qps("SearchMedia")
	if info <= 0 || infos <= 0 || search <= 0 {
		return 0, "no bound: an action without a limit"
	}
	reads := float64(s.N * s.Plans)
	var perSecond float64
	var how string
	switch {
	case s.Source == "image" && s.batching():
		perSecond = info + infos*10
		how = fmt.Sprintf("%d reads at %s/s (GetImageInfo) + %s/s × 10 (GetImageInfos, batches of -parallelism)",
			int(reads), fmtNum(info), fmtNum(infos))
	case s.Source == "image":
		perSecond = info
		how = fmt.Sprintf("%d reads at %s/s (GetImageInfo)", int(reads), fmtNum(info))
	default:
		perSecond = info + infos*20
		how = fmt.Sprintf("%d reads at %s/s (GetImageInfo) + %s/s × 20 (GetImageInfos)", int(reads), fmtNum(info), fmtNum(infos))
	}
	secs := max(0, reads-perSecond) / perSecond
	how += fmt.Sprintf(", less the first second's %s: %.2f s", fmtNum(perSecond), secs)
	if s.Source == "filter" {
		pages := math.Ceil(float64(s.N) / 100)
		searchSecs := max(0, pages-search) / search
		secs += searchSecs
		how = fmt.Sprintf("%d SearchMedia pages at %s/s less the first second's: %.2f s; then ", int(pages), fmtNum(search), searchSecs) + how
	}
	b := time.Duration(secs * float64(time.Second))
	if floor > b {
		return floor, how + fmt.Sprintf("; the no-op baseline's %.2f s is larger", floor.Seconds())
	}
	return b, how
}

// estimate guesses a scenario run's seconds, for the progress line.
func (s *scenario) estimate() float64 {
	b, _ := s.bound(0)
	return 1 + 1.3*b.Seconds() + 0.002*float64(s.N*s.Plans)
}

// writeScenario writes plan i's configuration of s into dir.
func writeScenario(dir string, s *scenario, endpoint string) error {
	c := &benchCase{Kind: s.ID, Provider: "vod", Extra: s.Extra, N: s.N}
	if err := writeProvider(dir, c, endpoint); err != nil {
		return err
	}
	if s.Source == "image" {
		return writeMain(dir, c, "count")
	}
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    vod = { source = \"vodtf/vod\" }\n  }\n}\n\n")
	b.WriteString("data \"vod_images\" \"all\" {\n")
	if s.Source == "ids" {
		b.WriteString("  ids = [\n")
		for i := range s.N {
			fmt.Fprintf(&b, "    %q,\n", imageID(i))
		}
		b.WriteString("  ]\n")
	} else {
		b.WriteString("  filter {\n    tags = [\"bench\"]\n  }\n") // every fixture image has the tag
	}
	b.WriteString("  output_type = \"cdn\"\n}\n\noutput \"images\" {\n  value = length(data.vod_images.all.images)\n}\n")
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o600)
}

// runScenario runs s's plans together against one fresh emulator with limits.
func runScenario(ctx context.Context, o options, s *scenario, limits vodemu.RateLimits, work, home, cliConfig, provider string, run int) (scenarioRun, error) {
	emu, err := vodemu.Start(vodemu.Options{
		AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret, Region: region,
		Images: images(s.N), QPS: limits.QPS, ActionQPS: limits.ByAction,
	})
	if err != nil {
		return scenarioRun{}, fmt.Errorf("starting the emulator: %w", err)
	}
	defer func() { _ = emu.Close() }()
	dirs := make([]string, s.Plans)
	for i := range dirs {
		dirs[i] = filepath.Join(work, "limits", fmt.Sprintf("%s-plan%d", s.ID, i+1))
		if err := os.MkdirAll(dirs[i], 0o750); err != nil {
			return scenarioRun{}, err
		}
		if err := writeScenario(dirs[i], s, emu.URL); err != nil {
			return scenarioRun{}, err
		}
	}
	pctx, cancel := context.WithTimeout(ctx, o.planTimeout)
	defer cancel()
	r := scenarioRun{Plans: make([]planResult, s.Plans)}
	var wg sync.WaitGroup
	start := time.Now()
	for i, dir := range dirs {
		rss := filepath.Join(work, fmt.Sprintf("rss-limits-%s-%d-%d", s.ID, run, i))
		wg.Go(func() { r.Plans[i] = plan(pctx, o.terraform, dir, tfEnv(home, cliConfig, provider, rss), 0) })
	}
	wg.Wait()
	r.Wall = time.Since(start)
	r.ByAction = emu.Server.Stats().ByAction
	r.Throttled = emu.Server.ThrottledByAction()
	return r, nil
}

func describeScenario(r scenarioRun) string {
	return fmt.Sprintf("%.2f s, calls %s, throttled %s, %d errors in %d plans", r.Wall.Seconds(),
		byAction(r.ByAction), byAction(r.Throttled), r.errors(), len(r.Plans))
}

// byAction formats counts by action, e.g. "GetImageInfo 12, GetImageInfos 50", or "0".
func byAction(m map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] > 0 {
			name := k
			if name == "" {
				name = "(none)"
			}
			parts = append(parts, fmt.Sprintf("%s %d", name, m[k]))
		}
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, ", ")
}

func scenarioWall(s *scenario) time.Duration {
	ds := make([]float64, len(s.Runs))
	for i, r := range s.Runs {
		ds[i] = float64(r.Wall)
	}
	return time.Duration(median(ds))
}

// mixedResult is one line of BenchmarkReadsUnderDocumentedLimits (internal/vod): the measurement
// of what using GetImageInfo beside GetImageInfos gains.
type mixedResult struct {
	Name    string
	Metrics map[string]float64
}

// runMixedBenchmark runs BenchmarkReadsUnderDocumentedLimits once per sub-benchmark and parses it.
func runMixedBenchmark(ctx context.Context, root string, runs int) ([]mixedResult, string, error) {
	args := []string{"test", "-run", "^$", "-bench", "^BenchmarkReadsUnderDocumentedLimits$", "-benchtime", "1x",
		"-count", strconv.Itoa(runs), "./internal/vod/"}
	cmd := exec.CommandContext(ctx, "go", args...) //nolint:gosec // go test of our own package, fixed arguments
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	command := "go " + strings.Join(args, " ")
	if err != nil {
		return nil, command, fmt.Errorf("%s: %w\n%s", command, err, lastLines(string(out), 10))
	}
	return parseMixed(string(out)), command, nil
}

// parseMixed reads go test -bench output: per sub-benchmark of BenchmarkReadsUnderDocumentedLimits,
// the median of each metric over its lines.
func parseMixed(out string) []mixedResult {
	byName := map[string]map[string][]float64{}
	var order []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkReadsUnderDocumentedLimits/") {
			continue
		}
		name := strings.TrimPrefix(f[0], "BenchmarkReadsUnderDocumentedLimits/")
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i] // GOMAXPROCS suffix
		}
		if byName[name] == nil {
			byName[name] = map[string][]float64{}
			order = append(order, name)
		}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				byName[name][f[i+1]] = append(byName[name][f[i+1]], v)
			}
		}
	}
	var res []mixedResult
	for _, name := range order {
		m := map[string]float64{}
		for unit, vs := range byName[name] {
			m[unit] = median(vs)
		}
		res = append(res, mixedResult{Name: name, Metrics: m})
	}
	return res
}
