package patchcnn

import (
	"fmt"
	"math"
	"math/rand/v2"

	. "github.com/gomlx/gomlx/core/graph"
)

// Config is the shape of the network.
type Config struct {
	M int // filters per class m
	Q int // activation power q (σ(z) = max(z, 0)^q)
}

// Validate reports a configuration that cannot build a network.
func (c Config) Validate() error {
	if c.M < 1 {
		return fmt.Errorf("patchcnn: M must be ≥ 1, got %d", c.M)
	}
	if c.Q < 2 {
		return fmt.Errorf("patchcnn: Q must be ≥ 2, got %d", c.Q)
	}
	return nil
}

// PreActivations returns ⟨w_{j,r}, x_{n,p}⟩ for every run, example, patch,
// class and filter: w [S, C, 2, M, D], x [S, N, P, D] → [S, C, N, P, 2, M].
func PreActivations(w, x *Node) *Node {
	return Einsum("snpd,scjmd->scnpjm", x, w)
}

// Activation is σ(z) = max(z, 0)^q, elementwise.
func Activation(z *Node, q int) *Node {
	return PowScalar(Max(z, ZerosLike(z)), float64(q))
}

// Logits returns f(W, x) = F₊₁ − F₋₁ for every run and example:
// w [S, C, 2, M, D], x [S, N, P, D] → [S, C, N].
func (c Config) Logits(w, x *Node) *Node {
	return LogitsFromPre(PreActivations(w, x), c.Q)
}

// LogitsFromPre is Logits from the pre-activations [S, C, N, P, 2, M].
func LogitsFromPre(pre *Node, q int) *Node {
	// F_j = Σ_r Σ_p σ(⟨w_{j,r}, x_p⟩)
	f := ReduceSum(Activation(pre, q), 3, 5) // [S, C, N, 2]
	// f = F₊₁ − F₋₁
	return Sub(Squeeze(Slice(f, AxisRange(), AxisRange(), AxisRange(), AxisElem(0)), 3),
		Squeeze(Slice(f, AxisRange(), AxisRange(), AxisRange(), AxisElem(1)), 3)) // [S, C, N]
}

// LogisticLoss is (1/n) Σᵢ log(1 + exp(−yᵢ fᵢ)) per run: f [S, C, N], y [S, N] → [S, C].
func LogisticLoss(f, y *Node) *Node {
	margin := Mul(f, InsertAxes(y, 1)) // yᵢ fᵢ [S, C, N]
	// log(1 + e^{−u}) = max(−u, 0) + log(1 + e^{−|u|}), stable for either sign
	l := Add(Max(Neg(margin), ZerosLike(margin)), Log1P(Exp(Neg(Abs(margin)))))
	return ReduceMean(l, 2)
}

// Loss is the regularised objective L(W) per run, with λ per configuration:
// w [S, C, 2, M, D], x [S, N, P, D], y [S, N], lambda [C] → [S, C].
func (c Config) Loss(w, x, y, lambda *Node) *Node {
	// L = (1/n) Σᵢ log(1 + exp(−yᵢ f(W, xᵢ))) + (λ/2)‖W‖²_F
	return Add(LogisticLoss(c.Logits(w, x), y), Mul(MulScalar(InsertAxes(lambda, 0), 0.5), SquaredNorm(w)))
}

// SquaredNorm is ‖W‖²_F per run: [S, C, …] → [S, C].
func SquaredNorm(w *Node) *Node {
	axes := make([]int, w.Rank()-2)
	for i := range axes {
		axes[i] = i + 2
	}
	return ReduceSum(Square(w), axes...)
}

// Init draws the initial filters of one network, w ~ N(0, σ₀² I), from the
// stream PCG(seed, 0): [2, M, D] flat. The same seed gives the same weights,
// so every optimizer of a seed starts from bit-identical filters.
func (c Config) Init(seed uint64, d int, sigma0 float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	w := make([]float64, 2*c.M*d)
	for i := range w {
		w[i] = sigma0 * rng.NormFloat64()
	}
	return w
}

// Reference computes f(W, x) for one network and one example in plain Go:
// w [2, M, D], x [P, D]. It is the test oracle of the graph version.
func (c Config) Reference(w, x []float64, d int) float64 {
	p := len(x) / d
	var f float64
	for j, sign := range []float64{1, -1} {
		for r := range c.M {
			filter := w[(j*c.M+r)*d : (j*c.M+r+1)*d]
			for q := range p {
				z := 0.0
				for k, v := range x[q*d : (q+1)*d] {
					z += filter[k] * v
				}
				f += sign * math.Pow(math.Max(z, 0), float64(c.Q))
			}
		}
	}
	return f
}
