package fastgrad_test

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/fastgrad"
)

// product is one matrix-product case, written with the public GoMLX ops a model would use.
type product struct {
	name     string
	lhs, rhs []int
	multiply func(a, b *Node) *Node
}

var products = []product{
	{"Dot matrix·matrix", []int{5, 4}, []int{4, 3}, Dot},
	{"Dot matrix·vector", []int{5, 4}, []int{4}, Dot},
	{"Dot vector·vector", []int{4}, []int{4}, Dot},
	{"MatMul batched", []int{2, 5, 4}, []int{4, 3}, MatMul},
	{"Einsum batched matmul", []int{2, 5, 4}, []int{2, 4, 3}, func(a, b *Node) *Node { return Einsum("bij,bjk->bik", a, b) }},
	{"Einsum attention logits", []int{2, 3, 2, 4}, []int{2, 5, 2, 4}, func(a, b *Node) *Node { return Einsum("bqhd,bkhd->bhqk", a, b) }},
	{"DotGeneral unsorted contracting axes", []int{4, 2, 5, 3}, []int{3, 6, 2, 4}, func(a, b *Node) *Node {
		// Contract lhs axes (3,0) with rhs axes (0,3); lhs axis 1 is a batch axis paired with rhs axis 2.
		return DotGeneral(a, []int{3, 0}, []int{1}, b, []int{0, 3}, []int{2})
	}},
}

func size(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

func normal(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// objective is a smooth scalar function of a product: Σ w ⊙ tanh(P(a,b)),
// nonlinear so that its Hessian is not trivial.
func objective(p product, a, b *Node) *Node {
	out := p.multiply(a, b)
	w := ConstAs(out, 0.7) // fixed weights, [out shape]
	if out.Rank() > 0 {
		w = Sin(Add(Iota(a.Graph(), out.Shape(), 0), Iota(a.Graph(), out.Shape(), out.Rank()-1)))
	}
	return ReduceAllSum(Mul(w, Tanh(out)))
}

// derivatives returns f, ∇f and the Hessian-vector product H·(da,db) of the
// objective, flattened as [f, ga…, gb…, ha…, hb…].
func derivatives(t *testing.T, p product, a, b, da, db []float64) (f float64, grad, hvp []float64) {
	t.Helper()
	exec := MustNewExec(backend.MustGet(), func(in []*Node) []*Node {
		a, b, da, db := in[0], in[1], in[2], in[3]
		f := objective(p, a, b)
		g := Gradient(f, a, b)
		// H·d = ∇⟨∇f, d⟩ (double backprop).
		gd := Add(ReduceAllSum(Mul(g[0], da)), ReduceAllSum(Mul(g[1], db)))
		h := Gradient(gd, a, b)
		return []*Node{f, g[0], g[1], h[0], h[1]}
	})
	defer exec.Finalize()
	outs, err := exec.Exec(
		tensors.FromFlatDataAndDimensions(a, p.lhs...), tensors.FromFlatDataAndDimensions(b, p.rhs...),
		tensors.FromFlatDataAndDimensions(da, p.lhs...), tensors.FromFlatDataAndDimensions(db, p.rhs...))
	if err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	flat := func(i int) []float64 { return tensors.MustCopyFlatData[float64](outs[i]) }
	f = flat(0)[0]
	grad = append(flat(1), flat(2)...)
	hvp = append(flat(3), flat(4)...)
	return
}

func maxRelDiff(x, y []float64) float64 {
	var diff, scale float64
	for i := range x {
		diff = max(diff, math.Abs(x[i]-y[i]))
		scale = max(scale, math.Abs(y[i]))
	}
	return diff / max(scale, 1e-300)
}

func TestFastEqualsStockAndFiniteDifferences(t *testing.T) {
	for i, p := range products {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		a, b := normal(rng, size(p.lhs)), normal(rng, size(p.rhs))
		da, db := normal(rng, size(p.lhs)), normal(rng, size(p.rhs))

		f, grad, hvp := derivatives(t, p, a, b, da, db)
		fastgrad.Stock()
		f0, grad0, hvp0 := derivatives(t, p, a, b, da, db)
		fastgrad.Install()

		if f != f0 {
			t.Errorf("%s: forward values differ: %v vs %v", p.name, f, f0)
		}
		if d := maxRelDiff(grad, grad0); d > 1e-10 {
			t.Errorf("%s: gradient differs from stock autodiff by %.3g (relative)", p.name, d)
		}
		if d := maxRelDiff(hvp, hvp0); d > 1e-10 {
			t.Errorf("%s: Hessian-vector product differs from stock double backprop by %.3g", p.name, d)
		}

		// Central finite differences along (da, db): (f(x+εd) − f(x−εd)) / 2ε ≈ ⟨∇f, d⟩,
		// and (∇f(x+εd) − ∇f(x−εd)) / 2ε ≈ H·d.
		const eps = 1e-5
		shift := func(s float64) ([]float64, []float64) {
			ap, bp := make([]float64, len(a)), make([]float64, len(b))
			for k := range a {
				ap[k] = a[k] + s*da[k]
			}
			for k := range b {
				bp[k] = b[k] + s*db[k]
			}
			return ap, bp
		}
		ap, bp := shift(eps)
		am, bm := shift(-eps)
		fp, gp, _ := derivatives(t, p, ap, bp, da, db)
		fm, gm, _ := derivatives(t, p, am, bm, da, db)
		dir := append(append([]float64{}, da...), db...)
		var gd float64
		for k := range grad {
			gd += grad[k] * dir[k]
		}
		if fd := (fp - fm) / (2 * eps); math.Abs(fd-gd) > 1e-7*max(1, math.Abs(gd)) {
			t.Errorf("%s: directional derivative %.10g, finite differences %.10g", p.name, gd, fd)
		}
		fdHvp := make([]float64, len(gp))
		for k := range gp {
			fdHvp[k] = (gp[k] - gm[k]) / (2 * eps)
		}
		if d := maxRelDiff(fdHvp, hvp); d > 1e-6 {
			t.Errorf("%s: HVP differs from finite differences of the gradient by %.3g (relative)", p.name, d)
		}
	}
}
