package rl

import "math"

// FitLine is least squares y = a + b·x, for scaling laws of query counts
// (log Q against H or log H); it returns b, a and R² (NaN when a value is
// not finite or x does not vary).
func FitLine(xs, ys []float64) (b, a, r2 float64) {
	n := float64(len(xs))
	var sx, sy, sxx, sxy, syy float64
	for i := range xs {
		if math.IsNaN(ys[i]) || math.IsInf(ys[i], 0) {
			return math.NaN(), math.NaN(), math.NaN()
		}
		sx += xs[i]
		sy += ys[i]
	}
	mx, my := sx/n, sy/n
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	// b = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)²
	b = sxy / sxx
	a = my - b*mx
	r2 = 1.0
	if syy > 0 {
		r2 = b * b * sxx / syy
	}
	return b, a, r2
}

// LocalSlopes is (y_{i+1} − y_i)/(x_{i+1} − x_i) for consecutive points.
func LocalSlopes(xs, ys []float64) []float64 {
	var out []float64
	for i := 1; i < len(xs); i++ {
		out = append(out, (ys[i]-ys[i-1])/(xs[i]-xs[i-1]))
	}
	return out
}

// Increasing reports whether xs is strictly increasing (true when it has
// fewer than two values): the check of the horizon, lookahead and
// environment-count lists of the RL papers' configs.
func Increasing(xs []int) bool {
	for i := 1; i < len(xs); i++ {
		if xs[i] <= xs[i-1] {
			return false
		}
	}
	return true
}
