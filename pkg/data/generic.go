package data

import (
	"math"
	"math/rand/v2"
)

// The "generic data" models of the law of robustness (Bubeck, Li, Nagaraj,
// Section 1): points drawn i.i.d. from N(0, I_d/d) or uniformly on the unit
// sphere S^{d−1}, and labels drawn i.i.d. uniform in {−1, +1} independently of
// the points. Each function draws from the rng it is given, in a fixed order,
// so that a seeded PCG stream reproduces the same data.

// GaussianPoints returns n points x ~ N(0, I_d/d) as an [n, d] row-major
// slice: every coordinate is N(0, 1/d), so E‖x‖² = 1.
func GaussianPoints(n, d int, rng *rand.Rand) []float64 {
	x := make([]float64, n*d)
	s := 1 / math.Sqrt(float64(d))
	for i := range x {
		x[i] = s * rng.NormFloat64()
	}
	return x
}

// SpherePoints returns n points uniform on the unit sphere S^{d−1} as an
// [n, d] row-major slice: standard Gaussian vectors, normalised.
func SpherePoints(n, d int, rng *rand.Rand) []float64 {
	x := make([]float64, n*d)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for {
			s := 0.0
			for j := range row {
				row[j] = rng.NormFloat64()
				s += row[j] * row[j]
			}
			if s > 0 {
				s = 1 / math.Sqrt(s)
				for j := range row {
					row[j] *= s
				}
				break
			}
		}
	}
	return x
}

// RandomSigns returns n labels drawn i.i.d. uniform in {−1, +1}.
func RandomSigns(n int, rng *rand.Rand) []float64 {
	y := make([]float64, n)
	for i := range y {
		if rng.Uint64()&1 == 1 {
			y[i] = 1
		} else {
			y[i] = -1
		}
	}
	return y
}
