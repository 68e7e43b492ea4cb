package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The write cases' section of the report, their lower bounds and their targets.

func walls(rs []writeRun) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = fmt.Sprintf("%.2f", r.Wall.Seconds())
	}
	return strings.Join(s, ", ")
}

func medianWriteWall(rs []writeRun) time.Duration {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = float64(r.Wall)
	}
	return time.Duration(median(xs))
}

func failedWrites(rs []writeRun) int {
	n := 0
	for _, r := range rs {
		if r.ExitCode != 0 {
			n++
		}
	}
	return n
}

func worstErrors(rs []writeRun) int {
	n := 0
	for _, r := range rs {
		n = max(n, r.Errors)
	}
	return n
}

func peakWriteRSS(rs []writeRun) int64 {
	var m int64
	for _, r := range rs {
		m = max(m, r.RSSKiB)
	}
	return m
}

func cpuOf(rs []writeRun) string {
	all, prov := make([]float64, len(rs)), make([]float64, len(rs))
	for i, r := range rs {
		all[i], prov[i] = r.CPU.Seconds(), r.ProviderCPU.Seconds()
	}
	return fmt.Sprintf("%.2f / %.2f s", median(all), median(prov))
}

func resultOf(rs []writeRun) string {
	if n := failedWrites(rs); n > 0 {
		return fmt.Sprintf("**FAILED** (%d of %d runs)", n, len(rs))
	}
	return "ok"
}

// okRuns says the runs exist and none failed.
func okRuns(rs []writeRun) bool { return len(rs) > 0 && failedWrites(rs) == 0 }

func lastOf(rs []writeRun) writeRun {
	if len(rs) == 0 {
		return writeRun{}
	}
	return rs[len(rs)-1]
}

// burstThen is the seconds n calls take at qps per second when the first max(1, qps) go at once
// (the emulator's bucket starts full).
func burstThen(n int, qps float64) float64 {
	if qps <= 0 {
		return 0
	}
	return max(0, float64(n)-max(1, qps)) / qps
}

// createBound is the lower bound of the create case and how it is computed: the CreateUploadImage
// calls at their limit; the wait for Normal, one read per image at what GetImageInfo and
// GetImageInfos (batches of Terraform's default -parallelism, 10) carry together; the loopback
// transfer of the files; the no-op apply of as many resources (floor, if measured). They can all
// overlap, so the bound is the largest.
func createBound(limits map[string]float64, transfer, floor time.Duration) (time.Duration, string) {
	n := createImages
	cu := burstThen(n, limits["CreateUploadImage"])
	perSecond := limits["GetImageInfo"] + 10*limits["GetImageInfos"]
	reads := burstThen(n, perSecond)
	b := time.Duration(max(cu, reads) * float64(time.Second))
	how := fmt.Sprintf("%d CreateUploadImage at %s/s less the first second's: %.2f s; %d reads (the wait for `Normal`, "+
		"one each) at %s/s (GetImageInfo) + %s/s × 10 (GetImageInfos, batches of -parallelism) less the first second's %s: "+
		"%.2f s; the loopback transfer of the %d files (%s, 10 at a time, the best of 3): %.2f s",
		n, fmtNum(limits["CreateUploadImage"]), cu, n, fmtNum(limits["GetImageInfo"]), fmtNum(limits["GetImageInfos"]),
		fmtNum(perSecond), reads, n, fmtMB(int64(n)*createFileBytes), transfer.Seconds())
	b = max(b, transfer)
	if floor > 0 {
		how += fmt.Sprintf("; the no-op apply of %d noop_image (median): %.2f s", n, floor.Seconds())
		b = max(b, floor)
	}
	return b, how + fmt.Sprintf(". They can overlap, so the bound is the largest: %.2f s", b.Seconds())
}

// categoryBounds are the lower bounds of creating the tree and of reading it back. Creating: one
// AddCategory per category, and one GetCategories per subcategory (the provider checks the parent
// when it plans the child during the apply, vod_category's ModifyPlan), the two at their limits
// at once; a child waits for its parent, but the first two levels fit in the first second's
// AddCategory burst and one second more, so the levels do not raise the bound. Reading back: one
// GetCategories per category (vod_category's Read).
func categoryBounds(limits map[string]float64) (create, read time.Duration, howCreate, howRead string) {
	n, children := categoryCount(), categoryCount()-categoryLevels[0]
	add, get := burstThen(n, limits["AddCategory"]), burstThen(children, limits["GetCategories"])
	create = time.Duration(max(add, get) * float64(time.Second))
	howCreate = fmt.Sprintf("%d AddCategory at %s/s less the first second's: %.2f s, beside %d GetCategories (each "+
		"subcategory's parent checked as it is planned) at %s/s less the first second's: %.2f s; the larger: %.2f s",
		n, fmtNum(limits["AddCategory"]), add, children, fmtNum(limits["GetCategories"]), get, create.Seconds())
	rd := burstThen(n, limits["GetCategories"])
	read = time.Duration(rd * float64(time.Second))
	howRead = fmt.Sprintf("%d GetCategories (one per category) at %s/s less the first second's: %.2f s",
		n, fmtNum(limits["GetCategories"]), rd)
	return create, read, howCreate, howRead
}

// writesSection writes the write cases' tables.
func (rp *report) writesSection(b *strings.Builder) {
	wr := rp.writes
	if wr == nil || (wr.create == nil && wr.plan == nil && wr.rss == nil && wr.categories == nil) {
		return
	}
	b.WriteString("## Write side: vod_image and vod_category resources\n\n")
	b.WriteString("Each row is one kind of terraform command (`apply -auto-approve`, or `plan` with refresh) over many " +
		"resources; wall time is the median of the measured runs, each run's is listed. API calls, Throttling.User " +
		"answers and OSS requests are what the emulator answered during the command (the last run's). Peak RSS is the " +
		"largest of any provider process of the command over the runs. Errors are `Error:` diagnostics in the worst run.\n\n")
	var bounds []string
	if c := wr.create; c != nil {
		fmt.Fprintf(b, "### %d `vod_image` of 1 MB created in one apply, under the documented limits\n\n", createImages)
		fmt.Fprintf(b, "From an empty state, a fresh emulator per apply with VOD's documented limits (%s), uploads to the "+
			"emulator's OSS endpoint on 127.0.0.1; one warm-up apply, then %d measured; the same apply of as many "+
			"`noop_image` (the no-op provider's resource of the same shape) interleaved.\n\n",
			limitsNamed(c.Limits, "CreateUploadImage", "GetImageInfo", "GetImageInfos"), len(c.Vod))
		b.WriteString("| Case | Wall time (median) | Each run (s) | Lower bound | Wall / bound | API calls by action | Throttling.User by action | OSS requests | API calls from–to (median) | Errors | Provider peak RSS | CPU time (median): all / provider | Result |\n")
		b.WriteString("|---|--:|---|--:|--:|---|---|---|--:|--:|--:|--:|---|\n")
		bound, how := createBound(c.Limits, c.Transfer, floorOf(c.Noop))
		ratio := "–"
		if bound > 0 && len(c.Vod) > 0 {
			ratio = fmt.Sprintf("%.2f×", medianWriteWall(c.Vod).Seconds()/bound.Seconds())
		}
		last := lastOf(c.Vod)
		fmt.Fprintf(b, "| (create) %d `vod_image`, 1 MB each | %.2f s | %s | %.2f s | %s | %s | %s | %s | %s | %d | %s | %s | %s |\n",
			createImages, medianWriteWall(c.Vod).Seconds(), walls(c.Vod), bound.Seconds(), ratio, byAction(last.ByAction),
			byAction(last.Throttled), byAction(last.OSS), spanOf(c.Vod), worstErrors(c.Vod), fmtMB(peakWriteRSS(c.Vod)*1024), cpuOf(c.Vod), resultOf(c.Vod))
		fmt.Fprintf(b, "| (create) %d `noop_image` (baseline) | %.2f s | %s | – | – | – | – | – | – | %d | %s | %s | %s |\n\n",
			createImages, medianWriteWall(c.Noop).Seconds(), walls(c.Noop), worstErrors(c.Noop), fmtMB(peakWriteRSS(c.Noop)*1024),
			cpuOf(c.Noop), resultOf(c.Noop))
		bounds = append(bounds, "(create): "+how+".")
	}
	if c := rp.writes.plan; c != nil {
		fmt.Fprintf(b, "### A plan of %d managed `vod_image` with nothing changed\n\n", planImages)
		fmt.Fprintf(b, "The images (files of %d bytes: the resource hashes its file at every plan) were created by one apply "+
			"against an emulator with %s requests per second per action (%.1f s; the %d `noop_image`: %.1f s), which "+
			"then answers every plan; its counts are taken before and after each plan. One warm-up plan, then %d measured, "+
			"`vod_image` and `noop_image` interleaved.\n\n", planFileBytes, fmtNum(c.QPS), c.SetupVod.Wall.Seconds(), planImages,
			c.SetupNoop.Wall.Seconds(), len(c.Vod))
		b.WriteString("| Case | Wall time (median) | Each run (s) | API calls per plan | API calls / image | Throttling.User | API calls from–to (median) | Errors | Plan says | Provider peak RSS | CPU time (median): all / provider | Result |\n")
		b.WriteString("|---|--:|---|---|--:|---|--:|--:|---|--:|--:|---|\n")
		for _, x := range []struct {
			name string
			rs   []writeRun
			vod  bool
		}{{fmt.Sprintf("(plan) %d `vod_image`", planImages), c.Vod, true}, {fmt.Sprintf("(plan) %d `noop_image` (baseline)", planImages), c.Noop, false}} {
			calls, per, thr, span := "–", "–", "–", "–"
			if x.vod && len(x.rs) > 0 {
				span = spanOf(x.rs)
				calls = perWriteRun(x.rs, func(r writeRun) int64 { return r.calls() }) + " (" + byAction(lastOf(x.rs).ByAction) + ")"
				per = fmt.Sprintf("%.3f", medianWriteCalls(x.rs)/planImages)
				thr = perWriteRun(x.rs, func(r writeRun) int64 { return sum(r.Throttled) })
			}
			fmt.Fprintf(b, "| %s | %.3f s | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s |\n", x.name, medianWriteWall(x.rs).Seconds(),
				walls(x.rs), calls, per, thr, span, worstErrors(x.rs), changesOf(x.rs), fmtMB(peakWriteRSS(x.rs)*1024), cpuOf(x.rs), resultOf(x.rs))
		}
		b.WriteString("\n")
		if c.SetupVod.ExitCode != 0 || c.SetupNoop.ExitCode != 0 {
			fmt.Fprintf(b, "The setup apply failed (vod exit %d, noop exit %d): %s\n\n", c.SetupVod.ExitCode, c.SetupNoop.ExitCode,
				strings.ReplaceAll(c.SetupVod.FirstErr+c.SetupNoop.FirstErr, "\n", " "))
		}
	}
	if c := rp.writes.rss; c != nil {
		b.WriteString("### The provider's memory: one 200 MB image against one of 1 MB\n\n")
		fmt.Fprintf(b, "One `vod_image` from a file of each size (written streamed into a temporary directory, deleted after), "+
			"%d runs each against a fresh emulator with %s requests per second per action: `terraform plan -out` "+
			"(the provider hashes the file), then `terraform apply` of that plan (the provider hashes it again and uploads "+
			"it: multipart above 8 MiB). Peak RSS is the largest of the command's provider processes, per run.\n\n",
			len(c.Plan[c.Sizes[0]]), fmtNum(rp.opts.qps))
		b.WriteString("| File | Plan: provider peak RSS | Plan wall time (median) | Apply: provider peak RSS | Apply wall time (median) | OSS requests (last apply) | Errors | Result |\n")
		b.WriteString("|---|---|--:|---|--:|---|--:|---|\n")
		for _, size := range c.Sizes {
			p, a := c.Plan[size], c.Apply[size]
			fmt.Fprintf(b, "| %s | %s | %.2f s | %s | %.2f s | %s | %d | %s |\n", fmtMB(size), rssList(p), medianWriteWall(p).Seconds(),
				rssList(a), medianWriteWall(a).Seconds(), byAction(lastOf(a).OSS), max(worstErrors(p), worstErrors(a)),
				resultOf(append(slices.Clone(p), a...)))
		}
		b.WriteString("\n")
	}
	if c := rp.writes.categories; c != nil {
		fmt.Fprintf(b, "### A tree of %d `vod_category` created and read back, under the documented limits\n\n", categoryCount())
		fmt.Fprintf(b, "%d top-level categories, %d under them, %d under those (3 levels, each parent with %d or %d "+
			"children: AddCategory's documented maximums are 3 levels and 100 subcategories). From an empty state, a fresh "+
			"emulator per run with VOD's documented limits (%s; the emulator enforces them from internal/vodemu/ratelimit.go's "+
			"DocumentedQPS, sourced from VOD's \"API QPS limits\" page as models.json's `limits.qpsPerAccount` carries it): "+
			"`terraform apply` creates the tree, then `terraform plan` reads it back (nothing to change); %d runs.\n\n",
			categoryLevels[0], categoryLevels[1], categoryLevels[2], categoryLevels[1]/categoryLevels[0], categoryLevels[2]/categoryLevels[1],
			limitsNamed(c.Limits, "AddCategory", "GetCategories"), len(c.Create))
		createB, readB, howC, howR := categoryBounds(c.Limits)
		b.WriteString("| Step | Wall time (median) | Each run (s) | Lower bound | Wall / bound | API calls by action (last run) | Throttling.User by action (last run) | API calls from–to (median) | Errors | Plan says | Result |\n")
		b.WriteString("|---|--:|---|--:|--:|---|---|--:|--:|---|---|\n")
		for _, x := range []struct {
			name  string
			rs    []writeRun
			bound time.Duration
		}{{"create (apply)", c.Create, createB}, {"read back (plan)", c.Read, readB}} {
			last := lastOf(x.rs)
			says := "–"
			if x.name == "read back (plan)" {
				says = changesOf(x.rs)
			}
			fmt.Fprintf(b, "| %s | %.2f s | %s | %.2f s | %.2f× | %s | %s | %s | %d | %s | %s |\n", x.name, medianWriteWall(x.rs).Seconds(),
				walls(x.rs), x.bound.Seconds(), medianWriteWall(x.rs).Seconds()/x.bound.Seconds(), byAction(last.ByAction),
				byAction(last.Throttled), spanOf(x.rs), worstErrors(x.rs), says, resultOf(x.rs))
		}
		total := categoryTotals(c)
		fmt.Fprintf(b, "| both | %.2f s | %s | %.2f s | %.2f× | | | | | | |\n\n", medianWriteWall(total).Seconds(), walls(total),
			(createB + readB).Seconds(), medianWriteWall(total).Seconds()/(createB+readB).Seconds())
		bounds = append(bounds, "(categories) create: "+howC+".", "(categories) read back: "+howR+".")
	}
	if len(bounds) > 0 {
		b.WriteString("Lower bounds of the write cases:\n\n")
		for _, s := range bounds {
			b.WriteString("- " + s + "\n")
		}
		b.WriteString("\n")
	}
}

// categoryTotals are each run's create and read back together.
func categoryTotals(c *categoryCase) []writeRun {
	out := make([]writeRun, min(len(c.Create), len(c.Read)))
	for i := range out {
		out[i] = writeRun{planResult: planResult{Wall: c.Create[i].Wall + c.Read[i].Wall,
			ExitCode: c.Create[i].ExitCode | c.Read[i].ExitCode}}
	}
	return out
}

// spanOf is the median time of the first and of the last API call from the command's start.
func spanOf(rs []writeRun) string {
	first, last := make([]float64, len(rs)), make([]float64, len(rs))
	for i, r := range rs {
		first[i], last[i] = r.FirstCall.Seconds(), r.LastCall.Seconds()
	}
	return fmt.Sprintf("%.2f–%.2f s", median(first), median(last))
}

// callsSpan is the median time from the first API call of a command to its last.
func callsSpan(rs []writeRun) time.Duration {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = float64(r.LastCall - r.FirstCall)
	}
	return time.Duration(median(xs))
}

func floorOf(noop []writeRun) time.Duration {
	if !okRuns(noop) {
		return 0
	}
	return medianWriteWall(noop)
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

func perWriteRun(rs []writeRun, f func(writeRun) int64) string {
	vs := make([]int64, len(rs))
	for i, r := range rs {
		vs[i] = f(r)
	}
	return perRunList(vs)
}

func medianWriteCalls(rs []writeRun) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = float64(r.calls())
	}
	return median(xs)
}

func changesOf(rs []writeRun) string {
	n := 0
	for _, r := range rs {
		if r.NoChanges {
			n++
		}
	}
	if n == len(rs) {
		return "No changes (every run)"
	}
	return fmt.Sprintf("**changes** in %d of %d runs", len(rs)-n, len(rs))
}

func rssList(rs []writeRun) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = fmtMB(r.RSSKiB * 1024)
	}
	return strings.Join(s, ", ")
}

// writeTargets are the write cases' lines of the Targets table.
func (rp *report) writeTargets() []targetRow {
	wr := rp.writes
	if wr == nil {
		return nil
	}
	var rows []targetRow
	add := func(target, measured, met string) { rows = append(rows, targetRow{target, measured, met}) }
	if c := wr.create; c != nil {
		t := fmt.Sprintf("Writes: %d `vod_image` of 1 MB created in one apply under the documented limits, within 1.25× of "+
			"the bound the limits and the loopback transfer set", createImages)
		bound, _ := createBound(c.Limits, c.Transfer, floorOf(c.Noop))
		if okRuns(c.Vod) && bound > 0 {
			r := medianWriteWall(c.Vod).Seconds() / bound.Seconds()
			m := fmt.Sprintf("%.2f s vs %.2f s: %.2f×", medianWriteWall(c.Vod).Seconds(), bound.Seconds(), r)
			if alone, _ := createBound(c.Limits, c.Transfer, 0); alone < bound {
				m += fmt.Sprintf(" (the bound is the no-op apply's; the limits and the transfer alone give %.2f s: %.2f×)",
					alone.Seconds(), medianWriteWall(c.Vod).Seconds()/alone.Seconds())
			}
			add(t, m, yes(r <= 1.25))
		} else {
			add(t, fmt.Sprintf("not measured: %d of %d applies failed", failedWrites(c.Vod), len(c.Vod)), "–")
		}
	}
	if c := wr.plan; c != nil {
		t := fmt.Sprintf("Writes: a plan of %d managed `vod_image` with nothing changed within 1.3× of the no-op baseline", planImages)
		switch {
		case okRuns(c.Vod) && okRuns(c.Noop):
			v, n := medianWriteWall(c.Vod).Seconds(), medianWriteWall(c.Noop).Seconds()
			m := fmt.Sprintf("%.2f s vs %.2f s: %.2f×", v, n, v/n)
			nochange := changesOf(c.Vod) == "No changes (every run)"
			if !nochange {
				m += "; the plans showed changes"
			}
			add(t, m, yes(v/n <= 1.3 && nochange))
		default:
			add(t, "not measured: the setup or the plans failed", "–")
		}
		t = "Writes: the same plan makes ≤ 0.1 API calls per `vod_image`"
		if okRuns(c.Vod) {
			v := medianWriteCalls(c.Vod) / planImages
			add(t, fmt.Sprintf("%.3f (%s calls)", v, fmtNum(medianWriteCalls(c.Vod))), yes(v <= 0.1))
		} else {
			add(t, "not measured: the setup or the plans failed", "–")
		}
	}
	if c := wr.rss; c != nil {
		small, large := c.Sizes[0], c.Sizes[len(c.Sizes)-1]
		for _, x := range []struct {
			t    string
			runs map[int64][]writeRun
		}{
			{"Writes: provider peak RSS uploading one 200 MB file within 20 MB of one 1 MB file (apply)", c.Apply},
			{"Writes: provider peak RSS hashing one 200 MB file at plan time within 20 MB of one 1 MB file (plan)", c.Plan},
		} {
			s, l := x.runs[small], x.runs[large]
			if !okRuns(s) || !okRuns(l) {
				add(x.t, "not measured: a command failed", "–")
				continue
			}
			d := float64(peakWriteRSS(l)-peakWriteRSS(s)) * 1024 / 1e6
			add(x.t, fmt.Sprintf("%s vs %s (the largest of the runs): %+.1f MB", fmtMB(peakWriteRSS(l)*1024),
				fmtMB(peakWriteRSS(s)*1024), d), yes(d <= 20))
		}
	}
	if c := wr.categories; c != nil {
		t := fmt.Sprintf("Writes: a tree of %d `vod_category` created and read back within 1.25× of the bound the documented limits imply", categoryCount())
		createB, readB, _, _ := categoryBounds(c.Limits)
		total := categoryTotals(c)
		if okRuns(total) {
			w := medianWriteWall(total).Seconds()
			m := fmt.Sprintf("%.2f s vs %.2f s: %.2f× (create %.2f s vs %.2f s, read back %.2f s vs %.2f s)", w,
				(createB + readB).Seconds(), w/(createB+readB).Seconds(), medianWriteWall(c.Create).Seconds(), createB.Seconds(),
				medianWriteWall(c.Read).Seconds(), readB.Seconds())
			m += fmt.Sprintf("; the API calls alone, first to last: create %.2f s, read back %.2f s", callsSpan(c.Create).Seconds(),
				callsSpan(c.Read).Seconds())
			add(t, m, yes(w/(createB+readB).Seconds() <= 1.25))
		} else {
			add(t, "not measured: a command failed", "–")
		}
	}
	return rows
}

// writeNotes are the first error of each write case's command that failed.
func (rp *report) writeNotes() []string {
	wr := rp.writes
	if wr == nil {
		return nil
	}
	var notes []string
	note := func(what string, rs ...writeRun) {
		for i, r := range rs {
			if r.ExitCode != 0 {
				notes = append(notes, fmt.Sprintf("writes: %s, run %d failed (exit %d):\n\n  ```\n  %s\n  ```", what, i+1, r.ExitCode,
					strings.ReplaceAll(r.FirstErr, "\n", "\n  ")))
				return
			}
		}
	}
	if c := wr.create; c != nil {
		note("create vod_image", c.Vod...)
		note("create noop_image", c.Noop...)
	}
	if c := wr.plan; c != nil {
		note("plan: the setup apply of vod_image", c.SetupVod)
		note("plan: the setup apply of noop_image", c.SetupNoop)
		note("plan vod_image", c.Vod...)
		note("plan noop_image", c.Noop...)
	}
	if c := wr.rss; c != nil {
		for _, s := range sortedKeys(c.Plan) {
			note("rss: plan of "+fmtMB(s), c.Plan[s]...)
			note("rss: apply of "+fmtMB(s), c.Apply[s]...)
		}
	}
	if c := wr.categories; c != nil {
		note("categories: create", c.Create...)
		note("categories: read back", c.Read...)
	}
	return notes
}
