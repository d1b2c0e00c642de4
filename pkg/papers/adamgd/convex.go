package adamgd

import (
	"fmt"
	"math"
	"time"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/optim"
	"theorylab/pkg/patchdata"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
)

// The convex runs (our construction): the linear logistic model
// f(x) = ⟨w, Σ_p x_p⟩ on the training data of each data seed, from w = 0.
const (
	ConvexGD        = "GD"               // GD, constant η, λ = Convex.Lambda
	ConvexAdam      = "Adam η₀/√t"       // Adam with ηₜ = η₀/√t, λ = Convex.Lambda
	ConvexAdamConst = "Adam constant η₀" // control: Adam with a constant step only hovers near w*
	ConvexGD0       = "GD λ = 0"         // control: no regularisation, no unique minimiser
	ConvexAdam0     = "Adam η₀/√t λ = 0" // control, paired with ConvexGD0
)

// ConvexRun is one convex run on one data seed.
type ConvexRun struct {
	Name   string  `json:"name"`
	K      int     `json:"k"`
	Lambda float64 `json:"lambda"`
	// Dist[i] is ‖w − w*‖/‖w*‖ at ConvexResults.LogSteps[i] (w* of Convex.Lambda).
	Dist      runs.Series `json:"dist"`
	FinalDist runs.Float  `json:"final_dist"`
	// Agree is the fraction of test points on which sign⟨w, u⟩ equals sign⟨w*, u⟩.
	Agree   runs.Float `json:"agree"`
	TestErr runs.Float `json:"test_err"`
	Norm    runs.Float `json:"norm"` // ‖w‖ at the end
	w       []float64
}

// ConvexSeed is the reference solution of one data seed and the comparisons
// between the two optimizers.
type ConvexSeed struct {
	K           int        `json:"k"`
	WStarNorm   float64    `json:"w_star_norm"`
	NewtonIters int        `json:"newton_iters"`
	NewtonGrad  float64    `json:"newton_grad"` // ‖∇L(w*)‖
	TestErr     float64    `json:"test_err"`    // test error of w*
	PairDist    runs.Float `json:"pair_dist"`   // ‖w_GD − w_Adam‖/‖w*‖ (λ > 0)
	PairAgree   runs.Float `json:"pair_agree"`  // test points where GD and Adam predict alike (λ > 0)
	// The λ = 0 control: GD against Adam η₀/√t, relative to ‖w_GD‖.
	PairDist0  runs.Float `json:"pair_dist0"`
	PairAgree0 runs.Float `json:"pair_agree0"`
}

// ConvexResults is the convex control of every data seed.
type ConvexResults struct {
	LogSteps []int        `json:"log_steps"`
	Seeds    []ConvexSeed `json:"seeds"`
	Runs     []ConvexRun  `json:"runs"` // name-major: every name on every seed
}

// Find returns the run of name on seed k.
func (c *ConvexResults) Find(name string, k int) *ConvexRun {
	for i := range c.Runs {
		if c.Runs[i].Name == name && c.Runs[i].K == k {
			return &c.Runs[i]
		}
	}
	return nil
}

// RunConvex runs the convex control of cfg on every data seed.
func RunConvex(cfg Config) (*ConvexResults, error) {
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	cv := cfg.Convex
	G, n, d := cfg.Seeds, cfg.N, cfg.Data.D
	out := &ConvexResults{}
	for t := 0; t <= cv.Steps; t += cv.LogEvery {
		out.LogSteps = append(out.LogSteps, t)
	}
	// Inputs u = Σ_p x_p: [G, n, d]; test inputs per seed.
	var us, ys []float64
	wstar := make([][]float64, G)
	tests := make([]*patchdata.Set, G)
	for k := range G {
		train, err := patchdata.Generate(cfg.Data, n, cfg.DataSeed(k), StreamTrain)
		if err != nil {
			return nil, err
		}
		if tests[k], err = patchdata.Generate(cfg.Data, cfg.NTest, cfg.DataSeed(k), StreamTest); err != nil {
			return nil, err
		}
		u := train.PatchSum()
		us = append(us, u...)
		ys = append(ys, train.Y...)
		sol, err := Newton(u, train.Y, d, cv.Lambda, nil)
		if err != nil {
			return nil, fmt.Errorf("adamgd: convex control, data seed %d: %w", cfg.DataSeed(k), err)
		}
		wstar[k] = sol.W
		out.Seeds = append(out.Seeds, ConvexSeed{K: k, WStarNorm: norm(sol.W), NewtonIters: sol.Iters, NewtonGrad: sol.GradNorm,
			TestErr: linearTestErr(sol.W, tests[k])})
	}
	u := tensors.FromFlatDataAndDimensions(us, G, n, d)
	y := tensors.FromFlatDataAndDimensions(ys, G, n)
	type cblock struct {
		rule  optim.Rule
		names []string
		lams  []float64
		lr    float64
	}
	adam := func(s optim.Schedule) optim.Rule {
		return optim.Rule{Method: optim.Adam, Beta1: cfg.Beta1, Beta2: cfg.Beta2, Eps: cfg.Eps, Schedule: s}
	}
	blocks := []cblock{
		{optim.Rule{Method: optim.GD}, []string{ConvexGD, ConvexGD0}, []float64{cv.Lambda, 0}, cv.GDLR},
		{adam(optim.InvSqrt), []string{ConvexAdam, ConvexAdam0}, []float64{cv.Lambda, 0}, cv.AdamLR0},
		{adam(optim.Constant), []string{ConvexAdamConst}, []float64{cv.Lambda}, cv.AdamLR0},
	}
	for _, b := range blocks {
		for _, name := range b.names {
			for k := range G {
				out.Runs = append(out.Runs, ConvexRun{Name: name, K: k, Lambda: b.lams[indexOf(b.names, name)]})
			}
		}
	}
	bar := progress.New(fmt.Sprintf("adamgd %s: convex control, %d runs × %d steps", cfg.Preset, len(out.Runs), cv.Steps), len(blocks)*cv.Steps)
	started := time.Now()
	for bi, b := range blocks {
		C := len(b.names)
		var lams, lrs []float64
		for range G {
			lams = append(lams, b.lams...)
			for range C {
				lrs = append(lrs, b.lr)
			}
		}
		lam := tensors.FromFlatDataAndDimensions(lams, G, C)
		// L(w) = (1/n) Σᵢ log(1 + exp(−yᵢ⟨w, uᵢ⟩)) + (λ/2)‖w‖², per run: w [G, C, d] → [G, C].
		loss := func(p []*Node) *Node {
			g := p[0].Graph()
			f := Einsum("gnd,gcd->gcn", Const(g, u), p[0]) // ⟨w, uᵢ⟩: [G, C, n]
			margins := Mul(f, InsertAxes(Const(g, y), 1))
			data := MulScalar(ReduceSum(Softplus(Neg(margins)), 2), 1/float64(n))
			return Add(data, Mul(MulScalar(Const(g, lam), 0.5), ReduceSum(Square(p[0]), 2)))
		}
		tr, err := optim.NewTrainer(be, b.rule, loss, 1, cv.Unroll)
		if err != nil {
			return nil, err
		}
		st, err := tr.NewState([]*tensors.Tensor{tensors.FromFlatDataAndDimensions(make([]float64, G*C*d), G, C, d)}) // w₀ = 0
		if err != nil {
			tr.Finalize()
			return nil, err
		}
		lr := tensors.FromFlatDataAndDimensions(lrs, G, C)
		for t := 0; ; t += cv.LogEvery {
			w, err := tensors.CopyFlatData[float64](st.Params[0])
			if err != nil {
				tr.Finalize()
				return nil, err
			}
			for k := range G {
				for c, name := range b.names {
					r := out.Find(name, k)
					wr := w[(k*C+c)*d : (k*C+c+1)*d]
					r.Dist = append(r.Dist, relDist(wr, wstar[k]))
					if t == cv.Steps {
						r.w = append([]float64(nil), wr...)
					}
				}
			}
			if t == cv.Steps {
				break
			}
			for u := 0; u < cv.LogEvery; u += cv.Unroll {
				if _, err := tr.Steps(st, lr); err != nil {
					tr.Finalize()
					return nil, err
				}
			}
			bar.Update(bi*cv.Steps+t+cv.LogEvery, b.names[0])
		}
		tr.Finalize()
	}
	bar.Done(fmt.Sprintf("done in %.1fs on %s", time.Since(started).Seconds(), backend.Name()))
	for i := range out.Runs {
		r := &out.Runs[i]
		r.FinalDist = runs.Float(r.Dist[len(r.Dist)-1])
		r.Agree = runs.Float(agreement(r.w, wstar[r.K], tests[r.K]))
		r.TestErr = runs.Float(linearTestErr(r.w, tests[r.K]))
		r.Norm = runs.Float(norm(r.w))
	}
	for k := range G {
		s := &out.Seeds[k]
		gd, ad := out.Find(ConvexGD, k), out.Find(ConvexAdam, k)
		s.PairDist = runs.Float(dist(gd.w, ad.w) / s.WStarNorm)
		s.PairAgree = runs.Float(agreement(gd.w, ad.w, tests[k]))
		gd0, ad0 := out.Find(ConvexGD0, k), out.Find(ConvexAdam0, k)
		s.PairDist0 = runs.Float(dist(gd0.w, ad0.w) / norm(gd0.w))
		s.PairAgree0 = runs.Float(agreement(gd0.w, ad0.w, tests[k]))
	}
	return out, nil
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

func norm(w []float64) float64 {
	s := 0.0
	for _, v := range w {
		s += v * v
	}
	return math.Sqrt(s)
}

func dist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

// relDist is ‖a − b‖/‖b‖.
func relDist(a, b []float64) float64 { return dist(a, b) / norm(b) }

// linearScore is ⟨w, Σ_p x_p⟩ for one sparse example.
func linearScore(w []float64, x []patchdata.Patch) float64 {
	s := 0.0
	for _, p := range x {
		s += p.Dot(w)
	}
	return s
}

// agreement is the fraction of the test set on which sign⟨a, u⟩ = sign⟨b, u⟩.
func agreement(a, b []float64, test *patchdata.Set) float64 {
	same := 0
	for i := range test.N() {
		if math.Signbit(linearScore(a, test.Patches[i])) == math.Signbit(linearScore(b, test.Patches[i])) {
			same++
		}
	}
	return float64(same) / float64(test.N())
}

// linearTestErr is the error rate of sign⟨w, u⟩ (0 counts as an error).
func linearTestErr(w []float64, test *patchdata.Set) float64 {
	errs := 0
	for i := range test.N() {
		if test.Y[i]*linearScore(w, test.Patches[i]) <= 0 {
			errs++
		}
	}
	return float64(errs) / float64(test.N())
}
