package robustness

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/twolayer"
	"theorylab/pkg/backend"
	"theorylab/pkg/claims"
	"theorylab/pkg/data"
	"theorylab/pkg/papers/papertest"
	"theorylab/pkg/runs"
)

// tiny is a short configuration for the machinery tests (seconds, not minutes).
func tiny() Config {
	c := Quick()
	c.Preset = "custom"
	c.Widths = []int{4, 12, 40}
	c.SmallK, c.LargeK = 4, 40
	c.BiasFreeWidths = []int{12}
	c.ValidationWidths = []int{12}
	c.LRGrid = []float64{1e-2, 3e-2}
	c.Seeds = 2
	c.Steps = 60
	c.PenaltyPoints = 16
	c.ProbePoints = 100
	c.ClimbSteps = 20
	c.Linear.Draws = 3
	c.Construction = ConstructionConfig{N: 40, D: 64, Points: 200, CapNoise: 0.3, MaxRedraws: 20}
	return c
}

// TestQuickPreset runs the quick preset (through the results cache that the
// notebook then reuses) and asserts every claim, then every exact check.
func TestQuickPreset(t *testing.T) {
	out := papertest.Quick(t, Paper)
	res := out.Results
	t.Logf("phases %v", res.PhaseSeconds)
	if len(out.Claims) != 3 {
		t.Errorf("want the quick preset's 3 claims (LR-2, LR-3, LR-3s), got %d", len(out.Claims))
	}
	for _, c := range Checks(res) {
		if !c.OK {
			t.Errorf("check %s failed: %s — measured %s, rule %s", c.ID, c.Name, c.Measured, c.Rule)
		}
	}
	// Every fit of the base experiment was measured, memorizing or not, and
	// the discarded ones are counted, never silently dropped.
	if want := res.Config.Seeds * (4*len(res.Config.Widths) + 2*len(res.Config.BiasFreeWidths)); len(res.Fits) != want {
		t.Errorf("%d fits recorded, want %d", len(res.Fits), want)
	}
	for _, s := range res.Selection {
		if math.IsNaN(s.Chosen) {
			t.Errorf("no learning rate chosen for %s: %+v", s.Method, s)
		}
	}
}

// TestDeterministic: the same seed gives the same results, the next seeds
// other claims, and the figures render; the exact checks hold on the tiny run
// too, and its draws are the ones the seed scheme names.
func TestDeterministic(t *testing.T) {
	cfg := tiny()
	res := papertest.Deterministic(t, Paper, cfg)
	if figs := Figures(res); len(figs) != 5 {
		t.Errorf("want 5 figures without the full preset's experiments, got %d", len(figs))
	}
	for _, ch := range Checks(res) {
		if !ch.OK && ch.ID != "LR-4a" && ch.ID != "LR-4b" { // 3 linear draws are too few for the statistical rules
			t.Errorf("check %s fails on the tiny run: %s (%s)", ch.ID, ch.Measured, ch.Rule)
		}
	}
	var seeds []int
	for _, f := range res.Fits {
		if !slices.Contains(seeds, f.Seed) {
			seeds = append(seeds, f.Seed)
		}
	}
	if want := []int{int(DrawSeed(cfg.Seed, 0)), int(DrawSeed(cfg.Seed, 1))}; !reflect.DeepEqual(seeds, want) {
		t.Errorf("the base experiment's draws have data seeds %v, want %v", seeds, want)
	}
}

// TestSeedsNeverShareADraw: the runs of a sweep (first seeds 0, 3, 6, …, as
// theorylab sweep sets them) and of consecutive seeds use disjoint draws,
// validation draws included.
func TestSeedsNeverShareADraw(t *testing.T) {
	seen := map[uint64]int{}
	for first := range 30 {
		for r := range 3 {
			d := DrawSeed(first, r)
			if other, dup := seen[d]; dup {
				t.Fatalf("seed %d draw %d has data seed %d, as seed %d does", first, r, d, other)
			}
			seen[d] = first
		}
		v := ValidationSeed(first)
		if other, dup := seen[v]; dup {
			t.Fatalf("seed %d's validation draw has data seed %d, as seed %d does", first, v, other)
		}
		seen[v] = first
	}
}

func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"n must be":             func(c *Config) { c.N = 1 },
		"widths must be strict": func(c *Config) { c.Widths = []int{12, 8, 25} },
		"small_k":               func(c *Config) { c.SmallK = 7 },
		"seeds must be in":      func(c *Config) { c.Seeds = SeedStride - 1 },
		"steps must be":         func(c *Config) { c.Steps = 0 },
		"lr_grid is empty":      func(c *Config) { c.LRGrid = nil },
		"lr_grid values":        func(c *Config) { c.LRGrid = []float64{-1} },
		"epsilon":               func(c *Config) { c.Epsilon = 0 },
		"validation_widths":     func(c *Config) { c.ValidationWidths = []int{13} },
		"penalty_points":        func(c *Config) { c.PenaltyPoints = 0 },
		"climb_starts":          func(c *Config) { c.ClimbStarts = 2000 },
		"linear.n and linear.d": func(c *Config) { c.Linear.D = 60 },
		"construction.points":   func(c *Config) { c.Construction.Points = 0 },
		"min_lr_factor":         func(c *Config) { c.MinLRFactor = 2 },
		"experiment2.score_max_d": func(c *Config) {
			f := Full()
			c.Experiment2 = f.Experiment2
			c.Experiment2.ScoreMaxD = 70
		},
	})
}

func TestExperiment1Widths(t *testing.T) {
	// 6 points from 2n/d = 16 to 2n = 400, ratio 25^(1/5) ≈ 1.90.
	if got := Full().Experiment1.Widths(200, 25); !reflect.DeepEqual(got, []int{16, 30, 58, 110, 210, 400}) {
		t.Errorf("experiment 1 widths for n = 200, d = 25: %v, want the log grid 16, 30, 58, 110, 210, 400", got)
	}
}

// TestMinNormInterpolant: the Cholesky solve fits Xw = Y to 1e-10, w lies in
// the row space of X (orthogonal to its null space), and over 200 draws the
// mean of ‖w‖²/(nd/(d − n − 1)) is 1 within sampling error.
func TestMinNormInterpolant(t *testing.T) {
	const n, d = 64, 256
	rng := rand.New(rand.NewPCG(1, 2))
	x := data.GaussianPoints(n, d, rng)
	y := data.RandomSigns(n, rng)
	w, _, err := MinNormInterpolant(x, y, n, d)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if r := math.Abs(dot(x[i*d:(i+1)*d], w) - y[i]); r > 1e-10 {
			t.Fatalf("row %d: |x·w − y| = %g", i, r)
		}
	}
	// A vector in the null space of X: v − Xᵀ(XXᵀ)⁻¹Xv. The min-norm w is orthogonal to it.
	v := data.GaussianPoints(1, d, rng)
	xv := make([]float64, n)
	for i := range n {
		xv[i] = dot(x[i*d:(i+1)*d], v)
	}
	p, _, err := MinNormInterpolant(x, xv, n, d) // the projection of v on the row space
	if err != nil {
		t.Fatal(err)
	}
	null := make([]float64, d)
	for j := range d {
		null[j] = v[j] - p[j]
	}
	if c := dot(w, null) / math.Sqrt(dot(w, w)*dot(null, null)); math.Abs(c) > 1e-10 {
		t.Errorf("w is not orthogonal to the null space of X: cosine %g", c)
	}
	lin, err := RunLinear(LinearConfig{N: n, D: d, Draws: 200}, 3)
	if err != nil {
		t.Fatal(err)
	}
	m := claims.Mean(lin.Ratios())
	// The ratio's spread is about 0.1 per draw, so the mean of 200 is 1 ± 0.03 (4 standard errors).
	if math.Abs(m-1) > 0.03 {
		t.Errorf("mean ‖w‖²/(nd/(d−n−1)) over 200 draws = %.4f, want 1 ± 0.03", m)
	}
	// Cholesky on a hand-checked matrix, and the error on an indefinite one.
	l, err := cholesky([]float64{4, 2, 2, 3}, 2)
	if err != nil || math.Abs(l[0]-2) > 1e-15 || math.Abs(l[2]-1) > 1e-15 || math.Abs(l[3]-math.Sqrt(2)) > 1e-15 || l[1] != 0 {
		t.Errorf("cholesky([[4 2] [2 3]]) = %v, %v", l, err)
	}
	if _, err := cholesky([]float64{1, 2, 2, 1}, 2); err == nil || !strings.Contains(err.Error(), "positive definite") {
		t.Errorf("an indefinite matrix: got %v", err)
	}
}

// TestConstruction: on a small draw the construction fits exactly and has
// ‖∇f‖ = 10 inside the caps and 0 elsewhere; random sphere points never land
// in a cap (the vacuous check the spec warns about); too small a dimension is
// an error naming the redraw limit.
func TestConstruction(t *testing.T) {
	c, err := RunConstruction(ConstructionConfig{N: 50, D: 64, Points: 2000, CapNoise: 0.3, MaxRedraws: 20}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.FitError > LR5FitTol || math.Abs(c.GradAtData-10) > 1e-12 || c.CapGradSpread > 1e-12 || c.InCapCaps < 0.5 {
		t.Errorf("construction: %+v", c)
	}
	if c.InCapSphere != 0 || c.GradSphere != 0 {
		t.Errorf("uniform sphere points landed in a cap: %v (gradient %v)", c.InCapSphere, c.GradSphere)
	}
	for i, g := range c.CircleGrad {
		if g != 0 && math.Abs(g-10) > 1e-12 {
			t.Fatalf("along the circle at θ = %v: ‖∇f‖ = %v, want 0 or 10", c.CircleAngle[i], g)
		}
	}
	if math.Abs(DisjointCapsLimit-0.62) > 1e-12 {
		t.Errorf("cos(2·arccos 0.9) = %v, want 0.62", DisjointCapsLimit)
	}
	if _, err := RunConstruction(ConstructionConfig{N: 200, D: 8, Points: 10, CapNoise: 0.3, MaxRedraws: 3}, 1); err == nil || !strings.Contains(err.Error(), "3 tries") {
		t.Errorf("d = 8: want a redraw-limit error, got %v", err)
	}
}

// TestMemorizationFilter: on hand-built outputs, the graph counts a sign as
// wrong when f·y ≤ 0 and computes the mean squared error, and the filter
// accepts exactly the fits with every sign right and MSE ≤ ε.
func TestMemorizationFilter(t *testing.T) {
	f := []float64{0.9, -1.1, 0.2, 0, 1, -1, 1, -1} // two runs of four points
	y := []float64{1, -1, -1, 1, 1, -1, 1, -1}      // run 0: two wrong signs (0.2·−1 < 0, 0·1 = 0)
	e := MustNewExec(backend.MustGet(), func(f, y *Node) []*Node {
		mse, wrong := fitStats(f, y)
		return []*Node{mse, wrong}
	})
	defer e.Finalize()
	out := e.MustCall(tensors.FromFlatDataAndDimensions(f, 2, 4, 1), tensors.FromFlatDataAndDimensions(y, 2, 4))
	mse := tensors.MustCopyFlatData[float64](out[0])
	wrong := tensors.MustCopyFlatData[float64](out[1])
	wantMSE0 := (0.01 + 0.01 + 1.44 + 1) / 4
	if math.Abs(mse[0]-wantMSE0) > 1e-15 || mse[1] != 0 || wrong[0] != 2 || wrong[1] != 0 {
		t.Errorf("mse %v (want %v, 0), wrong %v (want 2, 0)", mse, wantMSE0, wrong)
	}
	const eps = 0.02
	for _, c := range []struct {
		labels string
		mse    float64
		wrong  int
		want   bool
	}{
		{LabelsRandom, 0.019, 0, true}, {LabelsRandom, 0.02, 0, true}, {LabelsRandom, 0.021, 0, false},
		{LabelsRandom, 0.001, 1, false}, {LabelsTeacher, 0.019, 3, true}, {LabelsTeacher, 0.03, 0, false},
	} {
		if got := memorizes(c.labels, c.mse, c.wrong, eps); got != c.want {
			t.Errorf("memorizes(%s, mse %v, %d wrong) = %v, want %v", c.labels, c.mse, c.wrong, got, c.want)
		}
	}
}

// TestSingleNeuronEstimates: for f(x) = a·ReLU(w·x), the measurer's three
// estimates (autodiff proxy, hill climb, ‖a‖‖W‖_op) all equal |a|‖w‖.
func TestSingleNeuronEstimates(t *testing.T) {
	cfg := Quick()
	m := newMeasurer(backend.MustGet(), cfg)
	defer m.finalize()
	net := twolayer.Config{D: 16, K: 1}.Init(3, 1)
	net.A[0] = 2.5
	want := 2.5 * math.Sqrt(dot(net.W, net.W))
	est, err := m.estimate([]twolayer.Net{net}, [][]float64{probePoints(1, cfg.ProbePoints, 16)}, true, []uint64{1})
	if err != nil {
		t.Fatal(err)
	}
	e := est[0]
	for name, v := range map[string]float64{"(i)": float64(e.Proxy), "(ii)": float64(e.Climb), "(iii)": float64(e.Upper), "path norm": e.PathNorm} {
		if math.Abs(v-want) > 1e-12*want {
			t.Errorf("%s = %v, want |a|‖w‖ = %v", name, v, want)
		}
	}
}

// TestGroupsTrainIndependently: a network trained in one graph beside other
// groups (other widths, a smooth group, another learning rate) ends exactly
// where it ends when trained alone: Adam acts element-wise and each group has
// its own optimizer.
func TestGroupsTrainIndependently(t *testing.T) {
	be := backend.MustGet()
	p := problem{N: 30, D: 5, Runs: []draw{drawData(1, 30, 5), drawData(2, 30, 5)}}
	opts := trainOpts{Steps: 40, MinLRFactor: 0.1, Epsilon: 1e-9, Lambda: 1e-3, PenaltyPoints: 8, DType: dtypes.Float64}
	init := func(g Group, k, r int) twolayer.Net {
		return twolayer.Config{D: 5, K: k, Bias: g.Bias}.Init(initSeed(p.Runs[r].Seed, k, g.Bias), g.InitScale)
	}
	target := Group{Name: "target", Method: MethodPlain, Labels: LabelsRandom, Bias: true, InitScale: 1, Widths: []int{7}, LR: 1e-2}
	alone, err := trainGroups(be, p, []Group{target}, opts, init, nil)
	if err != nil {
		t.Fatal(err)
	}
	others := []Group{
		{Name: "smooth", Method: MethodSmooth, Labels: LabelsTeacher, Bias: true, InitScale: 1, Widths: []int{3, 7}, LR: 3e-2},
		target,
		{Name: "free", Method: MethodPlain, Labels: LabelsRandom, Bias: false, InitScale: 0.1, Widths: []int{9}, LR: 3e-3},
	}
	together, err := trainGroups(be, p, others, opts, init, nil)
	if err != nil {
		t.Fatal(err)
	}
	for r := range p.Runs {
		a, b := alone[0][0][r].Final, together[1][0][r].Final
		for i := range a.W {
			if math.Abs(a.W[i]-b.W[i]) > 1e-12 {
				t.Fatalf("run %d: W[%d] alone %v, beside other groups %v", r, i, a.W[i], b.W[i])
			}
		}
		if alone[0][0][r].MSE != together[1][0][r].MSE {
			t.Errorf("run %d: MSE alone %v, together %v", r, alone[0][0][r].MSE, together[1][0][r].MSE)
		}
	}
	// Inside one group, the widths sit side by side in one tensor: the width-7
	// network beside widths 3 and 9 also ends where it ends alone.
	wide := target
	wide.Widths = []int{3, 7, 9}
	side, err := trainGroups(be, p, []Group{wide}, opts, init, nil)
	if err != nil {
		t.Fatal(err)
	}
	for r := range p.Runs {
		a, b := alone[0][0][r].Final, side[0][1][r].Final
		for i := range a.W {
			if math.Abs(a.W[i]-b.W[i]) > 1e-12 {
				t.Fatalf("run %d: W[%d] alone %v, beside other widths %v", r, i, a.W[i], b.W[i])
			}
		}
	}
	// The smooth group trained: its loss fell from the start.
	if s := together[0][1][0]; !(s.MSE < 1) || s.Step != opts.Steps {
		t.Errorf("smooth group after %d steps: MSE %v, step %d", opts.Steps, s.MSE, s.Step)
	}
}

// TestEarlyStopSnapshot: a plain network that memorizes is kept as it was at
// its first memorizing step, and that state memorizes (checked on the host).
func TestEarlyStopSnapshot(t *testing.T) {
	be := backend.MustGet()
	p := problem{N: 20, D: 8, Runs: []draw{drawData(5, 20, 8)}}
	opts := trainOpts{Steps: 1500, MinLRFactor: 0.1, Epsilon: 0.02, Lambda: 0, PenaltyPoints: 1, DType: dtypes.Float64}
	g := Group{Name: "plain", Method: MethodPlain, Labels: LabelsRandom, Bias: true, InitScale: 1, Widths: []int{40}, LR: 1e-2}
	out, err := trainGroups(be, p, []Group{g}, opts, func(g Group, k, r int) twolayer.Net {
		return twolayer.Config{D: 8, K: k, Bias: true}.Init(9, 1)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := out[0][0][0]
	if !tr.Memorized || tr.Step >= opts.Steps {
		t.Fatalf("40 neurons did not memorize 20 points in %d steps: %+v", opts.Steps, tr.Step)
	}
	run := p.Runs[0]
	mse, wrong := 0.0, 0
	for i := range p.N {
		f := tr.Final.Eval(run.X[i*p.D : (i+1)*p.D])
		mse += (f - run.Y[i]) * (f - run.Y[i]) / float64(p.N)
		if f*run.Y[i] <= 0 {
			wrong++
		}
	}
	if wrong != 0 || mse > opts.Epsilon || math.Abs(mse-tr.MSE) > 1e-12 {
		t.Errorf("the snapshot at step %d: host MSE %v (graph %v), %d wrong signs", tr.Step, mse, tr.MSE, wrong)
	}
}

func TestCosineLR(t *testing.T) {
	if got := cosineLR(1e-2, 0.1, 0, 3000); math.Abs(got-1e-2) > 1e-15 {
		t.Errorf("lr at step 0 = %v", got)
	}
	if got := cosineLR(1e-2, 0.1, 1500, 3000); math.Abs(got-5.5e-3) > 1e-15 {
		t.Errorf("lr at the midpoint = %v, want 5.5e-3", got)
	}
	if got := cosineLR(1e-2, 0.1, 3000, 3000); math.Abs(got-1e-3) > 1e-15 {
		t.Errorf("lr at the end = %v, want 1e-3", got)
	}
}

func TestStatistics(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	if r := Spearman(x, []float64{2, 4, 5, 9, 100}); math.Abs(r-1) > 1e-15 {
		t.Errorf("monotone: Spearman %v", r)
	}
	if r := Spearman(x, []float64{5, 4, 3, 2, 1}); math.Abs(r+1) > 1e-15 {
		t.Errorf("reversed: Spearman %v", r)
	}
	// Ties share their average rank: ranks of (1, 2, 2, 3) are (1, 2.5, 2.5, 4).
	if got := ranks([]float64{1, 2, 2, 3}); !reflect.DeepEqual(got, []float64{1, 2.5, 2.5, 4}) {
		t.Errorf("ranks with ties: %v", got)
	}
	if s, c := OLS(x, []float64{3, 5, 7, 9, 11}); math.Abs(s-2) > 1e-14 || math.Abs(c-1) > 1e-14 {
		t.Errorf("OLS on y = 1 + 2x: slope %v, intercept %v", s, c)
	}
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = 3 * math.Pow(v, 0.7)
	}
	if s := LogLogSlope(x, y); math.Abs(s-0.7) > 1e-12 {
		t.Errorf("log-log slope of 3x^0.7: %v", s)
	}
	if !math.IsNaN(Spearman([]float64{1, 2}, []float64{1, 2})) {
		t.Error("Spearman of two points should be NaN")
	}
}

// synthetic builds fits whose proxy is law(√(n/k)) for the named group.
func synthetic(name, labels string, widths []int, seeds int, law func(x float64) float64) []Fit {
	var out []Fit
	for s := range seeds {
		for _, k := range widths {
			f := Fit{Group: name, Labels: labels, N: 100, D: 16, K: k, Seed: s, Memorized: true}
			f.Fit.Proxy = runs.Float(law(f.SqrtNK()) * (1 + 0.01*float64(s)))
			out = append(out, f)
		}
	}
	return out
}

// evaluate measures the claim id on res.
func evaluate(res *Results, id string) claims.Claim {
	d, ok := Claims.Find(id)
	if !ok {
		panic("no claim " + id)
	}
	return d.Evaluate(res)
}

// TestClaimsCanFail: each claim fails, with its reason, when its null shows
// the same effect, and when the effect is missing.
func TestClaimsCanFail(t *testing.T) {
	c := Quick()
	law := func(x float64) float64 { return 2 + 3*x }
	flat := func(x float64) float64 { return 5 }
	for _, tc := range []struct {
		name         string
		plain, null  func(float64) float64
		pass         bool
		reasonSubstr string
	}{
		{"law and flat null", law, flat, true, ""},
		{"null trends too", law, law, false, "null"},
		{"no trend", flat, flat, false, "does not track"},
	} {
		res := &Results{Config: c}
		res.Fits = append(synthetic(GroupPlain, LabelsRandom, c.Widths, 3, tc.plain), synthetic(GroupPlainNull, LabelsTeacher, c.Widths, 3, tc.null)...)
		cl := evaluate(res, "LR-3")
		if cl.Passed() != tc.pass || !strings.Contains(cl.Reason, tc.reasonSubstr) {
			t.Errorf("LR-3, %s: pass %v (want %v), reason %q", tc.name, cl.Passed(), tc.pass, cl.Reason)
		}
		res.Fits = append(synthetic(GroupSmooth, LabelsRandom, c.Widths, 3, tc.plain), synthetic(GroupSmoothNull, LabelsTeacher, c.Widths, 3, tc.null)...)
		cl = evaluate(res, "LR-3s")
		// 2 + 3x from x = 0.71 to 2.89: ratio 10.7/4.1 = 2.6, log-log slope ≈ 0.7.
		if cl.Passed() != tc.pass || !strings.Contains(cl.Reason, strings.Replace(tc.reasonSubstr, "does not track", "do not get rougher", 1)) {
			t.Errorf("LR-3s, %s: pass %v (want %v), reason %q, detail %s", tc.name, cl.Passed(), tc.pass, cl.Reason, cl.Detail)
		}
	}
	// LR-2 fails when the initialisation already passes, and when fits fall below the bound.
	mk := func(rFit, rInit float64) Fit {
		f := Fit{Group: GroupBiasFreeSmall, N: 100, K: 25, Memorized: true}
		f.Fit.Upper = runs.Float(rFit * f.SqrtNK())
		f.Init.Upper = runs.Float(rInit * f.SqrtNK())
		return f
	}
	for _, tc := range []struct {
		fit, init float64
		pass      bool
	}{{5, 0.1, true}, {5, 3, false}, {0.3, 0.1, false}} {
		res := &Results{Config: c, Fits: []Fit{mk(tc.fit, tc.init), mk(tc.fit, tc.init)}}
		if cl := evaluate(res, "LR-2"); cl.Passed() != tc.pass {
			t.Errorf("LR-2 with R = %v after fitting, %v at initialisation: pass %v, want %v (%s)", tc.fit, tc.init, cl.Passed(), tc.pass, cl.Reason)
		}
	}
}

// TestBatchNormGroup: a batch-normalised network is kept folded, and the folded
// network reproduces, on its training points, the loss the graph measured with
// batch statistics.
func TestBatchNormGroup(t *testing.T) {
	be := backend.MustGet()
	p := problem{N: 20, D: 8, Runs: []draw{drawData(5, 20, 8), drawData(6, 20, 8)}}
	opts := trainOpts{Steps: 1500, MinLRFactor: 0.1, Epsilon: 0.02, PenaltyPoints: 1, DType: dtypes.Float64}
	g := Group{Name: "bn", Method: MethodPlain, Labels: LabelsRandom, InitScale: 1, BatchNorm: true, Widths: []int{10, 40}, LR: 1e-2}
	out, err := trainGroups(be, p, []Group{g}, opts, func(g Group, k, r int) twolayer.Net {
		return twolayer.Config{D: 8, K: k}.Init(uint64(9+r), 1)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for wi := range g.Widths {
		for r, run := range p.Runs {
			tr := out[0][wi][r]
			if tr.Final.B == nil || tr.Init.B == nil {
				t.Fatal("folded networks must have biases")
			}
			mse := 0.0
			for i := range p.N {
				f := tr.Final.Eval(run.X[i*p.D : (i+1)*p.D])
				mse += (f - run.Y[i]) * (f - run.Y[i]) / float64(p.N)
			}
			if math.Abs(mse-tr.MSE) > 1e-9 {
				t.Errorf("k=%d run %d: folded network's MSE %v, the graph's %v (step %d)", g.Widths[wi], r, mse, tr.MSE, tr.Step)
			}
		}
	}
	if !out[0][1][0].Memorized {
		t.Error("40 batch-normalised neurons did not memorize 20 points")
	}
	bad := g
	bad.Method = MethodSmooth
	if _, err := trainGroups(be, p, []Group{bad}, opts, nil, nil); err == nil || !strings.Contains(err.Error(), "batch normalisation") {
		t.Errorf("a smooth batch-normalised group: want an error, got %v", err)
	}
}

func TestChecksMarkdownEscapesPipes(t *testing.T) {
	md := ChecksMarkdown([]Check{{ID: "X", Name: "max |f|", Measured: "|a| = 1", Rule: "≤ 2", OK: true}})
	lines := strings.Split(strings.TrimSpace(md), "\n")
	if got := strings.Count(lines[2], "|") - strings.Count(lines[2], `\|`); got != 6 {
		t.Errorf("row %q has %d cell separators, want 6", lines[2], got)
	}
}
