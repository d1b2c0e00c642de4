package lowrank_test

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/lowrank"
	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/linalg"
)

// net is the quick preset's network shape, smaller: 12 → 8 → 6 → 3, ReLU.
var net = mlp.Config{Sizes: []int{12, 8, 6, 3}, Activation: "relu", Bias: true, OutputBias: true, Init: mlp.TorchDefault}

func randomTensor(rng *rand.Rand, dtype dtypes.DType, scale float64, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	if dtype == dtypes.Float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(scale * rng.NormFloat64())
		}
		return tensors.FromFlatDataAndDimensions(v, dims...)
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = scale * rng.NormFloat64()
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

func flat(t *tensors.Tensor) []float64 {
	if t.DType() == dtypes.Float32 {
		f := tensors.MustCopyFlatData[float32](t)
		out := make([]float64, len(f))
		for i, x := range f {
			out[i] = float64(x)
		}
		return out
	}
	return tensors.MustCopyFlatData[float64](t)
}

func to32(ts []*tensors.Tensor) []*tensors.Tensor {
	out := make([]*tensors.Tensor, len(ts))
	for i, t := range ts {
		v := flat(t)
		f := make([]float32, len(v))
		for j, x := range v {
			f[j] = float32(x)
		}
		out[i] = tensors.FromFlatDataAndDimensions(f, t.Shape().Dimensions...)
	}
	return out
}

// forward runs either the adapted network (adapters != nil) or the plain mlp on x.
func forward(t *testing.T, m lowrank.MLP, base, adapters []*tensors.Tensor, x *tensors.Tensor) []float64 {
	t.Helper()
	out := MustExecOnce(backend.MustGet(), func(g *Graph) *Node {
		consts := func(ts []*tensors.Tensor) []*Node {
			ns := make([]*Node, len(ts))
			for i, p := range ts {
				ns[i] = Const(g, p)
			}
			return ns
		}
		if adapters == nil {
			return m.Base.Forward(consts(base), Const(g, x))
		}
		return m.Forward(consts(base), consts(adapters), Const(g, x))
	})
	return flat(out)
}

func setup(t *testing.T, dtype dtypes.DType, rank int) (lowrank.MLP, []*tensors.Tensor, []*tensors.Tensor) {
	t.Helper()
	m := lowrank.MLP{Base: net, Layers: []int{0, 1}, Rank: rank, Alpha: 4}
	base, err := net.InitParams([]uint64{1, 2}, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	ad, err := m.Init([]uint64{5, 6}, dtype)
	if err != nil {
		t.Fatal(err)
	}
	if dtype == dtypes.Float32 {
		base = to32(base)
	}
	return m, base, ad
}

// LORA-1 as a unit test: with B = 0 the adapted network is the base network, bit for bit,
// for shared inputs [N, in] and per-run inputs [R, N, in].
func TestZeroInitIdentity(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		m, base, ad := setup(t, dtype, 3)
		for _, x := range []*tensors.Tensor{randomTensor(rng, dtype, 1, 7, 12), randomTensor(rng, dtype, 1, 2, 7, 12)} {
			got, want := forward(t, m, base, ad, x), forward(t, m, base, nil, x)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s, x %v: output %d differs at init: %v vs %v", dtype, x.Shape().Dimensions, i, got[i], want[i])
				}
			}
		}
	}
}

// nonzeroB gives the adapters a trained-looking B.
func nonzeroB(rng *rand.Rand, ad []*tensors.Tensor, scale float64) []*tensors.Tensor {
	out := append([]*tensors.Tensor(nil), ad...)
	for j := 1; j < len(out); j += 2 {
		out[j] = randomTensor(rng, out[j].DType(), scale, out[j].Shape().Dimensions...)
	}
	return out
}

// LORA-3 as a unit test: merged outputs equal unmerged ones; unmerging restores W₀.
func TestMergeEquivalence(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, tc := range []struct {
		dtype dtypes.DType
		tol   float64
	}{{dtypes.Float32, 1e-5}, {dtypes.Float64, 1e-12}} {
		m, base, ad := setup(t, tc.dtype, 2)
		ad = nonzeroB(rng, ad, 0.5)
		x := randomTensor(rng, tc.dtype, 1, 50, 12)
		merged, err := m.Merged(base, ad)
		if err != nil {
			t.Fatal(err)
		}
		unm, mer := forward(t, m, base, ad, x), forward(t, m, merged, nil, x)
		var diff, norm float64
		for i := range unm {
			diff = math.Max(diff, math.Abs(unm[i]-mer[i]))
			norm = math.Max(norm, math.Abs(unm[i]))
		}
		if diff > tc.tol*math.Max(1, norm) {
			t.Errorf("%s: ‖f_merged − f_unmerged‖∞ = %.3g > %g·max(1, %.3g)", tc.dtype, diff, tc.tol, norm)
		}
		// The merge must change the outputs at all (B ≠ 0), or the test proves nothing.
		plain := forward(t, m, base, nil, x)
		if math.Abs(plain[0]-unm[0]) < 1e-6 {
			t.Errorf("%s: the adapter did not change the output", tc.dtype)
		}
	}
}

func TestMergeUnmergeFlags(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	m, base, ad := setup(t, dtypes.Float32, 2)
	ad = nonzeroB(rng, ad, 0.5)
	c := m.Adapters()[0]
	layer, err := lowrank.NewLayer(c, base[0], ad[0], ad[1])
	if err != nil {
		t.Fatal(err)
	}
	w0 := append([]float64(nil), layer.W...)
	if err := layer.Unmerge(); !errors.Is(err, lowrank.ErrNotMerged) {
		t.Errorf("Unmerge before Merge: want ErrNotMerged, got %v", err)
	}
	if err := layer.Merge(); err != nil {
		t.Fatal(err)
	}
	once := append([]float64(nil), layer.W...)
	if err := layer.Merge(); !errors.Is(err, lowrank.ErrMerged) {
		t.Errorf("second Merge: want ErrMerged, got %v", err)
	}
	for i := range once {
		if layer.W[i] != once[i] {
			t.Fatal("a refused Merge changed W")
		}
	}
	// Merged W = W₀ + ΔWᵀ: check one entry by hand in the paper's layout.
	delta, _ := layer.Delta(1)
	k, d := c.In, c.Out
	i, o := 3, 5
	if got, want := layer.W[k*d+i*d+o], float64(float32(w0[k*d+i*d+o]+delta.At(o, i))); got != want {
		t.Errorf("merged W[run 1, in %d, out %d] = %v, want W₀ + ΔW[%d, %d] = %v", i, o, got, o, i, want)
	}
	if err := layer.Unmerge(); err != nil {
		t.Fatal(err)
	}
	var diff, norm float64
	for i := range w0 {
		diff = math.Max(diff, math.Abs(layer.W[i]-w0[i]))
		norm = math.Max(norm, math.Abs(w0[i]))
	}
	if diff > 1e-6*norm {
		t.Errorf("Unmerge restored W₀ only to %.3g relative (want ≤ 1e-6)", diff/norm)
	}
	if err := layer.Unmerge(); !errors.Is(err, lowrank.ErrNotMerged) {
		t.Errorf("second Unmerge: want ErrNotMerged, got %v", err)
	}
}

// A checkpoint saved merged and loaded again is not merged a second time.
func TestCheckpointKeepsMergedFlag(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	m, base, ad := setup(t, dtypes.Float32, 2)
	ad = nonzeroB(rng, ad, 0.5)
	layer, _ := lowrank.NewLayer(m.Adapters()[1], base[2], ad[2], ad[3])
	if err := layer.Merge(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := layer.Save(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := lowrank.Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Merged {
		t.Fatal("checkpoint lost the Merged flag")
	}
	if err := back.Merge(); !errors.Is(err, lowrank.ErrMerged) {
		t.Errorf("Merge after loading a merged checkpoint: want ErrMerged, got %v", err)
	}
	for i := range layer.W {
		if back.W[i] != layer.W[i] {
			t.Fatal("checkpoint round trip changed W")
		}
	}
	if err := back.Unmerge(); err != nil {
		t.Fatal(err)
	}
	if _, err := lowrank.Load(strings.NewReader(`{"format":"other"}`)); err == nil {
		t.Error("a checkpoint of another format was accepted")
	}
}

// LORA-4 as a unit test: ΔW = (α/r)BA has rank r: σ_{r+1}… vanish.
func TestDeltaRank(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, r := range []int{1, 3, 6} {
		m, base, ad := setup(t, dtypes.Float64, r)
		ad = nonzeroB(rng, ad, 1)
		layer, _ := lowrank.NewLayer(m.Adapters()[0], base[0], ad[0], ad[1])
		delta, _ := layer.Delta(0)
		if delta.Rows != 8 || delta.Cols != 12 {
			t.Fatalf("ΔW is %d×%d, want d×k = 8×12", delta.Rows, delta.Cols)
		}
		svd, err := linalg.SVD(delta)
		if err != nil {
			t.Fatal(err)
		}
		if svd.S[r-1] < 1e-3*svd.S[0] {
			t.Errorf("r=%d: σ_r = %v is not clearly non-zero", r, svd.S[r-1])
		}
		for k := r; k < len(svd.S); k++ {
			if svd.S[k] > 1e-12*svd.S[0] {
				t.Errorf("r=%d: σ_%d = %.3g > 1e-12·σ₁", r, k+1, svd.S[k])
			}
		}
	}
}

// LORA-5 as a unit test: r(d + k) per adapter; 580·r for the quick preset's backbone.
func TestParameterCount(t *testing.T) {
	c := lowrank.Config{In: 196, Out: 128, Rank: 4, Alpha: 8}
	if c.NumParams() != 4*(196+128) {
		t.Errorf("NumParams = %d, want %d", c.NumParams(), 4*(196+128))
	}
	quick := lowrank.MLP{Base: mlp.Config{Sizes: []int{196, 128, 128, 5}, Activation: "relu", Bias: true, OutputBias: true, Init: mlp.TorchDefault},
		Layers: []int{0, 1}, Rank: 1, Alpha: 8}
	for _, r := range []int{1, 4, 64} {
		quick.Rank = r
		if quick.NumParams() != 580*r {
			t.Errorf("r=%d: %d adapter values, want 580·r = %d", r, quick.NumParams(), 580*r)
		}
		ad, err := quick.Init([]uint64{0}, dtypes.Float32)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range ad {
			n += a.Size()
		}
		if n != quick.NumParams() {
			t.Errorf("r=%d: Init made %d values, NumParams says %d", r, n, quick.NumParams())
		}
	}
}

// The scale is α/r, not α: doubling r at fixed α halves the update per direction.
func TestScalingIsAlphaOverR(t *testing.T) {
	// k = 3, d = 2, r = 1 by hand: A = [1 2 3], B = [1; −1], x = [1 0 2].
	// B·A·x = [7; −7], so the branch is (α/r)·[7, −7].
	for _, tc := range []struct {
		rank  int
		alpha float64
	}{{1, 8}, {1, 4}} {
		c := lowrank.Config{In: 3, Out: 2, Rank: tc.rank, Alpha: tc.alpha}
		out := MustExecOnce(backend.MustGet(), func(g *Graph) *Node {
			x := Const(g, [][]float64{{1, 0, 2}})
			a := Const(g, [][][]float64{{{1, 2, 3}}})
			b := Const(g, [][][]float64{{{1}, {-1}}})
			return c.Branch(x, a, b)
		})
		got := flat(out)
		want := tc.alpha / float64(tc.rank) * 7
		if math.Abs(got[0]-want) > 1e-12 || math.Abs(got[1]+want) > 1e-12 {
			t.Errorf("α=%g r=%d: branch %v, want ±%v", tc.alpha, tc.rank, got, want)
		}
	}
	c4 := lowrank.Config{In: 10, Out: 10, Rank: 4, Alpha: 8}
	c8 := c4
	c8.Rank = 8
	if c8.Scale() != c4.Scale()/2 {
		t.Errorf("doubling r at fixed α: scale %v → %v, want halved", c4.Scale(), c8.Scale())
	}
}

// The layout is pinned: the graph's ΔWᵀ [R, k, d] is the transpose of the
// host's ΔW (d×k), and x·ΔWᵀ equals the branch.
func TestLayoutPinned(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	c := lowrank.Config{In: 5, Out: 3, Rank: 2, Alpha: 3}
	a := randomTensor(rng, dtypes.Float64, 1, 2, 2, 5)
	b := randomTensor(rng, dtypes.Float64, 1, 2, 3, 2)
	w0 := randomTensor(rng, dtypes.Float64, 1, 2, 5, 3)
	x := randomTensor(rng, dtypes.Float64, 1, 4, 5)
	outs := MustExecOnceN(backend.MustGet(), func(g *Graph) []*Node {
		an, bn, xn := Const(g, a), Const(g, b), Const(g, x)
		delta := c.Delta(an, bn)
		return []*Node{delta, c.Branch(xn, an, bn), Einsum("nk,rkd->rnd", xn, delta)}
	})
	layer, _ := lowrank.NewLayer(c, w0, a, b)
	dt := flat(outs[0])
	for run := range 2 {
		host, _ := layer.Delta(run)
		for i := range 5 {
			for o := range 3 {
				if d := math.Abs(dt[run*15+i*3+o] - host.At(o, i)); d > 1e-12 {
					t.Fatalf("run %d: graph ΔWᵀ[%d,%d] ≠ host ΔW[%d,%d]", run, i, o, o, i)
				}
			}
		}
	}
	br, viaDelta := flat(outs[1]), flat(outs[2])
	for i := range br {
		if math.Abs(br[i]-viaDelta[i]) > 1e-12 {
			t.Fatalf("branch %v ≠ x·ΔWᵀ %v", br[i], viaDelta[i])
		}
	}
	if _, err := lowrank.NewLayer(c, randomTensor(rng, dtypes.Float64, 1, 2, 3, 5), a, b); err == nil || !strings.Contains(err.Error(), "input-major") {
		t.Errorf("a transposed W₀ was accepted: %v", err)
	}
}

// adapterLoss is L = Σ_runs Σ ½ f(x)² of the adapted network, as a function of A₀, B₀.
func adapterGrads(t *testing.T, m lowrank.MLP, base, ad []*tensors.Tensor, x *tensors.Tensor) (loss float64, grads [][]float64) {
	t.Helper()
	outs := MustExecOnceN(backend.MustGet(), func(g *Graph) []*Node {
		bn := make([]*Node, len(base))
		for i, p := range base {
			bn[i] = Const(g, p)
		}
		an := make([]*Node, len(ad))
		for i, p := range ad {
			an[i] = Const(g, p)
		}
		f := m.Forward(bn, an, Const(g, x))
		l := MulScalar(ReduceAllSum(Square(f)), 0.5)
		return append([]*Node{l}, Gradient(l, an...)...)
	})
	loss = flat(outs[0])[0]
	for _, o := range outs[1:] {
		grads = append(grads, flat(o))
	}
	return loss, grads
}

// Adapter gradients (GoMLX's autodiff) match central finite differences (float64).
func TestAdapterGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	m, base, ad := setup(t, dtypes.Float64, 2)
	ad = nonzeroB(rng, ad, 0.3)
	x := randomTensor(rng, dtypes.Float64, 1, 6, 12)
	_, grads := adapterGrads(t, m, base, ad, x)
	const eps = 1e-6
	for p := range ad {
		vals := flat(ad[p])
		for _, i := range []int{0, len(vals) / 3, len(vals) - 1} {
			perturbed := func(delta float64) float64 {
				v := append([]float64(nil), vals...)
				v[i] += delta
				mod := append([]*tensors.Tensor(nil), ad...)
				mod[p] = tensors.FromFlatDataAndDimensions(v, ad[p].Shape().Dimensions...)
				l, _ := adapterGrads(t, m, base, mod, x)
				return l
			}
			fd := (perturbed(eps) - perturbed(-eps)) / (2 * eps)
			if d := math.Abs(fd - grads[p][i]); d > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Errorf("tensor %d entry %d: gradient %v, finite difference %v", p, i, grads[p][i], fd)
			}
		}
	}
}

// LORA-6 as a unit test: with A = B = 0 the gradients of A and B are exactly zero.
func TestBothZeroGetsNoGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	m, base, _ := setup(t, dtypes.Float64, 2)
	m.InitA = lowrank.ZeroA
	ad, err := m.Init([]uint64{1, 2}, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	_, grads := adapterGrads(t, m, base, ad, randomTensor(rng, dtypes.Float64, 1, 6, 12))
	for p, g := range grads {
		for _, v := range g {
			if v != 0 {
				t.Fatalf("adapter tensor %d got a non-zero gradient %v with A = B = 0", p, v)
			}
		}
	}
	// With the default init (A random, B = 0) B does get a gradient.
	m.InitA = ""
	ad, _ = m.Init([]uint64{1, 2}, dtypes.Float64)
	_, grads = adapterGrads(t, m, base, ad, randomTensor(rng, dtypes.Float64, 1, 6, 12))
	nonzero := false
	for _, v := range grads[1] {
		nonzero = nonzero || v != 0
	}
	if !nonzero {
		t.Error("with A random and B = 0, B got no gradient")
	}
}

func TestInitDistributionAndSeeds(t *testing.T) {
	c := lowrank.Config{In: 196, Out: 128, Rank: 8, Alpha: 8}
	a, b, err := c.Init([]uint64{3, 4}, dtypes.Float32)
	if err != nil {
		t.Fatal(err)
	}
	av, bv := flat(a), flat(b)
	bound := 1 / math.Sqrt(196)
	var sq float64
	for _, v := range av {
		if math.Abs(v) > bound {
			t.Fatalf("A entry %v outside ±1/√k = %v", v, bound)
		}
		sq += v * v
	}
	// Var U(−c, c) = c²/3.
	if got, want := sq/float64(len(av)), bound*bound/3; math.Abs(got-want) > 0.05*want {
		t.Errorf("Var(A) = %v, want %v", got, want)
	}
	for _, v := range bv {
		if v != 0 {
			t.Fatal("B must start at 0")
		}
	}
	alone, _, _ := c.Init([]uint64{4}, dtypes.Float32)
	if flat(alone)[0] != av[8*196] {
		t.Error("run 1's A differs when drawn alone")
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	for want, c := range map[string]lowrank.Config{
		"rank must be ≥ 1":       {In: 4, Out: 4, Rank: 0, Alpha: 1},
		"exceeds min(in, out)":   {In: 4, Out: 3, Rank: 4, Alpha: 1},
		"alpha must be positive": {In: 4, Out: 4, Rank: 1, Alpha: 0},
		"in and out must be ≥ 1": {In: 0, Out: 4, Rank: 1, Alpha: 1},
		"unknown init_a":         {In: 4, Out: 4, Rank: 1, Alpha: 1, InitA: "gaussian?"},
	} {
		if _, _, err := c.Init([]uint64{0}, dtypes.Float32); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
		}
	}
	m := lowrank.MLP{Base: net, Layers: []int{1, 0}, Rank: 1, Alpha: 1}
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "increasing") {
		t.Errorf("unsorted layers: %v", err)
	}
	m.Layers = []int{3}
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("layer out of range: %v", err)
	}
}
