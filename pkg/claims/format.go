package claims

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Num formats x with three significant digits, like "%.3g", but without an
// exponent for magnitudes in [1e-4, 1e5): 1600 → "1600", 0.8512 → "0.851",
// 1234567 → "1.23e+06". NaN → "NaN", ±Inf → "+Inf"/"-Inf".
func Num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	case x == 0:
		return "0"
	}
	g := strconv.FormatFloat(x, 'g', 3, 64)
	r, err := strconv.ParseFloat(g, 64)
	if err != nil {
		return g
	}
	if a := math.Abs(r); a >= 1e-4 && a < 1e5 {
		return strconv.FormatFloat(r, 'f', -1, 64)
	}
	return g
}

// Nums formats each value with Num and joins them with ", ":
// "1500, 1600, 1700".
func Nums(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = Num(x)
	}
	return strings.Join(parts, ", ")
}

// Pct formats a fraction as a percentage with three significant digits:
// 0.975 → "97.5%".
func Pct(frac float64) string {
	return Num(100*frac) + "%"
}

// Each formats every value with format and joins them with ", ":
// Each([]float64{0.1, 0.25}, "%.2f") is "0.10, 0.25".
func Each(vals []float64, format string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = fmt.Sprintf(format, v)
	}
	return strings.Join(parts, ", ")
}
