package plot

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A legend is gonum's plot.Legend (entries of a label and thumbnails), drawn
// on a white box that the lab places itself: gonum only puts a legend in a
// fixed corner, while here it goes where it covers no data.

// Legend geometry, in pixels.
const (
	legendPad    = 6  // inside the box
	legendSwatch = 28 // thumbnail width, including the gap before the text
	legendRow    = 16 // height of an entry
	legendMargin = 6  // between the box and the frame
	// legendOutsideGap is between the data area (or colour bar) and a
	// legend outside.
	legendOutsideGap = 12
)

// legendEntry is one line of a legend: a label and what to draw beside it.
type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

// legendPlan is a legend's entries, size and place; at is relative to the
// data area's lower left corner (unless outside).
type legendPlan struct {
	entries []legendEntry
	size    vg.Point
	outside bool
	at      vg.Point
}

// legendEntries collects the labelled series and bands of the panel. A line
// and dots with the same label make one entry.
func (v *view) legendEntries() []legendEntry {
	var out []legendEntry
	index := map[string]int{}
	hasLine, hasMarker := map[string]bool{}, map[string]bool{}
	for _, s := range v.p.series {
		if s.label == "" || s.st.noLegend {
			continue
		}
		i, ok := index[s.label]
		if !ok {
			i = len(out)
			index[s.label] = i
			out = append(out, legendEntry{label: s.label})
		}
		opaque := *s // legend swatches are opaque
		opaque.st.opacity = 0
		a := seriesArt{v, &opaque}
		if !s.dots && !hasLine[s.label] {
			hasLine[s.label] = true
			sty := a.lineStyle()
			sty.Width = max(sty.Width, 1.6)
			out[i].thumbs = append(out[i].thumbs, lineThumb{sty})
		}
		if g, ok := a.glyph(); ok && !hasMarker[s.label] {
			hasMarker[s.label] = true
			g.Radius = min(g.Radius, 4)
			out[i].thumbs = append(out[i].thumbs, glyphThumb{g})
		}
	}
	for _, b := range v.p.bands {
		if b.st.label != "" && !b.st.noLegend {
			out = append(out, legendEntry{label: b.st.label, thumbs: []plot.Thumbnailer{patchThumb{bandArt{v, b}.color()}}})
		}
	}
	return out
}

// planLegend sizes the legend and chooses its place for the current size
// of the data area: the spot asked for, or (LegendAuto) the first of the
// corners and edge middles that covers no data, else outside on the right.
func (v *view) planLegend() *legendPlan {
	if v.p.legend == LegendNone {
		return nil
	}
	entries := v.legendEntries()
	if len(entries) == 0 {
		return nil
	}
	sty := textStyle(sansFont, legendSize, textColor)
	var widest vg.Length
	for _, e := range entries {
		widest = max(widest, sty.Width(e.label))
	}
	lp := &legendPlan{entries: entries}
	lp.size = vg.Point{X: 2*legendPad + legendSwatch + widest, Y: 2*legendPad + vg.Length(len(entries))*legendRow - 2}
	w, h, m := lp.size.X, lp.size.Y, vg.Length(legendMargin)
	corners := map[LegendPos]vg.Point{
		LegendUpperRight: {X: v.pw - w - m, Y: v.ph - h - m},
		LegendUpperLeft:  {X: m, Y: v.ph - h - m},
		LegendLowerLeft:  {X: m, Y: m},
		LegendLowerRight: {X: v.pw - w - m, Y: m},
	}
	switch pos := v.p.legend; {
	case pos == LegendOutside:
		lp.outside = true
		return lp
	case pos != LegendAuto:
		lp.at = corners[pos]
		return lp
	case v.p.heat != nil: // a heatmap covers everything: keep to a corner
		lp.at = corners[LegendUpperRight]
		return lp
	case w > 0.6*v.pw || h > 0.85*v.ph:
		lp.outside = true
		return lp
	}
	for _, at := range []vg.Point{
		corners[LegendUpperRight], corners[LegendUpperLeft], corners[LegendLowerRight], corners[LegendLowerLeft],
		{X: v.pw - w - m, Y: (v.ph - h) / 2}, {X: m, Y: (v.ph - h) / 2},
		{X: (v.pw - w) / 2, Y: v.ph - h - m}, {X: (v.pw - w) / 2, Y: m},
	} {
		if !v.covers(vg.Rectangle{Min: at, Max: at.Add(lp.size)}, true, v.refLabels) {
			lp.at = at
			return lp
		}
	}
	// Nowhere free: outside (the upper right corner is kept in case the
	// layout made no room outside).
	lp.outside = true
	lp.at = corners[LegendUpperRight]
	return lp
}

// draw draws the legend box and hands the entries to gonum's plot.Legend.
func (lp *legendPlan) draw(dc draw.Canvas, v *view) {
	corner := v.data.Min.Add(lp.at)
	if lp.outside {
		corner = vg.Point{X: v.data.Max.X + v.axes[right] + legendOutsideGap, Y: v.data.Max.Y - lp.size.Y}
		if v.cbar != nil {
			corner.X += v.cbar.width(v.ph) - legendOutsideGap // the bar ends with a gap
		}
	}
	box := vg.Rectangle{Min: corner, Max: corner.Add(lp.size)}
	dc.SetColor(color.NRGBA{255, 255, 255, 224})
	dc.Fill(roundedRect(box, 3))
	dc.SetLineStyle(draw.LineStyle{Color: frameColor, Width: 0.8})
	dc.Stroke(roundedRect(box, 3))

	l := plot.NewLegend()
	l.TextStyle = textStyle(sansFont, legendSize, textColor)
	l.ThumbnailWidth = legendSwatch - l.TextStyle.Width(" ")
	l.Top, l.Left = true, true
	var entryH vg.Length // gonum spaces entries by its tallest text
	for _, e := range lp.entries {
		l.Add(e.label, e.thumbs...)
		entryH = max(entryH, l.TextStyle.Rectangle(e.label).Max.Y)
	}
	l.Padding = legendRow - entryH
	inner := dc
	inner.Rectangle = vg.Rectangle{
		Min: box.Min.Add(vg.Point{X: legendPad, Y: legendPad}),
		// gonum starts the first entry one font descent below the top.
		Max: box.Max.Sub(vg.Point{X: legendPad, Y: legendPad + (legendRow-entryH)/2 - l.TextStyle.FontExtents().Descent}),
	}
	l.Draw(inner)
}

// roundedRect is the outline of r with corners rounded by radius rad.
func roundedRect(r vg.Rectangle, rad vg.Length) vg.Path {
	const quarter = 3.141592653589793 / 2
	var p vg.Path
	p.Move(vg.Point{X: r.Min.X + rad, Y: r.Min.Y})
	p.Line(vg.Point{X: r.Max.X - rad, Y: r.Min.Y})
	p.Arc(vg.Point{X: r.Max.X - rad, Y: r.Min.Y + rad}, rad, -quarter, quarter)
	p.Line(vg.Point{X: r.Max.X, Y: r.Max.Y - rad})
	p.Arc(vg.Point{X: r.Max.X - rad, Y: r.Max.Y - rad}, rad, 0, quarter)
	p.Line(vg.Point{X: r.Min.X + rad, Y: r.Max.Y})
	p.Arc(vg.Point{X: r.Min.X + rad, Y: r.Max.Y - rad}, rad, quarter, quarter)
	p.Line(vg.Point{X: r.Min.X, Y: r.Min.Y + rad})
	p.Arc(vg.Point{X: r.Min.X + rad, Y: r.Min.Y + rad}, rad, 2*quarter, quarter)
	p.Close()
	return p
}

// Legend thumbnails (gonum plot.Thumbnailers), drawn in the left part of
// their canvas: gonum leaves only a space before the text.

const thumbGap = 4

type lineThumb struct{ sty draw.LineStyle }

func (t lineThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(t.sty, c.Min.X, y, c.Max.X-thumbGap, y)
}

type glyphThumb struct{ sty draw.GlyphStyle }

func (t glyphThumb) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(t.sty, vg.Point{X: (c.Min.X + c.Max.X - thumbGap) / 2, Y: c.Center().Y})
}

type patchThumb struct{ fill color.NRGBA }

func (t patchThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	r := vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: y - 5}, Max: vg.Point{X: c.Max.X - thumbGap, Y: y + 5}}
	fill := t.fill
	fill.A = uint8(min(255, 1.6*float64(fill.A)))
	c.SetColor(fill)
	c.Fill(r.Path())
	edge := t.fill
	edge.A = 128
	c.SetLineStyle(draw.LineStyle{Color: edge, Width: 0.8})
	c.Stroke(r.Path())
}
