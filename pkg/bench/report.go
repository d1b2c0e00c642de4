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
	GOOS     string `json:"goos"`
	GOARCH   string `json:"goarch"`
	CPUs     int    `json:"cpus"`                // runtime.NumCPU
	CPUModel string `json:"cpu_model,omitempty"` // from /proc/cpuinfo where readable
	// CPUSIMD lists the vector extensions the CPU reports that GoMLX's
	// pure-Go kernels choose between at run time (AVX2, AVX-512F).
	CPUSIMD   string `json:"cpu_simd,omitempty"`
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
		CPUModel: cpuModel("/proc/cpuinfo"), CPUSIMD: cpuSIMD("/proc/cpuinfo"), GoVersion: runtime.Version(), Backend: backend.Name(),
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

// cpuSIMD reads the first "flags" line of a cpuinfo file and names the
// vector extensions among avx2 and avx512f that it lists; "" when none.
func cpuSIMD(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		key, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(key) != "flags" {
			continue
		}
		flags := strings.Fields(value)
		var have []string
		for _, f := range []struct{ flag, name string }{{"avx2", "AVX2"}, {"avx512f", "AVX-512F"}} {
			if slices.Contains(flags, f.flag) {
				have = append(have, f.name)
			}
		}
		return strings.Join(have, ", ")
	}
	return ""
}

// ReportEntry is one workload measured on one backend, beside the reference
// implementation's time for the same workload where there is one. Measured
// in several rounds, the times are medians over rounds and the ratio is the
// median of the ratios of the rounds (each ratio compares two timings taken
// seconds apart).
type ReportEntry struct {
	Name           string   `json:"name"`
	Backend        string   `json:"backend"`
	Unit           string   `json:"unit"`
	MsPerStep      float64  `json:"ms_per_step"`      // median ms per operation (step, product, HVP or run)
	StepsPerSecond float64  `json:"steps_per_second"` // 1000 / ms_per_step
	GFLOPS         *float64 `json:"gflops"`           // null when the workload has no flop count
	Runs           int      `json:"runs"`             // timed calls, all rounds together
	SetupMs        float64  `json:"setup_ms"`         // building and compiling the graphs, with the first call
	// MsRounds is ms_per_step of every round, in round order.
	MsRounds []float64 `json:"ms_rounds,omitempty"`
	// BestMs is the fastest round (the least disturbed by other work on a busy machine).
	BestMs float64 `json:"best_ms,omitempty"`
	// The reference (PyTorch on the CPU) on the same workload; null when it was not run
	// or has no such workload.
	Reference          *string   `json:"reference"`
	ReferenceMsPerStep *float64  `json:"reference_ms_per_step"`
	ReferenceMsRounds  []float64 `json:"reference_ms_rounds,omitempty"`
	// Ratio is reference time / our time: above 1, faster than the reference.
	// With rounds, the median over the rounds that timed both sides.
	Ratio       *float64  `json:"ratio"`
	RatioRounds []float64 `json:"ratio_rounds,omitempty"`
	// RatioOfBest is the reference's fastest round over ours: a second
	// estimate, less sensitive to a round disturbed on one side only.
	RatioOfBest *float64 `json:"ratio_of_best,omitempty"`
	// CheckRelDiff is the relative difference between a number computed from our outputs and the
	// reference's (a loss, a norm, a sum): small when both computed the same thing.
	CheckRelDiff *float64 `json:"check_rel_diff,omitempty"`
}

// LoadSummary summarizes the 1-minute load averages sampled before every timing.
type LoadSummary struct {
	Samples int     `json:"samples"`
	Start   float64 `json:"start"`
	End     float64 `json:"end"`
	Min     float64 `json:"min"`
	Median  float64 `json:"median"`
	Max     float64 `json:"max"`
}

// Report is what `theorylab bench --out FILE` writes.
type Report struct {
	Machine   Machine  `json:"machine"`
	Time      string   `json:"time"`     // RFC 3339, when the report was made
	MinTime   string   `json:"min_time"` // Measure's minTime per workload and round
	Rounds    int      `json:"rounds"`   // rounds of interleaved timings (whole presets: one)
	Statistic string   `json:"statistic"`
	Threads   int      `json:"threads,omitempty"`
	Backends  []string `json:"backends"`            // the backends measured, in order
	Reference string   `json:"reference,omitempty"` // the reference implementation, when it ran
	// ReferenceBLAS names the BLAS the reference used, found at run time
	// (see Reference.BLAS), and ReferenceBLASLibraries the files behind it.
	ReferenceBLAS          string          `json:"reference_blas,omitempty"`
	ReferenceBLASLibraries []string        `json:"reference_blas_libraries,omitempty"`
	Load                   *LoadSummary    `json:"load,omitempty"`
	Workloads              []ReportEntry   `json:"workloads"`
	Targets                []TargetOutcome `json:"targets,omitempty"`
	Notes                  []string        `json:"notes,omitempty"`
}

// Sample is one timing of one workload on one backend in one round of
// interleaved measurements (Result.Backend names the backend).
type Sample struct {
	Round  int
	Result Result
}

// RefSample is the reference's timing of one workload in one round.
type RefSample struct {
	Round  int
	Result RefResult
}

// NewReport assembles a report from results measured with minTime, on one or
// more backends, and the reference's measurements (nil when it did not run),
// all as one round.
func NewReport(results []Result, minTime time.Duration, ref *Reference) Report {
	var ours []Sample
	for _, r := range results {
		ours = append(ours, Sample{Round: 1, Result: r})
	}
	var refs []RefSample
	if ref != nil {
		for _, r := range ref.Workloads {
			refs = append(refs, RefSample{Round: 1, Result: r})
		}
	}
	return BuildReport(ours, refs, ref, minTime, 1)
}

// BuildReport assembles a report from samples taken in rounds: one entry per
// workload and backend, in the order of first appearance, with the median
// time over rounds and the median of the per-round ratios to the reference
// (info describes the reference; nil when it did not run).
func BuildReport(ours []Sample, refs []RefSample, info *Reference, minTime time.Duration, rounds int) Report {
	rep := Report{
		Machine: ThisMachine(), Time: time.Now().Format(time.RFC3339), MinTime: minTime.String(), Rounds: rounds,
		Statistic: "per round: the median of per-call times over at least min_time, divided by the operations per call; " +
			"over rounds: the median of those, and the median of the per-round ratios; whole presets: one call",
		Backends:  []string{},
		Workloads: []ReportEntry{},
	}
	if info != nil {
		rep.Reference, rep.ReferenceBLAS, rep.ReferenceBLASLibraries = info.Name, info.BLAS, info.BLASLibraries
	}
	refByRound := map[string]map[int]RefResult{}
	for _, s := range refs {
		if refByRound[s.Result.Name] == nil {
			refByRound[s.Result.Name] = map[int]RefResult{}
		}
		refByRound[s.Result.Name][s.Round] = s.Result
	}
	type key struct{ name, backend string }
	var order []key
	groups := map[key][]Sample{}
	for _, s := range ours {
		k := key{s.Result.Name, s.Result.Backend}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], s)
		if !slices.Contains(rep.Backends, s.Result.Backend) {
			rep.Backends = append(rep.Backends, s.Result.Backend)
		}
	}
	for _, k := range order {
		rep.Workloads = append(rep.Workloads, newEntry(groups[k], refByRound[k.name], info))
	}
	rep.Targets = CheckTargets(rep.Workloads)
	return rep
}

func newEntry(samples []Sample, ref map[int]RefResult, info *Reference) ReportEntry {
	slices.SortStableFunc(samples, func(a, b Sample) int { return a.Round - b.Round })
	first := samples[0].Result
	e := ReportEntry{Name: first.Name, Backend: first.Backend, Unit: first.Unit, SetupMs: first.SetupMs}
	var check *float64
	var refMs []float64
	for _, s := range samples {
		r := s.Result
		e.MsRounds = append(e.MsRounds, r.MsPerOp)
		e.Runs += r.Runs
		if check == nil && r.Check != nil {
			check = r.Check
		}
		if rr, ok := ref[s.Round]; ok && rr.MsPerStep > 0 && r.MsPerOp > 0 {
			e.RatioRounds = append(e.RatioRounds, rr.MsPerStep/r.MsPerOp)
			refMs = append(refMs, rr.MsPerStep)
			if check != nil && e.CheckRelDiff == nil {
				d := RelDiff(*check, rr.Check)
				e.CheckRelDiff = &d
			}
		}
	}
	e.MsPerStep = medianFloat(e.MsRounds)
	e.BestMs = slices.Min(e.MsRounds)
	if e.MsPerStep > 0 {
		e.StepsPerSecond = 1e3 / e.MsPerStep
	}
	if first.GFLOPS > 0 && first.MsPerOp > 0 {
		// GFLOP/s = work / time; the work is GFLOPS × ms of any one round.
		g := first.GFLOPS * first.MsPerOp / e.MsPerStep
		e.GFLOPS = &g
	}
	if len(e.RatioRounds) > 0 {
		name := "reference"
		if info != nil {
			name = info.Name
		}
		ms, ratio := medianFloat(refMs), medianFloat(e.RatioRounds)
		e.Reference, e.ReferenceMsPerStep, e.Ratio, e.ReferenceMsRounds = &name, &ms, &ratio, refMs
		best := slices.Min(refMs) / e.BestMs
		e.RatioOfBest = &best
	}
	if len(e.MsRounds) == 1 { // one round: the per-round lists say nothing more
		e.MsRounds, e.RatioRounds, e.ReferenceMsRounds, e.RatioOfBest, e.BestMs = nil, nil, nil, nil, 0
	}
	return e
}

func medianFloat(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// SummarizeLoad summarizes load averages sampled in order; nil for none.
func SummarizeLoad(samples []float64) *LoadSummary {
	if len(samples) == 0 {
		return nil
	}
	return &LoadSummary{Samples: len(samples), Start: samples[0], End: samples[len(samples)-1],
		Min: slices.Min(samples), Median: medianFloat(samples), Max: slices.Max(samples)}
}
