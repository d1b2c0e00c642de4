package onesided

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/gan"
	"theorylab/pkg/backend"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
	"theorylab/pkg/tensorconv"
	"theorylab/pkg/train"
)

// Seed streams: every random choice has its own stream PCG(seed, stream).
const (
	streamToy   = 1 // the toy's c, x₀, y₀
	streamGInit = 2 // generator initial weights
	streamDInit = 3 // discriminator initial weights
	streamTrain = 4 // minibatches (real points and noise)
	streamEval  = 5 // the two fixed evaluation sets
	streamValid = 6 // the validation noise of the learning-rate selection
)

// The methods compared on the GAN.
const (
	MethodAdam = "adam" // Adam, β = (β₁, 0.999), ε = 1e-8, alternating
	MethodGDA  = "gda"  // plain gradient descent–ascent (constant-lr SGD), alternating
)

// Ring is the quick preset's target: 8 Gaussians on a circle of radius 2, σ = 0.05.
func (c Config) Ring() gan.Ring { return gan.Ring{Modes: c.Modes, Radius: 2, Sigma: 0.05} }

// Nets are the generator (noise → width → width → 2, ReLU) and the discriminator (2 → width → width → 1, LeakyReLU 0.2).
func (c Config) Nets() (g, d gan.Net) {
	return gan.Generator(c.Noise, []int{c.Width, c.Width}, 2), gan.Discriminator(2, []int{c.Width, c.Width})
}

// PilotResult is one learning rate of one method in the selection runs.
type PilotResult struct {
	Method string     `json:"method"`
	LR     float64    `json:"lr"`
	Score  runs.Float `json:"score"` // mean over seeds of good share × covered/modes on validation noise (NaN: diverged)
}

// GANRun is one seed of one method, or of the perfect-generator null.
type GANRun struct {
	Seed   int     `json:"seed"`
	Method string  `json:"method"`
	LR     float64 `json:"lr"`
	Null   bool    `json:"null"` // generator replaced by the true sampler (a game at equilibrium)

	Iter []int `json:"iter"` // checkpoints (0, every, 2·every, …, iters)
	// Large-batch gradients g₁, g₂ of each player's own loss on the two fixed evaluation sets:
	SigG   runs.Series `json:"sig_g"`   // √max(⟨g₁, g₂⟩, 0) of ∇_θG L_G: the signal without the sampling bias
	SigD   runs.Series `json:"sig_d"`   // the same for ∇_θD L_D
	NoiseG runs.Series `json:"noise_g"` // ‖g₁ − g₂‖/√2: the sampling noise of one evaluation set
	NoiseD runs.Series `json:"noise_d"`
	NormG  runs.Series `json:"norm_g"` // ‖g₁‖
	NormD  runs.Series `json:"norm_d"`
	MiniG  runs.Series `json:"mini_g"` // √(sig² + noise²·Eval/Batch): the expected minibatch norm
	MiniD  runs.Series `json:"mini_d"`
	Good   runs.Series `json:"good"` // share of good samples on evaluation set 1
	Cover  []int       `json:"cover"`
	// Normalised MVI value ⟨∇_θ L(θᵗ), θᵗ − θᵀ⟩/(‖∇‖‖θᵗ − θᵀ‖) of each player with its own loss (NaN at t = T).
	MVIG runs.Series `json:"mvi_g"`
	MVID runs.Series `json:"mvi_d"`

	FinalGood  float64       `json:"final_good"`
	FinalCover int           `json:"final_cover"`
	Success    bool          `json:"success"` // ≥ modes−1 covered and ≥ 70% good at the end
	Diverged   bool          `json:"diverged"`
	Samples    []runs.Series `json:"samples"` // 256 generated points ([x, y, x, y, …]) at 4 checkpoints
	SampleIter []int         `json:"sample_iter"`
}

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config  Config        `json:"config"`
	Toy     []ToyRun      `json:"toy"`
	Pilot   []PilotResult `json:"pilot"`
	AdamLR  float64       `json:"adam_lr"` // chosen from LRGrid on validation
	GDALR   float64       `json:"gda_lr"`
	GAN     []GANRun      `json:"gan"`
	MNIST   *MNISTResults `json:"mnist,omitempty"` // the full preset's MNIST GAN (C)
	Seconds float64       `json:"seconds"`
}

// Success thresholds of a GAN run (OS-3): at most one mode missed, ≥ 70% good samples.
const successGood = 0.70

func (c Config) success(q gan.Quality) bool {
	return q.Covered >= c.Modes-1 && q.Good >= successGood
}

// Run runs the toy (A) and the ring GAN (B): the learning-rate selection of
// both methods, then Adam (with the perfect-generator null) and GDA at their
// chosen rates, measured every Every iterations; with cfg.MNIST set, the
// same study on MNIST (C) afterwards.
func Run(cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	res := &Results{Config: cfg}
	tk := newTicker(cfg)
	for _, control := range []bool{false, true} {
		for _, sched := range []string{"decay", "constant"} {
			for _, b1 := range []float64{0.5, 0.9} {
				for _, seed := range cfg.SeedList() {
					res.Toy = append(res.Toy, runToy(seed, cfg.ToyDimX, cfg.ToySteps, b1, sched, cfg.ToyLR, control))
				}
			}
		}
	}
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	// Learning-rate selection: every rate of the grid, both methods, Pilot
	// iterations each, scored on validation noise.
	gNet, _ := cfg.Nets()
	// one generator exec for every validation (one compiled graph per shape)
	gen, err := NewExec(be, func(in []*Node) *Node { return gNet.Forward(in[:len(in)-1], in[len(in)-1]) })
	if err != nil {
		return nil, err
	}
	defer gen.Finalize()
	ring := ringStudy(cfg, gen)
	train := func(method string, lr float64, null bool, iters int, measure bool) ([]GANRun, float64, error) {
		return ring.train(be, method, lr, null, iters, measure, tk)
	}
	if res.Pilot, res.AdamLR, res.GDALR, res.GAN, err = selectAndTrain(train, cfg.LRGrid, cfg.Pilot, cfg.Iters, "", "lr_grid"); err != nil {
		return nil, err
	}
	if cfg.MNIST != nil {
		mStart := time.Now()
		if res.MNIST, err = runMNIST(be, cfg, tk); err != nil {
			return nil, err
		}
		res.MNIST.Seconds = time.Since(mStart).Seconds()
	}
	res.Seconds = time.Since(start).Seconds()
	tk.bar.Done(fmt.Sprintf("%d GAN iterations in %.1fs", tk.done, res.Seconds))
	return res, nil
}

// ticker counts a run's GAN iterations — the selection runs, then Adam and
// GDA at their chosen rates, for the ring and (full preset) MNIST — for its
// progress bar.
type ticker struct {
	bar  progress.Reporter
	done int
	what string // the phase now running
}

func newTicker(cfg Config) *ticker {
	total := 2*len(cfg.LRGrid)*cfg.Pilot + 2*cfg.Iters
	name := fmt.Sprintf("onesided %s: ring GAN", cfg.Preset)
	if m := cfg.MNIST; m != nil {
		total += 2*len(m.LRGrid)*m.Pilot + 2*m.Iters
		name += " and MNIST GAN"
	}
	return &ticker{bar: progress.New(name, total)}
}

// phase names what the next iterations are.
func (k *ticker) phase(what string) { k.what = what }

func (k *ticker) tick() {
	k.done++
	k.bar.Update(k.done, k.what)
}

// ringStudy is the ring GAN (B) as a study: real points from the ring,
// scored by the share of good samples × the share of modes covered, with
// gen the generator's exec for the validation.
func ringStudy(cfg Config, gen *Exec) *study {
	ring := cfg.Ring()
	gNet, dNet := cfg.Nets()
	return &study{name: "ring", seeds: cfg.SeedList(), gNet: gNet, dNet: dNet, beta1: cfg.Beta1,
		batch: cfg.Batch, eval: cfg.Eval, every: cfg.Every,
		gStream: streamGInit, dStream: streamDInit, trainStream: streamTrain, evalStream: streamEval, validStream: streamValid,
		// real [R, n, 2], noise [R, n, k], real2 [R, n, 2]
		draw: func(rs []*rand.Rand, n int) (real, noise, real2 *tensors.Tensor) {
			R := len(rs)
			var x, z, x2 []float64
			for r := range R {
				x = ring.Sample(rs[r], n, x)
				for range n * cfg.Noise {
					z = append(z, rs[r].NormFloat64())
				}
				x2 = ring.Sample(rs[r], n, x2)
			}
			return f32(x, R, n, 2), f32(z, R, n, cfg.Noise), f32(x2, R, n, 2)
		},
		score: func(gp []*tensors.Tensor, noise *tensors.Tensor) ([]float64, error) {
			samples, err := generate(gen, gp, noise)
			if err != nil {
				return nil, err
			}
			scores := make([]float64, len(samples))
			for r := range samples {
				q := ring.Quality(samples[r])
				scores[r] = q.Good * float64(q.Covered) / float64(cfg.Modes)
				if math.IsNaN(q.Good) {
					scores[r] = math.NaN()
				}
			}
			return scores, nil
		},
		// the measuring graph also returns the generated points of each evaluation set
		probe: probe{
			outputs: func(_ []*Node, x *Node) []*Node { return []*Node{x} },
			quality: func(outs [][][]float64, r int) (float64, int, bool) {
				q := ring.Quality(outs[0][r])
				return q.Good, q.Covered, cfg.success(q)
			},
			// 256 generated points ([x, y, x, y, …]) of every run
			snapshot: func(outs [][][]float64, r int, _ bool) runs.Series {
				return append(runs.Series(nil), outs[0][r][:2*min(256, cfg.Eval)]...)
			},
		},
		mviOfNulls: true,
	}
}

func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

func params(prefix string, ts []*tensors.Tensor) []train.Param {
	out := make([]train.Param, len(ts))
	for i, t := range ts {
		out[i] = train.Param{Name: fmt.Sprintf("%s%d", prefix, i), Value: t, Trainable: true}
	}
	return out
}

// f32 is x as a float32 tensor of shape dims.
func f32(x []float64, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(convert[float32](x), dims...)
}

// generate returns each run's generated points G(z) for noise [R, N, k], as [x, y, x, y, …].
func generate(exec *Exec, gp []*tensors.Tensor, noise *tensors.Tensor) ([][]float64, error) {
	args := make([]any, 0, len(gp)+1)
	for _, p := range gp {
		args = append(args, p)
	}
	outs, err := exec.Call(append(args, noise)...)
	if err != nil {
		return nil, err
	}
	return perRun(outs[0], gp[0].Shape().Dimensions[0])
}

// perRun splits a tensor [R, …] into R flat float64 slices.
func perRun(t *tensors.Tensor, R int) ([][]float64, error) {
	v, err := tensorconv.Floats(t)
	if err != nil {
		return nil, err
	}
	n := len(v) / R
	out := make([][]float64, R)
	for r := range R {
		out[r] = v[r*n : (r+1)*n]
	}
	return out, nil
}

// flatPerRun concatenates, per run, the values of several tensors [R, …].
func flatPerRun(ts []*tensors.Tensor, R int) ([][]float64, error) {
	out := make([][]float64, R)
	for _, t := range ts {
		parts, err := perRun(t, R)
		if err != nil {
			return nil, err
		}
		for r := range R {
			out[r] = append(out[r], parts[r]...)
		}
	}
	return out, nil
}
