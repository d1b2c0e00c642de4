package claims

import (
	"math"
	"strconv"
	"strings"
)

// Threshold is the comparison a claim makes, fixed before the run. Its words
// come from the same numbers it compares (String), so a threshold is never
// typed twice — once to compare and once to print — and the two can never
// disagree:
//
//	early := claims.AtMost(0.25).Percent()
//	early.Holds(0.08)  // true
//	early.String()     // "≤ 25%"
type Threshold struct {
	kind   kind
	lo, hi float64
	unit   unit
}

type kind int

const (
	atLeast kind = iota // v ≥ lo
	atMost              // v ≤ lo
	above               // v > lo
	below               // v < lo
	between             // lo ≤ v ≤ hi
	exactly             // v = lo
)

type unit int

const (
	plain   unit = iota // 0.3
	percent             // 0.25 → 25%
	times               // 3 → 3×
	points              // 2 → 2 points
)

// AtLeast holds for values ≥ x.
func AtLeast(x float64) Threshold { return Threshold{kind: atLeast, lo: x} }

// AtMost holds for values ≤ x.
func AtMost(x float64) Threshold { return Threshold{kind: atMost, lo: x} }

// Above holds for values > x.
func Above(x float64) Threshold { return Threshold{kind: above, lo: x} }

// Below holds for values < x.
func Below(x float64) Threshold { return Threshold{kind: below, lo: x} }

// Between holds for values in the closed interval [lo, hi].
func Between(lo, hi float64) Threshold { return Threshold{kind: between, lo: lo, hi: hi} }

// Exactly holds for values equal to x.
func Exactly(x float64) Threshold { return Threshold{kind: exactly, lo: x} }

// Percent prints the threshold's numbers as percentages (0.25 → "25%").
func (t Threshold) Percent() Threshold { t.unit = percent; return t }

// Times prints the threshold's numbers as factors (3 → "3×").
func (t Threshold) Times() Threshold { t.unit = times; return t }

// Points prints the threshold's numbers as percentage points (2 → "2 points").
func (t Threshold) Points() Threshold { t.unit = points; return t }

// Holds reports whether v satisfies the threshold. NaN never does.
func (t Threshold) Holds(v float64) bool {
	switch t.kind {
	case atLeast:
		return v >= t.lo
	case atMost:
		return v <= t.lo
	case above:
		return v > t.lo
	case below:
		return v < t.lo
	case between:
		return v >= t.lo && v <= t.hi
	default:
		return v == t.lo
	}
}

// Share is the fraction of xs that satisfy the threshold (NaN for an empty
// slice; NaN values count as failing), e.g. the share of measurements inside
// a band.
func (t Threshold) Share(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	n := 0
	for _, x := range xs {
		if t.Holds(x) {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}

// Lo is the threshold's number (the lower end of a Between).
func (t Threshold) Lo() float64 { return t.lo }

// Hi is the upper end of a Between, and the number of any other threshold.
func (t Threshold) Hi() float64 {
	if t.kind == between {
		return t.hi
	}
	return t.lo
}

// String is the threshold in words: "≥ 95%", "in [0.85, 1.15]", "< 5%",
// "≥ 3×", "≥ −2 points".
func (t Threshold) String() string {
	if t.kind == between {
		return "in [" + t.number(t.lo) + ", " + t.number(t.hi) + "]" + t.suffix()
	}
	op := map[kind]string{atLeast: "≥", atMost: "≤", above: ">", below: "<", exactly: "="}[t.kind]
	return op + " " + t.number(t.lo) + t.suffix()
}

// Format writes a measured value in the threshold's unit, with three
// significant digits (see Num): 0.975 → "97.5%" for a Percent threshold.
func (t Threshold) Format(v float64) string {
	switch t.unit {
	case percent:
		return Pct(v)
	case times:
		return Num(v) + "×"
	}
	return Num(v) + t.suffix()
}

// number writes a threshold's own number exactly as typed (up to ten
// significant digits), with a true minus sign.
func (t Threshold) number(x float64) string {
	switch t.unit {
	case percent:
		x *= 100
	}
	s := strconv.FormatFloat(x, 'g', 10, 64)
	s = strings.Replace(s, "-", "−", 1)
	switch t.unit {
	case percent:
		return s + "%"
	case times:
		return s + "×"
	}
	return s
}

func (t Threshold) suffix() string {
	if t.unit == points {
		return " points"
	}
	return ""
}
