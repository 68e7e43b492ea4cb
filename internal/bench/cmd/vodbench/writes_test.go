package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The emulator reads an upload's width and height with image.DecodeConfig: the files' header must
// be a PNG's.
func TestImageFilesArePNGOfTheirSize(t *testing.T) {
	dir := t.TempDir()
	paths, err := writeImageFiles(dir, 2, 5000)
	if err != nil {
		t.Fatal(err)
	}
	var contents [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != 5000 {
			t.Errorf("%s: %d bytes, want 5000", p, len(b))
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width == 0 || cfg.Height == 0 {
			t.Errorf("%s: DecodeConfig %+v, %v", p, cfg, err)
		}
		contents = append(contents, b)
	}
	if bytes.Equal(contents[0], contents[1]) {
		t.Error("two files have the same content")
	}
}

func TestLoopbackTransfer(t *testing.T) {
	paths, err := writeImageFiles(t.TempDir(), 3, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	d, err := loopbackTransfer(context.Background(), paths, 2, 2)
	if err != nil || d <= 0 {
		t.Fatalf("%v, %v", d, err)
	}
	if _, err := loopbackTransfer(context.Background(), []string{filepath.Join(t.TempDir(), "missing.png")}, 2, 1); err == nil {
		t.Error("a missing file transferred")
	}
}

func TestWriteBounds(t *testing.T) {
	limits := map[string]float64{"CreateUploadImage": 80, "GetImageInfo": 100, "GetImageInfos": 10, "AddCategory": 30, "GetCategories": 50}
	b, how := createBound(limits, 300*time.Millisecond, 0)
	if got := b.Seconds(); got < 1.499 || got > 1.501 { // (200 − 80) / 80: CreateUploadImage
		t.Errorf("create bound %.3f s, want 1.5 s (%s)", got, how)
	}
	if b, _ := createBound(limits, 2*time.Second, 0); b != 2*time.Second {
		t.Errorf("a longer transfer does not bound it: %s", b)
	}
	if b, how := createBound(limits, 0, 3*time.Second); b != 3*time.Second || !strings.Contains(how, "no-op apply") {
		t.Errorf("the no-op apply does not bound it: %s, %s", b, how)
	}
	create, read, howC, howR := categoryBounds(limits)
	if got := create.Seconds(); got < 8.999 || got > 9.001 { // (300 − 30) / 30: AddCategory
		t.Errorf("categories create bound %.3f s, want 9 s (%s)", got, howC)
	}
	if got := read.Seconds(); got < 4.999 || got > 5.001 { // (300 − 50) / 50: GetCategories
		t.Errorf("categories read bound %.3f s, want 5 s (%s)", got, howR)
	}
	if burstThen(10, 30) != 0 || burstThen(5, 0) != 0 {
		t.Error("burstThen: calls within the first second's, or no limit, cost nothing")
	}
}

func TestCategoriesConfiguration(t *testing.T) {
	cfg := categoriesConfig()
	for _, want := range []string{
		"resource \"vod_category\" \"l1\" {\n  count = 12\n",
		"count     = 48\n", "parent_id = vod_category.l1[floor(count.index / 4)].id",
		"count     = 240\n", "parent_id = vod_category.l2[floor(count.index / 5)].id",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("categories configuration lacks %q:\n%s", want, cfg)
		}
	}
	if categoryCount() != 300 {
		t.Errorf("%d categories, want 300", categoryCount())
	}
	img := imagesConfig("noop", "/tmp/files", 7)
	for _, want := range []string{`source = "vodtf/noop"`, `resource "noop_image" "img"`, "count      = 7", `source     = "/tmp/files/img-${count.index}.png"`} {
		if !strings.Contains(img, want) {
			t.Errorf("images configuration lacks %q:\n%s", want, img)
		}
	}
}

func TestParseOnlyAndWriteCases(t *testing.T) {
	o := options{terraform: "terraform", runs: 1, qps: 100, shape: "count"}
	if err := o.parse("1", "a,b,c", "a"); err != nil {
		t.Fatal(err)
	}
	o.mixed = true
	if err := o.parseWrites("rss, create,rss", "writes"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.writeCases, ",") != "create,rss" || o.kinds != nil || o.limitCases != nil || o.mixed {
		t.Errorf("-only writes: write cases %v, kinds %v, limit cases %v, mixed %v", o.writeCases, o.kinds, o.limitCases, o.mixed)
	}
	if err := o.parseWrites("uploads", ""); err == nil || !strings.Contains(err.Error(), `unknown case "uploads"`) {
		t.Errorf("unknown write case: %v", err)
	}
	if err := o.parseWrites("", "reads,everything"); err == nil || !strings.Contains(err.Error(), `unknown group "everything"`) {
		t.Errorf("unknown group: %v", err)
	}
	o = options{terraform: "terraform", runs: 1, qps: 100, shape: "count"}
	if err := o.parse("1", "", ""); err != nil || len(o.kinds) != 0 {
		t.Errorf(`-cases "": %v, %v`, o.kinds, err)
	}
}

func TestCountsAndCallClock(t *testing.T) {
	d := countsDelta(map[string]int64{"A": 2, "B": 5}, map[string]int64{"A": 2, "B": 7, "C": 1})
	if len(d) != 2 || d["B"] != 2 || d["C"] != 1 {
		t.Errorf("countsDelta: %v", d)
	}
	c := &callClock{}
	start := time.Now()
	c.times = []time.Time{start.Add(-time.Second), start.Add(time.Second), start.Add(3 * time.Second)}
	if first, last := c.span(start); first != time.Second || last != 3*time.Second {
		t.Errorf("span: %s–%s", first, last)
	}
}

func TestWriteTargets(t *testing.T) {
	run := func(wall time.Duration, calls int64, rssKiB int64, noChanges bool) writeRun {
		return writeRun{planResult: planResult{Wall: wall}, ByAction: map[string]int64{"GetImageInfos": calls}, RSSKiB: rssKiB, NoChanges: noChanges}
	}
	rp := report{bins: &binaries{}, writes: &writeResults{
		plan: &managedPlanCase{Vod: []writeRun{run(12*time.Second, 100, 0, true)}, Noop: []writeRun{run(10*time.Second, 0, 0, true)}},
		rss: &rssCase{Sizes: []int64{1, 2},
			Plan:  map[int64][]writeRun{1: {run(0, 0, 30_000, false)}, 2: {run(0, 0, 40_000, false)}},
			Apply: map[int64][]writeRun{1: {run(0, 0, 30_000, false)}, 2: {run(0, 0, 60_000, false)}}},
	}}
	rows := rp.targets()
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4 (the read rows left out when no read case ran): %+v", len(rows), rows)
	}
	want := []string{"yes", "yes", "**no**", "yes"} // 1.2×; 0.1 per image; +31.5 MB; +10.2 MB
	for i, r := range rows {
		if r.met != want[i] {
			t.Errorf("row %d: %+v, want met %s", i, r, want[i])
		}
	}
	rp.writes.plan.Vod[0].NoChanges = false
	if rows := rp.targets(); rows[0].met != "**no**" || !strings.Contains(rows[0].measured, "showed changes") {
		t.Errorf("a plan with changes: %+v", rows[0])
	}
}

func TestLoadNote(t *testing.T) {
	if n := loadNote("0.50 1.00 1.00", "1.90 1.00 1.00", 2); n != "" {
		t.Errorf("an idle machine: %q", n)
	}
	if n := loadNote("0.50 1.00 1.00", "11.40 9.00 8.00", 2); !strings.Contains(n, "up to 11.4 on 2 CPUs") {
		t.Errorf("a loaded machine: %q", n)
	}
	if n := loadNote("unknown", "unknown", 2); n != "" {
		t.Errorf("unknown load: %q", n)
	}
}
