package superres

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/papers/config"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
	"theorylab/pkg/tensorconv"
)

// ImagesConfig is one of the spec's optional runs on real images
// (qualitative, report only): the same multi-scale GAN at three levels on
// MNIST digits, 7×7 → 14×14 → 28×28, or on CIFAR-10 in greyscale, 8×8 →
// 16×16 → 32×32 (from a directory the user provides), the coarser levels of
// an image being its 2×2 average poolings. Real images have no teacher, so
// there is no atom to recover and no claim; what the run shows is the sample
// grid across training, and — our addition — each level's distance to
// held-out images against the real-vs-real floor.
type ImagesConfig struct {
	Dataset   string  `json:"dataset"` // "mnist" or "cifar10" (greyscale; THEORYLAB_CIFAR10_DIR)
	Seed      int     `json:"seed"`
	Train     int     `json:"train"`      // training images (the first of the training split)
	Eval      int     `json:"eval"`       // held-out images per distance (test split; the floor uses twice as many)
	Arch      Arch    `json:"arch"`       // one generator width per level (three levels)
	Steps     int     `json:"steps"`      // GDA iterations
	Unroll    int     `json:"unroll"`     // iterations per executed graph
	Batch     int     `json:"batch"`      // minibatch of digits and of latents
	LR        float64 `json:"lr"`         // Adam step size of both players
	Beta1     float64 `json:"beta1"`      // Adam β₁
	Beta2     float64 `json:"beta2"`      // Adam β₂
	Clip      float64 `json:"clip"`       // gradient-norm clip of each player
	R1        float64 `json:"r1"`         // γ of the R1 penalty on real digits (0: none)
	EvalEvery int     `json:"eval_every"` // iterations between two points of the distance curves
}

// datasets are the real-image datasets: their number of training and
// test images, and the side of the level-1 image (MNIST 28 = 7·2², CIFAR-10
// 32 = 8·2²).
var datasets = map[string]struct{ train, test, base int }{
	"mnist":   {data.MNISTTrainN, data.MNISTTestN, 7},
	"cifar10": {50_000, 10_000, 8}, // 5 training files of 10,000 images, one test file
}

// layout is the three levels of the dataset's images.
func (c ImagesConfig) layout() Layout { return Layout{L: 3, Base: datasets[c.Dataset].base} }

// MNISTFull is the longer MNIST run of docs/06 (5× the iterations).
func MNISTFull() ImagesConfig {
	c := MNISTQuick()
	c.Steps, c.EvalEvery = 15_000, 500
	return c
}

// CIFARQuick is MNISTQuick on CIFAR-10 in greyscale (8×8 → 16×16 → 32×32).
func CIFARQuick() ImagesConfig {
	c := MNISTQuick()
	c.Dataset = "cifar10"
	return c
}

// MNISTQuick is the notebook's MNIST run: about a minute on xla:cpu. The R1
// penalty (γ = 1, as in the full preset) keeps the detail levels improving;
// without it their distances rose again after a few hundred iterations.
func MNISTQuick() ImagesConfig {
	return ImagesConfig{
		Dataset: "mnist", Seed: 0, Train: 20_000, Eval: 1000,
		Arch:  Arch{Z: 16, H: []int{64, 128, 256}, DW: 128},
		Steps: 3000, Unroll: 5, Batch: 64, LR: 1e-3, Beta1: 0.5, Beta2: 0.99, Clip: 10, R1: 1, EvalEvery: 150,
	}
}

// Validate reports every problem with the configuration, each naming its field.
func (c ImagesConfig) Validate() error {
	k := config.NewChecker("superres images")
	ds, ok := datasets[c.Dataset]
	k.If(!ok, "dataset must be \"mnist\" or \"cifar10\", got %q", c.Dataset)
	k.If(c.Seed < 0, "seed must be ≥ 0, got %d", c.Seed)
	k.If(ok && (c.Train < c.Batch || c.Train > ds.train), "train must be in [batch, %d], got %d", ds.train, c.Train)
	k.If(ok && (c.Eval < 2 || 2*c.Eval > ds.test), "eval must be in [2, %d], got %d", ds.test/2, c.Eval)
	a := c.Arch
	k.If(len(a.H) != 3, "arch.h must have three widths (one per level), got %d", len(a.H))
	k.If(a.Z < 1 || a.DW < 1 || slices.Min(append([]int{1}, a.H...)) < 1, "arch sizes (z, h, dw) must be ≥ 1, got %d, %v, %d", a.Z, a.H, a.DW)
	k.If(c.Batch < 1, "batch must be ≥ 1, got %d", c.Batch)
	k.If(c.Unroll < 1, "unroll must be ≥ 1, got %d", c.Unroll)
	k.If(c.EvalEvery < 1 || c.Unroll < 1 || c.EvalEvery%max(c.Unroll, 1) != 0, "eval_every must be a positive multiple of unroll, got %d", c.EvalEvery)
	k.If(c.Steps < 1 || c.EvalEvery < 1 || c.Steps%max(c.EvalEvery, 1) != 0, "steps must be a positive multiple of eval_every, got %d", c.Steps)
	k.If(!(c.LR > 0) || math.IsInf(c.LR, 0), "lr must be positive and finite, got %v", c.LR)
	k.If(!(c.Beta1 >= 0 && c.Beta1 < 1), "beta1 must be in [0, 1), got %v", c.Beta1)
	k.If(!(c.Beta2 >= 0 && c.Beta2 < 1), "beta2 must be in [0, 1), got %v", c.Beta2)
	k.If(!(c.Clip > 0) || math.IsInf(c.Clip, 0), "clip must be positive and finite, got %v", c.Clip)
	k.If(!(c.R1 >= 0) || math.IsInf(c.R1, 0), "r1 must be ≥ 0 and finite, got %v", c.R1)
	return k.Err()
}

// ImagesResult is what RunImages measures.
type ImagesResult struct {
	Config ImagesConfig `json:"config"`
	// Iters are the points of the curves; SWD[ℓ−1] the distance of level ℓ
	// (SWD₁ on the level-1 image, SWDᴿ_ℓ on the detail residuals) to
	// held-out images there, Floor[ℓ−1] between two disjoint held-out samples.
	Iters []int         `json:"iters"`
	SWD   []runs.Series `json:"swd"`
	Floor []float64     `json:"floor"`
	// GridIters are the checkpoints of Grid [checkpoint][k][Pixels(3)]: the
	// images generated from gridZ fixed latents; Real holds gridZ training images.
	GridIters []int         `json:"grid_iters"`
	Grid      [][][]float64 `json:"grid"`
	Real      [][]float64   `json:"real"`
	Seconds   float64       `json:"seconds"`
}

// RunImages trains the multi-scale GAN of Run (one run, its generator and
// discriminator at three levels) on the dataset's images by the same
// alternating Adam GDA, and records the sample grid and the per-level
// distances.
func RunImages(c ImagesConfig) (*ImagesResult, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	train, test, err := loadImages(c.Dataset, c.Train, 2*c.Eval)
	if err != nil {
		return nil, err
	}
	rows := func(im *data.Images) [][]float64 {
		out := make([][]float64, im.N)
		for i := range out {
			for _, v := range im.Image(i) {
				out[i] = append(out[i], float64(v))
			}
		}
		return out
	}
	trainX, testX := rows(train), rows(test)
	o := c.layout()
	n := o.Pixels(o.L) // 784 (MNIST), 1024 (CIFAR-10)
	res := &ImagesResult{Config: c, SWD: make([]runs.Series, o.L), Real: trainX[:gridZ]}

	// The held-out side of each distance and its floor (seed-fixed projections).
	erng := rand.New(rand.NewPCG(uint64(c.Seed), streamEval))
	ref, other := o.levels(testX[:c.Eval]), o.levels(testX[c.Eval:])
	var refs []*Sliced
	for l := range o.L {
		dirs := Directions(128, o.Pixels(l+1), erng)
		refs = append(refs, NewSliced(ref[l], dirs))
		res.Floor = append(res.Floor, refs[l].SWD(other[l]))
	}

	rng := rand.New(rand.NewPCG(uint64(c.Seed), streamInit))
	params := make([][]float64, o.Num())
	o.initParams(c.Arch, params, rng)
	state, err := o.newState(c.Arch, params, 1)
	if err != nil {
		return nil, err
	}
	var mapsT []*tensors.Tensor
	for l, m := range o.levelMaps() {
		t, _ := tensorconv.FromFloats(dtypes.Float32, m, 1, n, o.Pixels(l+1))
		mapsT = append(mapsT, t)
	}
	gates, _ := tensorconv.FromFloats(dtypes.Float32, []float64{1, 1, 1}, 1, o.L)
	lr, _ := tensorconv.FromFloats(dtypes.Float32, []float64{c.LR}, 1)
	tr, err := NewTrainer(be, o, Adam{Beta1: c.Beta1, Beta2: c.Beta2, Eps: 1e-8, Clip: c.Clip}, c.Unroll, c.R1)
	if err != nil {
		return nil, err
	}
	defer tr.Finalize()
	gen, err := NewExec(be, func(in []*Node) []*Node {
		x, _ := o.Generate(in[:o.NumG()], in[o.NumG()])
		return []*Node{x}
	})
	if err != nil {
		return nil, err
	}
	defer gen.Finalize()
	lrng := rand.New(rand.NewPCG(uint64(c.Seed), streamLatents))
	zEval, _ := tensorconv.FromFloats(dtypes.Float32, normals(lrng, c.Eval*c.Arch.Z), 1, c.Eval, c.Arch.Z)
	// measure generates from the fixed latents: the per-level distances, and
	// the first gridZ digits for the grid at its checkpoints.
	var gridCk map[int]bool
	res.GridIters, gridCk = gridCheckpoints(c.Steps, c.Unroll)
	measure := func(it int) error {
		args := []any{}
		for _, s := range state[:o.NumG()] {
			args = append(args, s)
		}
		out, err := gen.Call(append(args, zEval)...)
		if err != nil {
			return err
		}
		f, err := tensorconv.Floats(out[0])
		if err != nil {
			return err
		}
		x := make([][]float64, c.Eval)
		for i := range x {
			x[i] = f[i*n : (i+1)*n]
		}
		if it%c.EvalEvery == 0 {
			res.Iters = append(res.Iters, it)
			for l, part := range o.levels(x) {
				res.SWD[l] = append(res.SWD[l], refs[l].SWD(part))
			}
		}
		if gridCk[it] {
			res.Grid = append(res.Grid, x[:gridZ])
		}
		return nil
	}
	if err := measure(0); err != nil {
		return nil, err
	}
	brng := rand.New(rand.NewPCG(uint64(c.Seed), streamBatches))
	U, B, Z := c.Unroll, c.Batch, c.Arch.Z
	real := make([]float64, U*B*n)
	bar := progress.New(fmt.Sprintf("superres %s: multi-scale GAN, %d×%d → %d×%d → %d×%d, %d iterations", c.Dataset,
		o.Side(1), o.Side(1), o.Side(2), o.Side(2), o.Side(3), o.Side(3), c.Steps), c.Steps)
	for it := 0; it < c.Steps; it += U {
		for i := range U * B {
			copy(real[i*n:], trainX[brng.IntN(len(trainX))])
		}
		realT, _ := tensorconv.FromFloats(dtypes.Float32, real, U, 1, B, n)
		zd, _ := tensorconv.FromFloats(dtypes.Float32, normals(brng, U*B*Z), U, 1, B, Z)
		zg, _ := tensorconv.FromFloats(dtypes.Float32, normals(brng, U*B*Z), U, 1, B, Z)
		inputs := append([]*tensors.Tensor{realT, zd, zg, gates}, mapsT...)
		next, losses, err := tr.Step(state, append(inputs, lr, lr)...)
		if err != nil {
			return nil, err
		}
		for u := range U {
			if l := losses[2*u] + losses[2*u+1]; math.IsNaN(l) || math.IsInf(l, 0) {
				return nil, fmt.Errorf("superres %s: the GAN diverged (non-finite loss) at iteration %d with lr %v", c.Dataset, it+u, c.LR)
			}
		}
		state = next
		done := it + U
		bar.Update(done, fmt.Sprintf("L_D %.3f, L_G %.3f", losses[0], losses[1]))
		if done%c.EvalEvery == 0 || gridCk[done] {
			if err := measure(done); err != nil {
				return nil, err
			}
		}
	}
	res.Seconds = time.Since(start).Seconds()
	bar.Done(fmt.Sprintf("trained in %.1fs", res.Seconds))
	return res, nil
}

// loadImages is the first nTrain training and nTest test images of the
// dataset, one channel, pixels in [0, 1] (CIFAR-10 from THEORYLAB_CIFAR10_DIR,
// turned greyscale).
func loadImages(dataset string, nTrain, nTest int) (train, test *data.Images, err error) {
	if dataset == "mnist" {
		if train, err = data.LoadMNIST("train", nTrain); err == nil {
			test, err = data.LoadMNIST("test", nTest)
		}
		return train, test, err
	}
	if train, err = data.LoadCIFAR10("", "train", nTrain); err != nil {
		return nil, nil, err
	}
	if test, err = data.LoadCIFAR10("", "test", nTest); err != nil {
		return nil, nil, err
	}
	if train, err = train.Grayscale(); err != nil {
		return nil, nil, err
	}
	test, err = test.Grayscale()
	return train, test, err
}
