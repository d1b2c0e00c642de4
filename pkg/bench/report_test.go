package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestReportJSON(t *testing.T) {
	rs := []Result{
		{Name: "matmul-128", Backend: "go", Unit: "product", MsPerOp: 2, GFLOPS: 2.1, Runs: 5},
		{Name: NameMNISTStep, Backend: "go", Unit: "step", MsPerOp: 40, Runs: 3},
		{Name: NameMNISTHVP, Backend: "go", Unit: "HVP", MsPerOp: 300, Runs: 3},
	}
	b, err := json.Marshal(NewReport(rs, time.Second, nil))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Machine   map[string]any   `json:"machine"`
		Workloads []map[string]any `json:"workloads"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"goos", "goarch", "cpus", "go_version", "backend"} {
		if _, ok := got.Machine[k]; !ok {
			t.Errorf("machine lacks %q: %s", k, b)
		}
	}
	if len(got.Workloads) != 3 {
		t.Fatalf("%d workloads in %s", len(got.Workloads), b)
	}
	w0, w1 := got.Workloads[0], got.Workloads[1]
	if w0["name"] != "matmul-128" || w0["backend"] != "go" || w0["ms_per_step"] != 2.0 || w0["gflops"] != 2.1 {
		t.Errorf("first workload %v", w0)
	}
	if v, ok := w1["gflops"]; !ok || v != nil {
		t.Errorf("gflops of a workload without a flop count must be null, got %v (present %v)", v, ok)
	}
	for _, k := range []string{"reference", "reference_ms_per_step", "ratio"} {
		if v, ok := w0[k]; !ok || v != nil {
			t.Errorf("without a reference %s must be null, got %v (present %v)", k, v, ok)
		}
	}
}

func TestReportRatios(t *testing.T) {
	check := 2.0
	rs := []Result{
		{Name: NameMNISTStep, Backend: "xla:cpu", Unit: "step", MsPerOp: 4, Runs: 3, Check: &check},
		{Name: NameMNISTStep, Backend: "go:ops_sequential", Unit: "step", MsPerOp: 40, Runs: 3},
		{Name: NameMNISTHVP, Backend: "go:ops_sequential", Unit: "HVP", MsPerOp: 300, Runs: 3},
	}
	ref := &Reference{Name: "PyTorch test", Workloads: []RefResult{{Name: NameMNISTStep, MsPerStep: 8, Check: 2.0000002}}}
	rep := NewReport(rs, time.Second, ref)
	if !slices.Equal(rep.Backends, []string{"xla:cpu", "go:ops_sequential"}) {
		t.Errorf("backends %v", rep.Backends)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Reference string           `json:"reference"`
		Workloads []map[string]any `json:"workloads"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Reference != "PyTorch test" {
		t.Errorf("reference %q", got.Reference)
	}
	x, g, s := got.Workloads[0], got.Workloads[1], got.Workloads[2]
	// ratio = reference time / our time: 8/4 = 2 (twice as fast), 8/40 = 0.2.
	if x["ratio"] != 2.0 || x["reference_ms_per_step"] != 8.0 || x["reference"] != "PyTorch test" || x["steps_per_second"] != 250.0 {
		t.Errorf("xla entry %v", x)
	}
	if d, ok := x["check_rel_diff"].(float64); !ok || d > 1e-6 || d == 0 {
		t.Errorf("check_rel_diff %v", x["check_rel_diff"])
	}
	if g["ratio"] != 0.2 {
		t.Errorf("go entry %v", g)
	}
	if s["ratio"] != nil || s["reference"] != nil {
		t.Errorf("a workload the reference lacks has null reference fields: %v", s)
	}
}

func TestCPUModel(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	x86 := write("x86", "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n")
	if got := cpuModel(x86); got != "AMD EPYC 7B13" {
		t.Errorf("x86: %q", got)
	}
	arm := write("arm", "processor\t: 0\nBogoMIPS\t: 108.00\n\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n")
	if got := cpuModel(arm); got != "Raspberry Pi 4 Model B Rev 1.4" {
		t.Errorf("arm: %q", got)
	}
	if got := cpuModel(filepath.Join(dir, "missing")); got != "" {
		t.Errorf("missing file: %q", got)
	}
}

// TestBuildReportRounds checks the statistics over rounds: the median time,
// the median of the per-round ratios (not the ratio of the medians), the
// fastest rounds, and the targets.
func TestBuildReportRounds(t *testing.T) {
	check := 1.0
	var ours []Sample
	var refs []RefSample
	// Ours: 2, 10, 4 ms; PyTorch: 4, 10, 2 ms → ratios 2, 1, 0.5.
	for i, ms := range []float64{2, 10, 4} {
		ours = append(ours, Sample{Round: i + 1, Result: Result{Name: NameMNISTStep, Backend: "xla:cpu", Unit: "step", MsPerOp: ms, Runs: 3, Check: &check}})
		ours = append(ours, Sample{Round: i + 1, Result: Result{Name: NameMNISTStep, Backend: "go", Unit: "step", MsPerOp: 1, Runs: 3}})
	}
	for i, ms := range []float64{4, 10, 2} {
		refs = append(refs, RefSample{Round: i + 1, Result: RefResult{Name: NameMNISTStep, MsPerStep: ms, Runs: 3, Check: 1}})
	}
	info := &Reference{Name: "PyTorch test", BLAS: "OpenBLAS test"}
	rep := BuildReport(ours, refs, info, time.Second, 3)
	if rep.Rounds != 3 || rep.ReferenceBLAS != "OpenBLAS test" || len(rep.Workloads) != 2 {
		t.Fatalf("report %+v", rep)
	}
	x := rep.Workloads[0]
	if x.MsPerStep != 4 || x.BestMs != 2 || *x.ReferenceMsPerStep != 4 || x.Runs != 9 {
		t.Errorf("xla entry: ms %v, best %v, reference %v, runs %d", x.MsPerStep, x.BestMs, *x.ReferenceMsPerStep, x.Runs)
	}
	if *x.Ratio != 1 || !slices.Equal(x.RatioRounds, []float64{2, 1, 0.5}) || *x.RatioOfBest != 1 {
		t.Errorf("xla ratios: median %v, rounds %v, of best %v", *x.Ratio, x.RatioRounds, *x.RatioOfBest)
	}
	if *x.CheckRelDiff != 0 {
		t.Errorf("check difference %v", *x.CheckRelDiff)
	}
	// Targets: xla at 1.0 on the MNIST step meets the ≥ 1 target there, but the other
	// training workloads and the matrix products were not measured.
	if len(rep.Targets) != 3 {
		t.Fatalf("targets %v", rep.Targets)
	}
	for _, tg := range rep.Targets {
		if tg.Met || len(tg.Missing) == 0 {
			t.Errorf("with workloads missing a target cannot be met: %v", tg)
		}
		if tg.Backend == "go" && tg.Ratios[NameMNISTStep] != 4 {
			t.Errorf("go's MNIST ratio %v, want 4 (the median of 4, 10, 2 over 1)", tg.Ratios[NameMNISTStep])
		}
	}
	if s := SummarizeLoad([]float64{3, 1, 2}); s.Start != 3 || s.End != 2 || s.Min != 1 || s.Max != 3 || s.Median != 2 {
		t.Errorf("load summary %+v", s)
	}
}

func TestCheckTargets(t *testing.T) {
	r := func(x float64) *float64 { return &x }
	var es []ReportEntry
	for _, n := range TrainingWorkloads {
		es = append(es, ReportEntry{Name: n, Backend: "xla:cpu", Ratio: r(1.2)}, ReportEntry{Name: n, Backend: "go:ops_sequential", Ratio: r(0.8)},
			ReportEntry{Name: n, Backend: "go+GOMLX_GO_SIMD_AVX512=false", Ratio: r(0.1)})
	}
	for _, n := range MatmulSizes {
		es = append(es, ReportEntry{Name: "matmul-" + strconv.Itoa(n), Backend: "xla:cpu", Ratio: r(0.69)})
	}
	got := CheckTargets(es)
	if len(got) != 3 { // SIMD variants have no target
		t.Fatalf("targets %v", got)
	}
	want := map[string]bool{"xla:cpu training steps and HVPs": true, "xla:cpu matrix products": false, "go:ops_sequential training steps and HVPs": true}
	for _, tg := range got {
		if met, ok := want[tg.Backend+" "+tg.What]; !ok || met != tg.Met {
			t.Errorf("%s", tg)
		}
	}
}
