package bench

import (
	"fmt"
	"strings"
)

// The targets of TheoryLab's performance work (issue 8), as ratios to the
// PyTorch CPU reference measured in the same run:
//
//   - XLA on the CPU at least as fast as PyTorch (ratio ≥ 1.0) on every
//     paper's training step and Hessian-vector product (TrainingWorkloads);
//   - the pure-Go backend at least 0.7× PyTorch on the same workloads;
//   - XLA's matrix products at 70% or more of the BLAS behind PyTorch.
//
// CheckTargets compares a report's ratios with them; what it says is a
// measurement on one machine at one time, and belongs in reports, never in
// tests.

// TrainingWorkloads are the papers' training steps and Hessian-vector products.
var TrainingWorkloads = []string{NameEOSToyStep, NameMNISTStep, NameMNISTHVP, NameLoRAStep}

// TargetOutcome is one target checked on one backend.
type TargetOutcome struct {
	Backend    string             `json:"backend"`
	What       string             `json:"what"`      // "training steps and HVPs" or "matrix products"
	Threshold  float64            `json:"threshold"` // the least ratio that meets the target
	Ratios     map[string]float64 `json:"ratios"`    // workload → ratio, for those measured with the reference
	Worst      string             `json:"worst,omitempty"`
	WorstRatio float64            `json:"worst_ratio,omitempty"`
	Missing    []string           `json:"missing,omitempty"` // target workloads without a ratio in the report
	Met        bool               `json:"met"`               // every target workload has a ratio ≥ threshold
}

// String is one line: "xla:cpu, training steps and HVPs ≥ 1.0×: met (worst eos-mnist-hvp 1.3×)".
func (t TargetOutcome) String() string {
	verdict := "met"
	if !t.Met {
		verdict = "MISSED"
	}
	s := fmt.Sprintf("%s, %s ≥ %.1f×: %s", t.Backend, t.What, t.Threshold, verdict)
	if t.Worst != "" {
		s += fmt.Sprintf(" (worst %s %.2f×)", t.Worst, t.WorstRatio)
	}
	if len(t.Missing) > 0 {
		s += fmt.Sprintf("; not measured: %s", strings.Join(t.Missing, ", "))
	}
	return s
}

// targetKind is the kind of backend a label names: "xla" for XLA, "go" for
// the pure-Go backend in a lab configuration, "" for anything else (a
// variant with environment settings, "go+GOMLX_GO_SIMD_AVX512=false").
func targetKind(label string) string {
	if strings.Contains(label, "+") {
		return ""
	}
	name, _, _ := strings.Cut(label, ":")
	name, _, _ = strings.Cut(name, ",")
	switch name {
	case "xla":
		return "xla"
	case "go":
		return "go"
	}
	return ""
}

// CheckTargets checks the targets on every backend of entries that they
// apply to; nothing when no entry has a ratio.
func CheckTargets(entries []ReportEntry) []TargetOutcome {
	var backends []string
	ratios := map[string]map[string]float64{}
	for _, e := range entries {
		if ratios[e.Backend] == nil {
			backends = append(backends, e.Backend)
			ratios[e.Backend] = map[string]float64{}
		}
		if e.Ratio != nil {
			ratios[e.Backend][e.Name] = *e.Ratio
		}
	}
	var matmuls []string
	for _, n := range MatmulSizes {
		matmuls = append(matmuls, fmt.Sprintf("matmul-%d", n))
	}
	var out []TargetOutcome
	for _, b := range backends {
		if len(ratios[b]) == 0 {
			continue
		}
		switch targetKind(b) {
		case "xla":
			out = append(out, outcome(b, "training steps and HVPs", 1.0, TrainingWorkloads, ratios[b]),
				outcome(b, "matrix products", 0.7, matmuls, ratios[b]))
		case "go":
			out = append(out, outcome(b, "training steps and HVPs", 0.7, TrainingWorkloads, ratios[b]))
		}
	}
	return out
}

func outcome(backend, what string, threshold float64, names []string, ratios map[string]float64) TargetOutcome {
	t := TargetOutcome{Backend: backend, What: what, Threshold: threshold, Ratios: map[string]float64{}, Met: true}
	for _, n := range names {
		r, ok := ratios[n]
		if !ok {
			t.Missing = append(t.Missing, n)
			t.Met = false
			continue
		}
		t.Ratios[n] = r
		if t.Worst == "" || r < t.WorstRatio {
			t.Worst, t.WorstRatio = n, r
		}
		if r < threshold {
			t.Met = false
		}
	}
	return t
}
