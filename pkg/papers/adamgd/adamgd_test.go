package adamgd

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/patchcnn"
	"theorylab/pkg/backend"
	"theorylab/pkg/papers/papertest"
)

// tiny is a small configuration for the method checks: seconds, not minutes.
func tiny() Config {
	c := Quick()
	c.Preset = "custom"
	c.Seeds = 2
	c.D, c.S, c.NTrain, c.NVal, c.NTest, c.M = 60, 8, 20, 40, 60, 4
	c.Steps, c.EvalEvery = 40, 20
	c.GDLRs, c.AdamLRs, c.Lambdas = []float64{2}, []float64{0.01, 0.1}, []float64{1e-3}
	c.EpsVariants = []float64{1e-2}
	c.ConvexSteps = 1000
	return c
}

// TestQuickPreset runs the quick preset through the results cache (the
// notebook then loads the same results) and asserts every claim.
func TestQuickPreset(t *testing.T) {
	out := papertest.Quick(t, Paper)
	res := out.Results
	// Same start: every setting of a seed begins from the same filters, so
	// the feature coefficient γ at step 0 (a max over raw filter entries) is
	// bit-identical across all settings of the seed, and the step-0 loss is
	// the same for the settings with the same λ on the same data.
	for s := range res.Config.Seeds {
		ref := res.Run(s, 0)
		for c, st := range res.Settings {
			r := res.Run(s, c)
			if math.Float64bits(r.Gamma[0]) != math.Float64bits(ref.Gamma[0]) {
				t.Errorf("seed %d setting %s starts at γ %v, setting 0 at %v", s, st, r.Gamma[0], ref.Gamma[0])
			}
			if !st.Null && st.Lambda == res.Settings[0].Lambda && math.Abs(r.Loss[0]-ref.Loss[0]) > 1e-12*ref.Loss[0] {
				t.Errorf("seed %d setting %s starts at loss %v, setting 0 at %v", s, st, r.Loss[0], ref.Loss[0])
			}
		}
	}
}

// TestDeterministic: the same seed gives the same results, another seed
// other claims, and the figures render.
func TestDeterministic(t *testing.T) { papertest.Deterministic(t, Paper, tiny()) }

// TestBadConfigs: every broken field is refused with its name, and nothing is cached.
func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"d":               func(c *Config) { c.D = 1 },
		"patches":         func(c *Config) { c.P = 1 },
		"sparsity":        func(c *Config) { c.S = c.D },
		"sigma_p":         func(c *Config) { c.SigmaP = 0 },
		"n_train":         func(c *Config) { c.NTrain = 1 },
		"filters":         func(c *Config) { c.M = 0 },
		"q":               func(c *Config) { c.Q = 1 },
		"steps":           func(c *Config) { c.Steps = 15 },
		"eval_every":      func(c *Config) { c.EvalEvery = 30 },
		"beta2":           func(c *Config) { c.Beta2 = 1 },
		"eps":             func(c *Config) { c.Eps = 0 },
		"adam_lrs":        func(c *Config) { c.AdamLRs = nil },
		"main_gd_lr":      func(c *Config) { c.MainGDLR = 7 },
		"convex_lambda":   func(c *Config) { c.ConvexLambda = 0 },
		"convex_steps":    func(c *Config) { c.ConvexSteps = 150 },
		"convex_adam_lr0": func(c *Config) { c.ConvexAdamLR0 = -1 },
	})
}

// TestAdamMatchesReference: the graph's Adam (AdamMoments + AdamDirection)
// matches the hand-written reference on a 2-parameter quadratic
// L(w) = ½ wᵀAw − bᵀw to 1e-12 at every one of 100 steps, with and without
// bias correction.
func TestAdamMatchesReference(t *testing.T) {
	a := [4]float64{3, 0.5, 0.5, 1}
	b := [2]float64{1, -2}
	grad := func(w []float64) []float64 {
		return []float64{a[0]*w[0] + a[1]*w[1] - b[0], a[2]*w[0] + a[3]*w[1] - b[1]}
	}
	const lr, b1, b2, eps = 0.05, 0.9, 0.99, 1e-8
	for _, bias := range []bool{true, false} {
		e, err := NewExec(backend.MustGet(), func(w, m, v, g, t *Node) (*Node, *Node, *Node) {
			m, v = AdamMoments(m, v, g, b1, b2)
			dir := AdamDirection(m, v, t, Scalar(w.Graph(), w.DType(), eps), b1, b2, bias)
			return Sub(w, MulScalar(dir, lr)), m, v
		})
		if err != nil {
			t.Fatal(err)
		}
		w, m, v := []float64{0.3, -0.7}, []float64{0, 0}, []float64{0, 0}
		gw, gm, gv := append([]float64(nil), w...), []float64{0, 0}, []float64{0, 0}
		for step := 1; step <= 100; step++ {
			g := grad(w)
			adamReference(w, m, v, g, step, lr, b1, b2, eps, bias)
			out, err := e.Call(gw, gm, gv, grad(gw), float64(step))
			if err != nil {
				t.Fatal(err)
			}
			gw, gm, gv = tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1]), tensors.MustCopyFlatData[float64](out[2])
			for k := range w {
				if math.Abs(gw[k]-w[k]) > 1e-12*math.Max(1, math.Abs(w[k])) {
					t.Fatalf("bias %v step %d: graph w[%d] = %v, reference %v", bias, step, k, gw[k], w[k])
				}
			}
		}
		e.Finalize()
	}
}

// TestNewton: the final gradient is < 1e-10, and w* does not depend on the start.
func TestNewton(t *testing.T) {
	cfg := Quick()
	sd, err := makeData(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	r := summed(sd.train)
	w1, g1, err := newton(r, cfg.ConvexLambda, make([]float64, r.d))
	if err != nil {
		t.Fatal(err)
	}
	start := make([]float64, r.d)
	rng := rand.New(rand.NewPCG(1, 1))
	for k := range start {
		start[k] = rng.NormFloat64()
	}
	w2, g2, err := newton(r, cfg.ConvexLambda, start)
	if err != nil {
		t.Fatal(err)
	}
	if g1 >= 1e-10 || g2 >= 1e-10 {
		t.Fatalf("Newton's final gradient norms %v, %v; want < 1e-10", g1, g2)
	}
	if d := relDist(w2, w1); d > 1e-9 {
		t.Fatalf("w* from two starts differs by %v relative", d)
	}
	// the gradient of the convex objective against central differences
	g := make([]float64, r.d)
	r.grad(start, g, cfg.ConvexLambda)
	for _, k := range []int{0, 1, 7, 100} {
		p, m := append([]float64(nil), start...), append([]float64(nil), start...)
		p[k] += 1e-6
		m[k] -= 1e-6
		fd := (r.grad(p, make([]float64, r.d), cfg.ConvexLambda) - r.grad(m, make([]float64, r.d), cfg.ConvexLambda)) / 2e-6
		if math.Abs(fd-g[k]) > 1e-6*math.Max(1, math.Abs(g[k])) {
			t.Fatalf("∂L/∂w[%d] = %v, finite differences %v", k, g[k], fd)
		}
	}
}

// TestNullMaskEqualsZeroedData: a null setting's feature mask gives exactly
// the logits of the network on data whose feature patch is zeroed.
func TestNullMaskEqualsZeroedData(t *testing.T) {
	cfg := tiny()
	sd, err := makeData(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	model := patchcnn.Config{M: cfg.M, Q: cfg.Q}
	w := model.Init(5, cfg.D, 0.3)
	fmask := make([]float64, cfg.D)
	for k := range fmask {
		fmask[k] = 1
	}
	fmask[0] = 0
	zero := sd.train.ZeroFeature()
	e, err := NewExec(backend.MustGet(), func(w, x, xz, fm *Node) (*Node, *Node) {
		return model.Logits(masked(w, fm), x), model.Logits(w, xz)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	T := tensors.FromFlatDataAndDimensions[float64]
	out, err := e.Call(T(w, 1, 1, 2, cfg.M, cfg.D), T(sd.train.X, 1, cfg.NTrain, cfg.P, cfg.D), T(zero.X, 1, cfg.NTrain, cfg.P, cfg.D), T(fmask, 1, cfg.D))
	if err != nil {
		t.Fatal(err)
	}
	a, b := tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1])
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12*math.Max(1, math.Abs(b[i])) {
			t.Fatalf("example %d: masked %v, zeroed data %v", i, a[i], b[i])
		}
	}
}
