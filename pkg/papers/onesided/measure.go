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

// measurer records the large-batch gradients of both players on two fixed
// evaluation sets per run, and keeps the parameters of every checkpoint for
// the MVI check once the final parameters are known.
type measurer struct {
	cfg          Config
	ring         gan.Ring
	exec         *Exec
	runList      []GANRun
	sets         [2][3]*tensors.Tensor // two evaluation sets: real, noise, real2
	mask         *tensors.Tensor
	nG           int
	gradG, gradD [][][]float64 // [checkpoint][run] gradient on set 1
	parG, parD   [][][]float64 // [checkpoint][run] parameters
}

func newMeasurer(be compute.Backend, cfg Config, gNet, dNet gan.Net, runList []GANRun, mask *tensors.Tensor,
	fake func(gp []*Node, noise, real2, m *Node) *Node) (*measurer, error) {
	R := len(runList)
	m := &measurer{cfg: cfg, ring: cfg.Ring(), runList: runList, mask: mask, nG: 2 * (len(gNet.Sizes) - 1)}
	ring := m.ring
	for set := range 2 {
		var x, z, x2 []float64
		for _, run := range runList {
			rng := rand.New(rand.NewPCG(uint64(run.Seed), streamEval*16+uint64(set)))
			x = ring.Sample(rng, cfg.Eval, x)
			for range cfg.Eval * cfg.Noise {
				z = append(z, rng.NormFloat64())
			}
			x2 = ring.Sample(rng, cfg.Eval, x2)
		}
		m.sets[set] = [3]*tensors.Tensor{f32(x, R, cfg.Eval, 2), f32(z, R, cfg.Eval, cfg.Noise), f32(x2, R, cfg.Eval, 2)}
	}
	flat := func(grads []*Node) *Node {
		parts := make([]*Node, len(grads))
		for i, g := range grads {
			parts[i] = Reshape(g, g.Shape().Dimensions[0], -1) // [R, size]
		}
		return Concatenate(parts, 1)
	}
	var err error
	m.exec, err = NewExec(be, func(in []*Node) []*Node {
		gp, dp, b := in[:m.nG], in[m.nG:2*m.nG], in[2*m.nG:]
		x := fake(gp, b[1], b[2], b[3]) // [R, N, 2]
		// each player's gradient of its own loss, summed over runs (the runs share no parameters)
		lD := gan.DiscriminatorLoss(dNet.Forward(dp, b[0]), dNet.Forward(dp, x))
		lG := gan.GeneratorLoss(dNet.Forward(dp, x))
		return []*Node{flat(Gradient(ReduceAllSum(lG), gp...)), flat(Gradient(ReduceAllSum(lD), dp...)), x}
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

// checkpoint measures the parameters gp, dp at iteration t.
func (m *measurer) checkpoint(t int, gp, dp []*tensors.Tensor) error {
	R := len(m.runList)
	var gG, gD [2][][]float64
	var samples [][]float64
	for set := range 2 {
		args := make([]any, 0, 2*m.nG+4)
		for _, p := range append(append([]*tensors.Tensor{}, gp...), dp...) {
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
			if samples, err = perRun(outs[2], R); err != nil {
				return err
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
	m.gradG, m.gradD = append(m.gradG, gG[0]), append(m.gradD, gD[0])
	m.parG, m.parD = append(m.parG, pG), append(m.parD, pD)
	ratio := float64(m.cfg.Eval) / float64(m.cfg.Batch)
	stats := func(g1, g2 []float64) (sig, noise, n, mini float64) { return gradStats(g1, g2, ratio) }
	for r := range m.runList {
		run := &m.runList[r]
		run.Iter = append(run.Iter, t)
		s, n, nn, mb := stats(gG[0][r], gG[1][r])
		run.SigG, run.NoiseG, run.NormG, run.MiniG = append(run.SigG, s), append(run.NoiseG, n), append(run.NormG, nn), append(run.MiniG, mb)
		s, n, nn, mb = stats(gD[0][r], gD[1][r])
		run.SigD, run.NoiseD, run.NormD, run.MiniD = append(run.SigD, s), append(run.NoiseD, n), append(run.NormD, nn), append(run.MiniD, mb)
		q := m.ring.Quality(samples[r])
		run.Good, run.Cover = append(run.Good, q.Good), append(run.Cover, q.Covered)
		last := t == m.cfg.Iters
		if last {
			run.FinalGood, run.FinalCover, run.Success = q.Good, q.Covered, !run.Null && m.cfg.success(q)
		}
		// four snapshots for the scatter figure: 0, T/4… no: 10%, 30%, 60%, 100% of T
		for _, frac := range []int{10, 30, 60, 100} {
			if t == m.cfg.Iters*frac/100/m.cfg.Every*m.cfg.Every {
				run.SampleIter = append(run.SampleIter, t)
				run.Samples = append(run.Samples, append(runs.Series(nil), samples[r][:2*min(256, m.cfg.Eval)]...))
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

// finish computes the MVI series with θ* the final parameters of each run.
func (m *measurer) finish(diverged []bool) {
	last := len(m.parG) - 1
	for r := range m.runList {
		run := &m.runList[r]
		run.Diverged = diverged[r]
		for k := range m.parG {
			run.MVIG = append(run.MVIG, mviValue(m.gradG[k][r], m.parG[k][r], m.parG[last][r]))
			run.MVID = append(run.MVID, mviValue(m.gradD[k][r], m.parD[k][r], m.parD[last][r]))
		}
	}
}
