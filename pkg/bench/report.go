package bench

import (
	"bufio"
	"os"
	"runtime"
	"slices"
	"strconv"
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
	// Backend is the backend TheoryLab chooses here by default (the backends measured are in Report.Backends).
	Backend string `json:"backend"`
	// LoadAverage is /proc/loadavg's 1-minute load when the report was made: above 0.5 or so,
	// other work shared the CPUs and the timings are noisy.
	LoadAverage *float64 `json:"load_average,omitempty"`
}

// ThisMachine describes the running process's machine and backend.
func ThisMachine() Machine {
	return Machine{
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(),
		CPUModel: cpuModel("/proc/cpuinfo"), GoVersion: runtime.Version(), Backend: backend.Name(),
		LoadAverage: LoadAverage(),
	}
}

// LoadAverage is the 1-minute load average from /proc/loadavg; nil where unreadable.
func LoadAverage() *float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return nil
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return nil
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return nil
	}
	return &v
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

// ReportEntry is one workload measured on one backend, beside the reference
// implementation's time for the same workload where there is one.
type ReportEntry struct {
	Name           string   `json:"name"`
	Backend        string   `json:"backend"`
	Unit           string   `json:"unit"`
	MsPerStep      float64  `json:"ms_per_step"`      // median ms per operation (step, product, HVP or run)
	StepsPerSecond float64  `json:"steps_per_second"` // 1000 / ms_per_step
	GFLOPS         *float64 `json:"gflops"`           // null when the workload has no flop count
	Runs           int      `json:"runs"`
	SetupMs        float64  `json:"setup_ms"` // building and compiling the graphs, with the first call
	// The reference (PyTorch on the CPU) on the same workload; null when it was not run
	// or has no such workload.
	Reference          *string  `json:"reference"`
	ReferenceMsPerStep *float64 `json:"reference_ms_per_step"`
	// Ratio is reference_ms_per_step / ms_per_step: above 1, faster than the reference.
	Ratio *float64 `json:"ratio"`
	// CheckRelDiff is the relative difference between a number computed from our outputs and the
	// reference's (a loss, a norm, a sum): small when both computed the same thing.
	CheckRelDiff *float64 `json:"check_rel_diff,omitempty"`
}

// Report is what `theorylab bench --out FILE` writes.
type Report struct {
	Machine   Machine       `json:"machine"`
	Time      string        `json:"time"`     // RFC 3339, when the report was made
	MinTime   string        `json:"min_time"` // Measure's minTime per workload
	Statistic string        `json:"statistic"`
	Backends  []string      `json:"backends"`            // the backends measured, in order
	Reference string        `json:"reference,omitempty"` // the reference implementation, when it ran
	Workloads []ReportEntry `json:"workloads"`
	Notes     []string      `json:"notes,omitempty"`
}

// NewReport assembles a report from results measured with minTime, on one or
// more backends, and the reference's measurements (nil when it did not run).
func NewReport(results []Result, minTime time.Duration, ref *Reference) Report {
	rep := Report{
		Machine: ThisMachine(), Time: time.Now().Format(time.RFC3339), MinTime: minTime.String(),
		Statistic: "median of per-call times, divided by the operations per call; whole presets: one call",
		Backends:  []string{},
		Workloads: []ReportEntry{},
	}
	if ref != nil {
		rep.Reference = ref.Name
	}
	for _, r := range results {
		if !slices.Contains(rep.Backends, r.Backend) {
			rep.Backends = append(rep.Backends, r.Backend)
		}
		rep.Workloads = append(rep.Workloads, newEntry(r, ref))
	}
	return rep
}

func newEntry(r Result, ref *Reference) ReportEntry {
	e := ReportEntry{Name: r.Name, Backend: r.Backend, Unit: r.Unit, MsPerStep: r.MsPerOp, Runs: r.Runs, SetupMs: r.SetupMs}
	if r.MsPerOp > 0 {
		e.StepsPerSecond = 1e3 / r.MsPerOp
	}
	if r.GFLOPS > 0 {
		g := r.GFLOPS
		e.GFLOPS = &g
	}
	if rr, ok := ref.Get(r.Name); ok && rr.MsPerStep > 0 && r.MsPerOp > 0 {
		name, ms, ratio := ref.Name, rr.MsPerStep, rr.MsPerStep/r.MsPerOp
		e.Reference, e.ReferenceMsPerStep, e.Ratio = &name, &ms, &ratio
		if r.Check != nil {
			d := RelDiff(*r.Check, rr.Check)
			e.CheckRelDiff = &d
		}
	}
	return e
}
