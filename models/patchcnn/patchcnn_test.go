package patchcnn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/patchcnn"
	"theorylab/pkg/backend"
)

const (
	s, c, n, p, d = 2, 2, 5, 3, 7
)

func setup() (patchcnn.Config, []float64, []float64, []float64, []float64) {
	cfg := patchcnn.Config{M: 3, Q: 3}
	rng := rand.New(rand.NewPCG(5, 6))
	w := make([]float64, s*c*2*cfg.M*d)
	for i := range w {
		w[i] = 0.6 * rng.NormFloat64()
	}
	x := make([]float64, s*n*p*d)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := make([]float64, s*n)
	for i := range y {
		y[i] = float64(2*rng.IntN(2) - 1)
	}
	return cfg, w, x, y, []float64{1e-2, 0.3}
}

func run(t *testing.T, fn func(in []*Node) []*Node, args ...any) []*tensors.Tensor {
	t.Helper()
	e, err := NewExec(backend.MustGet(), fn)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	out, err := e.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLogitsMatchReference: the graph's f(W, x) equals the plain-Go sum.
func TestLogitsMatchReference(t *testing.T) {
	cfg, w, x, _, _ := setup()
	out := run(t, func(in []*Node) []*Node { return []*Node{cfg.Logits(in[0], in[1])} },
		tensors.FromFlatDataAndDimensions(w, s, c, 2, cfg.M, d), tensors.FromFlatDataAndDimensions(x, s, n, p, d))
	got := tensors.MustCopyFlatData[float64](out[0]) // [S, C, N]
	for si := range s {
		for ci := range c {
			ww := w[(si*c+ci)*2*cfg.M*d : (si*c+ci+1)*2*cfg.M*d]
			for i := range n {
				want := cfg.Reference(ww, x[(si*n+i)*p*d:(si*n+i+1)*p*d], d)
				if g := got[(si*c+ci)*n+i]; math.Abs(g-want) > 1e-12*(1+math.Abs(want)) {
					t.Fatalf("f[%d,%d,%d] = %v, want %v", si, ci, i, g, want)
				}
			}
		}
	}
}

// TestGradientFiniteDifferences: autodiff of L(W) matches central differences
// (float64) to 1e-6 relative, coordinate by coordinate.
func TestGradientFiniteDifferences(t *testing.T) {
	cfg, w, x, y, lam := setup()
	xT := tensors.FromFlatDataAndDimensions(x, s, n, p, d)
	yT := tensors.FromFlatDataAndDimensions(y, s, n)
	lT := tensors.FromFlatDataAndDimensions(lam, c)
	e, err := NewExec(backend.MustGet(), func(in []*Node) []*Node {
		l := cfg.Loss(in[0], in[1], in[2], in[3])
		return []*Node{l, Gradient(ReduceAllSum(l), in[0])[0]}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	loss := func(w []float64) ([]float64, []float64) {
		out, err := e.Call(tensors.FromFlatDataAndDimensions(w, s, c, 2, cfg.M, d), xT, yT, lT)
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1])
	}
	_, grad := loss(w)
	per := 2 * cfg.M * d
	const h = 1e-5
	checked := 0
	for k := 0; k < len(w); k += 3 {
		run := k / per // the loss of run k/per is the only one that depends on w[k]
		wp := append([]float64(nil), w...)
		wm := append([]float64(nil), w...)
		wp[k] += h
		wm[k] -= h
		lp, _ := loss(wp)
		lm, _ := loss(wm)
		fd := (lp[run] - lm[run]) / (2 * h)
		if math.Abs(fd-grad[k]) > 1e-6*math.Max(1, math.Abs(grad[k])) {
			t.Fatalf("∂L/∂w[%d] = %v, finite differences %v", k, grad[k], fd)
		}
		checked++
	}
	if checked < 50 {
		t.Fatalf("only %d coordinates checked", checked)
	}
}

// TestActivation: σ(0) = σ′(0) = 0 and σ′(z) = 3z² for z > 0 (q = 3).
func TestActivation(t *testing.T) {
	z := []float64{-1.5, 0, 0.5, 2}
	out := run(t, func(in []*Node) []*Node {
		a := patchcnn.Activation(in[0], 3)
		return []*Node{a, Gradient(ReduceAllSum(a), in[0])[0]}
	}, z)
	val, der := tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1])
	for i, v := range z {
		wantV, wantD := math.Pow(math.Max(v, 0), 3), 3*math.Max(v, 0)*math.Max(v, 0)
		if math.Abs(val[i]-wantV) > 1e-15 || math.Abs(der[i]-wantD) > 1e-15 {
			t.Errorf("σ(%v) = %v, σ′ = %v; want %v, %v", v, val[i], der[i], wantV, wantD)
		}
	}
}

// TestInitSameSeed: the same seed gives bit-identical filters (the "same
// start" of the optimizers), another seed other filters.
func TestInitSameSeed(t *testing.T) {
	cfg := patchcnn.Config{M: 4, Q: 3}
	a, b, o := cfg.Init(3, 10, 0.05), cfg.Init(3, 10, 0.05), cfg.Init(4, 10, 0.05)
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatal("same seed, different filters")
		}
	}
	if a[0] == o[0] {
		t.Fatal("different seeds, same filters")
	}
	if err := (patchcnn.Config{M: 0, Q: 3}).Validate(); err == nil {
		t.Fatal("M = 0 accepted")
	}
}
