package robustness

import (
	"fmt"
	"math"
	"slices"

	"theorylab/pkg/claims"
	"theorylab/pkg/plot"
)

// Figures draws the spec's figures from the results.
func Figures(res *Results) []plot.Named {
	figs := []plot.Named{
		{Name: "scatter", Caption: "The maximum random gradient (estimate (i)) of every memorizing fit against √(n/k), coloured by width, with the least-squares line; faint crosses: the upper bound ‖a‖‖W‖_op (iii); grey: the teacher-label null (after Fig. 2). Smaller networks are rougher.", Fig: ScatterFigure(res)},
		{Name: "estimates", Caption: "The three Lipschitz estimates against the width k (medians over draws of the memorizing fits), with √(n/k) for reference and a vertical line at n/d, where fitting becomes possible; dotted: the proxy of the same networks at initialisation.", Fig: EstimatesFigure(res)},
		{Name: "theorem5", Caption: "Theorem 5 on the bias-free fits: R = ‖a‖‖W‖_op/√(n/k) after fitting (filled) and at initialisation (open), for the small start of LR-2 and the spec's initialisation. Every fit must lie above the line R = 1.", Fig: Theorem5Figure(res)},
		{Name: "construction", Caption: "The k = n construction f(x) = Σ 10·yᵢ·ReLU(xᵢ·x − 0.9) along a great circle through two data points: ‖∇f‖ is 0 outside the caps and 10 inside them, f = ±1 at the data points.", Fig: ConstructionFigure(res.Construction)},
		{Name: "linear", Caption: "The linear warm-up: ‖w‖² of the minimum-norm interpolant over its predicted mean nd/(d − n − 1), one value per draw.", Fig: LinearFigure(res.Linear)},
	}
	if len(res.Experiment2) > 0 {
		figs = append(figs, plot.Named{Name: "size-vs-smoothness", Caption: "Experiment 2 analogue (after Figs. 1 and 3): the proxy against √d for k = n (optimal smoothness, blue) and k = 10n/d (optimal size, red); dots: each fit, lines: medians; dotted: at initialisation.", Fig: DimensionFigure(res)})
	}
	return figs
}

// kLabel names a width in legends.
func kLabel(k int) string { return fmt.Sprintf("k = %d", k) }

// ScatterFigure: proxy (i) against √(n/k) (after Fig. 2).
func ScatterFigure(res *Results) *plot.Figure {
	panels := []struct{ title, group, null string }{
		{"plain Adam (the paper's training)", GroupPlain, GroupPlainNull},
		{"smooth fits (our construction)", GroupSmooth, GroupSmoothNull},
	}
	if len(group(res.Fits, GroupPlainBN, false)) > 0 {
		panels = append(panels, struct{ title, group, null string }{"plain Adam, batch normalisation (folded)", GroupPlainBN, GroupPlainBNNull})
	}
	cols := len(panels)
	if len(res.Experiment1) > 0 {
		cols++
	}
	c := res.Config
	rows := 1
	if cols > 2 {
		rows, cols = 2, 2
	}
	fig := plot.New(plot.Size(560*cols, 460*rows), plot.Grid(rows, cols),
		plot.Title(fmt.Sprintf("Maximum random gradient of fits of n = %d random labels (d = %d, %d draws)", c.N, c.D, c.Seeds)))
	for _, pn := range panels {
		p := fig.Panel(pn.title).XLabel("√(n/k)").YLabel("max ‖∇f(z)‖ over 1000 random z")
		fits := group(res.Fits, pn.group, true)
		for _, k := range c.Widths {
			var xs, ys, us []float64
			for _, f := range fits {
				if f.K == k {
					xs = append(xs, f.SqrtNK())
					ys = append(ys, float64(f.Fit.Proxy))
					us = append(us, float64(f.Fit.Upper))
				}
			}
			if len(xs) == 0 {
				continue
			}
			p.Dots(kLabel(k), xs, ys, plot.Radius(4))
			p.Dots(kLabel(k), xs, us, plot.WithMarker(plot.Cross), plot.Opacity(0.3), plot.NoLegend)
		}
		x, y := trend(fits, false)
		if slope, icept := OLS(x, y); !math.IsNaN(slope) {
			lo, hi := slices.Min(x), slices.Max(x)
			p.Line(fmt.Sprintf("OLS: %.2f + %.2f·√(n/k)", icept, slope), []float64{lo, hi}, []float64{icept + slope*lo, icept + slope*hi}, plot.Color("#333333"))
		}
		nx, ny := trend(group(res.Fits, pn.null, true), false)
		p.Dots("teacher-label null", nx, ny, plot.Color("#999999"), plot.WithMarker(plot.Square), plot.Radius(3))
		p.Legend(plot.LegendUpperLeft)
	}
	if len(res.Experiment1) > 0 {
		e := res.Config.Experiment1
		p := fig.Panel(fmt.Sprintf("Experiment 1 analogue: n ∈ %v, by d", e.Ns)).XLabel("√(n/k)").YLabel("max ‖∇f(z)‖")
		for _, d := range e.Ds {
			var xs, ys []float64
			for _, f := range res.Experiment1 {
				if f.Memorized && f.D == d {
					xs = append(xs, f.SqrtNK())
					ys = append(ys, float64(f.Fit.Proxy))
				}
			}
			p.Dots(fmt.Sprintf("d = %d", d), xs, ys, plot.Radius(4))
		}
		var fits []Fit
		for _, f := range res.Experiment1 {
			if f.Memorized {
				fits = append(fits, f)
			}
		}
		x, y := trend(fits, false)
		if slope, icept := OLS(x, y); !math.IsNaN(slope) {
			lo, hi := slices.Min(x), slices.Max(x)
			p.Line(fmt.Sprintf("OLS: %.2f + %.2f·√(n/k)", icept, slope), []float64{lo, hi}, []float64{icept + slope*lo, icept + slope*hi}, plot.Color("#333333"))
		}
		p.Legend(plot.LegendUpperLeft)
	}
	return fig
}

// medianBy returns, for each width, the median of value over the fits of that width.
func medianBy(fits []Fit, widths []int, value func(Fit) float64) (ks, meds []float64) {
	for _, k := range widths {
		var vs []float64
		for _, f := range fits {
			if f.K == k {
				vs = append(vs, value(f))
			}
		}
		if len(vs) > 0 {
			ks = append(ks, float64(k))
			meds = append(meds, claims.Median(vs))
		}
	}
	return ks, meds
}

// EstimatesFigure: the three estimates against k, log x.
func EstimatesFigure(res *Results) *plot.Figure {
	c := res.Config
	fig := plot.New(plot.Size(1100, 440), plot.Grid(1, 2),
		plot.Title(fmt.Sprintf("Three Lipschitz estimates against the width (n = %d, d = %d; medians over draws)", c.N, c.D)))
	for _, pn := range []struct{ title, group string }{{"plain Adam", GroupPlain}, {"smooth fits", GroupSmooth}} {
		p := fig.Panel(pn.title).XLog().YLog().XLabel("width k (log scale)").YLabel("Lipschitz estimate (log scale)")
		fits := group(res.Fits, pn.group, true)
		for _, e := range []struct {
			name string
			v    func(Fit) float64
		}{
			{"(iii) ‖a‖‖W‖_op", func(f Fit) float64 { return float64(f.Fit.Upper) }},
			{"(ii) hill climb", func(f Fit) float64 { return float64(f.Fit.Climb) }},
			{"(i) max random gradient", func(f Fit) float64 { return float64(f.Fit.Proxy) }},
		} {
			ks, ms := medianBy(fits, c.Widths, e.v)
			p.Line(e.name, ks, ms, plot.WithMarker(plot.Circle))
		}
		ks, ms := medianBy(group(res.Fits, pn.group, false), c.Widths, func(f Fit) float64 { return float64(f.Init.Proxy) })
		p.Line("(i) at initialisation", ks, ms, plot.Dotted, plot.ColorOf("(i) max random gradient"))
		var rx, ry []float64
		for _, k := range c.Widths {
			rx = append(rx, float64(k))
			ry = append(ry, math.Sqrt(float64(c.N)/float64(k)))
		}
		p.Line("√(n/k)", rx, ry, plot.Dashed, plot.Color("#777777"))
		p.VLine(float64(c.N)/float64(c.D), plot.Dotted, plot.Label("n/d"))
		p.Legend(plot.LegendOutside)
	}
	return fig
}

// Theorem5Figure: R after fitting and at initialisation, bias-free fits.
func Theorem5Figure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 420), plot.Title("Theorem 5: ‖a‖₂‖W‖_op ≥ √(n/k) for bias-free fits"))
	p := fig.Panel("").XLog().YLog().XLabel("width k (log scale)").YLabel("R = ‖a‖‖W‖_op / √(n/k) (log scale)")
	for _, g := range []struct{ name, label string }{
		{GroupBiasFreeSmall, fmt.Sprintf("small start (×%g, LR-2)", res.Config.SmallInit)},
		{GroupBiasFree, "spec's initialisation"},
	} {
		var xf, yf, xi, yi []float64
		for _, f := range group(res.Fits, g.name, false) {
			// Spread the draws a little along x so that they do not hide each other.
			jitter := 1 + 0.04*float64(f.Seed%SeedStride)
			xi = append(xi, float64(f.K)*jitter)
			yi = append(yi, f.RInit())
			if f.Memorized {
				xf = append(xf, float64(f.K)*jitter)
				yf = append(yf, f.R())
			}
		}
		p.Dots(g.label+": fitted", xf, yf, plot.Radius(5))
		p.Dots(g.label+": at initialisation", xi, yi, plot.Radius(5), plot.Opacity(0.35), plot.ColorOf(g.label+": fitted"), plot.WithMarker(plot.Diamond))
	}
	p.HLine(lr2Bound.Lo(), plot.Dashed, plot.Label("R = 1: Theorem 5's bound"))
	p.Legend(plot.LegendOutside)
	return fig
}

// ConstructionFigure: ‖∇f‖ and f along the great circle through two caps.
func ConstructionFigure(c ConstructionResult) *plot.Figure {
	fig := plot.New(plot.Size(760, 480), plot.Title(fmt.Sprintf("k = n construction, n = %d points on S^%d: along a great circle through x₀ and x₁", c.N, c.D-1)))
	g := fig.Panel("gradient norm").YLabel("‖∇f‖")
	g.Line("‖∇f‖", c.CircleAngle, c.CircleGrad)
	g.HLine(ConstructionScale, plot.Dashed, plot.Label("10"))
	g.Legend(plot.LegendNone)
	v := fig.Panel("value").YLabel("f").XLabel("angle from x₀ (radians)")
	v.Line("f", c.CircleAngle, c.CircleValue, plot.Color(plot.Palette[1]))
	for _, th := range []float64{0, c.CircleCap1} {
		g.VLine(th, plot.Dotted)
		v.VLine(th, plot.Dotted)
	}
	v.Legend(plot.LegendNone)
	return fig
}

// LinearFigure: histogram of ‖w‖²/(nd/(d − n − 1)).
func LinearFigure(l LinearResult) *plot.Figure {
	fig := plot.New(plot.Size(700, 380), plot.Title(fmt.Sprintf("Linear warm-up: n = %d, d = %d, %d draws", l.N, l.D, len(l.Draws))))
	p := fig.Panel("").XLabel("‖w‖² / (nd/(d − n − 1))").YLabel("draws")
	const lo, hi, bins = 0.5, 1.5, 20
	counts := make([]float64, bins)
	for _, r := range l.Ratios() {
		b := int((r - lo) / (hi - lo) * bins)
		counts[min(max(b, 0), bins-1)]++
	}
	// A step outline of the histogram.
	var xs, ys []float64
	for b := range bins {
		x0 := lo + (hi-lo)*float64(b)/bins
		x1 := lo + (hi-lo)*float64(b+1)/bins
		xs = append(xs, x0, x0, x1, x1)
		ys = append(ys, 0, counts[b], counts[b], 0)
	}
	p.Line("draws", xs, ys)
	p.VLine(1, plot.Dashed, plot.Label("1 (predicted mean)"))
	p.VBand(LR4BandLow, LR4BandHigh, plot.Label(fmt.Sprintf("[%g, %g]", LR4BandLow, LR4BandHigh)))
	p.Legend(plot.LegendNone)
	return fig
}

// DimensionFigure: proxy against √d for k = n and k = 10n/d.
func DimensionFigure(res *Results) *plot.Figure {
	e := res.Config.Experiment2
	fig := plot.New(plot.Size(760, 440), plot.Title(fmt.Sprintf("Size against smoothness, n = %d", e.N)))
	p := fig.Panel("").XLabel("√d").YLabel("max ‖∇f(z)‖ over 1000 random z")
	for _, g := range []struct{ name, label, color string }{
		{GroupExp2Blue, fmt.Sprintf("k = n = %d (optimal smoothness)", e.N), plot.Palette[0]},
		{GroupExp2Red, fmt.Sprintf("k = %g·n/d (optimal size)", e.SizeFactor), plot.Palette[1]},
	} {
		med, x, y := perD(res.Experiment2, g.name, e.Ds, false)
		medInit, _, _ := perD(res.Experiment2, g.name, e.Ds, true)
		var sd []float64
		for _, d := range e.Ds {
			sd = append(sd, math.Sqrt(float64(d)))
		}
		p.Line(g.label, sd, med, plot.Color(g.color), plot.WithMarker(plot.Circle))
		p.Dots(g.label, x, y, plot.Color(g.color), plot.Opacity(0.5))
		p.Line(g.label+" at initialisation", sd, medInit, plot.Color(g.color), plot.Dotted)
	}
	p.VLine(math.Sqrt(float64(e.ScoreMaxD)), plot.Dotted, plot.Label(fmt.Sprintf("blue scored up to d = %d", e.ScoreMaxD)))
	p.Legend(plot.LegendUpperLeft)
	return fig
}
