package adamgd

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"theorylab/pkg/patchdata"
	"theorylab/pkg/runs"
)

// ConvexResult is the convex control of one seed (our construction): linear
// logistic regression f(x) = ⟨w, Σ_p x_p⟩ on the seed's training data, whose
// objective with λ > 0 is λ-strongly convex and has one minimiser w*.
type ConvexResult struct {
	Seed       int     `json:"seed"`
	NewtonGrad float64 `json:"newton_grad"` // ‖∇L(w*)‖ at the end of Newton's method
	// ‖w − w*‖/‖w*‖ after ConvexSteps steps:
	DistGD        runs.Float `json:"dist_gd"`         // GD, lr ConvexGDLR
	DistAdam      runs.Float `json:"dist_adam"`       // Adam, lr η₀/√t
	DistAdamConst runs.Float `json:"dist_adam_const"` // control: Adam with constant lr η₀
	Agree         float64    `json:"agree"`           // share of test points where GD and Adam predict alike
	// Control λ = 0 (no unique minimiser): ‖w_Adam − w_GD‖/‖w_GD‖ and agreement.
	DistZeroLambda  runs.Float `json:"dist_zero_lambda"`
	AgreeZeroLambda float64    `json:"agree_zero_lambda"`
	// ‖wₜ − w*‖/‖w*‖ every ConvexSteps/100 steps, from t = 0.
	CurveGD   runs.Series `json:"curve_gd"`
	CurveAdam runs.Series `json:"curve_adam"`
}

// sparseRows is z_i = Σ_p x_{i,p} with its non-zeros.
type sparseRows struct {
	d   int
	idx [][]int
	val [][]float64
	y   []float64
}

func summed(s *patchdata.Set) sparseRows {
	r := sparseRows{d: s.D, idx: make([][]int, s.N), val: make([][]float64, s.N), y: s.Y}
	z := make([]float64, s.D)
	for i := range s.N {
		clear(z)
		for p := range s.P {
			for k, v := range s.Patch(i, p) {
				z[k] += v
			}
		}
		for k, v := range z {
			if v != 0 {
				r.idx[i] = append(r.idx[i], k)
				r.val[i] = append(r.val[i], v)
			}
		}
	}
	return r
}

func (r sparseRows) dot(i int, w []float64) float64 {
	s := 0.0
	for k, j := range r.idx[i] {
		s += w[j] * r.val[i][k]
	}
	return s
}

// grad writes ∇L(w) into g and returns L(w):
// L(w) = (1/n) Σᵢ log(1 + exp(−yᵢ⟨w, zᵢ⟩)) + (λ/2)‖w‖².
func (r sparseRows) grad(w, g []float64, lambda float64) float64 {
	n := float64(len(r.y))
	loss := 0.0
	for k := range g {
		// ∇(λ/2)‖w‖² = λw
		g[k] = lambda * w[k]
		loss += 0.5 * lambda * w[k] * w[k]
	}
	for i, y := range r.y {
		m := y * r.dot(i, w)
		loss += (math.Max(-m, 0) + math.Log1p(math.Exp(-math.Abs(m)))) / n
		// ∂/∂w log(1 + e^{−m}) = −σ(−m)·y·z
		c := -y * sigmoid(-m) / n
		for k, j := range r.idx[i] {
			g[j] += c * r.val[i][k]
		}
	}
	return loss
}

func sigmoid(u float64) float64 {
	if u >= 0 {
		return 1 / (1 + math.Exp(-u))
	}
	e := math.Exp(u)
	return e / (1 + e)
}

// newton minimises L from start until ‖∇L‖ < 1e-12 (at most 100 steps); it
// returns w* and the final gradient norm.
func newton(r sparseRows, lambda float64, start []float64) ([]float64, float64, error) {
	d, n := r.d, float64(len(r.y))
	w := append([]float64(nil), start...)
	g := make([]float64, d)
	for range 100 {
		r.grad(w, g, lambda)
		if norm(g) < 1e-12 {
			break
		}
		// H = (1/n) Σᵢ σ(mᵢ)(1 − σ(mᵢ)) zᵢzᵢᵀ + λI
		h := mat.NewSymDense(d, nil)
		for k := range d {
			h.SetSym(k, k, lambda)
		}
		for i, y := range r.y {
			s := sigmoid(y * r.dot(i, w))
			c := s * (1 - s) / n
			for a, ja := range r.idx[i] {
				for b := a; b < len(r.idx[i]); b++ {
					jb := r.idx[i][b]
					h.SetSym(ja, jb, h.At(ja, jb)+c*r.val[i][a]*r.val[i][b])
				}
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(h) {
			return nil, 0, fmt.Errorf("adamgd: the convex Hessian is not positive definite")
		}
		var step mat.VecDense
		if err := ch.SolveVecTo(&step, mat.NewVecDense(d, g)); err != nil {
			return nil, 0, err
		}
		for k := range w {
			w[k] -= step.AtVec(k)
		}
	}
	r.grad(w, g, lambda)
	return w, norm(g), nil
}

func norm(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

func relDist(a, b []float64) float64 {
	s := 0.0
	for k := range a {
		s += (a[k] - b[k]) * (a[k] - b[k])
	}
	return math.Sqrt(s) / norm(b)
}

// convexTrain runs `steps` steps of GD (adam false, lr constant) or Adam
// (lr η₀/√t when decay, else η₀) from w = 0, calling watch every `every` steps.
func convexTrain(r sparseRows, cfg Config, lambda float64, adam, decay bool, lr float64, watch func(w []float64)) []float64 {
	d := r.d
	w, g, m, v := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	every := cfg.ConvexSteps / 100
	for t := 1; t <= cfg.ConvexSteps; t++ {
		if watch != nil && (t-1)%every == 0 {
			watch(w)
		}
		r.grad(w, g, lambda)
		if !adam {
			// w ← w − η∇L
			for k := range w {
				w[k] -= lr * g[k]
			}
			continue
		}
		eta := lr
		if decay {
			eta = lr / math.Sqrt(float64(t)) // ηₜ = η₀/√t
		}
		adamReference(w, m, v, g, t, eta, cfg.Beta1, cfg.Beta2, cfg.Eps, true)
	}
	if watch != nil {
		watch(w)
	}
	return w
}

// agreement is the share of points where ⟨a, z⟩ and ⟨b, z⟩ have the same sign.
func agreement(r sparseRows, a, b []float64) float64 {
	same := 0
	for i := range r.y {
		if (r.dot(i, a) > 0) == (r.dot(i, b) > 0) {
			same++
		}
	}
	return float64(same) / float64(len(r.y))
}

// runConvex runs the convex control on every seed's training data.
func runConvex(cfg Config, data []seedData, seeds []int) ([]ConvexResult, error) {
	out := make([]ConvexResult, len(seeds))
	for s, sd := range data {
		tr, te := summed(sd.train), summed(sd.test)
		lam := cfg.ConvexLambda
		star, gn, err := newton(tr, lam, make([]float64, tr.d))
		if err != nil {
			return nil, err
		}
		cr := ConvexResult{Seed: seeds[s], NewtonGrad: gn}
		wGD := convexTrain(tr, cfg, lam, false, false, cfg.ConvexGDLR, func(w []float64) { cr.CurveGD = append(cr.CurveGD, relDist(w, star)) })
		wA := convexTrain(tr, cfg, lam, true, true, cfg.ConvexAdamLR0, func(w []float64) { cr.CurveAdam = append(cr.CurveAdam, relDist(w, star)) })
		wC := convexTrain(tr, cfg, lam, true, false, cfg.ConvexAdamLR0, nil)
		cr.DistGD, cr.DistAdam, cr.DistAdamConst = runs.Float(relDist(wGD, star)), runs.Float(relDist(wA, star)), runs.Float(relDist(wC, star))
		cr.Agree = agreement(te, wGD, wA)
		z0 := convexTrain(tr, cfg, 0, false, false, cfg.ConvexGDLR, nil)
		z1 := convexTrain(tr, cfg, 0, true, true, cfg.ConvexAdamLR0, nil)
		cr.DistZeroLambda = runs.Float(relDist(z1, z0))
		cr.AgreeZeroLambda = agreement(te, z0, z1)
		out[s] = cr
	}
	return out, nil
}
