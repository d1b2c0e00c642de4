package claims

import (
	"math"
	"slices"
	"strconv"
)

// CountTrue returns how many of bs are true.
func CountTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// Majority reports whether at least need of passes are true, e.g.
// Majority(perSeed, 2) for "in ≥ 2 of 3 seeds". A need below 1 counts as 1,
// so an empty slice never passes.
func Majority(passes []bool, need int) bool {
	return CountTrue(passes) >= max(need, 1)
}

// StrictMajority reports whether more than half of passes are true.
func StrictMajority(passes []bool) bool {
	return Majority(passes, len(passes)/2+1)
}

// All reports whether passes is non-empty and every element is true
// ("in all seeds").
func All(passes []bool) bool {
	return Majority(passes, len(passes))
}

// Tally formats how many of passes are true, e.g. "2/3".
func Tally(passes []bool) string {
	return strconv.Itoa(CountTrue(passes)) + "/" + strconv.Itoa(len(passes))
}

// Median returns the median of xs (the mean of the two middle values for an
// even count). It returns NaN for an empty slice or when any value is NaN, so
// a missing or diverged measurement cannot pass unnoticed. xs is not modified.
func Median(xs []float64) float64 {
	if len(xs) == 0 || slices.ContainsFunc(xs, math.IsNaN) {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Mean returns the arithmetic mean of xs; NaN for an empty slice or when any
// value is NaN.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// Min returns the smallest of xs; NaN for an empty slice or when any value is NaN.
func Min(xs []float64) float64 {
	return extreme(xs, func(a, b float64) bool { return a < b })
}

// Max returns the largest of xs; NaN for an empty slice or when any value is NaN.
func Max(xs []float64) float64 {
	return extreme(xs, func(a, b float64) bool { return a > b })
}

func extreme(xs []float64, better func(a, b float64) bool) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	best := xs[0]
	for _, x := range xs {
		if math.IsNaN(x) {
			return math.NaN()
		}
		if better(x, best) {
			best = x
		}
	}
	return best
}

// FractionIn returns the fraction of xs inside the closed interval [lo, hi].
// NaN values count as outside; an empty slice gives NaN.
func FractionIn(xs []float64, lo, hi float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	n := 0
	for _, x := range xs {
		if x >= lo && x <= hi {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}

// MajorityValue is the value that at least need of vals reach: the need-th
// best, where best means largest when higherIsBetter and smallest otherwise.
// NaN counts as the worst. A majority rule "≥ 2 of 3 seeds reach x" holds iff
// MajorityValue(vals, 2, …) reaches x, so it is the number to report beside
// such a rule.
func MajorityValue(vals []float64, need int, higherIsBetter bool) float64 {
	if len(vals) == 0 {
		return math.NaN()
	}
	s := slices.Clone(vals)
	slices.SortFunc(s, func(a, b float64) int {
		switch {
		case math.IsNaN(a) && math.IsNaN(b):
			return 0
		case math.IsNaN(a):
			return 1
		case math.IsNaN(b):
			return -1
		case a == b:
			return 0
		case (a > b) == higherIsBetter:
			return -1
		}
		return 1
	})
	return s[min(max(need, 1), len(s))-1]
}

// ReasonIf returns reason when failed, else "": for Claim.Reason.
func ReasonIf(failed bool, reason string) string {
	if failed {
		return reason
	}
	return ""
}
