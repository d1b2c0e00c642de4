package onesided

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/models/gan"
	"theorylab/pkg/runs"
	"theorylab/pkg/train"
	"theorylab/pkg/train/minmax"
)

// The batched GAN that the ring (B) and MNIST (C) studies share: the runs of
// one training, their game and its alternating loop, the learning-rate
// selection and the training of a study (study.train). Each study adds its
// own data, validation score and probe of the checkpoints (a study value).

// gameRuns lists the runs of one training of method at lr: one GAN per seed,
// then, with null, one perfect-generator null per seed.
func gameRuns(seeds []int, method string, lr float64, null bool) []GANRun {
	var runList []GANRun
	for _, isNull := range []bool{false, true} {
		if isNull && !null {
			continue
		}
		for _, s := range seeds {
			runList = append(runList, GANRun{Seed: s, Method: method, LR: lr, Null: isNull})
		}
	}
	return runList
}

// fakeFn is what the discriminator sees as generated.
type fakeFn func(gp []*Node, noise, real2, m *Node) *Node

// batchedGame builds the game of runList in one graph: each run's generator
// and discriminator initialised from its seed (streams gStream and dStream),
// the non-saturating losses, and Adam (β₁ = beta1) or plain GDA at lr for
// both players. A null run's "generated" points are a second real batch
// (mask 1): fake = m·x′ + (1 − m)·G(z). The batch of a step is
// real [R, B, n], noise [R, B, k], real2 [R, B, n] and the mask [R, 1, 1].
func batchedGame(be compute.Backend, gNet, dNet gan.Net, runList []GANRun, gStream, dStream uint64,
	method string, lr, beta1 float64) (*minmax.Trainer, *tensors.Tensor, fakeFn, error) {
	R := len(runList)
	gSeeds, dSeeds := make([]uint64, R), make([]uint64, R)
	mask := make([]float32, R) // 1 for a null run
	for r, run := range runList {
		gSeeds[r] = uint64(run.Seed)*16 + gStream
		dSeeds[r] = uint64(run.Seed)*16 + dStream
		if run.Null {
			mask[r] = 1
		}
	}
	gInit, err := gNet.InitParams(gSeeds, dtypes.Float32)
	if err != nil {
		return nil, nil, nil, err
	}
	dInit, err := dNet.InitParams(dSeeds, dtypes.Float32)
	if err != nil {
		return nil, nil, nil, err
	}
	maskT := tensors.FromFlatDataAndDimensions(mask, R, 1, 1)
	// fake = m·x′ + (1 − m)·G(z): the null's generator is the true sampler.
	fake := func(gp []*Node, noise, real2, m *Node) *Node {
		return Add(Mul(m, real2), Mul(OneMinus(m), gNet.Forward(gp, noise)))
	}
	game := minmax.Game{
		Min: params("g", gInit), Max: params("d", dInit),
		MaxLoss: func(gp, dp, b []*Node) *Node {
			return gan.DiscriminatorLoss(dNet.Forward(dp, b[0]), dNet.Forward(dp, fake(gp, b[1], b[2], b[3])))
		},
		MinLoss: func(gp, dp, b []*Node) *Node {
			return gan.GeneratorLoss(dNet.Forward(dp, fake(gp, b[1], b[2], b[3])))
		},
	}
	opt := func() optimizer.Interface {
		if method == MethodAdam {
			return optimizer.Adam().LearningRate(lr).Betas(beta1, 0.999).Epsilon(1e-8).Done()
		}
		return optimizer.StochasticGradientDescent().WithDecay(false).WithLearningRate(lr).Done()
	}
	game.MinOpt, game.MaxOpt = opt(), opt()
	trainer, err := minmax.New(be, game)
	if err != nil {
		return nil, nil, nil, err
	}
	return trainer, maskT, fake, nil
}

// alternate runs iters alternating iterations of trainer, each on the batch
// draw returns and the mask, ticking tk. With check set, it calls check with
// the players' parameters every `every` iterations, t = 0 and t = iters
// included. The runs are independent: a run whose loss stops being finite is
// marked in the returned slice and the others go on.
func alternate(trainer *minmax.Trainer, R, iters, every int, draw func() (real, noise, real2 *tensors.Tensor),
	mask *tensors.Tensor, check func(t int, gp, dp []*tensors.Tensor) error, tk *ticker) ([]bool, error) {
	diverged := make([]bool, R)
	for t := 0; t <= iters; t++ {
		if check != nil && t%every == 0 {
			gp, dp, err := trainer.Params()
			if err != nil {
				return nil, err
			}
			if err := check(t, gp, dp); err != nil {
				return nil, err
			}
		}
		if t == iters {
			break
		}
		real, noise, real2 := draw()
		lMin, lMax, err := trainer.Step(real, noise, real2, mask)
		tk.tick()
		if err != nil {
			var div *train.DivergedError
			if !errors.As(err, &div) {
				return nil, err
			}
			for r := range R {
				if bad(lMin[r]) || bad(lMax[r]) {
					diverged[r] = true
				}
			}
		}
	}
	return diverged, nil
}

// trainFn trains a study's GANs of one method at lr for iters iterations,
// with the perfect-generator nulls when null is set and the checkpoints when
// measure is set; it returns the runs and the validation score (see study.train).
type trainFn func(method string, lr float64, null bool, iters int, measure bool) ([]GANRun, float64, error)

// selectAndTrain is a study's protocol: every rate of grid for Adam and for
// plain GDA alike, pilot iterations each, scored on validation (the best
// score wins; a diverged run's NaN never does), then both methods at their
// chosen rates for iters iterations with measurements, Adam beside its null.
// study prefixes the error of a method that diverges at every rate, and
// gridField names the grid there.
func selectAndTrain(train trainFn, grid []float64, pilot, iters int, study, gridField string) (
	pilots []PilotResult, adamLR, gdaLR float64, gans []GANRun, err error) {
	best, bestScore := map[string]float64{}, map[string]float64{}
	for _, method := range []string{MethodAdam, MethodGDA} {
		for _, lr := range grid {
			_, score, err := train(method, lr, false, pilot, false)
			if err != nil {
				return nil, 0, 0, nil, err
			}
			pilots = append(pilots, PilotResult{Method: method, LR: lr, Score: runs.Float(score)})
			if s, ok := bestScore[method]; !math.IsNaN(score) && (!ok || score > s) {
				best[method], bestScore[method] = lr, score
			}
		}
		if _, ok := best[method]; !ok {
			return nil, 0, 0, nil, fmt.Errorf("onesided: %s%s diverged at every learning rate of %s", study, method, gridField)
		}
	}
	adamLR, gdaLR = best[MethodAdam], best[MethodGDA]
	adamRuns, _, err := train(MethodAdam, adamLR, true, iters, true)
	if err != nil {
		return nil, 0, 0, nil, err
	}
	gdaRuns, _, err := train(MethodGDA, gdaLR, false, iters, true)
	if err != nil {
		return nil, 0, 0, nil, err
	}
	return pilots, adamLR, gdaLR, append(adamRuns, gdaRuns...), nil
}

// study is what a GAN study (the ring or MNIST) adds to the shared game: its
// networks, seeds and seed streams, its data, its validation score and its
// probe of the checkpoints.
type study struct {
	name       string // in the progress bar: "ring" or "MNIST"
	seeds      []int
	gNet, dNet gan.Net
	beta1      float64 // Adam's β₁
	// minibatch of a step, the size of each evaluation set (and of the
	// validation noise), iterations between checkpoints
	batch, eval, every int
	// seed streams of the initial weights, the minibatches, the two
	// evaluation sets (evalStream·16 + set) and the validation noise
	gStream, dStream, trainStream, evalStream, validStream uint64
	// draw returns, for every run r, n real points, n noise vectors and n more
	// real points (the null's "generated" ones) drawn from rs[r] in that
	// order: real [R, n, ·], noise [R, n, k], real2 [R, n, ·].
	draw func(rs []*rand.Rand, n int) (real, noise, real2 *tensors.Tensor)
	// score is each run's validation score (NaN: unusable) of the final
	// generators gp on noise [R, n, k].
	score      func(gp []*tensors.Tensor, noise *tensors.Tensor) ([]float64, error)
	probe      probe
	mviOfNulls bool // the nulls' MVI values are computed too (else NaN)
}

// rngs are the runs' generators of a seed stream.
func rngs(runList []GANRun, stream uint64) []*rand.Rand {
	rs := make([]*rand.Rand, len(runList))
	for r, run := range runList {
		rs[r] = rand.New(rand.NewPCG(uint64(run.Seed), stream))
	}
	return rs
}

// train is the trainFn of study st: one GAN per seed (and, with null, one
// perfect-generator null per seed) for iters alternating iterations in one
// batched graph. With measure it records the checkpoints; it always returns
// the validation score: the mean over the non-null runs of st.score on fresh
// noise, NaN when a run diverged.
func (st *study) train(be compute.Backend, method string, lr float64, null bool, iters int, measure bool, tk *ticker) ([]GANRun, float64, error) {
	tk.phase(fmt.Sprintf("%s: %s at lr %g, %d iterations", st.name, method, lr, iters))
	runList := gameRuns(st.seeds, method, lr, null)
	R := len(runList)
	trainer, maskT, fake, err := batchedGame(be, st.gNet, st.dNet, runList, st.gStream, st.dStream, method, lr, st.beta1)
	if err != nil {
		return nil, 0, err
	}
	defer trainer.Finalize()
	rs := rngs(runList, st.trainStream)
	var meas *measurer
	var check func(t int, gp, dp []*tensors.Tensor) error
	if measure {
		if meas, err = st.newMeasurer(be, runList, maskT, fake, iters); err != nil {
			return nil, 0, err
		}
		defer meas.exec.Finalize()
		check = meas.checkpoint
	}
	diverged, err := alternate(trainer, R, iters, st.every,
		func() (real, noise, real2 *tensors.Tensor) { return st.draw(rs, st.batch) }, maskT, check, tk)
	if err != nil {
		return nil, 0, err
	}
	// Validation: fresh noise, the final generators.
	gp, _, err := trainer.Params()
	if err != nil {
		return nil, 0, err
	}
	_, vNoise, _ := st.draw(rngs(runList, st.validStream), st.eval)
	scores, err := st.score(gp, vNoise)
	if err != nil {
		return nil, 0, err
	}
	score, n := 0.0, 0
	for r, run := range runList {
		if run.Null {
			continue
		}
		v := scores[r]
		if diverged[r] {
			v = math.NaN()
		}
		score += v
		n++
	}
	score /= float64(n)
	if meas != nil {
		meas.finish(diverged)
		runList = meas.runList
	}
	return runList, score, nil
}
