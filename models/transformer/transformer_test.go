package transformer_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/lowrank"
	"theorylab/models/transformer"
	"theorylab/pkg/backend"
)

var small = transformer.Config{Vocab: 7, SeqLen: 5, DModel: 8, Heads: 2, MLP: 12, Layers: 2}

func oneHot(tokens []int, b, t, v int) *tensors.Tensor {
	x := make([]float64, b*t*v)
	for i, tok := range tokens {
		x[i*v+tok] = 1
	}
	return tensors.FromFlatDataAndDimensions(x, b, t, v)
}

func flat(t *tensors.Tensor) []float64 {
	if t.DType() == dtypes.Float32 {
		f := tensors.MustCopyFlatData[float32](t)
		out := make([]float64, len(f))
		for i, v := range f {
			out[i] = float64(v)
		}
		return out
	}
	return tensors.MustCopyFlatData[float64](t)
}

func forward(t *testing.T, c transformer.Config, params, adapters []*tensors.Tensor, ad transformer.Adapters, x *tensors.Tensor) []float64 {
	t.Helper()
	out := MustExecOnce(backend.MustGet(), func(g *Graph) *Node {
		ps := make([]*Node, len(params))
		for i, p := range params {
			ps[i] = Const(g, p)
		}
		as := make([]*Node, len(adapters))
		for i, a := range adapters {
			as[i] = Const(g, a)
		}
		return c.Forward(ps, as, ad, Const(g, x))
	})
	return flat(out)
}

func randomTokens(rng *rand.Rand, n, v int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = rng.IntN(v)
	}
	return out
}

func TestShapesCountAndInit(t *testing.T) {
	params, err := small.InitParams([]uint64{1, 2}, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	if len(params) != len(small.ParamNames()) {
		t.Fatalf("%d tensors for %d names", len(params), len(small.ParamNames()))
	}
	n := 0
	for _, p := range params {
		n += p.Size() / 2
	}
	// tok 7·8 + pos 5·8 + 2 layers × (4·8·8 + 8·12 + 12 + 12·8 + 8 + 4·8) + 2·8 + 8·7 + 7
	want := 56 + 40 + 2*(256+96+12+96+8+32) + 16 + 56 + 7
	if n != want || small.NumParams() != want {
		t.Errorf("parameters per run: %d counted, NumParams %d, want %d", n, small.NumParams(), want)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	out := forward(t, small, params, nil, transformer.Adapters{}, oneHot(randomTokens(rng, 3*5, 7), 3, 5, 7))
	if len(out) != 2*3*5*7 {
		t.Fatalf("logits: %d values, want R·B·T·V = %d", len(out), 2*3*5*7)
	}
	names := small.ParamNames()
	for i, p := range params {
		v := flat(p)
		switch {
		case strings.HasSuffix(names[i], ".g"):
			if v[0] != 1 {
				t.Errorf("%s starts at %v, want 1", names[i], v[0])
			}
		case strings.HasSuffix(names[i], ".b") || strings.HasSuffix(names[i], ".b1") || strings.HasSuffix(names[i], ".b2"):
			if v[0] != 0 {
				t.Errorf("%s starts at %v, want 0", names[i], v[0])
			}
		}
	}
	bad := small
	bad.Heads = 3
	if _, err := bad.InitParams([]uint64{0}, dtypes.Float32); err == nil || !strings.Contains(err.Error(), "multiple of heads") {
		t.Errorf("d_model not divisible by heads: %v", err)
	}
}

// Causality: changing the token at position p leaves the logits before p unchanged.
func TestCausalMask(t *testing.T) {
	params, _ := small.InitParams([]uint64{3}, dtypes.Float64)
	rng := rand.New(rand.NewPCG(2, 2))
	tokens := randomTokens(rng, 5, 7)
	base := forward(t, small, params, nil, transformer.Adapters{}, oneHot(tokens, 1, 5, 7))
	for p := range 5 {
		changed := append([]int(nil), tokens...)
		changed[p] = (changed[p] + 1) % 7
		out := forward(t, small, params, nil, transformer.Adapters{}, oneHot(changed, 1, 5, 7))
		for pos := range 5 {
			same := true
			for v := range 7 {
				same = same && out[pos*7+v] == base[pos*7+v]
			}
			if pos < p && !same {
				t.Errorf("changing token %d changed the logits at earlier position %d", p, pos)
			}
			if pos >= p && same {
				t.Errorf("changing token %d did not change the logits at position %d", p, pos)
			}
		}
	}
}

// Zero-initialised adapters leave the output unchanged bit for bit; after
// "training" (random B), merging W + ΔWᵀ into the weights reproduces the
// adapted output.
func TestAdaptersZeroInitAndMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, matrices := range [][]string{{"q", "v"}, {"q", "k", "v", "o"}} {
		ad := transformer.Adapters{Matrices: matrices, Rank: 2, Alpha: 4}
		params, _ := small.InitParams([]uint64{5, 6}, dtypes.Float32)
		adapters, err := ad.Init(small, []uint64{7, 8}, dtypes.Float32)
		if err != nil {
			t.Fatal(err)
		}
		if want := 2 * len(matrices) * 2 * (8 + 8); ad.NumParams(small) != want {
			t.Errorf("%v: NumParams %d, want %d", matrices, ad.NumParams(small), want)
		}
		x := oneHot(randomTokens(rng, 4*5, 7), 4, 5, 7)
		plain := forward(t, small, params, nil, transformer.Adapters{}, x)
		adapted := forward(t, small, params, adapters, ad, x)
		for i := range plain {
			if plain[i] != adapted[i] {
				t.Fatalf("%v: zero-initialised adapters changed logit %d: %v vs %v", matrices, i, adapted[i], plain[i])
			}
		}
		// Random B, then merge into a copy of the weights.
		for j := 1; j < len(adapters); j += 2 {
			dims := adapters[j].Shape().Dimensions
			v := make([]float32, adapters[j].Size())
			for i := range v {
				v[i] = float32(0.3 * rng.NormFloat64())
			}
			adapters[j] = tensors.FromFlatDataAndDimensions(v, dims...)
		}
		merged := append([]*tensors.Tensor(nil), params...)
		names := small.ParamNames()
		j := 0
		for l := range small.Layers {
			for _, m := range transformer.Projections {
				if indexOf(matrices, m) < 0 {
					continue
				}
				idx := indexOf(names, "l"+string(rune('0'+l))+".w"+m)
				layer, err := lowrank.NewLayer(lowrank.Config{In: 8, Out: 8, Rank: 2, Alpha: 4}, params[idx], adapters[2*j], adapters[2*j+1])
				if err != nil {
					t.Fatal(err)
				}
				if err := layer.Merge(); err != nil {
					t.Fatal(err)
				}
				merged[idx], _, _, _ = layer.Tensors()
				j++
			}
		}
		unm := forward(t, small, params, adapters, ad, x)
		mer := forward(t, small, merged, nil, transformer.Adapters{}, x)
		var diff, norm float64
		for i := range unm {
			diff = math.Max(diff, math.Abs(unm[i]-mer[i]))
			norm = math.Max(norm, math.Abs(unm[i]))
		}
		if diff > 1e-5*math.Max(1, norm) {
			t.Errorf("%v: merged and unmerged logits differ by %.3g (‖f‖∞ %.3g)", matrices, diff, norm)
		}
		if math.Abs(unm[0]-plain[0]) < 1e-7 {
			t.Errorf("%v: the trained adapters did not change the output", matrices)
		}
	}
	if err := (transformer.Adapters{Matrices: []string{"q", "x"}, Rank: 1, Alpha: 1}).Validate(small); err == nil {
		t.Error("an unknown projection was accepted")
	}
}

func indexOf(xs []string, x string) int {
	for i, s := range xs {
		if s == x {
			return i
		}
	}
	return -1
}

// Gradients of a masked cross-entropy with respect to the weights and the
// adapters (GoMLX's autodiff) match central finite differences (float64).
func TestGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	ad := transformer.Adapters{Matrices: []string{"q", "v"}, Rank: 2, Alpha: 4}
	params, _ := small.InitParams([]uint64{11}, dtypes.Float64)
	adapters, _ := ad.Init(small, []uint64{12}, dtypes.Float64)
	for j := 1; j < len(adapters); j += 2 { // non-zero B, so that A gets a gradient too
		dims := adapters[j].Shape().Dimensions
		v := make([]float64, adapters[j].Size())
		for i := range v {
			v[i] = 0.1 * rng.NormFloat64()
		}
		adapters[j] = tensors.FromFlatDataAndDimensions(v, dims...)
	}
	x := oneHot(randomTokens(rng, 2*5, 7), 2, 5, 7)
	y := oneHot(randomTokens(rng, 2*5, 7), 2, 5, 7)
	all := append(append([]*tensors.Tensor(nil), params...), adapters...)
	np := len(params)
	// One compiled graph (parameters as arguments) serves every evaluation.
	newLossAndGrads := func() func(ts []*tensors.Tensor) (float64, [][]float64) {
		exec, err := NewExec(backend.MustGet(), func(ns []*Node) []*Node {
			g := ns[0].Graph()
			logits := small.Forward(ns[:np], ns[np:], ad, Const(g, x)) // [1, 2, 5, 7]
			// L = −Σ y·log softmax(logits)
			l := Neg(ReduceAllSum(Mul(InsertAxes(Const(g, y), 0), LogSoftmax(logits, -1))))
			return append([]*Node{l}, Gradient(l, ns...)...)
		})
		if err != nil {
			t.Fatal(err)
		}
		return func(ts []*tensors.Tensor) (float64, [][]float64) {
			args := make([]any, len(ts))
			for i, p := range ts {
				args[i] = p
			}
			outs, err := exec.Call(args...)
			if err != nil {
				t.Fatal(err)
			}
			var gs [][]float64
			for _, o := range outs[1:] {
				gs = append(gs, flat(o))
			}
			return flat(outs[0])[0], gs
		}
	}
	lossAndGrads := newLossAndGrads()
	_, grads := lossAndGrads(all)
	const eps = 1e-6
	names := append(small.ParamNames(), "A0q", "B0q", "A0v", "B0v", "A1q", "B1q", "A1v", "B1v")
	for _, p := range []int{0, 1, 4, 6, 9, 12, len(params) - 2, np, np + 1, np + 3} {
		vals := flat(all[p])
		i := len(vals) / 2
		at := func(delta float64) float64 {
			v := append([]float64(nil), vals...)
			v[i] += delta
			mod := append([]*tensors.Tensor(nil), all...)
			mod[p] = tensors.FromFlatDataAndDimensions(v, all[p].Shape().Dimensions...)
			l, _ := lossAndGrads(mod)
			return l
		}
		fd := (at(eps) - at(-eps)) / (2 * eps)
		if d := math.Abs(fd - grads[p][i]); d > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("%s[%d]: gradient %v, finite difference %v", names[p], i, grads[p][i], fd)
		}
	}
}

// Run 1 of a batch of two runs computes what it computes alone.
func TestRunsAreIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	both, _ := small.InitParams([]uint64{1, 2}, dtypes.Float64)
	alone, _ := small.InitParams([]uint64{2}, dtypes.Float64)
	x := oneHot(randomTokens(rng, 3*5, 7), 3, 5, 7)
	a := forward(t, small, both, nil, transformer.Adapters{}, x)
	b := forward(t, small, alone, nil, transformer.Adapters{}, x)
	for i := range b {
		if math.Abs(a[len(b)+i]-b[i]) > 1e-12 {
			t.Fatalf("logit %d: batched %v, alone %v", i, a[len(b)+i], b[i])
		}
	}
}
