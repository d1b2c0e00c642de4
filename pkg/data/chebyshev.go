package data

import "fmt"

// ChebyshevT returns T_degree(x), the Chebyshev polynomial of the first kind,
// from the three-term recurrence T₀ = 1, T₁ = x, Tₖ₊₁ = 2x·Tₖ − Tₖ₋₁.
// It panics if degree < 0.
func ChebyshevT(degree int, x float64) float64 {
	if degree < 0 {
		panic(fmt.Sprintf("data: ChebyshevT degree must be >= 0, got %d", degree))
	}
	if degree == 0 {
		return 1
	}
	prev, cur := 1.0, x // T₀, T₁
	for k := 1; k < degree; k++ {
		// Tₖ₊₁(x) = 2x·Tₖ(x) − Tₖ₋₁(x)
		prev, cur = cur, 2*x*cur-prev
	}
	return cur
}

// Chebyshev returns the Edge-of-Stability toy regression set
// "chebyshev-<degree>-<n>": n equally spaced inputs on [−1, 1],
//
//	xᵢ = −1 + 2i/(n−1),  i = 0 … n−1,
//
// with targets yᵢ = T_degree(xᵢ). The Dataset has D = K = 1 and no labels;
// the endpoints are exactly −1 and +1.
func Chebyshev(degree, n int) (*Dataset, error) {
	if degree < 0 {
		return nil, fmt.Errorf("data: Chebyshev degree must be >= 0, got degree=%d", degree)
	}
	if n < 2 {
		return nil, fmt.Errorf("data: Chebyshev needs n >= 2 points to span [-1, 1], got n=%d", n)
	}
	ds := &Dataset{
		Name: fmt.Sprintf("chebyshev-%d-%d", degree, n),
		X:    make([]float64, n),
		Y:    make([]float64, n),
		N:    n,
		D:    1,
		K:    1,
	}
	for i := range n {
		// xᵢ = −1 + 2i/(n−1)
		x := -1 + 2*float64(i)/float64(n-1)
		ds.X[i] = x
		// Adding +0 turns a −0 (e.g. T₃(0) = 2·0·T₂ − T₁) into 0.
		ds.Y[i] = ChebyshevT(degree, x) + 0
	}
	return ds, nil
}
