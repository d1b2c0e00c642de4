package eos

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/hessian"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
	"theorylab/pkg/train"
)

// FlowRun compares one GD run with gradient flow dθ/dt = −∇L(θ) started
// from the same θ₀ (full preset, claim EOS-7). GD step k corresponds to flow
// time kη; the official repository's demo shows GD tracking the flow until
// the sharpness reaches 2/η and departing from it afterwards.
type FlowRun struct {
	Eta       float64     `json:"eta"`
	Seed      int         `json:"seed"`
	CrossStep int         `json:"cross_step"`
	Steps     []int       `json:"steps"`    // GD steps k compared, up to 2t*
	Distance  runs.Series `json:"distance"` // ‖θ_GD(k) − θ_flow(kη)‖
	Travel    runs.Series `json:"travel"`   // ‖θ_GD(k) − θ₀‖
	FlowSharp runs.Series `json:"flow_sharpness"`
}

// maxFlowStep is the RK4 step cap of the official code: h = min(1/S, 0.05).
const maxFlowStep = 0.05

// flow integrates gradient flow for every edge run that crossed 2/η, up to
// twice its crossing step, comparing with the GD checkpoints.
func (e *experiment) flow() ([]FlowRun, error) {
	cfg := e.cfg
	every := cfg.SharpnessEvery
	horizon := make([]int, len(e.runs)) // last GD step compared, per run (0: not followed)
	maxC := 0
	var out []FlowRun
	index := make([]int, len(e.runs)) // run → position in out
	for r, run := range e.runs {
		index[r] = -1
		if run.Control || run.CrossStep <= 0 {
			continue
		}
		horizon[r] = min(2*run.CrossStep, cfg.Steps)
		maxC = max(maxC, horizon[r]/every)
		index[r] = len(out)
		out = append(out, FlowRun{Eta: run.Eta, Seed: run.Seed, CrossStep: run.CrossStep})
	}
	if len(out) == 0 {
		return nil, nil
	}
	flow, err := train.NewFlow(e.be, e.lossFn)
	if err != nil {
		return nil, err
	}
	defer flow.Finalize()
	params, err := e.model.InitParams(e.seeds, dtypes.Float64)
	if err != nil {
		return nil, err
	}
	lay, err := hessian.NewLayout(params)
	if err != nil {
		return nil, err
	}
	theta0 := e.checkpoints[0]
	bar := progress.New(fmt.Sprintf("eos %s: gradient flow for %d runs", cfg.Preset, len(out)), maxC)
	for c := 1; c <= maxC; c++ {
		// Flow sharpness at the current point decides the RK4 step: h ≤ min(1/S, 0.05).
		op, err := e.hvp.Operator(params)
		if err != nil {
			return nil, err
		}
		top, err := hessian.LanczosBatch(op, len(e.runs), lay.Dim, 10, uint64(c))
		if err != nil {
			return nil, fmt.Errorf("eos: flow sharpness: %w", err)
		}
		n := 1
		for r := range e.runs {
			if c*every <= horizon[r] {
				dt := float64(every) * e.runs[r].Eta
				hMax := math.Min(1/math.Max(top[r].Values[0], 1e-12), maxFlowStep)
				n = max(n, int(math.Ceil(dt/hMax)))
			}
		}
		h := make([]float64, len(e.runs))
		for r := range e.runs {
			if c*every <= horizon[r] {
				h[r] = float64(every) * e.runs[r].Eta / float64(n)
			}
		}
		ht := tensors.FromFlatDataAndDimensions(h, len(h))
		for range n {
			if params, err = flow.Step(params, ht); err != nil {
				return nil, err
			}
		}
		vs, err := lay.Flatten(params)
		if err != nil {
			return nil, err
		}
		gd := e.checkpoints[c]
		for r := range e.runs {
			if c*every > horizon[r] {
				continue
			}
			fr := &out[index[r]]
			fr.Steps = append(fr.Steps, c*every)
			fr.Distance = append(fr.Distance, dist(gd[r], vs[r]))
			fr.Travel = append(fr.Travel, dist(gd[r], theta0[r]))
			fr.FlowSharp = append(fr.FlowSharp, top[r].Values[0])
		}
		bar.Update(c, fmt.Sprintf("%d RK4 steps per %d GD steps", n, every))
	}
	bar.Done(fmt.Sprintf("flow compared up to 2t* for %d runs", len(out)))
	return out, nil
}

func dist(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}
