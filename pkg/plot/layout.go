package plot

import (
	"image/color"
	"math"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Text sizes in pixels. One SVG user unit is one pixel, and gonum's "points"
// are used as those units throughout.
const (
	titleSize  = 16
	panelSize  = 13.5
	labelSize  = 12.5
	tickSize   = 11.5
	legendSize = 11.5
	refSize    = 11
	figurePad  = 8 // blank border around the figure
)

// The fonts gonum embeds and measures text with: Liberation Sans, which has
// the metrics of Arial and Helvetica (see finishSVG).
var (
	sansFont  = font.Font{Typeface: "Liberation", Variant: "Sans"}
	boldFont  = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
	plainText = text.Plain{Fonts: font.DefaultCache}
)

func textStyle(f font.Font, size float64, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(f, font.Length(size)), Handler: plainText}
}

// tickStyle is the style of tick labels, which may have exponents.
func tickStyle() text.Style {
	s := textStyle(sansFont, tickSize, textColor)
	s.Handler = powerText{plainText}
	return s
}

// view is a panel prepared for drawing: its gonum plot, its tickers and its
// place in the figure. Lengths are in pixels, y pointing up (gonum's way).
type view struct {
	p         *Panel
	row, col  int
	gp        *plot.Plot // nil for an image grid
	x, y      *ticker
	showX     bool         // x tick labels and x label are drawn
	pw, ph    vg.Length    // size of the data area
	xlabel    string       // "" under all but the bottom panel of a shared x
	margins   [4]vg.Length // left, right, bottom, top around the data area
	axes      [4]vg.Length // the part of the margins gonum's axes take
	labelAt   vg.Point     // left edge of the y label, bottom of the x label
	data      vg.Rectangle // the data area, once laid out
	legend    *legendPlan
	refLabels []refLabel
	cbar      *colorBar
}

const (
	left = iota
	right
	bottom
	top
)

// gridShape returns the number of rows and columns of panels.
func (f *Figure) gridShape() (rows, cols int) {
	n := max(len(f.panels), 1)
	switch {
	case f.cols > 0:
		cols = f.cols
		rows = max(f.rows, (n+cols-1)/cols)
	case f.rows > 0:
		rows = f.rows
		cols = (n + rows - 1) / rows
	default:
		rows, cols = n, 1
	}
	return rows, cols
}

// draw renders the figure on a canvas of width × height pixels.
func (f *Figure) draw(c vg.Canvas, width, height vg.Length) {
	dc := draw.NewCanvas(c, width, height)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	area := vg.Rectangle{Min: vg.Point{X: figurePad, Y: figurePad}, Max: vg.Point{X: width - figurePad, Y: height - figurePad}}
	if f.title != "" {
		sty := textStyle(boldFont, titleSize, textColor)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		dc.FillText(sty, vg.Point{X: width / 2, Y: area.Max.Y}, f.title)
		area.Max.Y -= sty.Height(f.title) + 12
	}
	rows, cols := f.gridShape()
	views := f.views(cols)
	layout(views, rows, cols, area)
	for _, v := range views {
		v.draw(dc)
	}
}

// views prepares the panels: axis ranges (shared down the columns when
// asked), gonum plots and tickers.
func (f *Figure) views(cols int) []*view {
	share := cols == 1 && len(f.panels) > 1
	if f.shareX != nil {
		share = *f.shareX
	}
	views := make([]*view, len(f.panels))
	for i, p := range f.panels {
		views[i] = &view{p: p, row: i / cols, col: i % cols, showX: true}
	}
	xlabels := make([]string, len(views))
	xranges := make([][2]float64, len(views))
	for i, v := range views {
		p := v.p
		xlabels[i] = p.xlabel
		xranges[i][0], xranges[i][1] = finalRange(p.dataRange(true), p.xlog, p.xset, p.xrange, p.padding(true))
	}
	for c := 0; share && c < cols; c++ {
		var col []int
		sameScale := true
		for i, v := range views {
			if v.col == c && v.p.hasAxes() {
				col = append(col, i)
				sameScale = sameScale && v.p.xlog == views[col[0]].p.xlog
			}
		}
		if len(col) < 2 || !sameScale {
			continue
		}
		var r dataRange
		var fixed *Panel
		label := ""
		for _, i := range col {
			p := views[i].p
			r = r.union(p.dataRange(true))
			if p.xset && fixed == nil {
				fixed = p
			}
			if p.xlabel != "" {
				label = p.xlabel // the last non-empty label wins
			}
		}
		var lo, hi float64
		if fixed != nil {
			lo, hi = finalRange(r, fixed.xlog, true, fixed.xrange, 0)
		} else {
			lo, hi = finalRange(r, views[col[0]].p.xlog, false, [2]float64{}, views[col[0]].p.padding(true))
		}
		for k, i := range col {
			xranges[i] = [2]float64{lo, hi}
			xlabels[i] = label
			views[i].showX = k == len(col)-1
		}
	}
	for i, v := range views {
		if v.p.hasAxes() {
			v.build(xranges[i], xlabels[i])
		}
	}
	return views
}

// build makes the gonum plot of an x/y panel.
func (v *view) build(xrange [2]float64, xlabel string) {
	p := v.p
	gp := plot.New()
	gp.BackgroundColor = nil
	v.x = &ticker{log: p.xlog, hideLabels: !v.showX}
	v.y = &ticker{log: p.ylog, vertical: true}
	if v.showX {
		v.xlabel = xlabel
	}
	setupAxis(&gp.X, v.x)
	setupAxis(&gp.Y, v.y)
	if !v.showX {
		// The ticker returns the labelled positions without labels, which
		// gonum draws as minor (half-length) ticks: double their length.
		gp.X.Tick.Length *= 2
	}
	gp.X.Min, gp.X.Max = xrange[0], xrange[1]
	gp.Y.Min, gp.Y.Max = finalRange(p.dataRange(false), p.ylog, p.yset, p.yrange, p.padding(false))
	gp.Add(gridLines{v})
	if p.heat != nil {
		gp.Add(heatArt{v})
		v.cbar = &colorBar{h: p.heat}
	}
	for _, b := range p.bands {
		gp.Add(bandArt{v, b})
	}
	for _, r := range p.refs {
		gp.Add(refArt{v, r})
	}
	for _, s := range p.series {
		gp.Add(seriesArt{v, s})
	}
	gp.Add(refLabelArt{v}, frameArt{})
	v.gp = gp
}

// setupAxis styles a gonum axis the lab's way: no axis line (a frame is
// drawn around the data instead), short outward ticks, the lab's fonts. The
// axis labels are drawn by the lab (see view.draw): gonum places their
// glyph boxes at the middle of the data range, which on a log axis is far
// from the middle of the axis, and pads the data area for them wrongly.
func setupAxis(a *plot.Axis, t *ticker) {
	a.Padding = 0
	a.LineStyle = draw.LineStyle{}
	a.Tick.Label = tickStyle()
	if t.vertical {
		a.Tick.Label.XAlign, a.Tick.Label.YAlign = draw.XRight, draw.YCenter
	} else {
		a.Tick.Label.XAlign, a.Tick.Label.YAlign = draw.XCenter, draw.YTop
	}
	a.Tick.LineStyle = draw.LineStyle{Color: axisColor, Width: 0.8}
	a.Tick.Length = 4
	a.Tick.Marker = t
	t.label = a.Tick.Label
	if t.log {
		a.Scale = plot.LogScale{}
	}
}

// layout sizes the data areas so that they line up in rows and columns:
// every column gets the widest left and right margins of its panels, every
// row the tallest top and bottom ones, and the rest is shared equally. The
// margins depend on the ticks, which depend on the sizes, so it iterates.
func layout(views []*view, rows, cols int, area vg.Rectangle) {
	lefts, rights := make([]vg.Length, cols), make([]vg.Length, cols)
	tops, bottoms := make([]vg.Length, rows), make([]vg.Length, rows)
	pw := area.Size().X/vg.Length(cols) - 90
	ph := area.Size().Y/vg.Length(rows) - 70
	for range 3 {
		for _, v := range views {
			v.pw, v.ph = max(pw, 20), max(ph, 20)
			v.measure()
		}
		clear(lefts)
		clear(rights)
		clear(tops)
		clear(bottoms)
		for _, v := range views {
			lefts[v.col] = max(lefts[v.col], v.margins[left])
			rights[v.col] = max(rights[v.col], v.margins[right])
			bottoms[v.row] = max(bottoms[v.row], v.margins[bottom])
			tops[v.row] = max(tops[v.row], v.margins[top])
		}
		var sumW, sumH vg.Length
		for c := range cols {
			sumW += lefts[c] + rights[c]
		}
		for r := range rows {
			sumH += tops[r] + bottoms[r]
		}
		pw = (area.Size().X - sumW) / vg.Length(cols)
		ph = (area.Size().Y - sumH) / vg.Length(rows)
	}
	for _, v := range views {
		v.pw, v.ph = max(pw, 20), max(ph, 20)
		x := area.Min.X + lefts[v.col]
		for c := range v.col {
			x += lefts[c] + pw + rights[c]
		}
		y := area.Max.Y - tops[v.row]
		for r := range v.row {
			y -= tops[r] + ph + bottoms[r]
		}
		v.data = vg.Rectangle{Min: vg.Point{X: x, Y: y - v.ph}, Max: vg.Point{X: x + v.pw, Y: y}}
		if v.gp == nil {
			continue
		}
		v.x.length, v.y.length = v.pw, v.ph
		outside := v.legend != nil && v.legend.outside
		v.planLabels()
		if v.legend != nil {
			v.legend.outside = outside // where the layout made room for it
		}
		// The axis labels of a column (row) go at the same place.
		v.labelAt = vg.Point{X: x - lefts[v.col], Y: v.data.Min.Y - bottoms[v.row]}
	}
}

// measure computes the margins a panel needs around a data area of its
// current size: gonum's axes (found from the plot's DataCanvas), the panel
// title, the colour bar and an outside legend.
func (v *view) measure() {
	titleH := vg.Length(0)
	if v.p.title != "" {
		titleH = textStyle(boldFont, panelSize, textColor).Height(v.p.title) + 14
	}
	if v.gp == nil {
		v.margins = [4]vg.Length{8, 8, 8, max(titleH, 8)}
		return
	}
	v.x.length, v.y.length = v.pw, v.ph
	probe := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: v.pw + 200, Y: v.ph + 100}}}
	dc := v.gp.DataCanvas(probe)
	v.axes = [4]vg.Length{dc.Min.X - probe.Min.X, probe.Max.X - dc.Max.X, dc.Min.Y - probe.Min.Y, probe.Max.Y - dc.Max.Y}
	v.margins = [4]vg.Length{
		v.axes[left] + labelRoom(v.p.ylabel),
		max(v.axes[right], 10),
		max(v.axes[bottom]+labelRoom(v.xlabel), 8),
		max(v.axes[top], titleH, 10),
	}
	if v.cbar != nil {
		v.margins[right] += v.cbar.width(v.ph)
	}
	v.planLabels()
	if v.legend != nil && v.legend.outside {
		v.margins[right] += legendOutsideGap + v.legend.size.X + 6
	}
}

// labelRoom is the room an axis label takes beside the tick labels.
func labelRoom(label string) vg.Length {
	if label == "" {
		return 0
	}
	return textStyle(sansFont, labelSize, textColor).Height(label) + 5
}

// planLabels places the reference-line labels and the legend for the
// current data-area size.
func (v *view) planLabels() {
	v.refLabels = v.planRefLabels()
	v.legend = v.planLegend()
}

// draw draws the panel.
func (v *view) draw(dc draw.Canvas) {
	if v.p.title != "" {
		sty := textStyle(boldFont, panelSize, textColor)
		sty.XAlign = draw.XCenter
		dc.FillText(sty, vg.Point{X: (v.data.Min.X + v.data.Max.X) / 2, Y: v.data.Max.Y + 8}, v.p.title)
	}
	if v.gp == nil {
		v.p.images.draw(dc, v.data)
		return
	}
	// The canvas around the data area that gonum's axes need, corrected
	// until gonum's data canvas falls on the laid-out data area (gonum pads
	// it for tick labels near the ends, which depends on the size).
	c := dc
	c.Rectangle = vg.Rectangle{
		Min: vg.Point{X: v.data.Min.X - v.axes[left], Y: v.data.Min.Y - v.axes[bottom]},
		Max: v.data.Max.Add(vg.Point{X: v.axes[right], Y: v.axes[top]}),
	}
	for range 8 {
		got := v.gp.DataCanvas(c).Rectangle
		c.Min = c.Min.Add(v.data.Min.Sub(got.Min))
		c.Max = c.Max.Add(v.data.Max.Sub(got.Max))
	}
	v.gp.Draw(c)
	sty := textStyle(sansFont, labelSize, textColor)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YBottom
	descent := sty.FontExtents().Descent
	if v.xlabel != "" {
		dc.FillText(sty, vg.Point{X: (v.data.Min.X + v.data.Max.X) / 2, Y: v.labelAt.Y + descent}, v.xlabel)
	}
	if v.p.ylabel != "" { // a quarter turn, reading upwards, glyphs left of the anchor
		sty.Rotation = math.Pi / 2
		x := v.labelAt.X + sty.Height(v.p.ylabel) - descent
		dc.FillText(sty, vg.Point{X: x, Y: (v.data.Min.Y + v.data.Max.Y) / 2}, v.p.ylabel)
	}
	if v.cbar != nil {
		v.cbar.draw(dc, v)
	}
	if v.legend != nil {
		v.legend.draw(dc, v)
	}
}

// point returns the position of (x, y) relative to the data area's lower
// left corner for its current size; ok is false when it cannot be drawn
// (NaN, ±Inf, ≤ 0 on a log axis).
func (v *view) point(x, y float64) (pt vg.Point, ok bool) {
	if !drawable(x, v.p.xlog) || !drawable(y, v.p.ylog) {
		return vg.Point{}, false
	}
	return vg.Point{X: vg.Length(v.gp.X.Norm(x)) * v.pw, Y: vg.Length(v.gp.Y.Norm(y)) * v.ph}, true
}

// colorOf parses a colour string, noting a bad one in the figure's Err.
func (v *view) colorOf(s string, opacity float64) color.NRGBA {
	c, err := parseColor(s)
	if err != nil {
		v.p.fig.setErr(err)
		c = mustColor(refColor)
	}
	return withAlpha(c, opacity)
}
