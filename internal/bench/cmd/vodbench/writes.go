package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// The write side: vod_image resources created, planned with nothing changed, uploaded and hashed
// at two sizes for the provider's memory, and a tree of vod_category resources created and read
// back. Each is a case of -write-cases; see README.md.

// writeCaseIDs are the cases -write-cases can choose, in the order they run.
var writeCaseIDs = []string{"create", "plan", "rss", "categories"}

// Sizes of the write cases.
const (
	createImages    = 200
	createFileBytes = 1_000_000 // 1 MB each
	planImages      = 1000
	planFileBytes   = 2_000 // small: the resource hashes its file at every plan
	rssSmallBytes   = 1_000_000
	rssLargeBytes   = 200_000_000
)

// categoryLevels is the tree of the categories case: 12 top-level categories, 4 children each, 5
// grandchildren each: 300 categories, the 3 levels VOD allows, each well below its 100
// subcategories (AddCategory's documented limits).
var categoryLevels = [3]int{12, 48, 240}

// writeRun is one terraform command of a write case, and what the emulator and the RSS wrapper
// saw during it.
type writeRun struct {
	planResult
	ByAction  map[string]int64 // RPC calls by action
	Throttled map[string]int64 // Throttling.User answers by action
	OSS       map[string]int64 // OSS requests by operation
	RSSKiB    int64
	Procs     int
	// ProviderCPU is the CPU time of the provider processes.
	ProviderCPU time.Duration
	// NoChanges says the plan reported no changes.
	NoChanges bool
	// FirstCall and LastCall are when the emulator answered the command's first and last API
	// call, from the command's start (0: none): before the first, Terraform and the provider
	// start and plan; after the last, they finish.
	FirstCall, LastCall time.Duration
}

func (r writeRun) calls() int64 {
	var n int64
	for _, v := range r.ByAction {
		n += v
	}
	return n
}

// createCase: createImages vod_image of createFileBytes created in one apply under the documented
// limits, against the same apply of noop_image.
type createCase struct {
	Limits   map[string]float64
	Transfer time.Duration // loopback transfer of the files (loopbackTransfer)
	Vod      []writeRun    // measured applies
	Noop     []writeRun
}

// managedPlanCase: a plan of planImages vod_image with nothing changed, against noop_image.
type managedPlanCase struct {
	QPS             float64
	SetupVod        writeRun // the apply that created them
	SetupNoop       writeRun
	Vod, Noop       []writeRun
	VodWarm, NoWarm *writeRun
}

// rssCase: the provider's peak RSS when one image of each size is planned (hashed) and applied
// (uploaded).
type rssCase struct {
	Sizes []int64
	Plan  map[int64][]writeRun
	Apply map[int64][]writeRun
}

// categoryCase: the tree created in one apply, then read back by a plan, under the documented limits.
type categoryCase struct {
	Limits map[string]float64
	Create []writeRun
	Read   []writeRun
}

// writeResults are the write cases that ran (nil: not run).
type writeResults struct {
	create     *createCase
	plan       *managedPlanCase
	rss        *rssCase
	categories *categoryCase
}

// writer runs the write cases.
type writer struct {
	o               options
	work, home, cli string
	bins            *binaries
	start           time.Time
	clock           *callClock // the running emulator's
}

// callClock is the emulator's request log (one line per RPC request, Options.Logger), reduced to
// the time each line was written.
type callClock struct {
	mu    sync.Mutex
	times []time.Time
}

func (c *callClock) Write(p []byte) (int, error) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.times = append(c.times, now)
	return len(p), nil
}

// span is the first and last request at or after start, from start.
func (c *callClock) span(start time.Time) (first, last time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.times {
		if t.Before(start) {
			continue
		}
		if first == 0 {
			first = t.Sub(start)
		}
		last = t.Sub(start)
	}
	return first, last
}

func (w *writer) real(provider string) string {
	if provider == "noop" {
		return w.bins.Noop
	}
	return w.bins.Vod
}

// command runs terraform with args in dir with provider's wrapper recording into a fresh RSS file,
// and what emu (if any) answered meanwhile.
func (w *writer) command(ctx context.Context, dir, provider string, emu *vodemu.Running, args ...string) writeRun {
	rss := filepath.Join(w.work, fmt.Sprintf("rss-write-%d", time.Now().UnixNano()))
	var before vodemu.Stats
	var thrBefore map[string]int64
	if emu != nil {
		before, thrBefore = emu.Server.Stats(), emu.Server.ThrottledByAction()
	}
	pctx, cancel := context.WithTimeout(ctx, w.o.planTimeout)
	defer cancel()
	start := time.Now()
	r := writeRun{planResult: terraformRun(pctx, w.o.terraform, dir, tfEnv(w.home, w.cli, w.real(provider), rss), args...)}
	if emu != nil {
		r.FirstCall, r.LastCall = w.clock.span(start)
		after := emu.Server.Stats()
		r.ByAction = countsDelta(before.ByAction, after.ByAction)
		r.Throttled = countsDelta(thrBefore, emu.Server.ThrottledByAction())
		r.OSS = countsDelta(before.OSSByOperation, after.OSSByOperation)
	}
	r.RSSKiB, r.Procs, r.ProviderCPU = readRSS(rss)
	r.NoChanges = strings.Contains(r.Output, "No changes.")
	return r
}

// countsDelta is after − before, without zeros.
func countsDelta(before, after map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

var (
	applyArgs = []string{"apply", "-input=false", "-no-color", "-lock=false", "-auto-approve"}
	planArgs  = []string{"plan", "-input=false", "-no-color", "-lock=false", "-refresh=true"}
)

// fresh removes dir's state and saved plan, so that the next apply creates everything anew.
func fresh(dir string) error {
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup", "tfplan"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (w *writer) progress(what string, r writeRun) {
	s := fmt.Sprintf("%.2f s", r.Wall.Seconds())
	if r.ByAction != nil {
		s += ", calls " + byAction(r.ByAction) + ", throttled " + byAction(r.Throttled) +
			fmt.Sprintf(" (from %.2f s to %.2f s)", r.FirstCall.Seconds(), r.LastCall.Seconds())
	}
	s += fmt.Sprintf(", %d errors, peak RSS %s", r.Errors, fmtMB(r.RSSKiB*1024))
	fmt.Printf("[writes] %s: %s | elapsed %s\n", what, s, fmtDur(time.Since(w.start)))
	if r.ExitCode != 0 {
		fmt.Printf("    FAILED (exit %d): %s\n", r.ExitCode, strings.ReplaceAll(r.FirstErr, "\n", "\n    "))
	}
}

func (w *writer) mkdir(name string) (string, error) {
	dir := filepath.Join(w.work, "writes", name)
	return dir, os.MkdirAll(dir, 0o750)
}

// imagesConfig is n resources of provider's _image, each from <files>/img-<i>.png.
func imagesConfig(provider, files string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "terraform {\n  required_providers {\n    %s = { source = \"vodtf/%s\" }\n  }\n}\n\n", provider, provider)
	fmt.Fprintf(&b, "resource \"%s_image\" \"img\" {\n  count      = %d\n  source     = \"%s/img-${count.index}.png\"\n", provider, n, filepath.ToSlash(files))
	b.WriteString("  image_type = \"default\"\n  title      = \"Bench image ${count.index}\"\n  tags       = [\"bench\"]\n}\n")
	return b.String()
}

// categoriesConfig is the tree of categoryLevels: each level's categories split evenly under the
// level above.
func categoriesConfig() string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    vod = { source = \"vodtf/vod\" }\n  }\n}\n\n")
	fmt.Fprintf(&b, "resource \"vod_category\" \"l1\" {\n  count = %d\n  name  = \"bench-${count.index}\"\n}\n", categoryLevels[0])
	for l := 1; l < len(categoryLevels); l++ {
		per := categoryLevels[l] / categoryLevels[l-1]
		fmt.Fprintf(&b, "\nresource \"vod_category\" \"l%d\" {\n  count     = %d\n  name      = \"${vod_category.l%d[floor(count.index / %d)].name}-${count.index %% %d}\"\n"+
			"  parent_id = vod_category.l%d[floor(count.index / %d)].id\n}\n", l+1, categoryLevels[l], l, per, per, l, per)
	}
	return b.String()
}

func writeFile(dir, name, content string) error {
	return os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600)
}

// vodProvider writes the vod provider block for emu: its endpoint, and its OSS endpoint for uploads.
func vodProvider(dir string, emu *vodemu.Running) error {
	return writeProvider(dir, &benchCase{Provider: "vod", Extra: []arg{{"oss_endpoint", strconv.Quote(emu.URL)}}}, emu.URL)
}

func (w *writer) startEmulator(qps float64, byAction map[string]float64) (*vodemu.Running, error) {
	w.clock = &callClock{}
	emu, err := vodemu.Start(vodemu.Options{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret, Region: region,
		QPS: qps, ActionQPS: byAction, Logger: log.New(w.clock, "", 0)})
	if err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	return emu, nil
}

// runWrites runs the chosen write cases.
func runWrites(ctx context.Context, o options, work, home, cliConfig string, bins *binaries, start time.Time) (*writeResults, error) {
	w := &writer{o: o, work: work, home: home, cli: cliConfig, bins: bins, start: start}
	res := &writeResults{}
	var err error
	for _, id := range o.writeCases {
		switch id {
		case "create":
			res.create, err = w.create(ctx)
		case "plan":
			res.plan, err = w.managedPlan(ctx)
		case "rss":
			res.rss, err = w.rss(ctx)
		case "categories":
			res.categories, err = w.categories(ctx)
		}
		if err != nil {
			return nil, fmt.Errorf("write case %s: %w", id, err)
		}
		if ctx.Err() != nil {
			return nil, errors.New("interrupted: no report written")
		}
	}
	return res, nil
}

// create applies createImages new vod_image (and as many noop_image), one warm-up and -runs
// measured applies each, interleaved; each vod apply against a fresh emulator with the documented
// limits, from an empty state.
func (w *writer) create(ctx context.Context) (*createCase, error) {
	files := filepath.Join(w.work, "writes", "files-create")
	paths, err := writeImageFiles(files, createImages, createFileBytes)
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(files) }()
	c := &createCase{Limits: vodemu.DocumentedQPS}
	if c.Transfer, err = loopbackTransfer(ctx, paths, 10, 3); err != nil {
		return nil, fmt.Errorf("loopback transfer: %w", err)
	}
	fmt.Printf("[writes] create: loopback transfer of %d × %s, 10 at a time: %.3f s\n", createImages, fmtMB(createFileBytes), c.Transfer.Seconds())
	dirs := map[string]string{}
	for _, p := range []string{"vod", "noop"} {
		if dirs[p], err = w.mkdir("create-" + p); err != nil {
			return nil, err
		}
		if err := writeFile(dirs[p], "main.tf", imagesConfig(p, files, createImages)); err != nil {
			return nil, err
		}
	}
	if err := writeFile(dirs["noop"], "provider.tf", "provider \"noop\" {}\n"); err != nil {
		return nil, err
	}
	for i := 0; i <= w.o.runs; i++ {
		what := "warm-up"
		if i > 0 {
			what = fmt.Sprintf("run %d/%d", i, w.o.runs)
		}
		emu, err := w.startEmulator(0, c.Limits)
		if err != nil {
			return nil, err
		}
		if err := vodProvider(dirs["vod"], emu); err != nil {
			_ = emu.Close()
			return nil, err
		}
		if err := fresh(dirs["vod"]); err != nil {
			_ = emu.Close()
			return nil, err
		}
		r := w.command(ctx, dirs["vod"], "vod", emu, applyArgs...)
		_ = emu.Close()
		w.progress(fmt.Sprintf("create %d vod_image %s", createImages, what), r)
		if err := fresh(dirs["noop"]); err != nil {
			return nil, err
		}
		n := w.command(ctx, dirs["noop"], "noop", nil, applyArgs...)
		w.progress(fmt.Sprintf("create %d noop_image %s", createImages, what), n)
		if i > 0 {
			c.Vod, c.Noop = append(c.Vod, r), append(c.Noop, n)
		}
		if ctx.Err() != nil {
			return c, nil
		}
	}
	return c, nil
}

// managedPlan creates planImages vod_image (and noop_image) once, then plans them with nothing
// changed: one warm-up and -runs measured plans each, interleaved, against one emulator with -qps
// per action, whose counts are taken before and after each plan.
func (w *writer) managedPlan(ctx context.Context) (*managedPlanCase, error) {
	files := filepath.Join(w.work, "writes", "files-plan")
	if _, err := writeImageFiles(files, planImages, planFileBytes); err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(files) }()
	c := &managedPlanCase{QPS: w.o.qps}
	emu, err := w.startEmulator(w.o.qps, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = emu.Close() }()
	dirs := map[string]string{}
	for _, p := range []string{"vod", "noop"} {
		if dirs[p], err = w.mkdir("plan-" + p); err != nil {
			return nil, err
		}
		if err := writeFile(dirs[p], "main.tf", imagesConfig(p, files, planImages)); err != nil {
			return nil, err
		}
	}
	if err := vodProvider(dirs["vod"], emu); err != nil {
		return nil, err
	}
	if err := writeFile(dirs["noop"], "provider.tf", "provider \"noop\" {}\n"); err != nil {
		return nil, err
	}
	c.SetupVod = w.command(ctx, dirs["vod"], "vod", emu, applyArgs...)
	w.progress(fmt.Sprintf("plan: creating %d vod_image (setup)", planImages), c.SetupVod)
	c.SetupNoop = w.command(ctx, dirs["noop"], "noop", nil, applyArgs...)
	w.progress(fmt.Sprintf("plan: creating %d noop_image (setup)", planImages), c.SetupNoop)
	if c.SetupVod.ExitCode != 0 || c.SetupNoop.ExitCode != 0 {
		return c, nil // the report says the setup failed
	}
	for i := 0; i <= w.o.runs && ctx.Err() == nil; i++ {
		what := "warm-up"
		if i > 0 {
			what = fmt.Sprintf("run %d/%d", i, w.o.runs)
		}
		r := w.command(ctx, dirs["vod"], "vod", emu, planArgs...)
		w.progress(fmt.Sprintf("plan %d vod_image, nothing changed, %s", planImages, what), r)
		n := w.command(ctx, dirs["noop"], "noop", nil, planArgs...)
		w.progress(fmt.Sprintf("plan %d noop_image, nothing changed, %s", planImages, what), n)
		if i == 0 {
			c.VodWarm, c.NoWarm = &r, &n
		} else {
			c.Vod, c.Noop = append(c.Vod, r), append(c.Noop, n)
		}
	}
	return c, nil
}

// rss plans (saving the plan) and applies one vod_image of each size, -runs times, each against a
// fresh emulator with -qps per action, and records the provider's peak RSS in each command: the
// plan hashes the file, the apply hashes it again and uploads it.
func (w *writer) rss(ctx context.Context) (*rssCase, error) {
	c := &rssCase{Sizes: []int64{rssSmallBytes, rssLargeBytes}, Plan: map[int64][]writeRun{}, Apply: map[int64][]writeRun{}}
	files := filepath.Join(w.work, "writes", "files-rss")
	if err := os.MkdirAll(files, 0o750); err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(files) }()
	for _, size := range c.Sizes {
		fdir := filepath.Join(files, strconv.FormatInt(size, 10))
		if _, err := writeImageFiles(fdir, 1, size); err != nil {
			return nil, err
		}
		dir, err := w.mkdir(fmt.Sprintf("rss-%d", size))
		if err != nil {
			return nil, err
		}
		if err := writeFile(dir, "main.tf", imagesConfig("vod", fdir, 1)); err != nil {
			return nil, err
		}
		for i := 1; i <= w.o.runs && ctx.Err() == nil; i++ {
			emu, err := w.startEmulator(w.o.qps, nil)
			if err != nil {
				return nil, err
			}
			if err = vodProvider(dir, emu); err == nil {
				err = fresh(dir)
			}
			if err != nil {
				_ = emu.Close()
				return nil, err
			}
			p := w.command(ctx, dir, "vod", emu, append(slices.Clone(planArgs), "-out=tfplan")...)
			w.progress(fmt.Sprintf("rss: plan of one %s image, run %d/%d", fmtMB(size), i, w.o.runs), p)
			a := w.command(ctx, dir, "vod", emu, "apply", "-input=false", "-no-color", "-lock=false", "tfplan")
			_ = emu.Close()
			w.progress(fmt.Sprintf("rss: apply (upload) of one %s image, run %d/%d", fmtMB(size), i, w.o.runs), a)
			c.Plan[size], c.Apply[size] = append(c.Plan[size], p), append(c.Apply[size], a)
		}
		if err := os.RemoveAll(fdir); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// categories applies the tree of categoryLevels and then plans it (the read back), -runs times,
// each against a fresh emulator with the documented limits.
func (w *writer) categories(ctx context.Context) (*categoryCase, error) {
	c := &categoryCase{Limits: vodemu.DocumentedQPS}
	dir, err := w.mkdir("categories")
	if err != nil {
		return nil, err
	}
	if err := writeFile(dir, "main.tf", categoriesConfig()); err != nil {
		return nil, err
	}
	for i := 1; i <= w.o.runs && ctx.Err() == nil; i++ {
		emu, err := w.startEmulator(0, c.Limits)
		if err != nil {
			return nil, err
		}
		if err = vodProvider(dir, emu); err == nil {
			err = fresh(dir)
		}
		if err != nil {
			_ = emu.Close()
			return nil, err
		}
		cr := w.command(ctx, dir, "vod", emu, applyArgs...)
		w.progress(fmt.Sprintf("categories: create %d, run %d/%d", categoryCount(), i, w.o.runs), cr)
		rd := w.command(ctx, dir, "vod", emu, planArgs...)
		_ = emu.Close()
		w.progress(fmt.Sprintf("categories: read back (plan), run %d/%d", i, w.o.runs), rd)
		c.Create, c.Read = append(c.Create, cr), append(c.Read, rd)
	}
	return c, nil
}

func categoryCount() int {
	n := 0
	for _, l := range categoryLevels {
		n += l
	}
	return n
}

// parseWriteCases reads -write-cases.
func parseWriteCases(s string) ([]string, error) {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if !slices.Contains(writeCaseIDs, id) {
			return nil, fmt.Errorf("-write-cases: unknown case %q (%s)", id, strings.Join(writeCaseIDs, ", "))
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	// In writeCaseIDs' order.
	slices.SortFunc(out, func(a, b string) int { return slices.Index(writeCaseIDs, a) - slices.Index(writeCaseIDs, b) })
	return out, nil
}

// limitsNamed formats the limits of the named actions, e.g. "AddCategory 30/s, GetCategories 50/s".
func limitsNamed(limits map[string]float64, actions ...string) string {
	parts := make([]string, 0, len(actions))
	for _, a := range actions {
		parts = append(parts, fmt.Sprintf("%s %s/s", a, fmtNum(limits[a])))
	}
	return strings.Join(parts, ", ")
}

// sortedKeys is m's keys in order (for stable output).
func sortedKeys[V any](m map[int64]V) []int64 { return slices.Sorted(maps.Keys(m)) }
