package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
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
