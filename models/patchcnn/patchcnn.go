package patchcnn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	. "github.com/gomlx/gomlx/core/graph"

	"theorylab/pkg/patchdata"
)

// Config describes the network.
type Config struct {
	D       int     `json:"d"`       // patch dimension d
	Filters int     `json:"filters"` // m: filters per class
	Power   int     `json:"power"`   // q: σ(z) = max(z, 0)^q (the paper needs q ≥ 3)
	Sigma0  float64 `json:"sigma0"`  // σ₀: standard deviation of the initial weights
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("patchcnn: "+format, args...)) }
	if c.D < 1 {
		bad("d must be ≥ 1, got %d", c.D)
	}
	if c.Filters < 1 {
		bad("filters must be ≥ 1, got %d", c.Filters)
	}
	if c.Power < 1 {
		bad("power must be ≥ 1, got %d", c.Power)
	}
	if !(c.Sigma0 > 0) || math.IsInf(c.Sigma0, 0) {
		bad("sigma0 must be positive and finite, got %v", c.Sigma0)
	}
	return errors.Join(errs...)
}

// NumParams is the number of weights of one run, 2·m·d.
func (c Config) NumParams() int { return 2 * c.Filters * c.D }

// Init draws one run's weights, [2, m, d] row-major, i.i.d. N(0, σ₀²) from
// PCG(seed, stream).
func (c Config) Init(seed, stream uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, stream))
	w := make([]float64, c.NumParams())
	for i := range w {
		w[i] = c.Sigma0 * rng.NormFloat64()
	}
	return w
}

// Activation is σ(z) = max(z, 0)^q, elementwise. Its derivative is
// q·max(z, 0)^{q−1}: σ(0) = σ′(0) = 0 for q ≥ 2.
func Activation(z *Node, q int) *Node {
	r := Max(z, ZerosLike(z))
	out := r
	for range q - 1 {
		out = Mul(out, r) // r^q by products, so that autodiff gives q·r^{q−1} exactly
	}
	return out
}

// Forward computes f(W, x) for every run: w [G, C, 2, m, d], x [G, n, P, d]
// (one data set per group) → f [G, C, n]:
//
//	z_{j,r,i,p} = ⟨w_{j,r}, x_{i,p}⟩                  (one product per group: [n·P, d] × [d, C·2·m])
//	F_j(xᵢ) = Σ_p Σ_r σ(z_{j,r,i,p}),   f(xᵢ) = F₊₁(xᵢ) − F₋₁(xᵢ)
func (c Config) Forward(w, x *Node) *Node {
	// z[g,i,p,c,j,r] = ⟨w_{j,r}, x_{i,p}⟩: one product per group, [n·P, d] × [d, C·2·m].
	z := Einsum("gnpd,gcjrd->gnpcjr", x, w)
	// F_j(W_j, x_i) = Σ_p Σ_r σ(⟨w_{j,r}, x_{i,p}⟩): [G, n, C, 2].
	F := ReduceSum(Activation(z, c.Power), 2, 5)
	// f = F₊₁ − F₋₁: [G, n, C], then [G, C, n].
	plus := Squeeze(Slice(F, AxisRange(), AxisRange(), AxisRange(), AxisElem(0)), 3)
	minus := Squeeze(Slice(F, AxisRange(), AxisRange(), AxisRange(), AxisElem(1)), 3)
	return TransposeAllDims(Sub(plus, minus), 0, 2, 1)
}

// LogisticLoss is (1/n) Σᵢ log(1 + exp(−yᵢ fᵢ)) per run: f [G, C, n], y [G, n] → [G, C].
func LogisticLoss(f, y *Node) *Node {
	margins := Mul(f, InsertAxes(y, 1)) // yᵢ f(W, xᵢ): [G, C, n]
	n := float64(f.Shape().Dimensions[2])
	// log(1 + exp(−m)) computed stably by Softplus.
	return MulScalar(ReduceSum(Softplus(Neg(margins)), 2), 1/n)
}

// WeightDecay is (λ/2)‖W‖²_F per run: w [G, C, 2, m, d], lambda [G, C] → [G, C].
func WeightDecay(w, lambda *Node) *Node {
	return Mul(MulScalar(lambda, 0.5), ReduceSum(Square(w), 2, 3, 4))
}

// Objective is the training loss L(W) = logistic loss + (λ/2)‖W‖²_F per run,
// [G, C]: w [G, C, 2, m, d], x [G, n, P, d], y [G, n], lambda [G, C].
func (c Config) Objective(w, x, y, lambda *Node) *Node {
	return Add(LogisticLoss(c.Forward(w, x), y), WeightDecay(w, lambda))
}

// sigma is σ on one number.
func (c Config) sigma(z float64) float64 {
	if z <= 0 {
		return 0
	}
	out := z
	for range c.Power - 1 {
		out *= z // z^q by products, as in the graph
	}
	return out
}

// filter returns w_{j,r} of one run's weights w [2, m, d] (j: 0 for +1, 1 for −1).
func (c Config) filter(w []float64, j, r int) []float64 {
	start := (j*c.Filters + r) * c.D
	return w[start : start+c.D]
}

// Output is f(W, x) for one run's weights w [2, m, d] on one sparse example.
func (c Config) Output(w []float64, x []patchdata.Patch) float64 {
	var F [2]float64
	for j := range 2 {
		for r := range c.Filters {
			wr := c.filter(w, j, r)
			for _, p := range x {
				F[j] += c.sigma(p.Dot(wr))
			}
		}
	}
	return F[0] - F[1]
}

// Eval is one run's performance on a set: the mean logistic loss (no
// regularisation) and the error rate, where an example counts as an error
// when y·f(W, x) ≤ 0 (a tie is an error).
func (c Config) Eval(w []float64, set *patchdata.Set) (loss, errRate float64) {
	errs := 0
	for i := range set.N() {
		m := set.Y[i] * c.Output(w, set.Patches[i])
		loss += softplus(-m)
		if m <= 0 {
			errs++
		}
	}
	n := float64(set.N())
	return loss / n, float64(errs) / n
}

// softplus is log(1 + eᶻ), computed without overflow.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// FeatureCoefficient is the feature learning of class j ∈ {+1, −1}:
//
//	γ_j = max_r ⟨w_{j,r}, j·v⟩,  v = e₁,
//
// for one run's weights w [2, m, d].
func (c Config) FeatureCoefficient(w []float64, j int) float64 {
	idx, sign := 0, 1.0
	if j < 0 {
		idx, sign = 1, -1
	}
	best := math.Inf(-1)
	for r := range c.Filters {
		best = math.Max(best, sign*c.filter(w, idx, r)[0])
	}
	return best
}

// Feature is γ = max(γ₊₁, γ₋₁), the feature learning of the network.
func (c Config) Feature(w []float64) float64 {
	return math.Max(c.FeatureCoefficient(w, 1), c.FeatureCoefficient(w, -1))
}

// NoiseMemorization measures how much the filters of each training
// example's own class align with that example's noise:
//
//	ρᵢ = max over the noise patches ξ of xᵢ, max_r ⟨w_{yᵢ,r}, ξ⟩,
//
// and returns the mean and the maximum of ρᵢ over the set.
func (c Config) NoiseMemorization(w []float64, set *patchdata.Set) (mean, maxRho float64) {
	maxRho = math.Inf(-1)
	for i := range set.N() {
		j := 0
		if set.Y[i] < 0 {
			j = 1
		}
		rho := math.Inf(-1)
		for _, xi := range set.NoiseOf(i) {
			for r := range c.Filters {
				rho = math.Max(rho, xi.Dot(c.filter(w, j, r)))
			}
		}
		mean += rho
		maxRho = math.Max(maxRho, rho)
	}
	return mean / float64(set.N()), maxRho
}
