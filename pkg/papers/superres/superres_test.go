package superres

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/gan"
	"theorylab/pkg/backend"
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
		if !(s.CurveFloor1 > s.Floor1 && s.CurveFloorR > s.FloorR2) {
			t.Errorf("seed %d: curve floors %v, %v not above the final floors %v, %v", s.Seed, s.CurveFloor1, s.CurveFloorR, s.Floor1, s.FloorR2)
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
		if !(r.Final1 < r.Init1) {
			t.Errorf("seed %d %s: SWD₁ %v did not fall from %v", r.Seed, r.Variant, r.Final1, r.Init1)
		}
	}
}

// TestDeterministic: the same seed gives the same results, another seed
// other claims, and the figures render.
func TestDeterministic(t *testing.T) { papertest.Deterministic(t, Paper, tiny()) }

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
		if x.LR != y.LR || !near(x.ValJoint, y.ValJoint) || !near(fl(x.SWD1), fl(y.SWD1)) || !near(fl(x.SWDR2), fl(y.SWDR2)) ||
			!near([]runs.Float{x.FinalJoint}, []runs.Float{y.FinalJoint}) || !near(fl(x.AtomCos), fl(y.AtomCos)) {
			t.Errorf("seed 1, %s: beside seed 0 and every variant: lr %v, val %v, SWD₁ %v; alone: lr %v, val %v, SWD₁ %v",
				v, x.LR, x.ValJoint, x.SWD1, y.LR, y.ValJoint, y.SWD1)
		}
	}
}

// TestBadConfigs: every broken field is refused with its name, and nothing is cached.
func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"teacher.active1":      func(c *Config) { c.Teacher.Active1 = 1 },
		"teacher.active2":      func(c *Config) { c.Teacher.Active2 = 0 },
		"teacher.detail_scale": func(c *Config) { c.Teacher.DetailScale = -1 },
		"teacher sizes":        func(c *Config) { c.Teacher.K1 = 0 },
		"calibration_samples":  func(c *Config) { c.Teacher.CalibrationSamples = 10 },
		"arch sizes":           func(c *Config) { c.Arch.DW = 0 },
		"train_samples":        func(c *Config) { c.TrainSamples = 10 },
		"unroll":               func(c *Config) { c.Unroll = 0 },
		"eval_every":           func(c *Config) { c.EvalEvery = 7 },
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

// TestTeacher: the teacher satisfies forward super-resolution exactly.
func TestTeacher(t *testing.T) {
	cfg := Quick().Teacher
	te := NewTeacher(cfg, rand.New(rand.NewPCG(7, 1)))
	// Every detail atom has zero mean in each 2×2 block.
	for i, a := range te.D2 {
		for _, m := range AvgPool2(a, fine) {
			if math.Abs(m) > 1e-12 {
				t.Fatalf("detail atom %d has a block mean %g", i, m)
			}
		}
		if math.Abs(norm(a)-cfg.DetailScale) > 1e-12 {
			t.Fatalf("detail atom %d has norm %v, want %v", i, norm(a), cfg.DetailScale)
		}
	}
	for _, independent := range []bool{false, true} {
		te.Independent = independent
		te.Noise = 0
		s := te.Draw(1000, rand.New(rand.NewPCG(7, 2)))
		for n := range s.X2 {
			// AvgPool₂(X₂) = X₁
			for p, v := range AvgPool2(s.X2[n], fine) {
				if math.Abs(v-s.X1[n][p]) > 1e-12 {
					t.Fatalf("independent=%v sample %d: AvgPool₂(X₂) − X₁ = %g at pixel %d", independent, n, v-s.X1[n][p], p)
				}
			}
			// R₂(X₂) = D₂*S₂
			want := make([]float64, n2)
			for i, a := range te.D2 {
				axpy(want, s.S2[n][i], a)
			}
			for q, v := range Residual(s.X2[n], fine) {
				if math.Abs(v-want[q]) > 1e-12 {
					t.Fatalf("independent=%v sample %d: R₂(X₂) − D₂*S₂ = %g", independent, n, v-want[q])
				}
			}
		}
		// Activity within ±2 points of the targets (fresh samples, not the calibration ones).
		if a := ActiveRate(s.S1); math.Abs(a-cfg.Active1) > 0.02 {
			t.Errorf("level-1 activity %v, want %v ± 0.02", a, cfg.Active1)
		}
		if a := ActiveRate(s.S2); math.Abs(a-cfg.Active2) > 0.02 {
			t.Errorf("level-2 activity %v, want %v ± 0.02", a, cfg.Active2)
		}
	}
	// The noise variant keeps AvgPool₂(X₂) = X₁ and R₂(X₂) = D₂*S₂; a level-2
	// unit is active when its pre-activation is (Active2) or its noise is
	// positive (½, independent): 1 − (1 − Active2)/2.
	te.Independent, te.Noise = false, 0.1
	s := te.Draw(4000, rand.New(rand.NewPCG(7, 3)))
	for n := range s.X2 {
		want := Up2(s.X1[n], coarse)
		for i, a := range te.D2 {
			axpy(want, s.S2[n][i], a)
		}
		for q, v := range s.X2[n] {
			if math.Abs(v-want[q]) > 1e-12 {
				t.Fatalf("noise variant sample %d: X₂ − (Up₂X₁ + D₂*S₂) = %g", n, v-want[q])
			}
		}
		for p, v := range AvgPool2(s.X2[n], fine) {
			if math.Abs(v-s.X1[n][p]) > 1e-12 {
				t.Fatalf("noise variant sample %d: AvgPool₂(X₂) − X₁ = %g", n, v-s.X1[n][p])
			}
		}
	}
	if a, want := ActiveRate(s.S2), 1-(1-cfg.Active2)/2; math.Abs(a-want) > 0.02 {
		t.Errorf("noise variant level-2 activity %v, want %v ± 0.02", a, want)
	}
}

// TestUpPool: AvgPool₂ ∘ Up₂ = identity, the shapes, and the matrices used
// in the graph agree with the host functions.
func TestUpPool(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, n1)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	up := Up2(x, coarse)
	if len(up) != n2 || len(AvgPool2(up, fine)) != n1 {
		t.Fatalf("shapes: Up₂ gives %d, AvgPool₂ %d", len(up), len(AvgPool2(up, fine)))
	}
	for i, v := range AvgPool2(up, fine) {
		if math.Abs(v-x[i]) > 1e-15 {
			t.Fatalf("AvgPool₂(Up₂ x) ≠ x at %d", i)
		}
	}
	for _, v := range Residual(up, fine) {
		if math.Abs(v) > 1e-15 {
			t.Fatalf("R₂(Up₂ x) ≠ 0")
		}
	}
	y := make([]float64, n2)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	u, p, r := upMatrix(), poolMatrix(), residualMatrix()
	check := func(name string, m []float64, in, want []float64) {
		out := len(want)
		for j := range out {
			s := 0.0
			for i := range in {
				s += in[i] * m[i*out+j]
			}
			if math.Abs(s-want[j]) > 1e-12 {
				t.Fatalf("%s matrix disagrees with the host function at %d", name, j)
			}
		}
	}
	check("Up₂", u, x, up)
	check("AvgPool₂", p, y, AvgPool2(y, fine))
	check("R₂", r, y, Residual(y, fine))
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
// runs of a tiny GAN with random parameters, the multi-scale input maps and
// the given gate per run; randT draws more random tensors from its stream.
type gradFixture struct {
	params       []*tensors.Tensor
	p1, p2, gate *tensors.Tensor
	randT        func(dims ...int) *tensors.Tensor
}

const fixR, fixB = 2, 7

var fixArch = Arch{Z: 3, H1: 5, H2: 6, DW: 4}

func newGradFixture(seed uint64, gates [fixR]float64) *gradFixture {
	rng := rand.New(rand.NewPCG(seed, seed))
	f := &gradFixture{}
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
	shapes := fixArch.shapes()
	f.params = make([]*tensors.Tensor, numParams)
	for i := range f.params {
		f.params[i] = f.randT(append([]int{fixR}, shapes[i]...)...)
	}
	var p1v, p2v []float64
	for range fixR {
		p1v, p2v = append(p1v, poolMatrix()...), append(p2v, residualMatrix()...)
	}
	f.p1, _ = tensorconv.FromFloats(dtypes.Float64, p1v, fixR, n2, n1)
	f.p2, _ = tensorconv.FromFloats(dtypes.Float64, p2v, fixR, n2, n2)
	f.gate, _ = tensorconv.FromFloats(dtypes.Float64, gates[:], fixR)
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
// (in G's) match central finite differences, in float64.
func TestGradients(t *testing.T) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	f := newGradFixture(5, [fixR]float64{1, 1})
	real, zd, zg := f.randT(fixR, fixB, n2), f.randT(fixR, fixB, fixArch.Z), f.randT(fixR, fixB, fixArch.Z)
	exec, err := NewExec(be, func(in []*Node) []*Node {
		p := in[:numParams]
		ld := ReduceAllSum(LossD(p, in[numParams], in[numParams+1], p1c(in), p2c(in), in[numParams+5]))
		lg := ReduceAllSum(LossG(p, in[numParams+2], p1c(in), p2c(in), in[numParams+5]))
		out := []*Node{ld, lg}
		out = append(out, Gradient(ld, p[numG:]...)...)
		return append(out, Gradient(lg, p[:numG]...)...)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	call := func() []*tensors.Tensor { return f.call(t, exec, real, zd, zg, f.p1, f.p2, f.gate) }
	outs := call()
	for i := range numParams {
		grad, _ := tensorconv.Floats(outs[2+gradIndex(i)])
		loss := 0 // L_D for D's parameters
		if i < numG {
			loss = 1
		}
		n := len(grad)
		f.checkFD(t, call, i, loss, grad, []int{0, n / 2, n - 1})
	}
}

func p1c(in []*Node) *Node { return in[numParams+3] }
func p2c(in []*Node) *Node { return in[numParams+4] }

// gradIndex is the position of parameter i's gradient in the outputs after
// the two losses: D's gradients first, then G's.
func gradIndex(i int) int {
	if i >= numG {
		return i - numG
	}
	return numParams - numG + i
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
	arch := Arch{Z: 3, H1: 5, H2: 6, DW: 4}
	const R, B = 2, 7
	rng := rand.New(rand.NewPCG(6, 6))
	randT := func(dims ...int) *tensors.Tensor {
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
	shapes := arch.shapes()
	args := []any{}
	for i := range numParams {
		args = append(args, randT(append([]int{R}, shapes[i]...)...))
	}
	var p1v, p2v []float64
	for range R {
		p1v, p2v = append(p1v, poolMatrix()...), append(p2v, residualMatrix()...)
	}
	p1, _ := tensorconv.FromFloats(dtypes.Float64, p1v, R, n2, n1)
	p2, _ := tensorconv.FromFloats(dtypes.Float64, p2v, R, n2, n2)
	gate, _ := tensorconv.FromFloats(dtypes.Float64, []float64{1, 0.5}, R)
	args = append(args, randT(R, B, n2), randT(R, B, arch.Z), p1, p2, gate)
	outs, err := ExecOnceN(be, func(in []*Node) []*Node {
		p := in[:numParams]
		real, z, p1, p2, gate := in[numParams], in[numParams+1], in[numParams+2], in[numParams+3], in[numParams+4]
		fake, _, _ := Generate(p, z)
		dReal := InsertAxes(Discriminate(p, real, p1, p2, gate), -1) // [R, B, 1]
		dFake := InsertAxes(Discriminate(p, fake, p1, p2, gate), -1)
		return []*Node{LossD(p, real, z, p1, p2, gate), gan.DiscriminatorLoss(dReal, dFake),
			LossG(p, z, p1, p2, gate), gan.GeneratorLoss(dFake)}
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
// a gated-off level-2 branch in the second run).
func TestR1(t *testing.T) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	f := newGradFixture(6, [fixR]float64{1, 0})
	x := f.randT(fixR, fixB, n2)
	exec, err := NewExec(be, func(in []*Node) []*Node {
		p, x, p1, p2, gate := in[:numParams], in[numParams], in[numParams+1], in[numParams+2], in[numParams+3]
		auto := Gradient(ReduceAllSum(Discriminate(p, x, p1, p2, gate)), x)[0]
		r1 := ReduceAllSum(R1(p, x, p1, p2, gate))
		return append([]*Node{InputGradient(p, x, p1, p2, gate), auto, r1}, Gradient(r1, p[numG:]...)...)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	call := func() []*tensors.Tensor { return f.call(t, exec, x, f.p1, f.p2, f.gate) }
	outs := call()
	mine, _ := tensorconv.Floats(outs[0])
	auto, _ := tensorconv.Floats(outs[1])
	for i := range mine {
		if math.Abs(mine[i]-auto[i]) > 1e-12*(1+math.Abs(auto[i])) {
			t.Fatalf("∇ₓD element %d: written out %v, autodiff %v", i, mine[i], auto[i])
		}
	}
	for i := numG; i < numParams; i++ {
		grad, _ := tensorconv.Floats(outs[3+i-numG])
		f.checkFD(t, call, i, 2, grad, []int{0, len(grad) - 1})
	}
}
