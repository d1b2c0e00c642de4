package adamgd

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph"
)

// AdamMoments updates Adam's moment estimates with the gradient g:
//
//	mₜ = β₁mₜ₋₁ + (1 − β₁)gₜ,   vₜ = β₂vₜ₋₁ + (1 − β₂)gₜ².
func AdamMoments(m, v, g *Node, beta1, beta2 float64) (*Node, *Node) {
	m = Add(MulScalar(m, beta1), MulScalar(g, 1-beta1))
	v = Add(MulScalar(v, beta2), MulScalar(Square(g), 1-beta2))
	return m, v
}

// AdamDirection is Adam's step direction at step t ≥ 1 (a scalar node),
// m̂ₜ/(√v̂ₜ + ε) with m̂ₜ = mₜ/(1 − β₁ᵗ) and v̂ₜ = vₜ/(1 − β₂ᵗ) when bias is
// true (mₜ/(√vₜ + ε) otherwise); eps broadcasts against m.
func AdamDirection(m, v, t, eps *Node, beta1, beta2 float64, bias bool) *Node {
	if bias {
		// 1 − βᵗ = 1 − exp(t·log β)
		c1 := OneMinus(Exp(MulScalar(t, math.Log(beta1))))
		c2 := OneMinus(Exp(MulScalar(t, math.Log(beta2))))
		m = Div(m, c1)
		v = Div(v, c2)
	}
	return Div(m, Add(Sqrt(v), eps))
}

// adamReference is the hand-written Adam of the tests and of the convex
// control: one step on w with gradient g at step t ≥ 1, in place.
func adamReference(w, m, v, g []float64, t int, lr, beta1, beta2, eps float64, bias bool) {
	c1, c2 := 1.0, 1.0
	if bias {
		c1 = 1 - math.Pow(beta1, float64(t))
		c2 = 1 - math.Pow(beta2, float64(t))
	}
	for i := range w {
		m[i] = beta1*m[i] + (1-beta1)*g[i]
		v[i] = beta2*v[i] + (1-beta2)*g[i]*g[i]
		w[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
	}
}
