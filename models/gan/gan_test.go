package gan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/tensorconv"
)

var ring = Ring{Modes: 8, Radius: 2, Sigma: 0.05}

// Over 100,000 draws each mode's frequency is 0.125 ± 0.005 and the per-mode
// standard deviation 0.05 ± 0.002.
func TestRingSample(t *testing.T) {
	const n = 100000
	pts := ring.Sample(rand.New(rand.NewPCG(1, 2)), n, nil)
	counts := make([]int, ring.Modes)
	sq := make([]float64, ring.Modes)
	for i := range n {
		best, bd := 0, math.Inf(1)
		for k := range ring.Modes {
			cx, cy := ring.Centre(k)
			if d := math.Hypot(pts[2*i]-cx, pts[2*i+1]-cy); d < bd {
				best, bd = k, d
			}
		}
		counts[best]++
		sq[best] += bd * bd / 2 // two coordinates
	}
	for k := range ring.Modes {
		freq := float64(counts[k]) / n
		std := math.Sqrt(sq[k] / float64(counts[k]))
		if math.Abs(freq-0.125) > 0.005 || math.Abs(std-0.05) > 0.002 {
			t.Errorf("mode %d: frequency %.4f (want 0.125 ± 0.005), std %.4f (want 0.05 ± 0.002)", k, freq, std)
		}
	}
}

// The quality metric reports 8/8 on real data and 1/8 on a generator that always outputs mode 0.
func TestQuality(t *testing.T) {
	real := ring.Quality(ring.Sample(rand.New(rand.NewPCG(3, 4)), 4096, nil))
	if real.Covered != 8 || math.Abs(real.Good-(1-math.Exp(-4.5))) > 0.01 { // P(‖ε‖ ≤ 3σ) = 1 − e^{−9/2} in 2-D
		t.Errorf("real data: %+v, want 8 modes and 1 − e^{−4.5} ≈ 98.9%% good", real)
	}
	one := Ring{Modes: 1, Radius: 2, Sigma: 0.05}.Sample(rand.New(rand.NewPCG(5, 6)), 4096, nil) // all at mode 0's centre (2, 0)
	q := ring.Quality(one)
	if q.Covered != 1 {
		t.Errorf("collapsed generator: %+v, want 1 mode covered", q)
	}
	if err := (Ring{Modes: 0, Radius: 1, Sigma: 1}).Validate(); err == nil {
		t.Errorf("a ring without modes validated")
	}
}

func consts(g *Graph, ts []*tensors.Tensor) []*Node {
	out := make([]*Node, len(ts))
	for i, t := range ts {
		out[i] = Const(g, t)
	}
	return out
}

// The forward pass and both losses against a hand computation in float64.
func TestForwardAndLosses(t *testing.T) {
	be := backend.MustGet()
	d := Discriminator(2, []int{3})
	params, err := d.InitParams([]uint64{7}, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.3, -1.2, 2.0, 0.5}
	out := MustNewExec(be, func(xn *Node) []*Node {
		ps := consts(xn.Graph(), params)
		logits := d.Forward(ps, xn) // [1, 2, 1]
		half := Slice(logits, AxisRange(), AxisRange(0, 1))
		other := Slice(logits, AxisRange(), AxisRange(1, 2))
		return []*Node{logits, DiscriminatorLoss(half, other), GeneratorLoss(other)}
	}).MustCall(tensors.FromFlatDataAndDimensions(x, 2, 2))
	var w [4][]float64
	for i := range params {
		w[i], _ = tensorconv.Floats(params[i])
	}
	logit := func(a, b float64) float64 {
		o := w[3][0]
		for j := range 3 {
			h := a*w[0][j] + b*w[0][3+j] + w[1][j]
			h = math.Max(h, LeakySlope*h)
			o += h * w[2][j]
		}
		return o
	}
	sp := func(z float64) float64 { return math.Log1p(math.Exp(z)) }
	l0, l1 := logit(x[0], x[1]), logit(x[2], x[3])
	want := []float64{l0, l1, sp(-l0) + sp(l1), sp(-l1)}
	var got []float64
	for _, o := range out {
		v, _ := tensorconv.Floats(o)
		got = append(got, v...)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("value %d: got %.15g, want %.15g", i, got[i], want[i])
		}
	}
}

// The gradients of L_D (w.r.t. the discriminator) and L_G (w.r.t. the
// generator) match central finite differences in float64 (relative 1e-6).
func TestLossGradientsFiniteDifferences(t *testing.T) {
	be := backend.MustGet()
	g, d := Generator(2, []int{4}, 2), Discriminator(2, []int{4})
	gp, _ := g.InitParams([]uint64{1}, dtypes.Float64)
	dp, _ := d.InitParams([]uint64{2}, dtypes.Float64)
	rng := rand.New(rand.NewPCG(9, 9))
	real := tensors.FromFlatDataAndDimensions(ring.Sample(rng, 16, nil), 1, 16, 2)
	zs := make([]float64, 32)
	for i := range zs {
		zs[i] = rng.NormFloat64()
	}
	noise := tensors.FromFlatDataAndDimensions(zs, 1, 16, 2)
	losses := func(in []*Node) (lD, lG *Node) {
		gn, dn := in[:4], in[4:8]
		fake := g.Forward(gn, in[9])
		return DiscriminatorLoss(d.Forward(dn, in[8]), d.Forward(dn, fake)), GeneratorLoss(d.Forward(dn, fake))
	}
	value := MustNewExec(be, func(in []*Node) []*Node { a, b := losses(in); return []*Node{a, b} })
	grad := MustNewExec(be, func(in []*Node) []*Node {
		lD, lG := losses(in)
		return append(Gradient(ReduceAllSum(lG), in[:4]...), Gradient(ReduceAllSum(lD), in[4:8]...)...)
	})
	args := func(ps []*tensors.Tensor) []any {
		out := []any{}
		for _, p := range ps {
			out = append(out, p)
		}
		return append(out, real, noise)
	}
	all := append(append([]*tensors.Tensor{}, gp...), dp...)
	grads := grad.MustCall(args(all)...)
	const h = 1e-6
	for pi := range all {
		base, _ := tensorconv.Floats(all[pi])
		analytic, _ := tensorconv.Floats(grads[pi])
		for _, k := range []int{0, len(base) - 1} {
			eval := func(delta float64) float64 {
				v := append([]float64(nil), base...)
				v[k] += delta
				ps := append([]*tensors.Tensor{}, all...)
				ps[pi] = tensors.FromFlatDataAndDimensions(v, all[pi].Shape().Dimensions...)
				outs := value.MustCall(args(ps)...)
				which := 1 // L_G for generator parameters
				if pi >= 4 {
					which = 0 // L_D for discriminator parameters
				}
				f, _ := tensorconv.Floats(outs[which])
				return f[0]
			}
			fd := (eval(h) - eval(-h)) / (2 * h)
			if err := math.Abs(fd-analytic[k]) / math.Max(math.Abs(fd), 1e-3); err > 1e-6 {
				t.Errorf("parameter %d[%d]: autodiff %.10g, finite differences %.10g (relative %.1e)", pi, k, analytic[k], fd, err)
			}
		}
	}
}
