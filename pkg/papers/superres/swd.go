package superres

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Directions draws k random unit vectors in ℝᵈ (uniform on the sphere).
func Directions(k, d int, rng *rand.Rand) [][]float64 {
	out := make([][]float64, k)
	for i := range out {
		v := make([]float64, d)
		for j := range v {
			v[j] = rng.NormFloat64()
		}
		scale(v, 1/norm(v))
		out[i] = v
	}
	return out
}

// SWD is the sliced Wasserstein-1 distance between two samples of equal
// size, over the given unit directions θ (float64, on the host):
//
//	SWD(A, B) = (1/K) Σₖ W₁(⟨θₖ, A⟩, ⟨θₖ, B⟩),  W₁(a, b) = (1/N) Σᵢ |a₍ᵢ₎ − b₍ᵢ₎|
//
// where a₍ᵢ₎ are the sorted projections (the 1-D optimal coupling).
func SWD(a, b [][]float64, dirs [][]float64) float64 {
	if len(a) != len(b) {
		panic("superres.SWD: the two samples must have the same size")
	}
	n := len(a)
	pa, pb := make([]float64, n), make([]float64, n)
	total := 0.0
	for _, th := range dirs {
		for i := range n {
			pa[i], pb[i] = dot(th, a[i]), dot(th, b[i])
		}
		slices.Sort(pa)
		slices.Sort(pb)
		w := 0.0
		for i := range n {
			w += math.Abs(pa[i] - pb[i])
		}
		total += w / float64(n)
	}
	return total / float64(len(dirs))
}

// concat joins the rows of a and b: (a_i, b_i).
func concat(a, b [][]float64) [][]float64 {
	out := make([][]float64, len(a))
	for i := range a {
		out[i] = append(slices.Clone(a[i]), b[i]...)
	}
	return out
}
