package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReportJSON(t *testing.T) {
	rs := []Result{
		{Name: "matmul-128", Backend: "go", Unit: "product", MsPerOp: 2, GFLOPS: 2.1, Runs: 5},
		{Name: NameMNISTStep, Backend: "go", Unit: "step", MsPerOp: 40, Runs: 3},
		{Name: NameMNISTStepStock, Backend: "go", Unit: "step", MsPerOp: 300, Runs: 3},
	}
	b, err := json.Marshal(NewReport(rs, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Machine   map[string]any   `json:"machine"`
		Workloads []map[string]any `json:"workloads"`
		Speedup   float64          `json:"fastgrad_speedup"`
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
	if got.Speedup != 7.5 {
		t.Errorf("fastgrad_speedup %v, want 7.5", got.Speedup)
	}
	if strings.Contains(string(b), "reference") {
		t.Errorf("reference fields are not filled yet: %s", b)
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
