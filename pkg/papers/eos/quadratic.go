package eos

import "math"

// Quadratic is the textbook picture behind the paper: GD on
// L(x) = ½ (x₁² + a·x₂²), whose sharpness is a. Each coordinate evolves as
//
//	xᵢ ← (1 − η aᵢ) xᵢ
//
// so it shrinks iff |1 − η aᵢ| < 1, i.e. aᵢ < 2/η; above 2/η it flips sign
// every step and grows.
type Quadratic struct {
	Eta      float64         `json:"eta"`
	Below    QuadRun         `json:"below"` // a = 0.99 · 2/η
	Above    QuadRun         `json:"above"` // a = 1.01 · 2/η
	Momentum []MomentumCheck `json:"momentum"`
}

// QuadRun is one GD run on the quadratic: the sharp coordinate x₂ per step.
type QuadRun struct {
	A  float64   `json:"a"`
	X2 []float64 `json:"x2"`
}

// MomentumCheck runs heavy-ball or Nesterov momentum just below and just above
// its own threshold (our derivation, see Threshold).
type MomentumCheck struct {
	Method    string  `json:"method"`
	Beta      float64 `json:"beta"`
	Threshold float64 `json:"threshold"` // the critical sharpness
	BelowEnd  float64 `json:"below_end"` // |x| after QuadSteps at 0.99 × threshold
	AboveEnd  float64 `json:"above_end"` // |x| after QuadSteps at 1.01 × threshold
}

// QuadSteps is the length of the quadratic runs.
const QuadSteps = 400

// QuadraticDemo runs GD at a = 0.99·2/η and 1.01·2/η from x = (1, 1), and the
// momentum variants at β = 0.9.
func QuadraticDemo(eta float64) Quadratic {
	q := Quadratic{Eta: eta}
	run := func(a float64) QuadRun {
		r := QuadRun{A: a, X2: []float64{1}}
		x := 1.0
		for range QuadSteps {
			// x₂ ← x₂ − η a x₂
			x -= eta * a * x
			r.X2 = append(r.X2, x)
		}
		return r
	}
	q.Below, q.Above = run(0.99*2/eta), run(1.01*2/eta)
	for _, method := range []string{"heavy-ball", "nesterov"} {
		th := MomentumThreshold(method, eta, 0.9)
		q.Momentum = append(q.Momentum, MomentumCheck{Method: method, Beta: 0.9, Threshold: th,
			BelowEnd: math.Abs(Momentum(method, eta, 0.9, 0.99*th, QuadSteps)),
			AboveEnd: math.Abs(Momentum(method, eta, 0.9, 1.01*th, QuadSteps))})
	}
	return q
}

// MomentumThreshold is the sharpness at which momentum GD on a quadratic
// loses stability (our derivation; whether the paper states it is unverified):
//
//	heavy ball: xₜ₊₁ = xₜ − η a xₜ + β(xₜ − xₜ₋₁)   → a* = (2 + 2β)/η
//	Nesterov:   a* = (2 + 2β)/((1 + 2β) η)
//
// Both come from the characteristic polynomial having a root at z = −1.
func MomentumThreshold(method string, eta, beta float64) float64 {
	if method == "nesterov" {
		return (2 + 2*beta) / ((1 + 2*beta) * eta)
	}
	return (2 + 2*beta) / eta
}

// Momentum runs heavy-ball or Nesterov GD on L(x) = ½ a x² from x₀ = x₁ = 1
// and returns x after the given number of steps.
func Momentum(method string, eta, beta, a float64, steps int) float64 {
	prev, x := 1.0, 1.0
	for range steps {
		var next float64
		if method == "nesterov" {
			// Gradient at the look-ahead point y = x + β(x − x_prev).
			y := x + beta*(x-prev)
			next = y - eta*a*y
		} else {
			next = x - eta*a*x + beta*(x-prev)
		}
		prev, x = x, next
	}
	return x
}
