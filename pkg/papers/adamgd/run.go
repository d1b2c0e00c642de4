package adamgd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/patchcnn"
	"theorylab/pkg/backend"
	"theorylab/pkg/patchdata"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
)

// Seed streams: data seed i draws its training set from PCG(i, 1), its test
// set from PCG(i + 10000, 1) and its validation set from PCG(i + 20000, 1);
// the filters of every method of seed i come from PCG(i + 1000, 0).
const (
	streamData = 1
	testOffset = 10000
	valOffset  = 20000
	initOffset = 1000
)

// RunResult is one setting trained on one seed.
type RunResult struct {
	Seed    int `json:"seed"`
	Setting int `json:"setting"` // index into Results.Settings
	// Measured at Results.EvalSteps:
	Loss     runs.Series `json:"loss"`      // regularised training loss L(W)
	TrainErr runs.Series `json:"train_err"` // training error
	TestErr  runs.Series `json:"test_err"`  // test error
	Gamma    runs.Series `json:"gamma"`     // feature coefficient γ = max_j max_r ⟨w_{j,r}, j·v⟩
	Rho      runs.Series `json:"rho"`       // noise coefficient ρ = mean_i max_{r,p} ⟨w_{yᵢ,r}, ξ_{i,p}⟩
	// At the end of training:
	GradNorm runs.Float `json:"grad_norm"` // ‖∇L(W)‖_F
	RhoMax   runs.Float `json:"rho_max"`   // max_i of the same
	ValErr   runs.Float `json:"val_err"`   // validation error (learning-rate choice)
	Diverged bool       `json:"diverged"`  // the loss stopped being finite
}

// Final returns the last value of a measured series.
func Final(s runs.Series) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	return s[len(s)-1]
}

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config    Config         `json:"config"`
	Settings  []Setting      `json:"settings"`
	EvalSteps []int          `json:"eval_steps"`
	Runs      []RunResult    `json:"runs"` // seed-major: Runs[s·len(Settings) + c]
	Convex    []ConvexResult `json:"convex"`
	Seconds   float64        `json:"seconds"`
}

// Run returns run (seed index s, setting c).
func (r *Results) Run(s, c int) *RunResult { return &r.Runs[s*len(r.Settings)+c] }

// seedData is the data of one seed.
type seedData struct {
	train, val, test *patchdata.Set
}

func makeData(cfg Config, seed int) (seedData, error) {
	pc := patchdata.Config{D: cfg.D, P: cfg.P, S: cfg.S, SigmaP: cfg.SigmaP, Alpha: cfg.Alpha}
	var sd seedData
	var err error
	if sd.train, err = patchdata.Generate(pc, cfg.NTrain, rand.New(rand.NewPCG(uint64(seed), streamData))); err != nil {
		return sd, err
	}
	if sd.val, err = patchdata.Generate(pc, cfg.NVal, rand.New(rand.NewPCG(uint64(seed)+valOffset, streamData))); err != nil {
		return sd, err
	}
	sd.test, err = patchdata.Generate(pc, cfg.NTest, rand.New(rand.NewPCG(uint64(seed)+testOffset, streamData)))
	return sd, err
}

// Run trains every setting on every seed — GD, Adam and sign-GD over the
// learning-rate × λ grid, the null runs and the ε variants — from the same
// initialisation per seed, all at once in one compiled step graph, and
// measures every EvalEvery steps in one compiled evaluation graph; then it
// runs the convex control.
func Run(cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	res := &Results{Config: cfg, Settings: cfg.Settings()}
	seeds := cfg.SeedList()
	S, C, D, P, M := len(seeds), len(res.Settings), cfg.D, cfg.P, cfg.M
	N, NH := cfg.NTrain, cfg.NVal+cfg.NTest
	data := make([]seedData, S)
	x := make([]float64, 0, S*N*P*D)
	y := make([]float64, 0, S*N)
	noise := make([]float64, 0, S*N*P) // 1 on the noise patches of the training set
	xh := make([]float64, 0, S*NH*P*D) // held-out: validation then test
	yh := make([]float64, 0, S*NH)
	w0 := make([]float64, 0, S*C*2*M*D)
	model := patchcnn.Config{M: M, Q: cfg.Q}
	for s, seed := range seeds {
		if data[s], err = makeData(cfg, seed); err != nil {
			return nil, err
		}
		d := data[s]
		x, y = append(x, d.train.X...), append(y, d.train.Y...)
		for i := range N {
			for p := range P {
				noise = append(noise, b2f(p != d.train.Feature[i] && !(cfg.Alpha > 0 && d.train.Patch(i, p)[0] != 0)))
			}
		}
		xh, yh = append(xh, d.val.X...), append(yh, d.val.Y...)
		xh, yh = append(xh, d.test.X...), append(yh, d.test.Y...)
		init := model.Init(uint64(seed)+initOffset, D, cfg.Sigma0) // the same start for every setting
		for range C {
			w0 = append(w0, init...)
		}
	}
	lr, lam, eps := make([]float64, C), make([]float64, C), make([]float64, C)
	isGD, isAdam, isSign := make([]float64, C), make([]float64, C), make([]float64, C)
	fmask := make([]float64, C*D) // 0 on the feature coordinate of the null settings
	for c, st := range res.Settings {
		lr[c], lam[c], eps[c] = st.LR, st.Lambda, st.Eps
		isGD[c], isAdam[c], isSign[c] = b2f(st.Method == GD), b2f(st.Method == Adam), b2f(st.Method == SignGD)
		for k := range D {
			fmask[c*D+k] = 1
		}
		if st.Null {
			fmask[c*D] = 0
		}
	}
	T := tensors.FromFlatDataAndDimensions[float64]
	xT, yT, nT := T(x, S, N, P, D), T(y, S, N), T(noise, S, N, P)
	xhT, yhT := T(xh, S, NH, P, D), T(yh, S, NH)
	perC := []any{T(lr, C), T(lam, C), T(eps, C), T(isGD, C), T(isAdam, C), T(isSign, C), T(fmask, C, D)}

	step, err := newStepper(be, model, cfg)
	if err != nil {
		return nil, err
	}
	defer step.Finalize()
	eval, err := newEvaluator(be, model, cfg)
	if err != nil {
		return nil, err
	}
	defer eval.Finalize()

	res.Runs = make([]RunResult, S*C)
	for s, seed := range seeds {
		for c := range C {
			res.Runs[s*C+c] = RunResult{Seed: seed, Setting: c}
		}
	}
	wT := T(w0, S, C, 2, M, D)
	mT := T(make([]float64, len(w0)), S, C, 2, M, D)
	vT := T(make([]float64, len(w0)), S, C, 2, M, D)
	bar := progress.New(fmt.Sprintf("adamgd %s: %d seeds × %d settings, %d steps", cfg.Preset, S, C, cfg.Steps), cfg.Steps)
	for t := 0; ; t += unroll {
		if t%cfg.EvalEvery == 0 {
			outs, err := eval.Call(wT, xT, yT, nT, xhT, yhT, perC[1], perC[6])
			if err != nil {
				return nil, err
			}
			vals := make([][]float64, len(outs))
			for i, o := range outs {
				vals[i] = tensors.MustCopyFlatData[float64](o)
			}
			res.EvalSteps = append(res.EvalSteps, t)
			for r := range res.Runs {
				rr := &res.Runs[r]
				rr.Loss = append(rr.Loss, vals[0][r])
				rr.TrainErr = append(rr.TrainErr, vals[1][r])
				rr.TestErr = append(rr.TestErr, vals[3][r])
				rr.Gamma = append(rr.Gamma, vals[4][r])
				rr.Rho = append(rr.Rho, vals[5][r])
				if t == cfg.Steps {
					rr.ValErr = runs.Float(vals[2][r])
					rr.RhoMax = runs.Float(vals[6][r])
					rr.GradNorm = runs.Float(vals[7][r])
				}
				if math.IsNaN(vals[0][r]) || math.IsInf(vals[0][r], 0) {
					rr.Diverged = true
				}
			}
		}
		bar.Update(t, fmt.Sprintf("loss of run 0: %.3g", res.Runs[0].Loss[len(res.Runs[0].Loss)-1]))
		if t == cfg.Steps {
			break
		}
		args := append([]any{wT, mT, vT, float64(t), xT, yT}, perC...)
		outs, err := step.Call(args...)
		if err != nil {
			return nil, err
		}
		for _, old := range []*tensors.Tensor{wT, mT, vT} {
			if old != nil {
				old.FinalizeAll()
			}
		}
		wT, mT, vT = outs[0], outs[1], outs[2]
	}
	for r := range res.Runs {
		if res.Runs[r].Diverged { // a diverged run's errors are NaN, never a pass
			res.Runs[r].ValErr = runs.Float(math.NaN())
		}
	}
	bar.Done(fmt.Sprintf("trained in %.1fs; now the convex control", time.Since(start).Seconds()))
	if res.Convex, err = runConvex(cfg, data, seeds); err != nil {
		return nil, err
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// perSetting reshapes a per-setting vector [C] to broadcast against [S, C, 2, M, D].
func perSetting(v *Node) *Node { return Reshape(v, 1, v.Shape().Dimensions[0], 1, 1, 1) }

// masked applies the feature mask fmask [C, D] to the filters [S, C, 2, M, D]:
// for a null setting ⟨w, x_p⟩ then ignores the feature coordinate, exactly as
// if the data's feature patch were zeroed.
func masked(w, fmask *Node) *Node {
	c, d := fmask.Shape().Dimensions[0], fmask.Shape().Dimensions[1]
	return Mul(w, Reshape(fmask, 1, c, 1, 1, d))
}

// objective is L(W) per run [S, C]: the logistic loss of the masked network
// plus (λ/2)‖W‖²_F on the filters themselves.
func objective(model patchcnn.Config, w, x, y, lambda, fmask *Node) *Node {
	// L(W) = (1/n) Σᵢ log(1 + exp(−yᵢ f(W, xᵢ))) + (λ/2)‖W‖²_F
	return Add(patchcnn.LogisticLoss(model.Logits(masked(w, fmask), x), y),
		Mul(MulScalar(InsertAxes(lambda, 0), 0.5), patchcnn.SquaredNorm(w)))
}

// newStepper compiles `unroll` optimizer steps of every run:
// (W, m, v [S, C, 2, M, D], t₀, X, Y, lr, λ, ε, isGD, isAdam, isSign [C], fmask [C, D]) → (W, m, v).
func newStepper(be compute.Backend, model patchcnn.Config, cfg Config) (*Exec, error) {
	return NewExec(be, func(in []*Node) []*Node {
		w, m, v, t0, x, y := in[0], in[1], in[2], in[3], in[4], in[5]
		lr, lam, eps := perSetting(in[6]), in[7], perSetting(in[8])
		isGD, isAdam, isSign, fmask := perSetting(in[9]), perSetting(in[10]), perSetting(in[11]), in[12]
		for k := range unroll {
			g := Gradient(ReduceAllSum(objective(model, w, x, y, lam, fmask)), w)[0] // ∇L [S, C, 2, M, D]
			m, v = AdamMoments(m, v, g, cfg.Beta1, cfg.Beta2)
			t := AddScalar(t0, float64(k+1)) // Adam's step count, from 1
			// GD: ∇L; Adam: m̂/(√v̂ + ε); sign-GD: sign(∇L) — each run takes its method's direction
			dir := Add(Add(Mul(isGD, g), Mul(isAdam, AdamDirection(m, v, t, eps, cfg.Beta1, cfg.Beta2, true))), Mul(isSign, Sign(g)))
			// W ← W − η·direction
			w = Sub(w, Mul(lr, dir))
		}
		return []*Node{w, m, v}
	})
}

// newEvaluator compiles the measurements of every run:
// (W, X, Y, noise mask [S, N, P], held-out X, Y, λ [C], fmask [C, D]) →
// loss, train error, validation error, test error, γ, ρ, max ρ, ‖∇L‖ — each [S, C].
func newEvaluator(be compute.Backend, model patchcnn.Config, cfg Config) (*Exec, error) {
	return NewExec(be, func(in []*Node) []*Node {
		w, x, y, noise, xh, yh, lam, fmask := in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7]
		loss := objective(model, w, x, y, lam, fmask)
		grad := Gradient(ReduceAllSum(loss), w)[0]
		gradNorm := Sqrt(patchcnn.SquaredNorm(grad))
		wm := masked(w, fmask)
		pre := patchcnn.PreActivations(wm, x) // [S, C, N, P, 2, M]
		trainErr := errRate(patchcnn.LogitsFromPre(pre, cfg.Q), y)
		fh := model.Logits(wm, xh) // [S, C, NH]
		valErr := errRate(Slice(fh, AxisRange(), AxisRange(), AxisRange(0, cfg.NVal)), Slice(yh, AxisRange(), AxisRange(0, cfg.NVal)))
		testErr := errRate(Slice(fh, AxisRange(), AxisRange(), AxisRange(cfg.NVal)), Slice(yh, AxisRange(), AxisRange(cfg.NVal)))
		// γ_j = max_r ⟨w_{j,r}, j·v⟩ with v = e₁; γ = max(γ₊₁, γ₋₁)
		first := Squeeze(Slice(w, AxisRange(), AxisRange(), AxisRange(), AxisRange(), AxisElem(0)), 4) // [S, C, 2, M]
		sign := Const(w.Graph(), []float64{1, -1})
		gamma := ReduceMax(Mul(first, Reshape(sign, 1, 1, 2, 1)), 2, 3)
		// ρᵢ = max_{r, noise patches p} ⟨w_{yᵢ,r}, ξ_{i,p}⟩; ρ = mean_i ρᵢ (and max_i)
		onehot := Stack([]*Node{DivScalar(OnePlus(y), 2), DivScalar(OneMinus(y), 2)}, 2)                     // [S, N, 2]: class yᵢ
		own := ReduceSum(Mul(pre, Reshape(onehot, onehot.Shape().Dimensions[0], 1, cfg.NTrain, 1, 2, 1)), 4) // [S, C, N, P, M]
		nm := Reshape(noise, noise.Shape().Dimensions[0], 1, cfg.NTrain, cfg.P, 1)
		own = Add(Mul(own, nm), MulScalar(OneMinus(nm), -1e300)) // the feature patch never counts
		rhoI := ReduceMax(own, 3, 4)                             // [S, C, N]
		return []*Node{loss, trainErr, valErr, testErr, gamma, ReduceMean(rhoI, 2), ReduceMax(rhoI, 2), gradNorm}
	})
}

// errRate is the share of examples with yᵢ f(xᵢ) ≤ 0: f [S, C, N], y [S, N] → [S, C].
func errRate(f, y *Node) *Node {
	margin := Mul(f, InsertAxes(y, 1))
	wrong := ConvertDType(LessOrEqual(margin, ZerosLike(margin)), margin.DType())
	// NaN margins (a diverged run) count as wrong: NaN ≤ 0 is false, so add them
	wrong = Max(wrong, ConvertDType(IsNaN(margin), margin.DType()))
	return ReduceMean(wrong, 2)
}
