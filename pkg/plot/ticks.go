package plot

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// ticker chooses an axis's ticks (a gonum plot.Ticker). Unlike gonum's
// DefaultTicks it knows the axis length and the label font, so it labels as
// many nice values (1, 2, 2.5, 5 × 10ᵏ) as fit without labels colliding, and
// its log ticks fall back to 1-2-5 labels on ranges too narrow for powers of
// ten only. Labels are measured with gonum's fonts.
type ticker struct {
	log        bool
	vertical   bool
	length     vg.Length  // axis length, to decide how many labels fit
	label      text.Style // tick label style, to measure the labels
	hideLabels bool       // marks only (shared x axes above the bottom panel)
}

// Ticks implements plot.Ticker. Labelled ticks are the major ones; ticks
// with an empty label are gonum's minor ticks. With hideLabels, only the
// major positions are returned, unlabelled.
func (t ticker) Ticks(lo, hi float64) []plot.Tick {
	ticks := t.labelled(lo, hi)
	if !t.hideLabels {
		return ticks
	}
	var marks []plot.Tick
	for _, tk := range ticks {
		if tk.Label != "" {
			marks = append(marks, plot.Tick{Value: tk.Value})
		}
	}
	return marks
}

// labelled returns the ticks for the longest list of labels that fit.
func (t ticker) labelled(lo, hi float64) []plot.Tick {
	perLabel := map[[2]bool]float64{ // pixels per label to start from
		{false, false}: 70, {false, true}: 40, // horizontal: linear, log
		{true, false}: 32, {true, true}: 26, // vertical
	}[[2]bool{t.vertical, t.log}]
	target := min(max(int(float64(t.length)/perLabel), 2), 10)
	for ; ; target-- {
		var ticks []plot.Tick
		if t.log {
			ticks = logTicks(lo, hi, target)
		} else {
			ticks = linearTicks(lo, hi, target)
		}
		if target <= 2 || t.length <= 0 || t.fits(ticks, lo, hi) {
			return ticks
		}
	}
}

// fits reports whether neighbouring labels keep a gap between them.
func (t ticker) fits(ticks []plot.Tick, lo, hi float64) bool {
	pos := func(v float64) float64 {
		if t.log {
			return math.Log(v/lo) / math.Log(hi/lo) * float64(t.length)
		}
		return (v - lo) / (hi - lo) * float64(t.length)
	}
	prev, prevSize := math.Inf(-1), 0.0
	for _, tk := range ticks {
		if tk.Label == "" {
			continue
		}
		size := float64(t.label.Height(tk.Label))
		if !t.vertical {
			size = float64(t.label.Width(tk.Label))
		}
		gap := 12.0
		if t.vertical {
			gap = 0.5 * size
		}
		x := pos(tk.Value)
		if x-prev < (size+prevSize)/2+gap {
			return false
		}
		prev, prevSize = x, size
	}
	return true
}

// niceSteps are the mantissas of "nice" tick spacings.
var niceSteps = []float64{1, 2, 2.5, 5, 10}

// niceStep returns the smallest nice spacing (1, 2, 2.5 or 5 × 10ᵏ) ≥ raw.
func niceStep(raw float64) float64 {
	if !(raw > 0) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range niceSteps {
		if raw/p <= m*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// linearTicks labels about target multiples of a nice step inside [lo, hi]
// (at least two when the range allows).
func linearTicks(lo, hi float64, target int) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: formatValue(lo, 0)}}
	}
	multiples := func(step float64) (vs []float64) {
		tol := 1e-9 * math.Max(1, math.Max(math.Abs(lo), math.Abs(hi))/step)
		for k := math.Ceil(lo/step - tol); k <= math.Floor(hi/step+tol) && len(vs) < 100; k++ {
			vs = append(vs, k*step)
		}
		return vs
	}
	smaller := func(step float64) float64 { return niceStep(step / 2.1) } // the next nice step below
	// Of the nice steps around span/target, the one whose number of
	// intervals is closer to target (the wider one on a tie).
	step := niceStep((hi - lo) / float64(max(target, 2)))
	vs := multiples(step)
	if fine := multiples(smaller(step)); math.Abs(float64(len(fine)-1-target)) < math.Abs(float64(len(vs)-1-target)) {
		step, vs = smaller(step), fine
	}
	for len(vs) < 2 && step > 0 {
		step = smaller(step)
		vs = multiples(step)
	}
	ticks := make([]plot.Tick, len(vs))
	for i, v := range vs {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks[i] = plot.Tick{Value: v, Label: formatValue(v, step)}
	}
	return ticks
}

// logTicks returns ticks for a log axis over [lo, hi], lo > 0. Ranges of
// three powers of ten or more get labels at powers of ten (every n-th one
// when there are many), written 10ᵏ, with unlabelled ticks at 2…9 × 10ᵏ.
// Narrower ranges get 1-2-5 labels, then 1…9 labels, and below about half a
// decade the linear ticks.
func logTicks(lo, hi float64, target int) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: formatValue(lo, 0)}}
	}
	a, b := math.Log10(lo), math.Log10(hi)
	k0, k1 := int(math.Ceil(a-1e-9)), int(math.Floor(b+1e-9))
	inRange := func(v float64) bool { return v >= lo*(1-1e-9) && v <= hi*(1+1e-9) }
	if n := k1 - k0 + 1; n >= 3 {
		every := max((n-1+target-1)/target, 1)
		var ticks []plot.Tick
		for k := int(math.Floor(a)); k <= k1; k++ {
			v := math.Pow(10, float64(k))
			if inRange(v) {
				tk := plot.Tick{Value: v}
				if ((k%every)+every)%every == 0 {
					tk.Label = "10^" + minusSign(strconv.Itoa(k))
				}
				ticks = append(ticks, tk)
			}
			for m := 2; m <= 9 && every == 1; m++ {
				if inRange(float64(m) * v) {
					ticks = append(ticks, plot.Tick{Value: float64(m) * v})
				}
			}
		}
		return ticks
	}
	// withLabelsAt labels the values m × 10ᵏ with m in mants.
	withLabelsAt := func(mants ...int) (ticks []plot.Tick, labels int) {
		for k := int(math.Floor(a)); k <= k1; k++ {
			for m := 1; m <= 9; m++ {
				v := float64(m) * math.Pow(10, float64(k))
				if !inRange(v) {
					continue
				}
				tk := plot.Tick{Value: v}
				for _, mm := range mants {
					if m == mm {
						tk.Label = formatValue(v, 0)
						labels++
					}
				}
				ticks = append(ticks, tk)
			}
		}
		return ticks, labels
	}
	ticks, n := withLabelsAt(1, 2, 5)
	if n > target+2 {
		if t1, n1 := withLabelsAt(1); n1 >= 2 {
			return t1
		}
	}
	if n >= 3 {
		return ticks
	}
	if t9, n9 := withLabelsAt(1, 2, 3, 4, 5, 6, 7, 8, 9); n9 >= 2 && n9 <= target+1 {
		return t9
	}
	return linearTicks(lo, hi, target)
}

// formatValue writes a tick value that is a multiple of step: plainly with
// the decimals the step needs ("0.25", "1500", "−3"), or as m×10^k for
// magnitudes ≥ 10⁵ or < 10⁻³. A step ≤ 0 means a value on its own: up to
// five significant digits, without trailing zeros.
func formatValue(v, step float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	e := 0
	if v != 0 {
		e = int(math.Floor(math.Log10(math.Abs(v)) + 1e-9))
	}
	single := step <= 0
	if single {
		step = math.Pow(10, float64(e-4))
	}
	if v == 0 {
		e = int(math.Floor(math.Log10(step) + 1e-9)) // write 0 as its neighbours
	}
	scale, power := 1.0, ""
	if e < -3 || e >= 5 {
		scale, power = math.Pow(10, float64(e)), "10^"+minusSign(strconv.Itoa(e))
	}
	s := strconv.FormatFloat(v/scale, 'f', decimalsFor(step/scale), 64)
	if single {
		s = trimZeros(s)
	}
	switch {
	case power == "":
		return minusSign(s)
	case v == 0:
		return "0"
	case s == "1":
		return power
	}
	return minusSign(s) + "×" + power
}

// decimalsFor returns how many decimals write multiples of step exactly.
func decimalsFor(step float64) int {
	for d := range 15 {
		x := step * math.Pow(10, float64(d))
		if x >= 1-1e-9 && math.Abs(x-math.Round(x)) < 1e-6*x {
			return d
		}
	}
	return 15
}

// trimZeros removes trailing zeros after a decimal point ("2.50" → "2.5").
func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// minusSign replaces a leading hyphen by the typographic minus sign.
func minusSign(s string) string {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return "−" + rest
	}
	return s
}

// powerText is the text.Handler of tick labels. It is gonum's plain text,
// except that what follows a '^' is written as an exponent: smaller and
// raised. Labels such as 10⁻³ need it because Liberation Sans, the font
// gonum measures text with, has no superscript digits other than ¹²³, and
// gonum's LaTeX handler has no superscripts. Rotated labels are not
// supported (tick labels are never rotated).
type powerText struct{ text.Plain }

const (
	expScale = 0.72 // exponent size, relative to the label's
	expRise  = 0.36 // exponent baseline above the label's, in font sizes
)

func expFont(f font.Font) font.Font { f.Size *= expScale; return f }

// Box implements text.Handler: the base and the exponent side by side.
func (h powerText) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	base, exp, ok := strings.Cut(txt, "^")
	width, height, depth = h.Plain.Box(base, fnt)
	if ok {
		w, _, _ := h.Plain.Box(exp, expFont(fnt))
		width += w
	}
	return width, height, depth
}

// Draw implements text.Handler, placing the baseline as text.Plain does.
func (h powerText) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	base, exp, ok := strings.Cut(txt, "^")
	if !ok || sty.Rotation != 0 {
		h.Plain.Draw(c, strings.Replace(txt, "^", "", 1), sty, pt)
		return
	}
	face := h.Fonts.Lookup(sty.Font, sty.Font.Size)
	small := expFont(sty.Font)
	smallFace := h.Fonts.Lookup(small, small.Size)
	width, _, _ := h.Box(txt, sty.Font)
	x := pt.X + vg.Length(sty.XAlign)*width
	y := pt.Y + sty.Height(txt)*vg.Length(sty.YAlign) - face.Extents().Ascent + sty.Font.Size
	c.SetColor(sty.Color)
	c.FillString(face, vg.Point{X: x, Y: y}, base)
	c.FillString(smallFace, vg.Point{X: x + face.Width(base), Y: y + expRise*sty.Font.Size}, exp)
}
