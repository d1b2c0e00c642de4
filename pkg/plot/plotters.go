package plot

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The gonum plot.Plotters that draw a panel's contents, in this order: grid
// lines, heatmap, bands, reference lines, series, reference-line labels and
// the frame. They are the lab's own (rather than gonum's plotter.Line or
// plotter.Scatter) because a series here may hold NaN, ±Inf or, on a log
// axis, non-positive values, which gonum's plotters reject or panic on; and
// none of them has glyph boxes, so gonum does not pad the data area and
// panels sharing an axis line up exactly.

// gridLines draws light lines at the labelled ticks.
type gridLines struct{ v *view }

func (g gridLines) Plot(c draw.Canvas, gp *plot.Plot) {
	sty := draw.LineStyle{Color: gridColor, Width: 0.8}
	xt := *g.v.x
	xt.hideLabels = false
	for _, tk := range xt.Ticks(gp.X.Min, gp.X.Max) {
		if x := c.X(gp.X.Norm(tk.Value)); tk.Label != "" && x > c.Min.X+0.5 && x < c.Max.X-0.5 {
			c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
		}
	}
	for _, tk := range g.v.y.Ticks(gp.Y.Min, gp.Y.Max) {
		if y := c.Y(gp.Y.Norm(tk.Value)); tk.Label != "" && y > c.Min.Y+0.5 && y < c.Max.Y-0.5 {
			c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
		}
	}
}

// frameArt draws the box around the data area (in place of gonum's axis
// lines, which would be covered by a heatmap).
type frameArt struct{}

func (frameArt) Plot(c draw.Canvas, _ *plot.Plot) {
	r := c.Rectangle
	c.StrokeLines(draw.LineStyle{Color: axisColor, Width: 0.9}, []vg.Point{
		r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min,
	})
}

// bandArt shades a strip.
type bandArt struct {
	v *view
	b band
}

func (a bandArt) color() color.NRGBA {
	op := a.b.st.opacity
	if op <= 0 {
		op = 0.16
	}
	return a.v.colorOf(a.v.p.fig.resolveColor(a.b.st, bandColor), op)
}

func (a bandArt) Plot(c draw.Canvas, gp *plot.Plot) {
	lo, hi := a.b.lo, a.b.hi
	log := a.v.p.ylog
	axisLo, axisHi := gp.Y.Min, gp.Y.Max
	if a.b.vertical {
		log, axisLo, axisHi = a.v.p.xlog, gp.X.Min, gp.X.Max
	}
	if !drawable(hi, log) || hi < axisLo || lo > axisHi {
		return
	}
	lo, hi = math.Max(lo, axisLo), math.Min(hi, axisHi)
	r := c.Rectangle
	if a.b.vertical {
		r.Min.X, r.Max.X = c.X(gp.X.Norm(lo)), c.X(gp.X.Norm(hi))
	} else {
		r.Min.Y, r.Max.Y = c.Y(gp.Y.Norm(lo)), c.Y(gp.Y.Norm(hi))
	}
	c.SetColor(a.color())
	c.Fill(r.Path())
}

// refArt draws a reference line across the data area.
type refArt struct {
	v *view
	r refLine
}

func (a refArt) lineStyle() draw.LineStyle {
	w := a.r.st.width
	if w <= 0 {
		w = 1.2
	}
	col := a.v.colorOf(a.v.p.fig.resolveColor(a.r.st, refColor), a.r.st.opacity)
	return draw.LineStyle{Color: col, Width: vg.Length(w), Dashes: a.r.st.dashes}
}

func (a refArt) Plot(c draw.Canvas, gp *plot.Plot) {
	t, ok := a.v.refFraction(a.r)
	if !ok {
		return
	}
	if a.r.vertical {
		x := c.X(t)
		c.StrokeLine2(a.lineStyle(), x, c.Min.Y, x, c.Max.Y)
	} else {
		y := c.Y(t)
		c.StrokeLine2(a.lineStyle(), c.Min.X, y, c.Max.X, y)
	}
}

// refFraction is where a reference line crosses its axis, as a fraction of
// the axis; ok is false when it is not visible.
func (v *view) refFraction(r refLine) (float64, bool) {
	axis, log := &v.gp.Y, v.p.ylog
	if r.vertical {
		axis, log = &v.gp.X, v.p.xlog
	}
	if !drawable(r.v, log) {
		return 0, false
	}
	t := axis.Norm(r.v)
	return t, t >= -1e-9 && t <= 1+1e-9
}

// seriesArt draws a line and/or markers.
type seriesArt struct {
	v *view
	s *series
}

func (a seriesArt) color() color.NRGBA {
	return a.v.colorOf(a.v.p.seriesColor(a.s), a.s.st.opacity)
}

func (a seriesArt) lineStyle() draw.LineStyle {
	w := a.s.st.width
	if w <= 0 {
		w = 1.6
	}
	return draw.LineStyle{Color: a.color(), Width: vg.Length(w), Dashes: a.s.st.dashes}
}

// glyph returns the marker style, or ok = false for a line without markers.
func (a seriesArt) glyph() (g draw.GlyphStyle, ok bool) {
	m, r := a.s.st.marker, a.s.st.radius
	if !a.s.dots && m == NoMarker {
		return g, false
	}
	if r <= 0 {
		r = 2.6
		if !a.s.dots {
			r = 3
		}
	}
	return draw.GlyphStyle{Color: a.color(), Radius: vg.Length(r), Shape: glyphShape(m)}, true
}

func (a seriesArt) Plot(c draw.Canvas, _ *plot.Plot) {
	origin := c.Min
	if !a.s.dots {
		lines := a.v.polylines(a.s)
		for _, l := range lines {
			for i := range l {
				l[i] = l[i].Add(origin)
			}
		}
		c.StrokeLines(a.lineStyle(), c.ClipLinesXY(lines...)...)
	}
	if g, ok := a.glyph(); ok {
		for i := range a.s.xs {
			if pt, ok := a.v.point(a.s.xs[i], a.s.ys[i]); ok {
				c.DrawGlyph(g, pt.Add(origin))
			}
		}
	}
}

// polylines returns a line series as runs of drawable points (relative to
// the data area's corner): the line is broken where a point cannot be drawn.
// Consecutive points in the same half-pixel column are reduced to the first,
// lowest, highest and last of them, which draws the same picture with a few
// points per column however long the series.
func (v *view) polylines(s *series) [][]vg.Point {
	var lines [][]vg.Point
	var run []vg.Point
	type kept struct {
		i  int
		pt vg.Point
	}
	var column [4]kept // first, lowest, highest, last
	col, have := 0, false
	flush := func() {
		if !have {
			return
		}
		ks := column[:]
		for i := 1; i < len(ks); i++ { // back in data order
			for j := i; j > 0 && ks[j].i < ks[j-1].i; j-- {
				ks[j], ks[j-1] = ks[j-1], ks[j]
			}
		}
		for i, k := range ks {
			if i == 0 || k.i != ks[i-1].i {
				run = append(run, k.pt)
			}
		}
		have = false
	}
	endRun := func() {
		flush()
		if len(run) > 0 {
			lines = append(lines, run)
		}
		run = nil
	}
	for i := range s.xs {
		pt, ok := v.point(s.xs[i], s.ys[i])
		if !ok {
			endRun()
			continue
		}
		k := kept{i, pt}
		if c := int(math.Floor(float64(pt.X) * 2)); !have || c != col {
			flush()
			column, col, have = [4]kept{k, k, k, k}, c, true
			continue
		}
		if pt.Y < column[1].pt.Y {
			column[1] = k
		}
		if pt.Y > column[2].pt.Y {
			column[2] = k
		}
		column[3] = k
	}
	endRun()
	return lines
}

// glyphShape maps a Marker to a gonum glyph: filled shapes, as the lab
// draws markers. gonum has no diamond, and its cross and plus are hairlines.
func glyphShape(m Marker) draw.GlyphDrawer {
	switch m {
	case Square:
		return draw.BoxGlyph{}
	case Triangle:
		return draw.PyramidGlyph{}
	case Diamond:
		return diamondGlyph{}
	case Cross:
		return strokeGlyph{diagonal: true}
	case Plus:
		return strokeGlyph{}
	default:
		return draw.CircleGlyph{}
	}
}

// diamondGlyph is a filled square standing on a corner.
type diamondGlyph struct{}

func (diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.25
	c.FillPolygon(sty.Color, []vg.Point{
		{X: pt.X, Y: pt.Y + r}, {X: pt.X + 0.8*r, Y: pt.Y}, {X: pt.X, Y: pt.Y - r}, {X: pt.X - 0.8*r, Y: pt.Y},
	})
}

// strokeGlyph is a plus, or with diagonal a cross, drawn 1.5 px wide.
type strokeGlyph struct{ diagonal bool }

func (g strokeGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	a, b := sty.Radius*1.2, vg.Length(0) // arm ends (a, b) and (-b, a), turned
	if g.diagonal {
		a, b = sty.Radius, sty.Radius
	}
	line := draw.LineStyle{Color: sty.Color, Width: 1.5}
	c.StrokeLine2(line, pt.X-a, pt.Y-b, pt.X+a, pt.Y+b)
	c.StrokeLine2(line, pt.X+b, pt.Y-a, pt.X-b, pt.Y+a)
}

// refLabel is a planned reference-line label: its text, style and box
// (relative to the data area's corner).
type refLabel struct {
	text  string
	color color.NRGBA
	box   vg.Rectangle
}

// refLabelArt writes the reference lines' labels on a pale background, above
// the data.
type refLabelArt struct{ v *view }

func (a refLabelArt) Plot(c draw.Canvas, _ *plot.Plot) {
	for _, l := range a.v.refLabels {
		box := vg.Rectangle{Min: l.box.Min.Add(c.Min), Max: l.box.Max.Add(c.Min)}
		c.SetColor(color.NRGBA{255, 255, 255, 200})
		c.Fill(box.Path())
		sty := textStyle(sansFont, refSize, l.color)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
		c.FillText(sty, box.Min.Add(box.Max).Scale(0.5), l.text)
	}
}

// planRefLabels places each labelled reference line's text where it covers
// no data if it can: for a horizontal line, above or below its right end,
// then its left end; for a vertical line, right or left of its top, then
// its bottom.
func (v *view) planRefLabels() []refLabel {
	var out []refLabel
	for _, r := range v.p.refs {
		t, ok := v.refFraction(r)
		if r.st.label == "" || !ok {
			continue
		}
		sty := textStyle(sansFont, refSize, textColor)
		size := vg.Point{X: sty.Width(r.st.label) + 4, Y: sty.Height(r.st.label) + 1}
		at := func(x, y vg.Length) vg.Rectangle { // box with lower left corner (x, y)
			return vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + size.X, Y: y + size.Y}}
		}
		var spots []vg.Rectangle
		if r.vertical {
			x := vg.Length(t) * v.pw
			for _, y := range []vg.Length{v.ph - size.Y - 3, 3} {
				spots = append(spots, at(x+2, y), at(x-2-size.X, y))
			}
		} else {
			y := vg.Length(t) * v.ph
			for _, x := range []vg.Length{v.pw - 4 - size.X, 4} {
				spots = append(spots, at(x, y+3), at(x, y-3-size.Y))
			}
		}
		var fitting []vg.Rectangle
		for _, s := range spots {
			if s.Min.X >= 0 && s.Max.X <= v.pw && s.Min.Y >= 0 && s.Max.Y <= v.ph {
				fitting = append(fitting, s)
			}
		}
		if len(fitting) == 0 {
			fitting = spots[:1]
		}
		chosen := fitting[0]
		for _, s := range fitting {
			if !v.covers(s, false, out) {
				chosen = s
				break
			}
		}
		col := v.colorOf(v.p.fig.resolveColor(r.st, refColor), 0)
		out = append(out, refLabel{text: r.st.label, color: col, box: chosen})
	}
	return out
}

// covers reports whether anything drawn in the data area — series, and
// with refs the reference lines — or any of the given labels meets r
// (relative to the data area's corner, for its current size).
func (v *view) covers(r vg.Rectangle, refs bool, labels []refLabel) bool {
	g := vg.Rectangle{Min: r.Min.Sub(vg.Point{X: 2, Y: 2}), Max: r.Max.Add(vg.Point{X: 2, Y: 2})}
	for _, s := range v.p.series {
		if !s.dots {
			for _, line := range v.polylines(s) {
				for i := range line {
					if (i == 0 && contains(g, line[0])) || (i > 0 && segmentHits(g, line[i-1], line[i])) {
						return true
					}
				}
			}
		}
		if s.dots || s.st.marker != NoMarker {
			for i := range s.xs {
				if pt, ok := v.point(s.xs[i], s.ys[i]); ok && contains(g, pt) {
					return true
				}
			}
		}
	}
	for _, rl := range v.p.refs {
		t, ok := v.refFraction(rl)
		switch {
		case !refs || !ok:
		case rl.vertical && segmentHits(g, vg.Point{X: vg.Length(t) * v.pw}, vg.Point{X: vg.Length(t) * v.pw, Y: v.ph}):
			return true
		case !rl.vertical && segmentHits(g, vg.Point{Y: vg.Length(t) * v.ph}, vg.Point{X: v.pw, Y: vg.Length(t) * v.ph}):
			return true
		}
	}
	for _, l := range labels {
		if l.box.Min.X < g.Max.X && g.Min.X < l.box.Max.X && l.box.Min.Y < g.Max.Y && g.Min.Y < l.box.Max.Y {
			return true
		}
	}
	return false
}

func contains(r vg.Rectangle, p vg.Point) bool {
	return p.X >= r.Min.X && p.X <= r.Max.X && p.Y >= r.Min.Y && p.Y <= r.Max.Y
}

// segmentHits reports whether the segment a–b meets r (Liang–Barsky).
func segmentHits(r vg.Rectangle, a, b vg.Point) bool {
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	t0, t1 := 0.0, 1.0
	for _, pq := range [4][2]float64{
		{-dx, float64(a.X - r.Min.X)}, {dx, float64(r.Max.X - a.X)},
		{-dy, float64(a.Y - r.Min.Y)}, {dy, float64(r.Max.Y - a.Y)},
	} {
		p, q := pq[0], pq[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		if t := q / p; p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}
