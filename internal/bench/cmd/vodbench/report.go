package main

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

type report struct {
	scenarios          []*scenario
	mixed              []mixedResult
	mixedCmd           string
	writes             *writeResults
	loadStart, loadEnd string
	opts               options
	cases              []*benchCase
	bins               *binaries
	terraformVersion   string
	goVersion          string
	commit             string
	date               time.Time
	duration           time.Duration
}

func (rp *report) markdown() string {
	o := rp.opts
	var b strings.Builder
	b.WriteString("# vod_image plan benchmark\n\n")
	b.WriteString("Written by `make bench` (internal/bench/cmd/vodbench); see [README.md](README.md) for what the cases mean.\n\n")
	fmt.Fprintf(&b, "- Date: %s (the run took %s)\n", rp.date.UTC().Format("2006-01-02 15:04 MST"), fmtDur(rp.duration))
	fmt.Fprintf(&b, "- Machine: %s/%s, %d CPUs (nproc)%s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel())
	fmt.Fprintf(&b, "- Go: %s; Terraform: %s; commit %s\n", rp.goVersion, rp.terraformVersion, rp.commit)
	fmt.Fprintf(&b, "- Command: `%s`\n", rp.command())
	fmt.Fprintf(&b, "- Emulator: in process, a fresh one per plan, %s requests per second per action; "+
		"wall time is the median of %d plans (%d for N ≤ %d) after one warm-up plan, the cases of one N and "+
		"-parallelism interleaved; data sources repeated with `%s`\n",
		fmtNum(o.qps), o.runs, o.runsFor(1), smallN, o.shape)
	fmt.Fprintf(&b, "- Provider binary: %s built with `-trimpath`, %s stripped (`-trimpath -ldflags \"-s -w\"`)\n",
		fmtMB(rp.bins.VodSize), fmtMB(rp.bins.VodStrip))
	fmt.Fprintf(&b, "- Load average (1, 5, 15 min) at the start: %s; at the end: %s%s\n\n", rp.loadStart, rp.loadEnd,
		loadNote(rp.loadStart, rp.loadEnd, runtime.NumCPU()))

	if len(rp.cases) > 0 {
		b.WriteString("| Case | N | -parallelism | Wall time (median) | Each run (s) | API calls | API calls / image | Throttling.User | Failed reads | Provider peak RSS | CPU time (median): all / provider | Result |\n")
		b.WriteString("|---|--:|--:|--:|---|---|--:|---|---|--:|--:|---|\n")
		for _, c := range rp.cases {
			par := "10 (default)"
			if c.Parallelism > 0 {
				par = strconv.Itoa(c.Parallelism)
			}
			if c.Skip != "" {
				fmt.Fprintf(&b, "| (%s) %s | %d | %s | | | | | | | | | skipped: see notes |\n", c.Kind, c.Title, c.N, par)
				continue
			}
			walls := make([]string, len(c.Runs))
			for i, r := range c.Runs {
				walls[i] = fmt.Sprintf("%.3f", r.Wall.Seconds())
			}
			if len(walls) > 5 {
				lo, hi := slices.MinFunc(c.Runs, byWall), slices.MaxFunc(c.Runs, byWall)
				walls = []string{fmt.Sprintf("%d runs, %.3f–%.3f", len(c.Runs), lo.Wall.Seconds(), hi.Wall.Seconds())}
			}
			calls, perImage, throttled := "–", "–", "–"
			if c.Provider == "vod" {
				calls = perRun(c.Runs, func(r runResult) int64 { return r.Calls }) + actions(c)
				perImage = fmt.Sprintf("%.3f", medianCalls(c)/float64(c.N))
				throttled = perRun(c.Runs, func(r runResult) int64 { return r.Throttled })
			}
			failedReads := perRun(c.Runs, func(r runResult) int64 { return int64(r.Errors) })
			result := "ok"
			if n := failedRuns(c); n > 0 {
				result = fmt.Sprintf("**FAILED** (%d of %d runs)", n, len(c.Runs))
			}
			cpu := fmt.Sprintf("%.2f / %.2f s",
				medianDur(c.Runs, func(r runResult) time.Duration { return r.CPU }).Seconds(),
				medianDur(c.Runs, func(r runResult) time.Duration { return r.ProviderCPU }).Seconds())
			fmt.Fprintf(&b, "| (%s) %s | %d | %s | %.3f s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				c.Kind, c.Title, c.N, par, medianWall(c).Seconds(), strings.Join(walls, ", "), calls, perImage,
				throttled, failedReads, fmtMB(peakRSS(c)*1024), cpu, result)
		}
		b.WriteString("\nAPI calls, Throttling.User answers and failed reads (`Error:` diagnostics) show one value when " +
			"every run had it, else each run's; the calls by action are the last run's. Peak RSS is the largest of any provider process over the measured runs " +
			"(MB = 10^6 bytes). CPU time is user + system time per plan: all = terraform and every process it waited for (providers, " +
			"wrappers), provider = the provider processes alone; on 2 CPUs a plan cannot take less wall time than about all / 2.\n\n")
	}

	rp.limitsSection(&b)
	rp.writesSection(&b)

	b.WriteString("## Targets\n\n| Target | Measured | Met? |\n|---|---|---|\n")
	for _, t := range rp.targets() {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.target, t.measured, t.met)
	}

	var notes []string
	for _, c := range rp.cases {
		if c.Skip != "" {
			notes = append(notes, fmt.Sprintf("%s skipped: %s.", c.label(), c.Skip))
		}
	}
	for _, c := range rp.cases {
		for i, r := range c.Runs {
			if r.failed() {
				notes = append(notes, fmt.Sprintf("%s run %d failed (exit %d):\n\n  ```\n  %s\n  ```",
					c.label(), i+1, r.ExitCode, strings.ReplaceAll(r.FirstErr, "\n", "\n  ")))
				break // the first failed run of a case is enough
			}
		}
	}
	for _, sc := range rp.scenarios {
		for i, r := range sc.Runs {
			if j := slices.IndexFunc(r.Plans, func(p planResult) bool { return p.ExitCode != 0 }); j >= 0 {
				notes = append(notes, fmt.Sprintf("limits (%s) run %d, plan %d failed (exit %d):\n\n  ```\n  %s\n  ```",
					sc.ID, i+1, j+1, r.Plans[j].ExitCode, strings.ReplaceAll(r.Plans[j].FirstErr, "\n", "\n  ")))
				break
			}
		}
	}
	notes = append(notes, rp.writeNotes()...)
	if procs := processCounts(rp.cases); procs != "" {
		notes = append(notes, "Provider processes Terraform started per plan: "+procs+".")
	}
	if len(notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range notes {
			b.WriteString("- " + n + "\n")
		}
	}
	return b.String()
}

func (rp *report) command() string {
	args := []string{"go", "run", "./internal/bench/cmd/vodbench"}
	for _, a := range os.Args[1:] {
		if a == "" || strings.ContainsAny(a, " \t'\"$`\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		args = append(args, a)
	}
	return strings.Join(args, " ")
}

type targetRow struct{ target, measured, met string }

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func (rp *report) find(kind string, n, par int) *benchCase {
	for _, c := range rp.cases {
		if c.Kind == kind && c.N == n && c.Parallelism == par {
			return c
		}
	}
	return nil
}

// usable is a case that ran without a failed run.
func usable(c *benchCase) bool {
	return c != nil && c.Skip == "" && len(c.Runs) > 0 && failedRuns(c) == 0
}

// why says why a case cannot be measured against a target.
func why(c *benchCase, desc string) string {
	switch {
	case c == nil:
		return "not measured: " + desc + " not run"
	case c.Skip != "":
		return "not measured: " + desc + " skipped"
	default:
		return "not measured: " + desc + " failed"
	}
}

func (rp *report) targets() []targetRow {
	var rows []targetRow
	// The rows of the read cases (-cases) only when some ran; the others whenever their cases did.
	reads := len(rp.cases) > 0
	add := func(target, measured, met string) {
		if reads {
			rows = append(rows, targetRow{target, measured, met})
		}
	}
	const big = 1000
	a, b, c := rp.find("a", big, 0), rp.find("b", big, 0), rp.find("c", big, 0)
	a32 := rp.find("a", big, 32)
	qps := fmtNum(rp.opts.qps)

	t := "N=1000, default parallelism: (a) zero failed reads"
	if a != nil && a.Skip == "" && len(a.Runs) > 0 {
		worst := slices.Max(perRunValues(a.Runs, func(r runResult) int64 { return int64(r.Errors) }))
		m := fmt.Sprintf("%d failed reads in the worst run", worst)
		if f := failedRuns(a); f > 0 {
			m += fmt.Sprintf("; %d of %d plans failed", f, len(a.Runs))
		}
		add(t, m, yes(worst == 0 && failedRuns(a) == 0))
	} else {
		add(t, why(a, "(a) N=1000"), "–")
	}

	for _, x := range []struct {
		c       *benchCase
		limit   float64
		t, desc string
	}{
		{a, 0.1, "N=1000, default parallelism: (a) ≤ 0.1 API calls per image", "(a) N=1000"},
		{a32, 0.05, "N=1000, -parallelism=32: (a) ≤ 0.05 API calls per image", "(a) N=1000 -parallelism=32"},
	} {
		if usable(x.c) {
			v := medianCalls(x.c) / float64(x.c.N)
			add(x.t, fmt.Sprintf("%.3f (%s calls)", v, fmtNum(medianCalls(x.c))), yes(v <= x.limit))
		} else {
			add(x.t, why(x.c, x.desc), "–")
		}
	}

	t = "N=1000: (a) plan wall time within 1.3× of the baseline (c)"
	if usable(a) && usable(c) {
		r := medianWall(a).Seconds() / medianWall(c).Seconds()
		add(t, fmt.Sprintf("%.2f s vs %.2f s: %.2f×", medianWall(a).Seconds(), medianWall(c).Seconds(), r), yes(r <= 1.3))
	} else if !usable(a) {
		add(t, why(a, "(a) N=1000"), "–")
	} else {
		add(t, why(c, "(c) N=1000"), "–")
	}

	t = "N=1000 under " + qps + " QPS: (a) ≥ 5× faster than (b)"
	if usable(a) && b != nil && b.Skip == "" && len(b.Runs) > 0 {
		// A failed (b) plan still read every image it could before it gave up: its time counts.
		r := medianWall(b).Seconds() / medianWall(a).Seconds()
		m := fmt.Sprintf("(b) %.2f s / (a) %.2f s = %.1f×", medianWall(b).Seconds(), medianWall(a).Seconds(), r)
		if f := failedRuns(b); f > 0 {
			m += fmt.Sprintf("; (b) failed in %d of %d plans", f, len(b.Runs))
		}
		add(t, m, yes(r >= 5))
	} else if !usable(a) {
		add(t, why(a, "(a) N=1000"), "–")
	} else {
		add(t, why(b, "(b) N=1000"), "–")
	}

	t = "N=1: (a) no slower than (b) by more than 5 ms"
	a1, b1 := rp.find("a", 1, 0), rp.find("b", 1, 0)
	if usable(a1) && usable(b1) {
		d := medianWall(a1) - medianWall(b1)
		add(t, fmt.Sprintf("(a) − (b) = %+.1f ms (%.3f s vs %.3f s)", float64(d)/1e6, medianWall(a1).Seconds(), medianWall(b1).Seconds()),
			yes(d <= 5*time.Millisecond))
	} else if !usable(a1) {
		add(t, why(a1, "(a) N=1"), "–")
	} else {
		add(t, why(b1, "(b) N=1"), "–")
	}

	t = "N=1000: provider peak RSS < 80 MB"
	var rss int64
	var measured []string
	for _, x := range []*benchCase{a, a32, b, rp.find("b", big, 32)} {
		if x != nil && x.Skip == "" && peakRSS(x) > 0 {
			rss = max(rss, peakRSS(x))
			p := ""
			if x.Parallelism > 0 {
				p = " -parallelism=32"
			}
			measured = append(measured, fmt.Sprintf("(%s)%s %s", x.Kind, p, fmtMB(peakRSS(x)*1024)))
		}
	}
	if rss > 0 {
		if base := rp.find("c", big, 0); base != nil && peakRSS(base) > 0 {
			measured = append(measured, fmt.Sprintf("baseline (c) %s", fmtMB(peakRSS(base)*1024)))
		}
		add(t, strings.Join(measured, ", "), yes(rss*1024 < 80e6))
	} else {
		add(t, "not measured: no N=1000 run of the vod provider", "–")
	}

	add("Stripped provider binary < 40 MB", fmtMB(rp.bins.VodStrip), yes(rp.bins.VodStrip < 40e6))

	t = "N=1000 under " + qps + " QPS: (b) zero failed reads"
	if b != nil && b.Skip == "" && len(b.Runs) > 0 {
		worst := slices.Max(perRunValues(b.Runs, func(r runResult) int64 { return int64(r.Errors) }))
		add(t, fmt.Sprintf("%d failed reads in the worst run, %d of %d plans failed", worst, failedRuns(b), len(b.Runs)),
			yes(worst == 0 && failedRuns(b) == 0))
	} else {
		add(t, why(b, "(b) N=1000"), "–")
	}
	floor := rp.baseline()
	reads = true
	for _, sc := range rp.scenarios {
		if len(sc.Runs) == 0 {
			continue
		}
		worst, failed := 0, 0
		for _, r := range sc.Runs {
			worst = max(worst, r.errors())
			failed += r.failedPlans()
		}
		plans := "the plan"
		if sc.Plans > 1 {
			plans = "every plan"
		}
		add(fmt.Sprintf("Documented limits, (%s) %s: zero failed reads in %s", sc.ID, sc.Title, plans),
			fmt.Sprintf("%d failed reads in the worst run; %d of %d plans failed", worst, failed, len(sc.Runs)*sc.Plans),
			yes(worst == 0 && failed == 0))
		if sc.ID == "a" {
			bound, _ := sc.bound(rp.floorFor(sc, floor))
			if bound > 0 {
				r := scenarioWall(sc).Seconds() / bound.Seconds()
				add("Documented limits, (a) N=1000, default parallelism: wall time within 1.25× of the lower bound the limits imply",
					fmt.Sprintf("%.2f s vs %.2f s: %.2f×", scenarioWall(sc).Seconds(), bound.Seconds(), r), yes(r <= 1.25))
			}
		}
	}
	if len(rp.mixed) == 2 {
		both, only := rp.mixed[0].Metrics["s/1000-reads"], rp.mixed[1].Metrics["s/1000-reads"]
		add("Documented limits: GetImageInfo beside GetImageInfos finishes 1,000 reads sooner than GetImageInfos alone",
			fmt.Sprintf("%.2f s vs %.2f s: %.2f× sooner", both, only, only/both), yes(both < only))
	}
	return append(rows, rp.writeTargets()...)
}

func byWall(x, y runResult) int { return cmp.Compare(x.Wall, y.Wall) }

func failedRuns(c *benchCase) int {
	n := 0
	for _, r := range c.Runs {
		if r.failed() {
			n++
		}
	}
	return n
}

func medianWall(c *benchCase) time.Duration {
	ds := make([]float64, len(c.Runs))
	for i, r := range c.Runs {
		ds[i] = float64(r.Wall)
	}
	return time.Duration(median(ds))
}

func medianCalls(c *benchCase) float64 {
	vs := perRunValues(c.Runs, func(r runResult) int64 { return r.Calls })
	fs := make([]float64, len(vs))
	for i, v := range vs {
		fs[i] = float64(v)
	}
	return median(fs)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianDur(runs []runResult, f func(runResult) time.Duration) time.Duration {
	xs := make([]float64, len(runs))
	for i, r := range runs {
		xs[i] = float64(f(r))
	}
	return time.Duration(median(xs))
}

func peakRSS(c *benchCase) int64 {
	var m int64
	for _, r := range c.Runs {
		m = max(m, r.RSSKiB)
	}
	return m
}

func perRunValues(runs []runResult, f func(runResult) int64) []int64 {
	out := make([]int64, len(runs))
	for i, r := range runs {
		out[i] = f(r)
	}
	return out
}

// perRun shows one value if every run had it, else each run's, in order.
func perRun(runs []runResult, f func(runResult) int64) string {
	vs := perRunValues(runs, f)
	if len(vs) == 0 {
		return ""
	}
	if slices.Min(vs) == slices.Max(vs) {
		return strconv.FormatInt(vs[0], 10)
	}
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.FormatInt(v, 10)
	}
	return strings.Join(s, " / ")
}

// actions lists the API actions of the case's last run, e.g. " (GetImageInfos 50)".
func actions(c *benchCase) string {
	if len(c.Runs) == 0 {
		return ""
	}
	s := byAction(c.Runs[len(c.Runs)-1].ByAction)
	if s == "0" {
		return ""
	}
	return " (" + s + ")"
}

func processCounts(cs []*benchCase) string {
	seen := map[int]bool{}
	for _, c := range cs {
		for _, r := range c.Runs {
			seen[r.Procs] = true
		}
	}
	if len(seen) == 0 {
		return ""
	}
	var s []string
	for _, n := range slices.Sorted(maps.Keys(seen)) {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, " or ")
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return ", " + strings.TrimSpace(v)
		}
	}
	return ""
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// limitsSection writes the cases under the documented limits and the both-actions measurement.
func (rp *report) limitsSection(b *strings.Builder) {
	if len(rp.scenarios) == 0 && len(rp.mixed) == 0 {
		return
	}
	b.WriteString("## Under VOD's documented rate limits\n\n")
	b.WriteString("The emulator limits each action per account as VOD documents it (`-qps documented`: GetImageInfos 10/s, " +
		"SearchMedia 50/s, GetImageInfo 100/s assumed), one emulator shared by all the plans of a run, started together " +
		"(as plans of one account share its limits). The lower bound is what the limits allow at best: every bucket " +
		"starts full (one second's worth), the rest goes at the images per second the actions can carry together; it is " +
		"computed per case (below the table), and never below the no-op baseline (c) at N=1000 where that was measured. " +
		"Wall time is from the start of the plans to the end of the last, the median of the runs. For `vod_images`, " +
		"the same plan against an emulator without limits (one run) shows what the plan costs besides the limits: " +
		"Terraform and the provider handle a data source of 5,000 objects, which the bound does not count.\n\n")
	if len(rp.scenarios) > 0 {
		b.WriteString("| Case | Plans × data sources | Wall time (median) | Each run (s) | Lower bound | Wall / bound | Same plan without limits | API calls by action (last run) | Throttling.User by action (last run) | Failed reads | Result |\n")
		b.WriteString("|---|---|--:|---|--:|--:|--:|---|---|---|---|\n")
		floor := rp.baseline()
		for _, sc := range rp.scenarios {
			if len(sc.Runs) == 0 {
				continue
			}
			bound, _ := sc.bound(rp.floorFor(sc, floor))
			walls := make([]string, len(sc.Runs))
			for i, r := range sc.Runs {
				walls[i] = fmt.Sprintf("%.2f", r.Wall.Seconds())
			}
			last := sc.Runs[len(sc.Runs)-1]
			ratio := "–"
			if bound > 0 {
				ratio = fmt.Sprintf("%.2f×", scenarioWall(sc).Seconds()/bound.Seconds())
			}
			failed := 0
			errs := make([]int64, len(sc.Runs))
			for i, r := range sc.Runs {
				failed += min(1, r.failedPlans())
				errs[i] = int64(r.errors())
			}
			result := "ok"
			if failed > 0 {
				result = fmt.Sprintf("**FAILED** (%d of %d runs)", failed, len(sc.Runs))
			}
			what := fmt.Sprintf("%d × %d `vod_image`", sc.Plans, sc.N)
			if sc.Source != "image" {
				what = fmt.Sprintf("%d × 1 `vod_images` (%d images)", sc.Plans, sc.N)
			}
			unlimited := "–"
			if sc.Unlimited != nil {
				unlimited = fmt.Sprintf("%.2f s", sc.Unlimited.Wall.Seconds())
			}
			fmt.Fprintf(b, "| (%s) %s | %s | %.2f s | %s | %.2f s | %s | %s | %s | %s | %s | %s |\n", sc.ID, sc.Title, what,
				scenarioWall(sc).Seconds(), strings.Join(walls, ", "), bound.Seconds(), ratio, unlimited, byAction(last.ByAction),
				byAction(last.Throttled), perRunList(errs), result)
		}
		b.WriteString("\nLower bounds:\n\n")
		for _, sc := range rp.scenarios {
			if len(sc.Runs) > 0 {
				_, how := sc.bound(rp.floorFor(sc, floor))
				fmt.Fprintf(b, "- (%s): %s.\n", sc.ID, how)
			}
		}
		b.WriteString("\n")
	}
	if len(rp.mixed) > 0 {
		b.WriteString("Using GetImageInfo beside GetImageInfos: 1,000 reads by 10 workers (Terraform's default -parallelism) " +
			"against the emulator with the documented limits, from the client itself, the median of " +
			strconv.Itoa(rp.opts.runs) + " runs (`" + rp.mixedCmd + "`):\n\n")
		b.WriteString("| Batches of several IDs go as | Wall time | Lower bound | API calls | Throttling.User |\n|---|--:|--:|--:|--:|\n")
		for _, m := range rp.mixed {
			how := "GetImageInfos, or GetImageInfo calls when GetImageInfos is at its limit and they finish sooner (the client's behaviour)"
			if m.Name == "GetImageInfos-only" {
				how = "GetImageInfos only"
			}
			fmt.Fprintf(b, "| %s | %.2f s | %.2f s | %.0f | %.0f |\n", how, m.Metrics["s/1000-reads"], m.Metrics["bound-s"],
				m.Metrics["calls/1000-reads"], m.Metrics["throttled/1000-reads"])
		}
		b.WriteString("\n")
	}
}

// baseline is the no-op baseline's median wall time at N=1000, default parallelism, if measured.
func (rp *report) baseline() time.Duration {
	if c := rp.find("c", 1000, 0); usable(c) {
		return medianWall(c)
	}
	return 0
}

// floorFor is the baseline where it bounds sc: plans of 1,000 vod_image data sources.
func (rp *report) floorFor(sc *scenario, floor time.Duration) time.Duration {
	if sc.Source == "image" && sc.N == 1000 {
		return floor
	}
	return 0
}

func perRunList(vs []int64) string {
	if len(vs) == 0 {
		return ""
	}
	if slices.Min(vs) == slices.Max(vs) {
		return strconv.FormatInt(vs[0], 10)
	}
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.FormatInt(v, 10)
	}
	return strings.Join(s, " / ")
}

// loadNote says, when a 1-minute load average at the start or the end was above the CPUs, that the
// machine was busy with other work during the run.
func loadNote(start, end string, cpus int) string {
	busiest := 0.0
	for _, l := range []string{start, end} {
		if f := strings.Fields(l); len(f) > 0 {
			if v, err := strconv.ParseFloat(f[0], 64); err == nil {
				busiest = max(busiest, v)
			}
		}
	}
	if busiest <= float64(cpus) {
		return ""
	}
	return fmt.Sprintf(". **The machine was loaded** (a 1-minute load average of up to %.1f on %d CPUs, from other work "+
		"sharing it): wall times are longer than on an idle machine, and noisier; compare cases within this report, "+
		"which ran interleaved under the same load, rather than with other reports", busiest, cpus)
}
