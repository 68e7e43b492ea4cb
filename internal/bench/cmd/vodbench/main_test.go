package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestPerRun(t *testing.T) {
	calls := func(r runResult) int64 { return r.Calls }
	if got := perRun([]runResult{{Calls: 7}, {Calls: 7}}, calls); got != "7" {
		t.Errorf("equal runs: %q", got)
	}
	if got := perRun([]runResult{{Calls: 7}, {Calls: 9}}, calls); got != "7 / 9" {
		t.Errorf("differing runs: %q", got)
	}
}

func TestConfigurationShape(t *testing.T) {
	dir := t.TempDir()
	c := &benchCase{Kind: "b", Provider: "vod", N: 3, Extra: []arg{{"batch_reads", "false"}}}
	if err := writeMain(dir, c, "count"); err != nil {
		t.Fatal(err)
	}
	if err := writeProvider(dir, c, "http://127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	mainTF, _ := os.ReadFile(filepath.Join(dir, "main.tf"))
	providerTF, _ := os.ReadFile(filepath.Join(dir, "provider.tf"))
	for _, want := range []string{`source = "vodtf/vod"`, `data "vod_image" "img"`, "count       = length(local.image_ids)",
		`"` + imageID(2) + `"`, `output_type = "cdn"`} {
		if !strings.Contains(string(mainTF), want) {
			t.Errorf("main.tf lacks %q:\n%s", want, mainTF)
		}
	}
	for _, want := range []string{`endpoint   = "http://127.0.0.1:1"`, "batch_reads = false"} {
		if !strings.Contains(string(providerTF), want) {
			t.Errorf("provider.tf lacks %q:\n%s", want, providerTF)
		}
	}
	if got := len(images(25)); got != 25 || len(imageID(999)) != 32 {
		t.Errorf("images(25) has %d images, IDs are %d characters", got, len(imageID(999)))
	}
}

func TestTargetsWithoutN1000(t *testing.T) {
	rp := report{opts: options{qps: 100}, bins: &binaries{VodStrip: 20e6}, cases: []*benchCase{
		{Kind: "a", Provider: "vod", N: 1, Runs: []runResult{{planResult: planResult{Wall: 300 * time.Millisecond}}}},
		{Kind: "b", Provider: "vod", N: 1, Skip: "no batch_reads"},
	}}
	rows := rp.targets()
	if len(rows) != 8 {
		t.Fatalf("%d target rows, want 8", len(rows))
	}
	if rows[5].met != "–" || !strings.Contains(rows[5].measured, "(b) N=1 skipped") {
		t.Errorf("N=1 row: %+v", rows[5])
	}
	if rows[7].met != "yes" {
		t.Errorf("binary size row: %+v", rows[7])
	}
}
