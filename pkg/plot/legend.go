package plot

import "math"

// rectF is an axis-aligned rectangle (x, y is the top-left corner).
type rectF struct{ x, y, w, h float64 }

func (r rectF) contains(x, y float64) bool {
	return x >= r.x && x <= r.x+r.w && y >= r.y && y <= r.y+r.h
}

func (r rectF) overlaps(o rectF) bool {
	return r.x < o.x+o.w && o.x < r.x+r.w && r.y < o.y+o.h && o.y < r.y+r.h
}

// segmentHits reports whether the segment (x0,y0)-(x1,y1) meets r
// (Liang–Barsky clipping).
func (r rectF) segmentHits(x0, y0, x1, y1 float64) bool {
	dx, dy := x1-x0, y1-y0
	t0, t1 := 0.0, 1.0
	for _, pq := range [4][2]float64{
		{-dx, x0 - r.x}, {dx, r.x + r.w - x0},
		{-dy, y0 - r.y}, {dy, r.y + r.h - y0},
	} {
		p, q := pq[0], pq[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / p
		if p < 0 {
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

type legendEntry struct {
	label  string
	color  string
	line   bool
	dash   string
	width  float64
	marker Marker
	radius float64
	patch  bool
	alpha  float64
}

type legendPlan struct {
	entries []legendEntry
	w, h    float64
	outside bool
	at      rectF // inside: relative to the plot area's top-left corner
}

// Legend geometry.
const (
	legPad    = 6.0
	legRow    = 16.0
	legSwatch = 22.0
	legGap    = 6.0
	legMargin = 6.0
)

// legendEntries collects the labelled series (a line and dots with the same
// label make one entry) and labelled bands of a panel.
func legendEntries(f *Figure, bx *box) []legendEntry {
	var out []legendEntry
	index := map[string]int{}
	for _, s := range bx.p.series {
		if s.label == "" || s.st.noLegend {
			continue
		}
		i, ok := index[s.label]
		if !ok {
			i = len(out)
			index[s.label] = i
			out = append(out, legendEntry{label: s.label, color: bx.seriesColor(f, s)})
		}
		e := &out[i]
		if s.kind == lineKind {
			if !e.line {
				e.line, e.dash, e.width = true, s.st.dash, s.st.width
			}
			if s.st.marker != NoMarker && e.marker == NoMarker {
				e.marker, e.radius = s.st.marker, s.st.size
			}
		} else if e.marker == NoMarker {
			e.marker, e.radius = s.st.marker, s.st.size
			if e.marker == NoMarker {
				e.marker = Circle
			}
		}
	}
	for _, bd := range bx.p.bands {
		if bd.st.label == "" || bd.st.noLegend {
			continue
		}
		out = append(out, legendEntry{label: bd.st.label, color: f.resolveColor(bd.st, bandColor), patch: true, alpha: bd.st.opacity})
	}
	return out
}

// planLegend sizes a panel's legend and chooses its place.
func planLegend(f *Figure, bx *box) *legendPlan {
	pos := bx.p.legend
	if pos == LegendNone {
		return nil
	}
	entries := legendEntries(f, bx)
	if len(entries) == 0 {
		return nil
	}
	maxW := 0.0
	for _, e := range entries {
		maxW = math.Max(maxW, textWidth(e.label, legendFont))
	}
	lp := &legendPlan{
		entries: entries,
		w:       legPad + legSwatch + legGap + maxW + legPad,
		h:       2*legPad + float64(len(entries))*legRow - 2,
	}
	pw, ph := bx.pw, bx.ph
	m := legMargin
	corners := map[LegendPos]rectF{
		LegendUpperRight: {pw - lp.w - m, m, lp.w, lp.h},
		LegendUpperLeft:  {m, m, lp.w, lp.h},
		LegendLowerLeft:  {m, ph - lp.h - m, lp.w, lp.h},
		LegendLowerRight: {pw - lp.w - m, ph - lp.h - m, lp.w, lp.h},
	}
	switch pos {
	case LegendOutside:
		lp.outside = true
		return lp
	case LegendUpperRight, LegendUpperLeft, LegendLowerLeft, LegendLowerRight:
		lp.at = corners[pos]
		return lp
	}
	// Auto: the first spot that covers nothing, else outside.
	if bx.p.heat != nil {
		// A heatmap covers everything: keep the legend in its corner.
		lp.at = corners[LegendUpperRight]
		return lp
	}
	if lp.w > 0.6*pw || lp.h > 0.85*ph {
		lp.outside = true
		return lp
	}
	candidates := []rectF{
		corners[LegendUpperRight], corners[LegendUpperLeft],
		corners[LegendLowerRight], corners[LegendLowerLeft],
		{pw - lp.w - m, (ph - lp.h) / 2, lp.w, lp.h},
		{m, (ph - lp.h) / 2, lp.w, lp.h},
		{(pw - lp.w) / 2, m, lp.w, lp.h},
		{(pw - lp.w) / 2, ph - lp.h - m, lp.w, lp.h},
	}
	for _, c := range candidates {
		if !bx.covers(c) {
			lp.at = c
			return lp
		}
	}
	lp.outside = true
	return lp
}

// covers reports whether anything drawn in the panel (series, reference
// lines and their labels) meets r, given in pixels relative to the plot
// area's top-left corner for the current plot size.
func (bx *box) covers(r rectF) bool {
	pw, ph := bx.pw, bx.ph
	// A little slack so that lines do not graze the legend's border.
	grown := rectF{r.x - 2, r.y - 2, r.w + 4, r.h + 4}
	pos := func(x, y float64) (float64, float64, bool) {
		tx, okx := bx.x.frac(x)
		ty, oky := bx.y.frac(y)
		return tx * pw, (1 - ty) * ph, okx && oky
	}
	for _, s := range bx.p.series {
		hasLine := s.kind == lineKind
		hasMarks := s.kind == dotsKind || s.st.marker != NoMarker
		havePrev := false
		var lx, ly float64
		for i := range s.xs {
			x, y, ok := pos(s.xs[i], s.ys[i])
			if !ok {
				havePrev = false
				continue
			}
			if hasMarks && grown.contains(x, y) {
				return true
			}
			if hasLine {
				if havePrev && grown.segmentHits(lx, ly, x, y) {
					return true
				}
				if !havePrev && grown.contains(x, y) {
					return true
				}
			}
			lx, ly, havePrev = x, y, true
		}
	}
	for _, rl := range bx.p.refs {
		if rl.vertical {
			if t, ok := bx.x.frac(rl.v); ok && grown.segmentHits(t*pw, 0, t*pw, ph) {
				return true
			}
		} else if t, ok := bx.y.frac(rl.v); ok && grown.segmentHits(0, (1-t)*ph, pw, (1-t)*ph) {
			return true
		}
		if _, _, _, lr, ok := bx.refLabelBox(rl); ok && grown.overlaps(lr) {
			return true
		}
	}
	return false
}

func (lp *legendPlan) draw(b *svgBuilder, bx *box) {
	var x, y float64
	if lp.outside {
		x, y = bx.px+bx.pw+12, bx.py
		if bx.cbar != nil {
			x += bx.cbar.width
		}
	} else {
		x, y = bx.px+lp.at.x, bx.py+lp.at.y
	}
	b.rect(x, y, lp.w, lp.h, `rx="3" fill="white" fill-opacity="0.88" stroke="#cccccc" stroke-width="0.8"`)
	for i, e := range lp.entries {
		cy := y + legPad + float64(i)*legRow + legRow/2 - 1
		sx0, sx1 := x+legPad, x+legPad+legSwatch
		switch {
		case e.patch:
			a := e.alpha
			if a <= 0 {
				a = 0.16
			}
			b.rect(sx0, cy-5, legSwatch, 10, `fill="`+e.color+`" fill-opacity="`+num(math.Min(1, a*1.6))+`" stroke="`+e.color+`" stroke-opacity="0.5" stroke-width="0.8"`)
		default:
			if e.line {
				w := e.width
				if w <= 0 {
					w = 1.6
				}
				extra := ""
				if e.dash != "" {
					extra = `stroke-dasharray="` + e.dash + `"`
				}
				b.line(sx0, cy, sx1, cy, e.color, math.Max(w, 1.6), extra)
			}
			if e.marker != NoMarker {
				r := e.radius
				if r <= 0 {
					r = 3
				}
				b.marker(e.marker, (sx0+sx1)/2, cy, math.Min(r, 4), e.color)
			}
		}
		b.text(sx1+legGap, cy+3.8, e.label, legendFont, "start", textColor, "")
	}
}
