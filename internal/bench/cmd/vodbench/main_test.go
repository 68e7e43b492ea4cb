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
	if len(rows) != 9 {
		t.Fatalf("%d target rows, want 9", len(rows))
	}
	if rows[5].met != "–" || !strings.Contains(rows[5].measured, "(b) N=1 skipped") {
		t.Errorf("N=1 row: %+v", rows[5])
	}
	if rows[7].met != "yes" {
		t.Errorf("binary size row: %+v", rows[7])
	}
	if rows[8].met != "–" || !strings.Contains(rows[8].measured, "(b) N=1000 not run") {
		t.Errorf("(b) failed reads row: %+v", rows[8])
	}
}

// The lower bounds the documented limits imply, as the report prints them.
func TestScenarioBounds(t *testing.T) {
	want := map[string]float64{
		"a":      (1000 - 200) / 200.0, // GetImageInfo 100/s + GetImageInfos 10/s × batches of 10
		"b":      (1000 - 100) / 100.0, // GetImageInfo alone
		"a2":     (2000 - 200) / 200.0,
		"a4":     (4000 - 200) / 200.0,
		"ids":    (5000 - 300) / 300.0, // batches of 20
		"filter": (5000 - 300) / 300.0, // 50 pages within SearchMedia's first second
	}
	for _, sc := range limitScenarios() {
		b, how := sc.bound(0)
		if got := b.Seconds(); got < want[sc.ID]-0.01 || got > want[sc.ID]+0.01 {
			t.Errorf("(%s) bound %.3f s, want %.3f s (%s)", sc.ID, got, want[sc.ID], how)
		}
		if floored, how := sc.bound(time.Hour); floored != time.Hour || !strings.Contains(how, "baseline") {
			t.Errorf("(%s) the baseline does not bound it: %s, %s", sc.ID, floored, how)
		}
	}
}

func TestScenarioConfiguration(t *testing.T) {
	for _, sc := range limitScenarios() {
		dir := t.TempDir()
		if err := writeScenario(dir, sc, "http://127.0.0.1:1"); err != nil {
			t.Fatal(err)
		}
		mainTF, _ := os.ReadFile(filepath.Join(dir, "main.tf"))
		want := map[string]string{"a": `data "vod_image" "img"`, "ids": `"` + imageID(4999) + `"`, "filter": `tags = ["bench"]`}[sc.ID]
		if !strings.Contains(string(mainTF), want) {
			t.Errorf("(%s) main.tf lacks %q", sc.ID, want)
		}
	}
}

func TestParseRateLimitCases(t *testing.T) {
	o := options{terraform: "terraform", runs: 1, qps: 100, shape: "count"}
	if err := o.parse("1", "a", "a, ids,a"); err != nil || strings.Join(o.limitCases, ",") != "a,ids" {
		t.Fatalf("%v %v", o.limitCases, err)
	}
	if err := o.parse("1", "a", "a8"); err == nil || !strings.Contains(err.Error(), `unknown case "a8"`) {
		t.Fatalf("a8: %v", err)
	}
}

func TestParseMixed(t *testing.T) {
	out := `goos: linux
BenchmarkReadsUnderDocumentedLimits/both-actions-2         	       1	4446132354 ns/op	         4.000 bound-s	       529.0 calls/1000-reads	         4.444 s/1000-reads	         6.000 throttled/1000-reads
BenchmarkReadsUnderDocumentedLimits/GetImageInfos-only-2   	       1	9156383927 ns/op	         9.000 bound-s	       107.0 calls/1000-reads	         9.155 s/1000-reads	         7.000 throttled/1000-reads
BenchmarkReadsUnderDocumentedLimits/both-actions-2         	       1	4446132354 ns/op	         4.000 bound-s	       529.0 calls/1000-reads	         4.644 s/1000-reads	         6.000 throttled/1000-reads
PASS
`
	res := parseMixed(out)
	if len(res) != 2 || res[0].Name != "both-actions" || res[1].Name != "GetImageInfos-only" {
		t.Fatalf("%+v", res)
	}
	if got := res[0].Metrics["s/1000-reads"]; got < 4.543 || got > 4.545 {
		t.Errorf("median of 4.444 and 4.644: %v", got)
	}
	if got := res[1].Metrics["calls/1000-reads"]; got != 107 {
		t.Errorf("calls: %v", got)
	}
}
