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

// series is a line or a set of dots.
type series struct {
	dots   bool // a scatter series (markers only)
	label  string
	xs, ys []float64
	st     style
	color  string // resolved when added (unless st.colorOf is set)
}

// refLine is a horizontal or vertical reference line.
type refLine struct {
	vertical bool
	v        float64
	st       style
}

// band is a shaded horizontal or vertical strip.
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
	p.add(false, label, xs, ys, opts)
	return p
}

// Dots adds a scatter series: one marker (a filled circle unless WithMarker
// says otherwise) per point.
func (p *Panel) Dots(label string, xs, ys []float64, opts ...Option) *Panel {
	p.add(true, label, xs, ys, opts)
	return p
}

func (p *Panel) add(dots bool, label string, xs, ys []float64, opts []Option) {
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
	s := &series{dots: dots, label: label, st: applyOptions(opts)}
	// Copy the data: the caller may reuse its slices before rendering.
	s.xs = append([]float64(nil), xs...)
	s.ys = append([]float64(nil), ys...)
	if s.st.colorOf == "" {
		s.color = p.fig.colorFor(label, s.st.color)
	}
	p.series = append(p.series, s)
}

// HLine adds a horizontal reference line at y (solid grey unless options say
// otherwise; Label writes a text at its right end, or at its left end when
// the right end would cover data).
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

// hasAxes reports whether the panel is an x/y plot (not an image grid).
func (p *Panel) hasAxes() bool { return p.images == nil }

// seriesColor is the colour string of a series.
func (p *Panel) seriesColor(s *series) string {
	if s.st.colorOf != "" {
		return p.fig.resolveColor(s.st, refColor)
	}
	return s.color
}

// dataRange is the span of the finite values seen on one axis.
type dataRange struct {
	lo, hi float64
	ok     bool
}

func (r dataRange) add(v float64) dataRange {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return r
	}
	if !r.ok {
		return dataRange{v, v, true}
	}
	return dataRange{math.Min(r.lo, v), math.Max(r.hi, v), true}
}

func (r dataRange) union(o dataRange) dataRange {
	if !o.ok {
		return r
	}
	return r.add(o.lo).add(o.hi)
}

// drawable reports whether v can be placed on a (log or linear) axis.
func drawable(v float64, log bool) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!log || v > 0)
}

// dataRange returns the range of drawable data on the x (or y) axis: points
// of series (only those drawable on both axes), reference lines, bands and
// the heatmap.
func (p *Panel) dataRange(xAxis bool) dataRange {
	var r dataRange
	log := p.ylog
	if xAxis {
		log = p.xlog
	}
	addv := func(v float64) {
		if drawable(v, log) {
			r = r.add(v)
		}
	}
	for _, s := range p.series {
		for i := range s.xs {
			if !drawable(s.xs[i], p.xlog) || !drawable(s.ys[i], p.ylog) {
				continue
			}
			if xAxis {
				r = r.add(s.xs[i])
			} else {
				r = r.add(s.ys[i])
			}
		}
	}
	for _, rl := range p.refs {
		if rl.vertical == xAxis {
			addv(rl.v)
		}
	}
	for _, bd := range p.bands {
		if bd.vertical == xAxis {
			addv(bd.lo)
			addv(bd.hi)
		}
	}
	if h := p.heat; h != nil && len(h.z) > 0 {
		if xAxis {
			addv(h.x0)
			addv(h.x1)
		} else {
			addv(h.y0)
			addv(h.y1)
		}
	}
	return r
}

// padding around the data, as a fraction of the span: a little on x (step
// axes start near the frame), more on y, none around a heatmap.
func (p *Panel) padding(xAxis bool) float64 {
	switch {
	case p.heat != nil:
		return 0
	case xAxis:
		return 0.02
	default:
		return 0.06
	}
}

// finalRange turns a data range into axis limits: the user's limits if set,
// widened when degenerate, padded by pad × span (in log space on log axes).
func finalRange(r dataRange, log, set bool, user [2]float64, pad float64) (lo, hi float64) {
	if set {
		lo, hi = math.Min(user[0], user[1]), math.Max(user[0], user[1])
		if log && !(lo > 0) {
			lo = hi / 10
			if r.ok && r.lo < hi {
				lo = r.lo
			}
		}
		if drawable(lo, log) && drawable(hi, log) && hi > lo {
			return lo, hi
		}
	}
	switch {
	case !r.ok && log:
		return 1, 10
	case !r.ok:
		return 0, 1
	case log:
		a, b := math.Log10(r.lo), math.Log10(r.hi)
		if b-a < 1e-9 {
			a, b = a-0.5, b+0.5
		} else {
			d := (b - a) * pad
			a, b = a-d, b+d
		}
		return math.Pow(10, a), math.Pow(10, b)
	}
	lo, hi = r.lo, r.hi
	mag := math.Max(math.Abs(lo), math.Abs(hi))
	if hi-lo <= 1e-12*mag || hi == lo {
		d := mag * 0.1
		if d == 0 {
			d = 1
		}
		return lo - d, hi + d
	}
	d := (hi - lo) * pad
	return lo - d, hi + d
}
