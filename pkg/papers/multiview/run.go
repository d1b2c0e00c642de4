package multiview

import (
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/runs"
	"theorylab/pkg/tensorconv"
	"theorylab/pkg/train"
)

// TrueSlope is the slope of the synthetic data: y = TrueSlope·x + noise.
const TrueSlope = 2.0

// unroll is the number of GD steps per executed graph.
const unroll = 10

// Seed streams: every random choice has its own stream, PCG(seed, stream)
// (the model's initial weights use models/mlp's stream PCG(seed, 0)).
const (
	streamData    = 1 // inputs and noise
	streamShuffle = 2 // the control's permutation of the targets
)

// RunResult is one training run.
type RunResult struct {
	Seed    int         `json:"seed"`
	Control bool        `json:"control"` // the targets were shuffled
	Loss    runs.Series `json:"loss"`    // L(θₜ), t = 0 … Steps−1
	Slope   float64     `json:"slope"`   // the fitted w
	R2      runs.Float  `json:"r2"`      // share of the targets' variance the fit explains
}

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config Config      `json:"config"`
	Runs   []RunResult `json:"runs"`
}

// Run trains, for every seed, a line f(x) = w·x + b by full-batch gradient
// descent on the seed's data, and the same on the data with the targets
// shuffled (the control: no relation left to learn) — all runs at once, in
// one batched graph. TODO: replace with the paper's experiment.
func Run(cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	model := mlp.Config{Sizes: []int{1, 1}, Activation: "tanh", OutputBias: true, Init: mlp.XavierNormal}
	n := cfg.Points
	res := &Results{Config: cfg}
	var seeds []uint64
	var x, y []float64 // inputs and targets of every run, [R, n, 1]
	for _, seed := range cfg.SeedList() {
		rng := rand.New(rand.NewPCG(uint64(seed), streamData))
		xi, yi := make([]float64, n), make([]float64, n)
		for i := range n {
			xi[i] = rng.NormFloat64()
			// y = w*·x + σ·ε
			yi[i] = TrueSlope*xi[i] + cfg.Noise*rng.NormFloat64()
		}
		shuffled := make([]float64, n)
		for i, j := range rand.New(rand.NewPCG(uint64(seed), streamShuffle)).Perm(n) {
			shuffled[i] = yi[j]
		}
		for _, control := range []bool{false, true} {
			res.Runs = append(res.Runs, RunResult{Seed: seed, Control: control})
			seeds = append(seeds, uint64(seed))
			x = append(x, xi...)
			if control {
				y = append(y, shuffled...)
			} else {
				y = append(y, yi...)
			}
		}
	}
	R := len(res.Runs)
	xT := tensors.FromFlatDataAndDimensions(x, R, n, 1)
	yT := tensors.FromFlatDataAndDimensions(y, R, n, 1)
	// L_r(w, b) = (1/N) Σₙ ½ (w_r·x_{r,n} + b_r − y_{r,n})², one loss per run.
	loss := func(p []*Node) *Node {
		g := p[0].Graph()
		pred := model.Forward(p, Const(g, xT)) // [R, n, 1]
		return MulScalar(ReduceSum(Square(Sub(pred, Const(g, yT))), 1, 2), 0.5/float64(n))
	}
	gd, err := train.NewGD(be, loss, unroll)
	if err != nil {
		return nil, err
	}
	defer gd.Finalize()
	params, err := model.InitParams(seeds, dtypes.Float64)
	if err != nil {
		return nil, err
	}
	etas := make([]float64, R)
	for i := range etas {
		etas[i] = cfg.LR
	}
	loop := train.Loop{GD: gd, Eta: tensors.FromFlatDataAndDimensions(etas, R), Steps: cfg.Steps, Every: unroll,
		Record: func(_ int, losses [][]float64) {
			for _, row := range losses {
				for r, l := range row {
					res.Runs[r].Loss = append(res.Runs[r].Loss, l)
				}
			}
		},
	}
	final, err := loop.Run(params)
	if err != nil {
		return nil, err
	}
	w, err := tensorconv.Floats(final[0]) // [R, 1, 1]
	if err != nil {
		return nil, err
	}
	b, err := tensorconv.Floats(final[1]) // [R, 1]
	if err != nil {
		return nil, err
	}
	for r := range res.Runs {
		res.Runs[r].Slope = w[r]
		// R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²
		ys := y[r*n : (r+1)*n]
		mean := 0.0
		for _, v := range ys {
			mean += v / float64(n)
		}
		var sse, sst float64
		for i, v := range ys {
			fit := w[r]*x[r*n+i] + b[r]
			sse += (v - fit) * (v - fit)
			sst += (v - mean) * (v - mean)
		}
		res.Runs[r].R2 = runs.Float(1 - sse/math.Max(sst, 1e-300))
	}
	return res, nil
}
