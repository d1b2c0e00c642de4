package bench

import (
	"bufio"
	"os"
	"runtime"
	"strings"
	"time"

	"theorylab/pkg/backend"
)

// Machine describes where a report was measured.
type Machine struct {
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	CPUs      int    `json:"cpus"`                // runtime.NumCPU
	CPUModel  string `json:"cpu_model,omitempty"` // from /proc/cpuinfo where readable
	GoVersion string `json:"go_version"`
	Backend   string `json:"backend"`
}

// ThisMachine describes the running process's machine and backend.
func ThisMachine() Machine {
	return Machine{
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(),
		CPUModel: cpuModel("/proc/cpuinfo"), GoVersion: runtime.Version(), Backend: backend.Name(),
	}
}

// cpuModel reads the first "model name" (x86) or "Model"/"Hardware" (ARM)
// line of a cpuinfo file; "" when there is none.
func cpuModel(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var fallback string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch key {
		case "model name":
			return value
		case "Model", "Hardware":
			if fallback == "" {
				fallback = value
			}
		}
	}
	return fallback
}

// ReportEntry is one workload in a Report. The fields for a reference
// implementation (reference, reference_ms_per_step, ratio) are not filled yet.
type ReportEntry struct {
	Name      string   `json:"name"`
	Backend   string   `json:"backend"`
	Unit      string   `json:"unit"`
	MsPerStep float64  `json:"ms_per_step"` // median ms per operation (step, product or HVP)
	GFLOPS    *float64 `json:"gflops"`      // null when the workload has no flop count
	Runs      int      `json:"runs"`
}

// Report is what `theorylab bench --out FILE` writes.
type Report struct {
	Machine   Machine       `json:"machine"`
	Time      string        `json:"time"`     // RFC 3339, when the report was made
	MinTime   string        `json:"min_time"` // Measure's minTime per workload
	Statistic string        `json:"statistic"`
	Workloads []ReportEntry `json:"workloads"`
	// FastGradSpeedup is eos-mnist-step-stock-grad's time over eos-mnist-step's, when both were measured.
	FastGradSpeedup *float64 `json:"fastgrad_speedup,omitempty"`
}

// NewReport assembles a report from results measured with minTime.
func NewReport(results []Result, minTime time.Duration) Report {
	rep := Report{
		Machine: ThisMachine(), Time: time.Now().Format(time.RFC3339), MinTime: minTime.String(),
		Statistic: "median of per-call times, divided by the operations per call",
		Workloads: []ReportEntry{},
	}
	for _, r := range results {
		e := ReportEntry{Name: r.Name, Backend: r.Backend, Unit: r.Unit, MsPerStep: r.MsPerOp, Runs: r.Runs}
		if r.GFLOPS > 0 {
			g := r.GFLOPS
			e.GFLOPS = &g
		}
		rep.Workloads = append(rep.Workloads, e)
	}
	if s, err := FastGradSpeedup(results); err == nil {
		rep.FastGradSpeedup = &s
	}
	return rep
}
