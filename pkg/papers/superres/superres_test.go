package superres

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/gan"
	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/papers/papertest"
	"theorylab/pkg/runs"
	"theorylab/pkg/tensorconv"
)

// tiny is a small configuration for the method checks: seconds, not minutes.
func tiny() Config {
	c := Quick()
	c.Preset = "custom"
	c.Seeds = 2
	c.Teacher.CalibrationSamples = 2000
	c.TrainSamples, c.Batch = 256, 16
	c.Steps, c.EvalEvery, c.Unroll = 40, 20, 1
	c.CurveSamples, c.FinalSamples, c.FloorPairs, c.Projections = 50, 100, 1, 16
	c.R1 = 1         // the full preset's penalty (the quick preset has none): both paths run in the tests
	c.NoiseStd = 0.1 // and its noise variant
	return c
}

// tiny3 is tiny with the full preset's three levels (4×4 → 8×8 → 16×16).
func tiny3() Config {
	c := tiny()
	f := Full()
	c.Teacher.K, c.Teacher.Active, c.Arch.H = f.Teacher.K, f.Teacher.Active, f.Arch.H
	c.Steps = 60 // coarse-first: level 2 joins at 20, level 3 at 40
	return c
}

// TestQuickPreset runs the quick preset through the results cache (the
// notebook then loads the same results) and asserts every claim (FSR-1…5
// against their recorded sweeps, see claims.go); it checks what must hold in
// any honest run.
func TestQuickPreset(t *testing.T) {
	out := papertest.Quick(t, Paper)
	res := out.Results
	if got, want := len(res.Runs), 4*res.Config.Seeds; got != want {
		t.Fatalf("%d runs, want %d (4 variants per seed)", got, want)
	}
	for _, s := range res.Seeds {
		// The floors shrink with the sample size: the curves' (fewer samples) are higher.
		for _, f := range s.Floors {
			for l := range f.Level {
				if !(f.Curve[l] > f.Level[l]) {
					t.Errorf("seed %d level %d: curve floor %v not above the final floor %v", s.Seed, l+1, f.Curve[l], f.Level[l])
				}
			}
		}
	}
	for _, r := range res.Runs {
		// Each (seed, variant) kept the grid's learning rate with the lowest
		// validation distance.
		best := -1
		for l, v := range r.ValJoint {
			if !math.IsNaN(float64(v)) && (best < 0 || v < r.ValJoint[best]) {
				best = l
			}
		}
		if len(r.ValJoint) != len(res.Config.LRs) || best < 0 || r.LR != res.Config.LRs[best] {
			t.Errorf("seed %d %s: lr %v, validation distances %v over %v", r.Seed, r.Variant, r.LR, r.ValJoint, res.Config.LRs)
		}
		// Training moves every GAN towards its data at level 1.
		if !(r.Final[0] < r.Init[0]) {
			t.Errorf("seed %d %s: SWD₁ %v did not fall from %v", r.Seed, r.Variant, r.Final[0], r.Init[0])
		}
	}
}

// TestDeterministic: the same seed gives the same results, another seed
// other claims, and the figures render.
func TestDeterministic(t *testing.T) { papertest.Deterministic(t, Paper, tiny()) }

// TestThreeLevels: the full preset's three levels run end to end (every
// variant, R1, the noise variant), deterministically, with every per-level
// measurement present, and the coarse-first baseline's levels join in turn.
func TestThreeLevels(t *testing.T) {
	c := tiny3()
	papertest.Deterministic(t, Paper, c)
	res, err := Run(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Seeds {
		if len(s.Floors) != 3 || len(s.Floors[0].Level) != 3 || len(s.Null) != 3 || len(s.TeacherActive) != 3 {
			t.Fatalf("seed %d: floors %v, null %v, teacher activity %v: want 3 teachers × 3 levels", s.Seed, s.Floors, s.Null, s.TeacherActive)
		}
	}
	for _, r := range res.Runs {
		if len(r.SWD) != 3 || len(r.T) != 3 || len(r.Final) != 3 || len(r.Init) != 3 || len(r.Active) != 3 || len(r.Rates[2]) != c.Arch.H[2] {
			t.Fatalf("seed %d %s: per-level results of the wrong length", r.Seed, r.Variant)
		}
		if r.Variant == VariantMulti && len(r.Grid[0][0]) != Pixels(3) {
			t.Fatalf("grid images have %d pixels, want %d", len(r.Grid[0][0]), Pixels(3))
		}
	}
}

// TestCoarseFirstJoins: in the coarse-first baseline a level's parameters do
// not move before it joins; here (one step, everything but level 1 gated off)
// level 1 moves and the finer levels do not.
func TestCoarseFirstJoins(t *testing.T) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	for _, L := range []int{2, 3} {
		f := newGradFixture(9, L, []float64{1, 0, 0}[:L])
		o := f.o
		tr, err := NewTrainer(be, o, Adam{Beta1: 0.5, Beta2: 0.99, Eps: 1e-8, Clip: 10}, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		var state []*tensors.Tensor
		state = append(state, f.params...)
		for range 2 {
			for _, p := range f.params {
				z, _ := tensorconv.FromFloats(dtypes.Float64, make([]float64, p.Shape().Size()), p.Shape().Dimensions...)
				state = append(state, z)
			}
		}
		for range L {
			z, _ := tensorconv.FromFloats(dtypes.Float64, make([]float64, fixR), fixR)
			state = append(state, z)
		}
		lr, _ := tensorconv.FromFloats(dtypes.Float64, []float64{1e-2, 1e-2}, fixR)
		inputs := []*tensors.Tensor{f.randT(1, fixR, fixB, Pixels(L)), f.randT(1, fixR, fixB, fixArch.Z), f.randT(1, fixR, fixB, fixArch.Z), f.gates}
		next, _, err := tr.Step(state, append(append(inputs, f.maps...), lr, lr)...)
		tr.Finalize()
		if err != nil {
			t.Fatal(err)
		}
		for i := range o.Num() {
			before, _ := tensorconv.Floats(f.params[i])
			after, _ := tensorconv.Floats(next[i])
			moved := false
			for k := range before {
				moved = moved || before[k] != after[k]
			}
			if want := o.Level(i) == 0; moved != want {
				t.Errorf("L = %d: parameter %d (level %d) moved = %v, want %v", L, i, o.Level(i)+1, moved, want)
			}
		}
	}
}

// TestRunsIndependent: a run's numbers depend on its seed, variant and
// learning rate only — not on which other seeds or variants run beside it in
// the batched graph (each has its own random streams).
func TestRunsIndependent(t *testing.T) {
	both := tiny() // seeds 0 and 1, every variant
	alone := tiny()
	alone.Seed, alone.Seeds = 1, 1
	alone.Control, alone.SingleScale = false, false
	a, err := Run(both)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(alone)
	if err != nil {
		t.Fatal(err)
	}
	find := func(res *Results, seed int, v string) *RunResult {
		for i := range res.Runs {
			if res.Runs[i].Seed == seed && res.Runs[i].Variant == v {
				return &res.Runs[i]
			}
		}
		t.Fatalf("no run for seed %d, %s", seed, v)
		return nil
	}
	// Equal up to float32 rounding: a backend may sum a batched product in
	// another order when the batch of runs changes size (the pure-Go one
	// does, by ~1e-10 here); mixed random streams would differ by O(1).
	near := func(a, b []runs.Float) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if math.Abs(float64(a[i]-b[i])) > 1e-6*math.Abs(float64(a[i])) {
				return false
			}
		}
		return true
	}
	fl := func(xs []float64) []runs.Float {
		out := make([]runs.Float, len(xs))
		for i, x := range xs {
			out[i] = runs.Float(x)
		}
		return out
	}
	for _, v := range []string{VariantMulti, VariantCoarseFirst, VariantNoisy} {
		x, y := find(a, 1, v), find(b, 1, v)
		if x.LR != y.LR || !near(x.ValJoint, y.ValJoint) || !near(fl(x.SWD[0]), fl(y.SWD[0])) || !near(fl(x.SWD[1]), fl(y.SWD[1])) ||
			!near([]runs.Float{x.FinalJoint}, []runs.Float{y.FinalJoint}) || !near(fl(x.AtomCos), fl(y.AtomCos)) {
			t.Errorf("seed 1, %s: beside seed 0 and every variant: lr %v, val %v, SWD₁ %v; alone: lr %v, val %v, SWD₁ %v",
				v, x.LR, x.ValJoint, x.SWD[0], y.LR, y.ValJoint, y.SWD[0])
		}
	}
}

// TestBadConfigs: every broken field is refused with its name, and nothing is cached.
func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"teacher.active[0]":           func(c *Config) { c.Teacher.Active[0] = 1 },
		"teacher.active[1]":           func(c *Config) { c.Teacher.Active[1] = 0 },
		"teacher.active must":         func(c *Config) { c.Teacher.Active = []float64{0.2} },
		"teacher.k must list":         func(c *Config) { c.Teacher.K, c.Teacher.Active, c.Arch.H = []int{24}, []float64{0.2}, []int{32} },
		"arch.h must have":            func(c *Config) { c.Arch.H = []int{32, 64, 128} },
		"teacher.detail_scale":        func(c *Config) { c.Teacher.DetailScale = -1 },
		"teacher sizes":               func(c *Config) { c.Teacher.K[0] = 0 },
		"calibration_samples":         func(c *Config) { c.Teacher.CalibrationSamples = 10 },
		"arch sizes":                  func(c *Config) { c.Arch.DW = 0 },
		"steps must give every level": func(c *Config) { c.Steps, c.EvalEvery, c.Unroll = 5, 5, 5 },
		"train_samples":               func(c *Config) { c.TrainSamples = 10 },
		"unroll":                      func(c *Config) { c.Unroll = 0 },
		"eval_every":                  func(c *Config) { c.EvalEvery = 7 },
		"steps must be a positive multiple of eval_every": func(c *Config) { c.Steps = 350 },
		"lrs must be":   func(c *Config) { c.LRs = []float64{1e-3, -1} },
		"lrs must list": func(c *Config) { c.LRs = nil },
		"val_samples":   func(c *Config) { c.ValSamples = 1 },
		"beta1":         func(c *Config) { c.Beta1 = 1 },
		"beta2":         func(c *Config) { c.Beta2 = -0.1 },
		"clip":          func(c *Config) { c.Clip = 0 },
		"r1":            func(c *Config) { c.R1 = -1 },
		"noise_std":     func(c *Config) { c.NoiseStd = math.Inf(1) },
		"curve_samples": func(c *Config) { c.CurveSamples = 1 },
		"final_samples": func(c *Config) { c.FinalSamples = 10 },
		"floor_pairs":   func(c *Config) { c.FloorPairs = 0 },
		"projections":   func(c *Config) { c.Projections = 0 },
	})
}

// TestTeacher: the teacher satisfies forward super-resolution exactly, at
// two levels (quick preset) and three (full preset).
func TestTeacher(t *testing.T) {
	for _, cfg := range []TeacherConfig{Quick().Teacher, Full().Teacher} {
		L := len(cfg.K)
		te := NewTeacher(cfg, rand.New(rand.NewPCG(7, 1)))
		// Every detail atom has zero mean in each 2×2 block.
		for l := 1; l < L; l++ {
			for i, a := range te.Atoms[l] {
				for _, m := range AvgPool2(a, Side(l+1)) {
					if math.Abs(m) > 1e-12 {
						t.Fatalf("L = %d: level-%d detail atom %d has a block mean %g", L, l+1, i, m)
					}
				}
				if math.Abs(norm(a)-cfg.DetailScale) > 1e-12 {
					t.Fatalf("L = %d: level-%d detail atom %d has norm %v, want %v", L, l+1, i, norm(a), cfg.DetailScale)
				}
			}
		}
		for _, noise := range []float64{0, 0.1} {
			for _, independent := range []bool{false, true} {
				te.Independent, te.Noise = independent, noise
				s := te.Draw(1000, rand.New(rand.NewPCG(7, 2)))
				for l := 1; l < L; l++ {
					for n := range s.X[l] {
						// X_ℓ = Up₂(X_ℓ₋₁) + D_ℓ*S_ℓ
						want := Up2(s.X[l-1][n], Side(l))
						for i, a := range te.Atoms[l] {
							axpy(want, s.S[l][n][i], a)
						}
						for q, v := range s.X[l][n] {
							if math.Abs(v-want[q]) > 1e-12 {
								t.Fatalf("L = %d, noise %v, independent %v, sample %d: X_%d − (Up₂X + D*S) = %g", L, noise, independent, n, l+1, v-want[q])
							}
						}
						// AvgPool₂(X_ℓ) = X_ℓ₋₁ and R(X_ℓ) = D_ℓ*S_ℓ
						for p, v := range AvgPool2(s.X[l][n], Side(l+1)) {
							if math.Abs(v-s.X[l-1][n][p]) > 1e-12 {
								t.Fatalf("L = %d, noise %v, independent %v, sample %d: AvgPool₂(X_%d) − X_%d = %g", L, noise, independent, n, l+1, l, v-s.X[l-1][n][p])
							}
						}
						up := Up2(s.X[l-1][n], Side(l))
						for q, v := range Residual(s.X[l][n], Side(l+1)) {
							if math.Abs(v-(want[q]-up[q])) > 1e-12 {
								t.Fatalf("L = %d sample %d: R(X_%d) ≠ D*S", L, n, l+1)
							}
						}
					}
				}
				// Activity within ±2 points of the targets (fresh samples, not
				// the calibration ones). With noise, a unit of a level ℓ ≥ 2 is
				// active when its pre-activation is (Active) or its noise is
				// positive (½, independent): 1 − (1 − Active)/2 — at level 2;
				// finer levels see the noise of the coarser ones too, so they
				// are checked without noise only.
				for l := range L {
					want := cfg.Active[l]
					if noise > 0 && l > 0 {
						if l > 1 {
							continue
						}
						want = 1 - (1-want)/2
					}
					if a := ActiveRate(s.S[l]); math.Abs(a-want) > 0.02 {
						t.Errorf("L = %d, noise %v, independent %v: level-%d activity %v, want %v ± 0.02", L, noise, independent, l+1, a, want)
					}
				}
			}
		}
	}
}

// TestUpPool: AvgPool₂ ∘ Up₂ = identity, the shapes, and the matrices used
// in the graph agree with the host functions.
func TestUpPool(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	randVec := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return x
	}
	// apply is the row vector in times the [len(in), out] matrix m.
	apply := func(m, in []float64, out int) []float64 {
		y := make([]float64, out)
		for j := range y {
			for i := range in {
				y[j] += in[i] * m[i*out+j]
			}
		}
		return y
	}
	same := func(name string, a, b []float64) {
		for i := range b {
			if math.Abs(a[i]-b[i]) > 1e-12 {
				t.Fatalf("%s: the matrix disagrees with the host function at %d", name, i)
			}
		}
	}
	for level := 2; level <= 3; level++ {
		x := randVec(Pixels(level - 1))
		up := Up2(x, Side(level-1))
		if len(up) != Pixels(level) || len(AvgPool2(up, Side(level))) != Pixels(level-1) {
			t.Fatalf("shapes: Up₂ gives %d, AvgPool₂ %d", len(up), len(AvgPool2(up, Side(level))))
		}
		same("AvgPool₂ ∘ Up₂", AvgPool2(up, Side(level)), x)
		same("R(Up₂ x)", Residual(up, Side(level)), make([]float64, len(up)))
		same(fmt.Sprintf("Up₂ to level %d", level), apply(Layout{L: 3, Base: coarse}.upMatrix(level), x, Pixels(level)), up)
	}
	for _, L := range []int{2, 3} {
		y := randVec(Pixels(L))
		o := Layout{L: L, Base: coarse}
		maps := o.levelMaps()
		for l, part := range o.levels([][]float64{y}) {
			same(fmt.Sprintf("P_%d of L = %d", l+1, L), apply(maps[l], y, Pixels(l+1)), part[0])
		}
	}
	// The levels of L = 2: AvgPool₂ X and R₂ X.
	y := randVec(Pixels(2))
	lv := Layout{L: 2, Base: coarse}.levels([][]float64{y})
	same("level 1", lv[0][0], AvgPool2(y, 8))
	same("level 2", lv[1][0], Residual(y, 8))
}

// TestSWD: the spec's checks of the sliced Wasserstein distance.
func TestSWD(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	d := 4
	draw := func(n int, mu []float64) [][]float64 {
		out := make([][]float64, n)
		for i := range out {
			out[i] = make([]float64, d)
			for j := range out[i] {
				out[i][j] = mu[j] + rng.NormFloat64()
			}
		}
		return out
	}
	zero := make([]float64, d)
	mu := []float64{1, -0.5, 0.25, 0}
	dirs := Directions(64, d, rng)
	a, b := draw(20000, zero), draw(20000, mu)
	if s := SWD(a, a, dirs); s != 0 {
		t.Errorf("SWD(A, A) = %g, want 0", s)
	}
	if s, s2 := SWD(a, b, dirs), SWD(b, a, dirs); s != s2 {
		t.Errorf("SWD not symmetric: %g vs %g", s, s2)
	}
	// Between N(0, I) and N(μ, I), W₁ along θ is |⟨θ, μ⟩|.
	want := 0.0
	for _, th := range dirs {
		want += math.Abs(dot(th, mu)) / float64(len(dirs))
	}
	if s := SWD(a, b, dirs); math.Abs(s-want) > 0.05*want {
		t.Errorf("SWD(N(0,I), N(μ,I)) = %v, want %v ± 5%%", s, want)
	}
	// The noise floor shrinks like 1/√N: floor(N)/floor(4N) ≈ 2.
	floor := func(n int) float64 {
		s := 0.0
		for range 8 {
			s += SWD(draw(n, zero), draw(n, zero), dirs) / 8
		}
		return s
	}
	if q := floor(500) / floor(2000); math.Abs(q-2) > 0.3 {
		t.Errorf("floor(N)/floor(4N) = %v, want 2 ± 0.3", q)
	}
}

// gradFixture is the small float64 setting of the gradient checks: R = 2
// runs of a tiny L-level GAN with random parameters, the multi-scale input
// maps and the given gate per level (the same for both runs but level 2 of
// run 1, which is 0.5); randT draws more random tensors from its stream.
type gradFixture struct {
	o      Layout
	params []*tensors.Tensor
	maps   []*tensors.Tensor
	gates  *tensors.Tensor // [R, L]
	randT  func(dims ...int) *tensors.Tensor
}

const fixR, fixB = 2, 7

var fixArch = Arch{Z: 3, H: []int{5, 6, 4}, DW: 4}

func newGradFixture(seed uint64, L int, gates []float64) *gradFixture {
	rng := rand.New(rand.NewPCG(seed, seed))
	arch := fixArch
	arch.H = arch.H[:L]
	f := &gradFixture{o: arch.Layout()}
	f.randT = func(dims ...int) *tensors.Tensor {
		n := 1
		for _, d := range dims {
			n *= d
		}
		v := make([]float64, n)
		for i := range v {
			v[i] = 0.5 * rng.NormFloat64()
		}
		x, _ := tensorconv.FromFloats(dtypes.Float64, v, dims...)
		return x
	}
	shapes, _ := f.o.shapes(arch)
	f.params = make([]*tensors.Tensor, f.o.Num())
	for i := range f.params {
		f.params[i] = f.randT(append([]int{fixR}, shapes[i]...)...)
	}
	for l, m := range f.o.levelMaps() {
		mt, _ := tensorconv.FromFloats(dtypes.Float64, slices.Concat(m, m), fixR, Pixels(L), Pixels(l+1))
		f.maps = append(f.maps, mt)
	}
	g := slices.Concat(gates, gates)
	if g[L+1] != 0 {
		g[L+1] = 0.5
	}
	f.gates, _ = tensorconv.FromFloats(dtypes.Float64, g, fixR, L)
	return f
}

// checkFD compares grad (the autodiff gradient of parameter i) with central
// finite differences of the scalar output `loss` of call, at elements ks.
func (f *gradFixture) checkFD(t *testing.T, call func() []*tensors.Tensor, i, loss int, grad []float64, ks []int) {
	t.Helper()
	const eps = 1e-6
	base, _ := tensorconv.Floats(f.params[i])
	dims := f.params[i].Shape().Dimensions
	for _, k := range ks {
		at := func(delta float64) float64 {
			v := append([]float64{}, base...)
			v[k] += delta
			f.params[i], _ = tensorconv.FromFloats(dtypes.Float64, v, dims...)
			l, _ := tensorconv.Floats(call()[loss])
			return l[0]
		}
		fd := (at(eps) - at(-eps)) / (2 * eps)
		f.params[i], _ = tensorconv.FromFloats(dtypes.Float64, base, dims...)
		if math.Abs(fd-grad[k]) > 1e-6*(1+math.Abs(fd)) {
			t.Errorf("parameter %d element %d: autodiff %v, finite differences %v", i, k, grad[k], fd)
		}
	}
}

// call runs exec on the fixture's parameters followed by extra inputs.
func (f *gradFixture) call(t *testing.T, exec *Exec, extra ...any) []*tensors.Tensor {
	t.Helper()
	args := []any{}
	for _, p := range f.params {
		args = append(args, p)
	}
	outs, err := exec.Call(append(args, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// TestGradients: the autodiff gradients of L_D (in D's parameters) and L_G
// (in G's) match central finite differences, in float64, at two and three
// levels.
func TestGradients(t *testing.T) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	for _, L := range []int{2, 3} {
		f := newGradFixture(5, L, []float64{1, 1, 1}[:L])
		o := f.o
		n, nG := o.Num(), o.NumG()
		real, zd, zg := f.randT(fixR, fixB, Pixels(L)), f.randT(fixR, fixB, fixArch.Z), f.randT(fixR, fixB, fixArch.Z)
		exec, err := NewExec(be, func(in []*Node) []*Node {
			p, maps, gates := in[:n], in[n+3:n+3+L], in[n+3+L]
			ld := ReduceAllSum(o.LossD(p, in[n], in[n+1], maps, gates))
			lg := ReduceAllSum(o.LossG(p, in[n+2], maps, gates))
			out := []*Node{ld, lg}
			out = append(out, Gradient(ld, p[nG:]...)...)
			return append(out, Gradient(lg, p[:nG]...)...)
		})
		if err != nil {
			t.Fatal(err)
		}
		extra := []any{real, zd, zg}
		for _, m := range f.maps {
			extra = append(extra, m)
		}
		call := func() []*tensors.Tensor { return f.call(t, exec, append(extra, f.gates)...) }
		outs := call()
		for i := range n {
			// D's gradients come first after the two losses, then G's.
			k, loss := i-nG, 0 // L_D for D's parameters
			if i < nG {
				k, loss = n-nG+i, 1
			}
			grad, _ := tensorconv.Floats(outs[2+k])
			m := len(grad)
			f.checkFD(t, call, i, loss, grad, []int{0, m / 2, m - 1})
		}
		exec.Finalize()
	}
}

// TestAdamFirstStep: from zero moments, the first bias-corrected Adam step
// moves each coordinate by lr·sign(g) (clipping rescales g, not its sign),
// and a zero multiplier freezes the parameter.
func TestAdamFirstStep(t *testing.T) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	opt := Adam{Beta1: 0.5, Beta2: 0.99, Eps: 1e-12, Clip: 1}
	g := []float64{30, -4, 0.5, -0.001, 2, -7}
	outs, err := ExecOnceN(be, func(p, gr, lr, mult *Node) []*Node {
		ps := []*Node{p}
		m, v := []*Node{ZerosLike(p)}, []*Node{ZerosLike(p)}
		t1 := OnesLike(lr)
		opt.adamStep(ps, m, v, []*Node{gr}, []int{0}, lr, []*Node{mult}, []*Node{t1})
		return []*Node{ps[0]}
	}, tensors.FromFlatDataAndDimensions(make([]float64, 6), 2, 3),
		tensors.FromFlatDataAndDimensions(g, 2, 3),
		tensors.FromFlatDataAndDimensions([]float64{0.1, 0.1}, 2),
		tensors.FromFlatDataAndDimensions([]float64{1, 0}, 2))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := tensorconv.Floats(outs[0])
	want := []float64{-0.1, 0.1, -0.1, 0, 0, 0} // run 0 steps by −lr·sign(g); run 1 is frozen
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-6 {
			t.Errorf("after one step θ[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestLossesMatchSharedGAN: L_D and L_G here are the shared non-saturating
// GAN losses of models/gan applied to this package's discriminator.
func TestLossesMatchSharedGAN(t *testing.T) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	const L = 2
	f := newGradFixture(6, L, []float64{1, 1})
	o, n := f.o, f.o.Num()
	args := []any{}
	for _, p := range f.params {
		args = append(args, p)
	}
	args = append(args, f.randT(fixR, fixB, Pixels(L)), f.randT(fixR, fixB, fixArch.Z), f.maps[0], f.maps[1], f.gates)
	outs, err := ExecOnceN(be, func(in []*Node) []*Node {
		p := in[:n]
		real, z, maps, gates := in[n], in[n+1], in[n+2:n+2+L], in[n+2+L]
		fake, _ := o.Generate(p, z)
		dReal := InsertAxes(o.Discriminate(p, real, maps, gates), -1) // [R, B, 1]
		dFake := InsertAxes(o.Discriminate(p, fake, maps, gates), -1)
		return []*Node{o.LossD(p, real, z, maps, gates), gan.DiscriminatorLoss(dReal, dFake),
			o.LossG(p, z, maps, gates), gan.GeneratorLoss(dFake)}
	}, args...)
	if err != nil {
		t.Fatal(err)
	}
	for k, name := range []string{"L_D", "L_G"} {
		a, _ := tensorconv.Floats(outs[2*k])
		b, _ := tensorconv.Floats(outs[2*k+1])
		for r := range a {
			if math.Abs(a[r]-b[r]) > 1e-12 {
				t.Errorf("%s run %d: %v here, %v with models/gan", name, r, a[r], b[r])
			}
		}
	}
}

// TestChooseLR: the lowest validation distance among runs that did not
// diverge; none when all did.
func TestChooseLR(t *testing.T) {
	best, scores := chooseLR([]float64{0.3, 0.1, math.NaN(), 0.05}, []int{-1, -1, -1, 120})
	if best != 1 || scores[0] != 0.3 || scores[1] != 0.1 || !math.IsNaN(float64(scores[2])) || !math.IsNaN(float64(scores[3])) {
		t.Errorf("chooseLR = %d, %v; want 1, [0.3 0.1 NaN NaN] (run 3 diverged, run 2 has no distance)", best, scores)
	}
	if best, _ := chooseLR([]float64{0.2, 0.1}, []int{5, 7}); best != -1 {
		t.Errorf("chooseLR with every run diverged = %d, want -1", best)
	}
}

// TestDiverged: a grid whose every step size diverges is an error that
// names the run and the iteration.
func TestDiverged(t *testing.T) {
	c := tiny()
	c.Seeds = 1
	c.LRs = []float64{1e30}
	_, err := Run(c)
	if err == nil || !strings.Contains(err.Error(), "diverged at every learning rate") {
		t.Fatalf("Run with lr 1e30: err = %v, want a divergence error", err)
	}
}

// TestR1: the written-out ∇ₓD matches stock autodiff, and the gradient of the
// R1 penalty in D's parameters matches central finite differences (float64;
// at two and three levels, the finer branches gated off in the second run).
func TestR1(t *testing.T) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	for _, L := range []int{2, 3} {
		f := newGradFixture(6, L, []float64{1, 1, 1}[:L])
		g := make([]float64, 2*L) // run 0 every branch, run 1 level 1 only
		for l := range L {
			g[l] = 1
		}
		g[L] = 1
		f.gates, _ = tensorconv.FromFloats(dtypes.Float64, g, fixR, L)
		o, n, nG := f.o, f.o.Num(), f.o.NumG()
		x := f.randT(fixR, fixB, Pixels(L))
		exec, err := NewExec(be, func(in []*Node) []*Node {
			p, x, maps, gates := in[:n], in[n], in[n+1:n+1+L], in[n+1+L]
			auto := Gradient(ReduceAllSum(o.Discriminate(p, x, maps, gates)), x)[0]
			r1 := ReduceAllSum(o.R1(p, x, maps, gates))
			return append([]*Node{o.InputGradient(p, x, maps, gates), auto, r1}, Gradient(r1, p[nG:]...)...)
		})
		if err != nil {
			t.Fatal(err)
		}
		extra := []any{x}
		for _, m := range f.maps {
			extra = append(extra, m)
		}
		call := func() []*tensors.Tensor { return f.call(t, exec, append(extra, f.gates)...) }
		outs := call()
		mine, _ := tensorconv.Floats(outs[0])
		auto, _ := tensorconv.Floats(outs[1])
		for i := range mine {
			if math.Abs(mine[i]-auto[i]) > 1e-12*(1+math.Abs(auto[i])) {
				t.Fatalf("L = %d: ∇ₓD element %d: written out %v, autodiff %v", L, i, mine[i], auto[i])
			}
		}
		for i := nG; i < n; i++ {
			grad, _ := tensorconv.Floats(outs[3+i-nG])
			f.checkFD(t, call, i, 2, grad, []int{0, len(grad) - 1})
		}
		exec.Finalize()
	}
}

// TestImages: the optional runs on real images train the three-level GAN on
// MNIST digits and on (fake, written here) CIFAR-10 files in greyscale,
// measure every level at each evaluation against a positive floor, keep
// finest-size images in their grid and draw their figures; bad fields are
// named.
func TestImages(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(8, 8))
	for name, n := range map[string]int{"data_batch_1.bin": 300, "test_batch.bin": 200} {
		rec := make([]byte, 0, n*3073)
		for range n {
			rec = append(rec, byte(rng.IntN(10))) // label, then 3×32×32 pixel bytes
			for range 3072 {
				rec = append(rec, byte(rng.IntN(256)))
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), rec, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(data.CIFAR10DirEnv, dir)
	for _, c := range []ImagesConfig{MNISTQuick(), CIFARQuick()} {
		c.Train, c.Eval, c.Steps, c.EvalEvery = 256, 100, 20, 10
		res, err := RunImages(c)
		if err != nil {
			t.Fatal(err)
		}
		side := c.layout().Side(3)
		if len(res.Iters) != 3 || len(res.SWD) != 3 || len(res.Floor) != 3 {
			t.Fatalf("%s: iters %v, %d curves, floors %v: want 3 points of 3 levels", c.Dataset, res.Iters, len(res.SWD), res.Floor)
		}
		for l, s := range res.SWD {
			if len(s) != 3 || !(res.Floor[l] > 0) || !(s[0] > res.Floor[l]) {
				t.Errorf("%s level %d: curve %v, floor %v (an untrained generator must be above the floor)", c.Dataset, l+1, s, res.Floor[l])
			}
		}
		if len(res.Grid) != len(res.GridIters) || len(res.Grid[0][0]) != side*side || len(res.Real[0]) != side*side {
			t.Fatalf("%s grid: %d checkpoints for %v, %d pixels, want %d", c.Dataset, len(res.Grid), res.GridIters, len(res.Grid[0][0]), side*side)
		}
		for _, f := range ImagesFigures(res) {
			if err := f.Fig.Save(filepath.Join(t.TempDir(), f.Name+".svg")); err != nil {
				t.Errorf("figure %s: %v", f.Name, err)
			}
		}
	}
	for want, mutate := range map[string]func(*ImagesConfig){
		"dataset must be": func(c *ImagesConfig) { c.Dataset = "svhn" },
		"arch.h":          func(c *ImagesConfig) { c.Arch.H = []int{64} },
		"lr must be":      func(c *ImagesConfig) { c.LR = -1 },
		"train must be":   func(c *ImagesConfig) { c.Train = 1 },
		"eval must be":    func(c *ImagesConfig) { c.Eval = 9000 },
		"steps must be":   func(c *ImagesConfig) { c.Steps = 7 },
		"eval_every must": func(c *ImagesConfig) { c.EvalEvery = 3 },
		"r1 must be":      func(c *ImagesConfig) { c.R1 = -1 },
	} {
		bad := MNISTQuick()
		mutate(&bad)
		if _, err := RunImages(bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v", want, err)
		}
	}
}
