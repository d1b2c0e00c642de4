package onesided

import (
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/gan"
	"theorylab/pkg/runs"
)

// The checkpoint measurements that the ring (B) and MNIST (C) studies share:
// the large-batch gradients of both players on two fixed evaluation sets,
// their signal and noise, and the one-sided MVI values once the final
// parameters are known. Each study adds its own quality of the generated
// samples and what it keeps of them (its probe).

// probe is a study's own part of the checkpoint measurements.
type probe struct {
	// consts are fixed inputs of the measuring graph after the players'
	// parameters (the MNIST classifier's parameters; none for the ring).
	consts []*tensors.Tensor
	// outputs are the graph's extra outputs, each [R, …], from the consts
	// and the generated points x [R, N, ·] of an evaluation set.
	outputs func(consts []*Node, x *Node) []*Node
	// quality scores run r's generated points of evaluation set 1 from the
	// extra outputs split per run (outs[i][r]).
	quality func(outs [][][]float64, r int) (good float64, covered int, success bool)
	// snapshot is what run r keeps of its generated points at the four
	// snapshot checkpoints (nil: nothing); firstSeed tells whether the run
	// has the first seed of the training.
	snapshot func(outs [][][]float64, r int, firstSeed bool) runs.Series
}

// measurer records, every checkpoint of the runs of one training, the
// large-batch gradients of both players on two fixed evaluation sets and the
// study's probe, and keeps the gradients and parameters of every checkpoint
// (in float32, the precision they are computed in) for the MVI check once the
// final parameters are known. A null run's MVI values are NaN unless
// mviOfNulls.
type measurer struct {
	probe        probe
	iters, every int
	ratio        float64 // Eval/Batch
	mviOfNulls   bool
	exec         *Exec
	runList      []GANRun
	sets         [2][3]*tensors.Tensor // two evaluation sets: real, noise, real2
	mask         *tensors.Tensor
	gradG, gradD [][][]float32 // [checkpoint][run] gradient on set 1 (nil: not kept)
	parG, parD   [][][]float32 // [checkpoint][run] parameters
}

// newMeasurer builds the measurer of study st's runList trained for iters
// iterations; mask and fake are the game's (see batchedGame).
func (st *study) newMeasurer(be compute.Backend, runList []GANRun, mask *tensors.Tensor, fake fakeFn, iters int) (*measurer, error) {
	m := &measurer{probe: st.probe, iters: iters, every: st.every, ratio: float64(st.eval) / float64(st.batch),
		mviOfNulls: st.mviOfNulls, runList: runList, mask: mask}
	for set := range 2 {
		rs := make([]*rand.Rand, len(runList))
		for r, run := range runList {
			rs[r] = rand.New(rand.NewPCG(uint64(run.Seed), st.evalStream*16+uint64(set)))
		}
		real, noise, real2 := st.draw(rs, st.eval)
		m.sets[set] = [3]*tensors.Tensor{real, noise, real2}
	}
	flat := func(grads []*Node) *Node {
		parts := make([]*Node, len(grads))
		for i, g := range grads {
			parts[i] = Reshape(g, g.Shape().Dimensions[0], -1) // [R, size]
		}
		return Concatenate(parts, 1)
	}
	gNet, dNet := st.gNet, st.dNet
	nG, nD, nC := 2*(len(gNet.Sizes)-1), 2*(len(dNet.Sizes)-1), len(st.probe.consts)
	var err error
	m.exec, err = NewExec(be, func(in []*Node) []*Node {
		gp, dp, cp, b := in[:nG], in[nG:nG+nD], in[nG+nD:nG+nD+nC], in[nG+nD+nC:]
		x := fake(gp, b[1], b[2], b[3]) // [R, N, ·]
		// each player's gradient of its own loss, summed over runs (the runs share no parameters)
		lD := gan.DiscriminatorLoss(dNet.Forward(dp, b[0]), dNet.Forward(dp, x))
		lG := gan.GeneratorLoss(dNet.Forward(dp, x))
		return append([]*Node{flat(Gradient(ReduceAllSum(lG), gp...)), flat(Gradient(ReduceAllSum(lD), dp...))},
			st.probe.outputs(cp, x)...)
	})
	return m, err
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// convert returns xs converted element-wise to To.
func convert[To, From int | float32 | float64](xs []From) []To {
	out := make([]To, len(xs))
	for i, v := range xs {
		out[i] = To(v)
	}
	return out
}

// checkpoint measures the parameters gp, dp at iteration t.
func (m *measurer) checkpoint(t int, gp, dp []*tensors.Tensor) error {
	R := len(m.runList)
	var gG, gD [2][][]float64
	var extra [][][]float64 // the probe's outputs on set 1, [output][run]
	for set := range 2 {
		args := make([]any, 0, len(gp)+len(dp)+len(m.probe.consts)+4)
		for _, p := range append(append(append([]*tensors.Tensor{}, gp...), dp...), m.probe.consts...) {
			args = append(args, p)
		}
		args = append(args, m.sets[set][0], m.sets[set][1], m.sets[set][2], m.mask)
		outs, err := m.exec.Call(args...)
		if err != nil {
			return err
		}
		if gG[set], err = perRun(outs[0], R); err != nil {
			return err
		}
		if gD[set], err = perRun(outs[1], R); err != nil {
			return err
		}
		if set == 0 {
			for _, o := range outs[2:] {
				v, err := perRun(o, R)
				if err != nil {
					return err
				}
				extra = append(extra, v)
			}
		}
	}
	pG, err := flatPerRun(gp, R)
	if err != nil {
		return err
	}
	pD, err := flatPerRun(dp, R)
	if err != nil {
		return err
	}
	// float32 loses nothing: the gradients and parameters are float32 tensors
	keep := func(xs [][]float64) [][]float32 {
		out := make([][]float32, R)
		for r, run := range m.runList {
			if !run.Null || m.mviOfNulls {
				out[r] = convert[float32](xs[r])
			}
		}
		return out
	}
	m.gradG, m.gradD = append(m.gradG, keep(gG[0])), append(m.gradD, keep(gD[0]))
	m.parG, m.parD = append(m.parG, keep(pG)), append(m.parD, keep(pD))
	for r := range m.runList {
		run := &m.runList[r]
		run.Iter = append(run.Iter, t)
		sg, ng, nn, mb := gradStats(gG[0][r], gG[1][r], m.ratio)
		run.SigG, run.NoiseG, run.NormG, run.MiniG = append(run.SigG, sg), append(run.NoiseG, ng), append(run.NormG, nn), append(run.MiniG, mb)
		sg, ng, nn, mb = gradStats(gD[0][r], gD[1][r], m.ratio)
		run.SigD, run.NoiseD, run.NormD, run.MiniD = append(run.SigD, sg), append(run.NoiseD, ng), append(run.NormD, nn), append(run.MiniD, mb)
		good, covered, success := m.probe.quality(extra, r)
		run.Good, run.Cover = append(run.Good, good), append(run.Cover, covered)
		if t == m.iters {
			run.FinalGood, run.FinalCover, run.Success = good, covered, !run.Null && success
		}
		// four snapshots: at 10%, 30%, 60% and 100% of the iterations
		for _, frac := range []int{10, 30, 60, 100} {
			if t == m.iters*frac/100/m.every*m.every {
				if s := m.probe.snapshot(extra, r, run.Seed == m.runList[0].Seed); s != nil {
					run.SampleIter = append(run.SampleIter, t)
					run.Samples = append(run.Samples, s)
				}
			}
		}
	}
	return nil
}

// gradStats separates a player's large-batch gradients g₁, g₂ on two
// independent evaluation sets of N points into signal and noise; ratio is N/B.
func gradStats(g1, g2 []float64, ratio float64) (sig, noise, n, mini float64) {
	// signal √⟨g₁, g₂⟩: E⟨g₁, g₂⟩ = ‖∇L‖² for independent evaluation sets
	sig = math.Sqrt(math.Max(dot(g1, g2), 0))
	d := 0.0
	for i := range g1 {
		d += (g1[i] - g2[i]) * (g1[i] - g2[i])
	}
	// noise of one set: E‖g₁ − g₂‖² = 2·tr Σ/N
	noise = math.Sqrt(d / 2)
	n = math.Sqrt(dot(g1, g1))
	// expected minibatch norm: E‖g_B‖² = ‖∇L‖² + tr Σ/B
	mini = math.Sqrt(sig*sig + noise*noise*ratio)
	return
}

// mviValue is the normalised one-sided MVI value ⟨g, θ − θ*⟩/(‖g‖‖θ − θ*‖).
func mviValue(g, theta, star []float64) float64 {
	var ip, nd float64
	for i := range g {
		d := theta[i] - star[i]
		ip += g[i] * d
		nd += d * d
	}
	den := math.Sqrt(dot(g, g) * nd)
	if den == 0 {
		return math.NaN()
	}
	return ip / den
}

// finish marks the diverged runs and computes the MVI series with θ* the
// final parameters of each run (NaN for a run whose checkpoints were not kept).
func (m *measurer) finish(diverged []bool) {
	last := len(m.parG) - 1
	for r := range m.runList {
		run := &m.runList[r]
		run.Diverged = diverged[r]
		for k := range m.parG {
			if m.parG[k][r] == nil {
				run.MVIG, run.MVID = append(run.MVIG, math.NaN()), append(run.MVID, math.NaN())
				continue
			}
			run.MVIG = append(run.MVIG, mviValue(convert[float64](m.gradG[k][r]), convert[float64](m.parG[k][r]), convert[float64](m.parG[last][r])))
			run.MVID = append(run.MVID, mviValue(convert[float64](m.gradD[k][r]), convert[float64](m.parD[k][r]), convert[float64](m.parD[last][r])))
		}
	}
}
