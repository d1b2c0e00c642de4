package plot

import (
	"fmt"
	"math"
)

// LegendPos says where a panel's legend goes.
type LegendPos int

// Legend placements. LegendAuto (the default) puts the legend inside the
// panel in the corner or edge where it covers no data, and outside on the
// right when every inside spot would cover data.
const (
	LegendAuto LegendPos = iota
	LegendNone
	LegendOutside
	LegendUpperRight
	LegendUpperLeft
	LegendLowerLeft
	LegendLowerRight
)

type seriesKind int

const (
	lineKind seriesKind = iota
	dotsKind
)

type series struct {
	kind   seriesKind
	label  string
	xs, ys []float64
	st     style
	color  string // resolved when added (unless st.colorOf is set)
}

type refLine struct {
	vertical bool
	v        float64
	st       style
}

type band struct {
	vertical bool
	lo, hi   float64
	st       style
}

// Panel is one set of axes in a Figure. Its methods return the panel so that
// calls can be chained.
type Panel struct {
	fig            *Figure
	title          string
	xlabel, ylabel string
	xlog, ylog     bool
	xrange, yrange [2]float64
	xset, yset     bool
	legend         LegendPos
	series         []*series
	refs           []refLine
	bands          []band
	heat           *heatmap
	images         *imageGrid
}

// XLabel sets the x-axis label.
func (p *Panel) XLabel(s string) *Panel { p.xlabel = s; return p }

// YLabel sets the y-axis label.
func (p *Panel) YLabel(s string) *Panel { p.ylabel = s; return p }

// Title sets the panel title.
func (p *Panel) Title(s string) *Panel { p.title = s; return p }

// XLog makes the x axis logarithmic (base 10). Points with x ≤ 0 are skipped.
func (p *Panel) XLog() *Panel { p.xlog = true; return p }

// YLog makes the y axis logarithmic (base 10). Points with y ≤ 0 are skipped.
func (p *Panel) YLog() *Panel { p.ylog = true; return p }

// XRange fixes the x-axis limits (otherwise they fit the data). Data outside
// is clipped.
func (p *Panel) XRange(lo, hi float64) *Panel {
	p.xrange, p.xset = [2]float64{lo, hi}, true
	return p
}

// YRange fixes the y-axis limits (otherwise they fit the data). Data outside
// is clipped.
func (p *Panel) YRange(lo, hi float64) *Panel {
	p.yrange, p.yset = [2]float64{lo, hi}, true
	return p
}

// Legend sets where the legend goes (LegendAuto by default; LegendNone hides
// it).
func (p *Panel) Legend(pos LegendPos) *Panel { p.legend = pos; return p }

// Line adds a line through the points (xs[i], ys[i]). A nil xs means
// 0, 1, 2, .... Points where x or y is NaN or ±Inf (or ≤ 0 on a log axis)
// are skipped and the line is broken there. An empty label keeps the series
// out of the legend.
func (p *Panel) Line(label string, xs, ys []float64, opts ...Option) *Panel {
	p.add(lineKind, label, xs, ys, opts)
	return p
}

// Dots adds a scatter series: one marker (a filled circle unless WithMarker
// says otherwise) per point.
func (p *Panel) Dots(label string, xs, ys []float64, opts ...Option) *Panel {
	p.add(dotsKind, label, xs, ys, opts)
	return p
}

func (p *Panel) add(kind seriesKind, label string, xs, ys []float64, opts []Option) {
	if xs == nil {
		xs = make([]float64, len(ys))
		for i := range xs {
			xs[i] = float64(i)
		}
	}
	if len(xs) != len(ys) {
		p.fig.setErr(fmt.Errorf("plot: series %q in panel %q: %d x values but %d y values (extra points ignored)",
			label, p.title, len(xs), len(ys)))
		n := min(len(xs), len(ys))
		xs, ys = xs[:n], ys[:n]
	}
	s := &series{kind: kind, label: label, st: applyOptions(opts)}
	// Copy the data: the caller may reuse its slices before rendering.
	s.xs = append([]float64(nil), xs...)
	s.ys = append([]float64(nil), ys...)
	if s.st.colorOf == "" {
		s.color = p.fig.colorFor(label, s.st.color)
	}
	p.series = append(p.series, s)
}

// HLine adds a horizontal reference line at y (solid grey unless options say
// otherwise; Label writes a text at its right end).
func (p *Panel) HLine(y float64, opts ...Option) *Panel {
	p.refs = append(p.refs, refLine{v: y, st: applyOptions(opts)})
	return p
}

// VLine adds a vertical reference line at x.
func (p *Panel) VLine(x float64, opts ...Option) *Panel {
	p.refs = append(p.refs, refLine{vertical: true, v: x, st: applyOptions(opts)})
	return p
}

// Band shades the horizontal strip lo ≤ y ≤ hi (light grey, or a light tint
// of Color/ColorOf). With Label it gets a legend entry.
func (p *Panel) Band(lo, hi float64, opts ...Option) *Panel {
	p.bands = append(p.bands, band{lo: math.Min(lo, hi), hi: math.Max(lo, hi), st: applyOptions(opts)})
	return p
}

// VBand shades the vertical strip lo ≤ x ≤ hi.
func (p *Panel) VBand(lo, hi float64, opts ...Option) *Panel {
	p.bands = append(p.bands, band{vertical: true, lo: math.Min(lo, hi), hi: math.Max(lo, hi), st: applyOptions(opts)})
	return p
}

// isAxes reports whether the panel is a normal x/y plot (not an image grid).
func (p *Panel) isAxes() bool { return p.images == nil }
