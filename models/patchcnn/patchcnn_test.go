package patchcnn

import (
	"math"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/patchdata"
)

// small is a model and data small enough for finite differences.
func small(t *testing.T, n int) (Config, *patchdata.Set) {
	t.Helper()
	cfg := Config{D: 12, Filters: 2, Power: 3, Sigma0: 0.6}
	set, err := patchdata.Generate(patchdata.Config{D: 12, Patches: 3, Sparsity: 4, SigmaP: 0.8}, n, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, set
}

// objective compiles L(W) and ∇L(W) for one run (G = C = 1) on set with λ.
func objective(t *testing.T, cfg Config, set *patchdata.Set, lambda float64) func(w []float64) (float64, []float64) {
	t.Helper()
	x := tensors.FromFlatDataAndDimensions(set.Dense(), 1, set.N(), set.Config.Patches, cfg.D)
	y := tensors.FromFlatDataAndDimensions(set.Y, 1, set.N())
	lam := tensors.FromFlatDataAndDimensions([]float64{lambda}, 1, 1)
	exec, err := NewExec(backend.MustGet(), func(in []*Node) []*Node {
		w := in[0]
		l := cfg.Objective(w, in[1], in[2], in[3])
		return []*Node{l, Gradient(ReduceAllSum(l), w)[0]}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(exec.Finalize)
	return func(w []float64) (float64, []float64) {
		wt := tensors.FromFlatDataAndDimensions(append([]float64(nil), w...), 1, 1, 2, cfg.Filters, cfg.D)
		out, err := exec.Call(wt, x, y, lam)
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float64](out[0])[0], tensors.MustCopyFlatData[float64](out[1])
	}
}

// handGradient is ∇L written out by hand:
//
//	∂L/∂w_{j,r} = (1/n) Σᵢ −yᵢ sⱼ / (1 + exp(yᵢ fᵢ)) · Σ_p σ′(⟨w_{j,r}, x_{i,p}⟩) x_{i,p} + λ w_{j,r},
//
// with sⱼ = +1 for the class +1 filters and −1 for the class −1 filters.
func handGradient(cfg Config, w []float64, set *patchdata.Set, lambda float64) []float64 {
	grad := make([]float64, len(w))
	n := float64(set.N())
	q := float64(cfg.Power)
	for i := range set.N() {
		f := cfg.Output(w, set.Patches[i])
		coef := -set.Y[i] / (1 + math.Exp(set.Y[i]*f)) / n
		for j := range 2 {
			s := 1.0
			if j == 1 {
				s = -1
			}
			for r := range cfg.Filters {
				wr := cfg.filter(w, j, r)
				base := (j*cfg.Filters + r) * cfg.D
				for _, p := range set.Patches[i] {
					z := p.Dot(wr)
					if z <= 0 {
						continue
					}
					dsig := q * math.Pow(z, q-1)
					for k, idx := range p.Index {
						grad[base+idx] += coef * s * dsig * p.Value[k]
					}
				}
			}
		}
	}
	for k := range grad {
		grad[k] += lambda * w[k]
	}
	return grad
}

// TestGradient: autodiff against central finite differences (float64, 1e-6
// relative) and against the gradient written out by hand (1e-10).
func TestGradient(t *testing.T) {
	cfg, set := small(t, 6)
	const lambda = 0.01
	obj := objective(t, cfg, set, lambda)
	w := cfg.Init(3, 0)
	loss, grad := obj(w)
	// The loss itself against the plain-Go evaluation.
	hostLoss, _ := cfg.Eval(w, set)
	sq := 0.0
	for _, v := range w {
		sq += v * v
	}
	if want := hostLoss + lambda/2*sq; math.Abs(loss-want) > 1e-12*math.Max(1, want) {
		t.Fatalf("graph loss %v, plain Go %v", loss, want)
	}
	active := 0
	for _, g := range grad {
		if math.Abs(g) > 1e-8 {
			active++
		}
	}
	if active < len(grad)/4 {
		t.Fatalf("only %d of %d gradient entries are non-zero: the check would be weak", active, len(grad))
	}
	const h = 1e-5
	scale := 0.0
	for _, g := range grad {
		scale = math.Max(scale, math.Abs(g))
	}
	for k := range w {
		wp := append([]float64(nil), w...)
		wm := append([]float64(nil), w...)
		wp[k] += h
		wm[k] -= h
		lp, _ := obj(wp)
		lm, _ := obj(wm)
		fd := (lp - lm) / (2 * h)
		if math.Abs(fd-grad[k]) > 1e-6*scale {
			t.Errorf("∂L/∂w[%d]: autodiff %.12g, finite differences %.12g", k, grad[k], fd)
		}
	}
	hand := handGradient(cfg, w, set, lambda)
	for k := range w {
		if math.Abs(hand[k]-grad[k]) > 1e-10*scale {
			t.Errorf("∂L/∂w[%d]: autodiff %.15g, by hand %.15g", k, grad[k], hand[k])
		}
	}
}

// TestActivation: σ(0) = σ′(0) = 0, σ′(z) = 3z² for z > 0 and 0 for z < 0.
func TestActivation(t *testing.T) {
	zs := []float64{-2, -0.5, 0, 0.3, 1, 2.5}
	exec, err := NewExec(backend.MustGet(), func(z *Node) []*Node {
		s := Activation(z, 3)
		return []*Node{s, Gradient(ReduceAllSum(s), z)[0]}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	out, err := exec.Call(tensors.FromFlatDataAndDimensions(zs, len(zs)))
	if err != nil {
		t.Fatal(err)
	}
	val, der := tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1])
	for i, z := range zs {
		wantV, wantD := 0.0, 0.0
		if z > 0 {
			wantV, wantD = z*z*z, 3*z*z
		}
		if val[i] != wantV || math.Abs(der[i]-wantD) > 1e-15 {
			t.Errorf("z = %v: σ = %v, σ′ = %v; want %v, %v", z, val[i], der[i], wantV, wantD)
		}
	}
}

// TestBatchedLayout: in the [G, C, …] layout every run sees its own group's
// data and its own weights: each output equals the plain-Go evaluation.
func TestBatchedLayout(t *testing.T) {
	cfg := Config{D: 20, Filters: 3, Power: 3, Sigma0: 0.4}
	dcfg := patchdata.Config{D: 20, Patches: 3, Sparsity: 5, SigmaP: 0.7}
	const G, C, n = 2, 3, 7
	var sets []*patchdata.Set
	var xs, ys, ws []float64
	for g := range G {
		s, err := patchdata.Generate(dcfg, n, uint64(g), 1)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, s)
		xs = append(xs, s.Dense()...)
		ys = append(ys, s.Y...)
		for c := range C {
			ws = append(ws, cfg.Init(uint64(10*g+c), 5)...)
		}
	}
	exec, err := NewExec(backend.MustGet(), func(w, x *Node) *Node { return cfg.Forward(w, x) })
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	out, err := exec.Call(tensors.FromFlatDataAndDimensions(ws, G, C, 2, cfg.Filters, cfg.D),
		tensors.FromFlatDataAndDimensions(xs, G, n, dcfg.Patches, dcfg.D))
	if err != nil {
		t.Fatal(err)
	}
	f := tensors.MustCopyFlatData[float64](out[0])
	p := cfg.NumParams()
	for g := range G {
		for c := range C {
			w := ws[(g*C+c)*p : (g*C+c+1)*p]
			for i := range n {
				want := cfg.Output(w, sets[g].Patches[i])
				if got := f[(g*C+c)*n+i]; math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
					t.Fatalf("run (%d, %d) example %d: graph %v, plain Go %v", g, c, i, got, want)
				}
			}
		}
	}
}

// TestMeasurements on a hand-built network and data set.
func TestMeasurements(t *testing.T) {
	cfg := Config{D: 4, Filters: 2, Power: 3, Sigma0: 1}
	// w [2, 2, 4]: class +1 filters, then class −1 filters.
	w := []float64{
		0.5, 1, 0, 0, // w₊₁,₁
		-0.2, 0, 2, 0, // w₊₁,₂
		-0.7, 0, 0, 1, // w₋₁,₁
		0.1, 0, 0, 0, // w₋₁,₂
	}
	if g := cfg.FeatureCoefficient(w, 1); g != 0.5 {
		t.Errorf("γ₊₁ = %v, want 0.5", g)
	}
	if g := cfg.FeatureCoefficient(w, -1); g != 0.7 {
		t.Errorf("γ₋₁ = %v, want 0.7", g)
	}
	if g := cfg.Feature(w); g != 0.7 {
		t.Errorf("γ = %v, want 0.7", g)
	}
	set := &patchdata.Set{
		Config: patchdata.Config{D: 4, Patches: 2, Sparsity: 1, SigmaP: 1},
		Y:      []float64{1, -1},
		Patches: [][]patchdata.Patch{
			{{Kind: patchdata.Feature, Index: []int{0}, Value: []float64{1}}, {Kind: patchdata.Noise, Index: []int{2}, Value: []float64{0.5}}},
			{{Kind: patchdata.Feature, Index: []int{0}, Value: []float64{-1}}, {Kind: patchdata.Noise, Index: []int{1}, Value: []float64{2}}},
		},
	}
	// Example 0 (y = +1): ρ = max(⟨w₊₁,₁, ξ⟩, ⟨w₊₁,₂, ξ⟩) = max(0, 1) = 1.
	// Example 1 (y = −1): ρ = max(0, 0) = 0.
	mean, mx := cfg.NoiseMemorization(w, set)
	if mean != 0.5 || mx != 1 {
		t.Errorf("ρ mean %v max %v, want 0.5 and 1", mean, mx)
	}
	// f(x₀) = σ(0.5) + σ(−0.2) + σ(0) + σ(1) − [σ(−0.7) + σ(0.1) + σ(0) + σ(0)] = 0.125 + 1 − 0.001.
	if f := cfg.Output(w, set.Patches[0]); math.Abs(f-1.124) > 1e-15 {
		t.Errorf("f(x₀) = %v, want 1.124", f)
	}
	// f(x₁) = σ(−0.5) + σ(0.2) + σ(2) + σ(0) − [σ(0.7) + σ(−0.1) + σ(0) + σ(0)] = 0.008 + 8 − 0.343 > 0: an error for y = −1.
	_, errRate := cfg.Eval(w, set)
	if errRate != 0.5 {
		t.Errorf("error rate %v, want 0.5", errRate)
	}
}

func TestInitAndValidate(t *testing.T) {
	cfg := Config{D: 400, Filters: 10, Power: 3, Sigma0: 0.05}
	a, b := cfg.Init(1000, 7), cfg.Init(1000, 7)
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("Init is not deterministic")
		}
	}
	m, s := 0.0, 0.0
	for _, v := range a {
		m += v
		s += v * v
	}
	m /= float64(len(a))
	sd := math.Sqrt(s/float64(len(a)) - m*m)
	if math.Abs(sd-0.05) > 0.05*0.05 || math.Abs(m) > 0.005 {
		t.Errorf("initial weights: mean %v, sd %v; want 0 and 0.05", m, sd)
	}
	bad := Config{D: 0, Filters: 0, Power: 0, Sigma0: -1}
	err := bad.Validate()
	for _, field := range []string{"d must", "filters", "power", "sigma0"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("want an error naming %q, got %v", field, err)
		}
	}
}
