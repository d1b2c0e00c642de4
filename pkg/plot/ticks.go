package plot

import (
	"math"
	"strconv"
	"strings"
)

// tick is one axis tick: a position in data units, its label ("" for an
// unlabelled minor tick) and whether it is a minor tick (short, no grid line).
type tick struct {
	v     float64
	label string
	minor bool
}

// axisTicks is the result of a tick computation: the ticks, and a note shown
// once beside the axis when labels are written relative to an offset or in
// units of a power of ten (e.g. "×10⁻⁷ + 1").
type axisTicks struct {
	ticks []tick
	note  string
}

// majors returns the labelled ticks.
func (t axisTicks) majors() []tick {
	var out []tick
	for _, tk := range t.ticks {
		if !tk.minor {
			out = append(out, tk)
		}
	}
	return out
}

// niceSteps are the mantissas of "nice" tick spacings.
var niceSteps = []float64{1, 2, 2.5, 5, 10}

// niceStep returns the smallest nice spacing (1, 2, 2.5 or 5 times a power of
// ten) that is at least raw.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	e := math.Floor(math.Log10(raw))
	p := math.Pow(10, e)
	f := raw / p
	for _, m := range niceSteps {
		if f <= m*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// smallerNiceStep returns the next nice spacing below step.
func smallerNiceStep(step float64) float64 {
	e := math.Floor(math.Log10(step) + 1e-9)
	p := math.Pow(10, e)
	f := step / p
	for i := len(niceSteps) - 1; i >= 0; i-- {
		if niceSteps[i] < f*(1-1e-9) {
			return niceSteps[i] * p
		}
	}
	return 0.5 * p
}

// linearTicks returns about target labelled ticks (at least two) inside
// [lo, hi] at a nice spacing, with labels that share an offset and a power of
// ten when the values need many digits.
func linearTicks(lo, hi float64, target int) axisTicks {
	if target < 2 {
		target = 2
	}
	if !(hi > lo) {
		return axisTicks{ticks: []tick{{v: lo, label: formatPlain(lo)}}}
	}
	// Of the two nice spacings around span/target, take the one whose
	// number of intervals is closer to target (the wider one on a tie).
	kRange := func(step float64) (k0, k1 float64) {
		tol := 1e-6 + 1e-15*math.Max(math.Abs(lo), math.Abs(hi))/step
		return math.Ceil(lo/step - tol), math.Floor(hi/step + tol)
	}
	intervals := func(step float64) float64 {
		k0, k1 := kRange(step)
		return k1 - k0
	}
	step := niceStep((hi - lo) / float64(target))
	if s0 := smallerNiceStep(step); math.Abs(intervals(s0)-float64(target)) < math.Abs(intervals(step)-float64(target)) {
		step = s0
	}
	var vs []float64
	for range 6 {
		vs = vs[:0]
		k0, k1 := kRange(step)
		for k := k0; k <= k1 && len(vs) < 1000; k++ {
			v := k * step
			if math.Abs(v) < step*1e-9 {
				v = 0
			}
			vs = append(vs, v)
		}
		if len(vs) >= 2 {
			break
		}
		step = smallerNiceStep(step)
	}
	labels, note := formatLinearLabels(vs, step, lo, hi)
	out := axisTicks{note: note}
	for i, v := range vs {
		out.ticks = append(out.ticks, tick{v: v, label: labels[i]})
	}
	return out
}

// formatLinearLabels writes tick values spaced by step. When the values are
// large, tiny, or differ only in far digits, the labels are written relative
// to an offset and/or in units of 10^e, which the returned note states.
func formatLinearLabels(vs []float64, step, lo, hi float64) ([]string, string) {
	span := hi - lo
	mag := math.Max(math.Abs(lo), math.Abs(hi))
	offset := 0.0
	if span > 0 && mag/span >= 1e4 {
		m := math.Pow(10, math.Ceil(math.Log10(span)))
		offset = math.Round((lo+hi)/2/m) * m
	}
	maxAbs := 0.0
	for _, v := range vs {
		maxAbs = math.Max(maxAbs, math.Abs(v-offset))
	}
	exp := 0
	if maxAbs >= 1e5 || (maxAbs > 0 && maxAbs < 1e-3) {
		exp = int(math.Floor(math.Log10(maxAbs)))
	}
	scale := math.Pow(10, float64(exp))
	dec := decimalsFor(step / scale)
	labels := make([]string, len(vs))
	for i, v := range vs {
		w := (v - offset) / scale
		if math.Abs(w) < step/scale*1e-6 {
			w = 0
		}
		labels[i] = minusSign(strconv.FormatFloat(w, 'f', dec, 64))
	}
	var note []string
	if exp != 0 {
		note = append(note, "×10"+superscript(exp))
	}
	if offset != 0 {
		digits := int(math.Ceil(math.Log10(math.Abs(offset))-math.Log10(span))) + 2
		digits = min(max(digits, 1), 17)
		s := strconv.FormatFloat(math.Abs(offset), 'g', digits, 64)
		s = trimZeros(s)
		if offset < 0 {
			note = append(note, "− "+s)
		} else {
			note = append(note, "+ "+s)
		}
	}
	return labels, strings.Join(note, " ")
}

// trimZeros removes insignificant trailing zeros of a %g-formatted number.
func trimZeros(s string) string {
	mant, exp, hasExp := strings.Cut(s, "e")
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(mant, "0")
		mant = strings.TrimSuffix(mant, ".")
	}
	if hasExp {
		return mant + "e" + exp
	}
	return mant
}

// decimalsFor returns how many decimals are needed to write multiples of step.
func decimalsFor(step float64) int {
	for d := 0; d < 15; d++ {
		x := step * math.Pow(10, float64(d))
		if math.Abs(x-math.Round(x)) < 1e-6*math.Max(1, x) {
			return d
		}
	}
	return 15
}

// logTicks returns ticks for a log10 axis over [lo, hi] (lo > 0). Axes that
// span two decades or more get labelled ticks at powers of ten (every n-th
// decade when there are many) written 10ᵏ, with unlabelled minor ticks at
// 2..9×10ᵏ. Narrower ranges get 1-2-5 ticks, then 1..9 ticks, and finally nice
// linear ticks, so that at least two labels are always shown.
func logTicks(lo, hi float64, target int) axisTicks {
	if target < 2 {
		target = 2
	}
	if !(lo > 0) || !(hi > lo) {
		return axisTicks{ticks: []tick{{v: lo, label: formatLogValue(lo)}}}
	}
	a, b := math.Log10(lo), math.Log10(hi)
	k0 := int(math.Ceil(a - 1e-9))
	k1 := int(math.Floor(b + 1e-9))
	inRange := func(v float64) bool { return v >= lo*(1-1e-9) && v <= hi*(1+1e-9) }
	var out axisTicks
	if n := k1 - k0 + 1; n >= 3 {
		// Label every n-th decade, at most target+1 labels but at least two.
		every := max((n-1+target-1)/target, 1)
		for every > 1 && floorDiv(k1, every)-floorDiv(k0-1, every) < 2 {
			every--
		}
		for k := int(math.Floor(a)); k <= k1; k++ {
			v := math.Pow(10, float64(k))
			labelled := mod(k, every) == 0
			if inRange(v) {
				if labelled {
					out.ticks = append(out.ticks, tick{v: v, label: "10" + superscript(k)})
				} else {
					out.ticks = append(out.ticks, tick{v: v, minor: true})
				}
			}
			if every == 1 && n <= 12 {
				for m := 2; m <= 9; m++ {
					if mv := float64(m) * v; inRange(mv) {
						out.ticks = append(out.ticks, tick{v: mv, minor: true})
					}
				}
			}
		}
		return out
	}
	build := func(mants ...int) ([]tick, int) {
		isMant := map[int]bool{}
		for _, m := range mants {
			isMant[m] = true
		}
		var ts []tick
		labelled := 0
		for k := int(math.Floor(a)); k <= k1; k++ {
			for m := 1; m <= 9; m++ {
				v := float64(m) * math.Pow(10, float64(k))
				if !inRange(v) {
					continue
				}
				if isMant[m] {
					ts = append(ts, tick{v: v, label: formatLogValue(v)})
					labelled++
				} else {
					ts = append(ts, tick{v: v, minor: true})
				}
			}
		}
		return ts, labelled
	}
	ts, n125 := build(1, 2, 5)
	if n125 > target+2 {
		if ts1, n1 := build(1); n1 >= 2 {
			out.ticks = ts1
			return out
		}
	}
	if n125 >= 3 {
		out.ticks = ts
		return out
	}
	if ts19, n19 := build(1, 2, 3, 4, 5, 6, 7, 8, 9); n19 >= 2 && n19 <= target+1 {
		out.ticks = ts19
		return out
	}
	// Less than about half a decade: plain linear ticks placed on the log scale.
	return linearTicks(lo, hi, target)
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func mod(a, b int) int {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// formatLogValue writes a tick value on a log axis that is not shown as a bare
// power of ten: "0.5", "20", or "2×10⁻⁵" for extreme magnitudes.
func formatLogValue(v float64) string {
	if v <= 0 {
		return formatPlain(v)
	}
	e := int(math.Floor(math.Log10(v) + 1e-9))
	if e < -3 || e >= 5 {
		m := v / math.Pow(10, float64(e))
		ms := trimZeros(strconv.FormatFloat(m, 'f', 2, 64))
		if ms == "1" {
			return "10" + superscript(e)
		}
		return ms + "×10" + superscript(e)
	}
	return formatPlain(v)
}

// formatPlain writes v with up to 6 significant digits, using a true minus
// sign.
func formatPlain(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	s := strconv.FormatFloat(v, 'g', 6, 64)
	if strings.Contains(s, "e") {
		mant, exp, _ := strings.Cut(s, "e")
		n, _ := strconv.Atoi(exp)
		mant = trimZeros(mant)
		if mant == "1" {
			return "10" + superscript(n)
		}
		return minusSign(mant) + "×10" + superscript(n)
	}
	return minusSign(trimZeros(s))
}

// minusSign replaces a leading hyphen by the typographic minus sign.
func minusSign(s string) string {
	if strings.HasPrefix(s, "-") {
		return "−" + s[1:]
	}
	return s
}

var superDigits = []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")

// superscript writes an integer with Unicode superscript digits.
func superscript(n int) string {
	var sb strings.Builder
	if n < 0 {
		sb.WriteRune('⁻')
		n = -n
	}
	for _, c := range strconv.Itoa(n) {
		sb.WriteRune(superDigits[c-'0'])
	}
	return sb.String()
}
