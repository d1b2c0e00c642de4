package eos

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/hessian"
	"theorylab/pkg/progress"

	"theorylab/pkg/runs"
	"theorylab/pkg/train"
)

// RunResult is one training run: one step size, one seed.
type RunResult struct {
	Eta     float64 `json:"eta"`
	Seed    int     `json:"seed"`
	Control bool    `json:"control"`
	// Loss[t] is L(θₜ) for t = 0 … Steps.
	Loss runs.Series `json:"loss"`
	// Sharpness[i] is S(θₜ) at step SharpSteps[i], by Lanczos; Residual[i] is ‖Hv − Sv‖ of its top pair.
	SharpSteps []int       `json:"sharp_steps"`
	Sharpness  runs.Series `json:"sharpness"`
	Residual   runs.Series `json:"residual"`
	// CrossStep is the first measured step with S ≥ 2/η (−1: never).
	CrossStep int `json:"cross_step"`
}

// Zoom records a stretch of consecutive steps of one edge run: the loss, and
// the displacement θₜ − θₜ₋₁ projected on the top Hessian eigenvector taken at
// the start of the stretch. At the edge of stability the projection flips
// sign every step: GD bounces across a valley along its sharpest direction.
type Zoom struct {
	Eta        float64     `json:"eta"`
	Seed       int         `json:"seed"`
	Start      int         `json:"start"`
	Sharpness  float64     `json:"sharpness"`  // S at Start
	Loss       runs.Series `json:"loss"`       // L(θₜ), t = Start … Start+ZoomSteps
	Projection runs.Series `json:"projection"` // ⟨θₜ − θₜ₋₁, v⟩, t = Start+1 … Start+ZoomSteps
}

// DenseCheck compares the Lanczos sharpness with the top eigenvalue of the
// explicit Hessian (built column by column from HVPs) for one run.
type DenseCheck struct {
	Step    int     `json:"step"`
	Eta     float64 `json:"eta"`
	Seed    int     `json:"seed"`
	Lanczos float64 `json:"lanczos"`
	Dense   float64 `json:"dense"`
}

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config      Config       `json:"config"`
	Backend     string       `json:"backend"`
	Params      int          `json:"params"`
	Runs        []RunResult  `json:"runs"`
	Zoom        Zoom         `json:"zoom"`
	DenseChecks []DenseCheck `json:"dense_checks"`
	Quadratic   Quadratic    `json:"quadratic"`
	Flow        []FlowRun    `json:"flow,omitempty"`  // full preset: GD against gradient flow
	MNIST       *MNISTResult `json:"mnist,omitempty"` // full preset: the MNIST-1k study
	Seconds     float64      `json:"seconds"`
}

// Run trains every (step size, seed) pair of cfg in one batched graph and
// measures sharpness along the way. A run whose loss becomes NaN or infinite
// makes Run fail with an error naming the run; nothing is returned then.
func Run(cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	e, err := newExperiment(be, cfg)
	if err != nil {
		return nil, err
	}
	defer e.finalize()
	if err := e.train(); err != nil {
		return nil, err
	}
	res := &Results{
		Config: cfg, Backend: backend.Name(), Params: e.model.NumParams(),
		Runs: e.runs, Zoom: e.zoom, DenseChecks: e.dense, Quadratic: QuadraticDemo(cfg.EdgeEtas[0]),
	}
	if cfg.Flow {
		if res.Flow, err = e.flow(); err != nil {
			return nil, err
		}
	}
	if cfg.MNIST != nil {
		if res.MNIST, err = RunMNIST(*cfg.MNIST, cfg.Seed); err != nil {
			return nil, err
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// experiment holds the compiled graphs and the state of all runs.
type experiment struct {
	cfg     Config
	be      compute.Backend
	lossFn  train.LossFn
	seeds   []uint64
	model   mlp.Config
	etas    []float64 // per run
	params  []*tensors.Tensor
	gd, gd1 *train.GD
	hvp     *hessian.HVP
	loss    *Exec
	runs    []RunResult
	zoom    Zoom
	zoomRun int
	dense   []DenseCheck
	bar     progress.Reporter
	// checkpoints[c][r] is run r's flat θ at step c·SharpnessEvery (kept only for the flow comparison).
	checkpoints [][][]float64
}

// Model is the repository's "regression" net: f(x) = Σⱼ aⱼ tanh(wⱼx + cⱼ),
// Xavier-normal init with gain 1.9 on the first layer, no output bias.
func Model(width int) mlp.Config {
	return mlp.Config{Sizes: []int{1, width, 1}, Activation: "tanh", Bias: true, OutputBias: false,
		Init: mlp.XavierNormal, Gains: []float64{1.9, 1}}
}

func newExperiment(be compute.Backend, cfg Config) (*experiment, error) {
	ds, err := data.Chebyshev(cfg.Degree, cfg.Points)
	if err != nil {
		return nil, err
	}
	e := &experiment{cfg: cfg, be: be, model: Model(cfg.Width)}
	var seeds []uint64
	for i, eta := range cfg.Etas() {
		for s := range cfg.Seeds {
			seed := cfg.Seed + s
			seeds = append(seeds, uint64(seed))
			e.etas = append(e.etas, eta)
			e.runs = append(e.runs, RunResult{Eta: eta, Seed: seed, Control: i == len(cfg.EdgeEtas), CrossStep: -1})
		}
	}
	// The zoom follows the middle edge step size, first seed.
	e.zoomRun = (len(cfg.EdgeEtas) / 2) * cfg.Seeds
	e.seeds = seeds
	if e.params, err = e.model.InitParams(seeds, dtypes.Float64); err != nil {
		return nil, err
	}
	x := tensors.FromFlatDataAndDimensions(ds.X, ds.N, ds.D) // [n, 1]
	y := tensors.FromFlatDataAndDimensions(ds.Y, ds.N, ds.K) // [n, 1]
	// L(θ) = (1/n) Σᵢ ½ (f(xᵢ) − yᵢ)², one value per run.
	loss := func(p []*Node) *Node {
		g := p[0].Graph()
		return train.HalfMSE(e.model.Forward(p, Const(g, x)), Const(g, y))
	}
	e.lossFn = loss
	if e.gd, err = train.NewGD(be, loss, cfg.Unroll); err != nil {
		return nil, err
	}
	if e.gd1, err = train.NewGD(be, loss, 1); err != nil {
		return nil, err
	}
	if e.hvp, err = hessian.NewHVP(be, loss); err != nil {
		return nil, err
	}
	if e.loss, err = NewExec(be, loss); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *experiment) finalize() {
	e.gd.Finalize()
	e.gd1.Finalize()
	e.hvp.Finalize()
	e.loss.Finalize()
}

func (e *experiment) train() error {
	cfg := e.cfg
	e.bar = progress.New(fmt.Sprintf("eos %s: %d runs × %d steps", cfg.Preset, len(e.runs), cfg.Steps), cfg.Steps)
	start := time.Now()
	zoomStart := (3 * cfg.Steps / 4) / cfg.SharpnessEvery * cfg.SharpnessEvery
	zoomEnd := zoomStart + cfg.ZoomSteps
	e.zoom = Zoom{Eta: e.etas[e.zoomRun], Seed: e.runs[e.zoomRun].Seed, Start: zoomStart}
	var zoomDir []float64
	eta := tensors.FromFlatDataAndDimensions(e.etas, len(e.etas))
	loop := train.Loop{GD: e.gd, Eta: eta, Steps: cfg.Steps, Every: cfg.SharpnessEvery,
		Measure: func(t int, params []*tensors.Tensor) error {
			top, err := e.measure(t, params)
			if err != nil {
				return err
			}
			if t == zoomStart {
				zoomDir = top[e.zoomRun].Vector
				e.zoom.Sharpness = top[e.zoomRun].Values[0]
			}
			if t == 0 || t == cfg.Steps {
				return e.denseCheck(t, params, top)
			}
			return nil
		},
		// Inside the zoom window, one step per graph so that every θₜ is seen.
		Step: func(t int, params []*tensors.Tensor) ([]*tensors.Tensor, [][]float64, error) {
			if t < zoomStart || t >= zoomEnd {
				return e.gd.Steps(params, eta)
			}
			before, err := e.runVector(params)
			if err != nil {
				return nil, nil, err
			}
			next, losses, err := e.gd1.Steps(params, eta)
			if err != nil {
				return next, losses, err
			}
			after, err := e.runVector(next)
			if err != nil {
				return nil, nil, err
			}
			// Displacement θₜ₊₁ − θₜ along the top eigenvector v at the start of the window.
			var proj float64
			for i := range after {
				proj += (after[i] - before[i]) * zoomDir[i]
			}
			e.zoom.Projection = append(e.zoom.Projection, proj)
			return next, losses, nil
		},
		Record: func(t int, losses [][]float64) {
			for _, row := range losses {
				for r, l := range row {
					e.runs[r].Loss = append(e.runs[r].Loss, l)
				}
			}
			e.bar.Update(t+len(losses), e.status())
		},
	}
	final, err := loop.Run(e.params)
	if err != nil {
		return e.diverged(err)
	}
	e.params = final
	// L(θ_T) after the last step.
	lossT, err := e.loss.Call1(anyArgs(e.params)...)
	if err != nil {
		return err
	}
	for r, l := range tensors.MustCopyFlatData[float64](lossT) {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return e.diverged(&train.DivergedError{Run: r, StepOffset: cfg.Steps, Loss: l})
		}
		e.runs[r].Loss = append(e.runs[r].Loss, l)
	}
	e.zoom.Loss = append(runs.Series{}, e.runs[e.zoomRun].Loss[zoomStart:zoomEnd+1]...)
	// The summary line: time and backend, then S·η/2 at the end (the claims come later, from Claims).
	e.bar.Done(fmt.Sprintf("done in %.1fs on %s;%s", time.Since(start).Seconds(), backend.Name(), e.status()))
	return nil
}

// measure runs Lanczos on every run's Hessian at step t and records S.
func (e *experiment) measure(t int, params []*tensors.Tensor) ([]hessian.Eigen, error) {
	op, err := e.hvp.Operator(params)
	if err != nil {
		return nil, err
	}
	top, err := hessian.LanczosBatch(op, len(e.runs), e.model.NumParams(), e.cfg.LanczosIters, uint64(1000003*e.cfg.Seed+t))
	if err != nil {
		return nil, fmt.Errorf("eos: sharpness at step %d: %w", t, err)
	}
	if e.cfg.Flow {
		lay, err := hessian.NewLayout(params)
		if err != nil {
			return nil, err
		}
		vs, err := lay.Flatten(params)
		if err != nil {
			return nil, err
		}
		e.checkpoints = append(e.checkpoints, vs)
	}
	for r := range e.runs {
		run := &e.runs[r]
		s := top[r].Values[0]
		run.SharpSteps = append(run.SharpSteps, t)
		run.Sharpness = append(run.Sharpness, s)
		run.Residual = append(run.Residual, top[r].Residual)
		if run.CrossStep < 0 && s >= 2/run.Eta {
			run.CrossStep = t
		}
	}
	return top, nil
}

// denseCheck builds the explicit Hessian of the first seed's runs (H·eᵢ for
// every basis vector eᵢ, all runs batched) and compares its top eigenvalue
// with Lanczos.
func (e *experiment) denseCheck(t int, params []*tensors.Tensor, top []hessian.Eigen) error {
	op, err := e.hvp.Operator(params)
	if err != nil {
		return err
	}
	dim, runsN := e.model.NumParams(), len(e.runs)
	hs := make([][]float64, runsN) // [run][dim·dim], column i = H·eᵢ
	for r := range hs {
		hs[r] = make([]float64, dim*dim)
	}
	basis := make([][]float64, runsN)
	for r := range basis {
		basis[r] = make([]float64, dim)
	}
	for i := range dim {
		for r := range basis {
			clear(basis[r])
			basis[r][i] = 1
		}
		cols, err := op(basis)
		if err != nil {
			return err
		}
		for r := range cols {
			for j, v := range cols[r] {
				hs[r][j*dim+i] = v
			}
		}
	}
	for r := 0; r < runsN; r += e.cfg.Seeds { // first seed of each step size
		values, _, err := hessian.SymEig(symmetrize(hs[r], dim), dim)
		if err != nil {
			return err
		}
		e.dense = append(e.dense, DenseCheck{Step: t, Eta: e.runs[r].Eta, Seed: e.runs[r].Seed,
			Lanczos: top[r].Values[0], Dense: values[0]})
	}
	return nil
}

// symmetrize returns (H + Hᵀ)/2; HVPs give H up to rounding.
func symmetrize(h []float64, n int) []float64 {
	out := make([]float64, len(h))
	for i := range n {
		for j := range n {
			out[i*n+j] = (h[i*n+j] + h[j*n+i]) / 2
		}
	}
	return out
}

// runVector is the zoom run's flat parameter vector.
func (e *experiment) runVector(params []*tensors.Tensor) ([]float64, error) {
	lay, err := hessian.NewLayout(params)
	if err != nil {
		return nil, err
	}
	vs, err := lay.Flatten(params)
	if err != nil {
		return nil, err
	}
	return vs[e.zoomRun], nil
}

// diverged names the run of a *train.DivergedError (whose StepOffset counts from step 0).
func (e *experiment) diverged(err error) error {
	var d *train.DivergedError
	if errors.As(err, &d) {
		run := e.runs[d.Run]
		return fmt.Errorf("eos: run η=%g seed=%d diverged near step %d (loss %v): %w", run.Eta, run.Seed, d.StepOffset, d.Loss, err)
	}
	return err
}

// status is the progress line: S·η/2 of each step size's first seed.
func (e *experiment) status() string {
	s := ""
	for r := 0; r < len(e.runs); r += e.cfg.Seeds {
		run := e.runs[r]
		if n := len(run.Sharpness); n > 0 {
			s += fmt.Sprintf(" η=%g: Sη/2=%.2f", run.Eta, run.Sharpness[n-1]*run.Eta/2)
		}
	}
	return s
}
