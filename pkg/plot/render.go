package plot

import (
	"fmt"
	"hash/fnv"
	"math"
	"strings"
)

// axis maps data values to pixels.
type axis struct {
	log    bool
	lo, hi float64 // data-space limits (both > 0 on a log axis)
	a, b   float64 // pixel positions of lo and hi
	ticks  axisTicks
}

// frac maps v to [0, 1] over the axis range (outside values go beyond); ok
// is false for values that cannot be drawn (NaN, ±Inf, ≤ 0 on a log axis).
func (ax *axis) frac(v float64) (float64, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	lo, hi := ax.lo, ax.hi
	if ax.log {
		if v <= 0 {
			return 0, false
		}
		v, lo, hi = math.Log10(v), math.Log10(lo), math.Log10(hi)
	}
	if hi == lo {
		return 0.5, true
	}
	return (v - lo) / (hi - lo), true
}

// px maps v to a pixel coordinate.
func (ax *axis) px(v float64) (float64, bool) {
	t, ok := ax.frac(v)
	return ax.a + t*(ax.b-ax.a), ok
}

// valid reports whether v can be drawn on this axis.
func (ax *axis) valid(v float64) bool {
	_, ok := ax.frac(v)
	return ok
}

// box is the layout of one panel.
type box struct {
	p                      *Panel
	row, col               int
	x, y                   axis
	showXTicks, showXLabel bool
	xlabel                 string
	leg                    *legendPlan
	cbar                   *colorbar
	top, bottom            float64 // margins around the plot area
	left, right            float64
	px, py, pw, ph         float64 // plot area
	colLeft                float64 // left margin of the panel's column
}

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

// SVG renders the figure as a self-contained SVG document.
func (f *Figure) SVG() string {
	rows, cols := f.gridShape()
	titleH := 0.0
	if f.title != "" {
		titleH = 32
	}
	W := float64(f.width)
	if W <= 0 {
		W = 720
	}
	H := float64(f.height)
	if H <= 0 {
		H = titleH + math.Max(360, 220*float64(rows))
	}
	boxes := make([]*box, len(f.panels))
	for i, p := range f.panels {
		boxes[i] = &box{p: p, row: i / cols, col: i % cols, xlabel: p.xlabel}
	}
	f.setRanges(boxes, cols)

	// Lay out twice: tick labels and legends depend on the plot size, which
	// depends on the margins they need.
	pw := W/float64(cols) - 100
	ph := (H-titleH)/float64(rows) - 70
	for _, bx := range boxes {
		bx.pw, bx.ph = math.Max(pw, 40), math.Max(ph, 30)
	}
	for range 2 {
		for _, bx := range boxes {
			bx.measure(f)
		}
		lefts, rights := make([]float64, cols), make([]float64, cols)
		tops, bottoms := make([]float64, rows), make([]float64, rows)
		for _, bx := range boxes {
			lefts[bx.col] = math.Max(lefts[bx.col], bx.left)
			rights[bx.col] = math.Max(rights[bx.col], bx.right)
			tops[bx.row] = math.Max(tops[bx.row], bx.top)
			bottoms[bx.row] = math.Max(bottoms[bx.row], bx.bottom)
		}
		sumW, sumH := 0.0, 0.0
		for c := range cols {
			if lefts[c] == 0 {
				lefts[c], rights[c] = 10, 10
			}
			sumW += lefts[c] + rights[c]
		}
		for r := range rows {
			if tops[r] == 0 {
				tops[r], bottoms[r] = 10, 10
			}
			sumH += tops[r] + bottoms[r]
		}
		pw = math.Max((W-sumW)/float64(cols), 20)
		ph = math.Max((H-titleH-sumH)/float64(rows), 20)
		for _, bx := range boxes {
			x := 0.0
			for c := 0; c < bx.col; c++ {
				x += lefts[c] + pw + rights[c]
			}
			y := titleH
			for r := 0; r < bx.row; r++ {
				y += tops[r] + ph + bottoms[r]
			}
			bx.px, bx.py = x+lefts[bx.col], y+tops[bx.row]
			bx.pw, bx.ph = pw, ph
			bx.colLeft = lefts[bx.col]
		}
	}

	var b svgBuilder
	b.w(`<rect width="100%" height="100%" fill="white"/>`, "\n")
	if f.title != "" {
		b.text(W/2, 22, f.title, titleFont, "middle", textColor, `font-weight="600"`)
	}
	for i, bx := range boxes {
		bx.draw(&b, f, i)
	}
	body := b.String()
	h := fnv.New64a()
	h.Write([]byte(body))
	id := fmt.Sprintf("tl%012x", h.Sum64()&0xffffffffffff)
	body = strings.ReplaceAll(body, idPlaceholder, id)

	var out strings.Builder
	fmt.Fprintf(&out, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s" style="max-width:100%%;height:auto">`+"\n",
		num(W), num(H), num(W), num(H), fontFamily)
	if f.title != "" {
		fmt.Fprintf(&out, "<title>%s</title>\n", esc(f.title))
	}
	out.WriteString(body)
	out.WriteString("</svg>\n")
	return out.String()
}

// setRanges computes each panel's axis limits, sharing x ranges down the
// columns when asked to.
func (f *Figure) setRanges(boxes []*box, cols int) {
	share := cols == 1 && len(boxes) > 1
	if f.shareX != nil {
		share = *f.shareX
	}
	for _, bx := range boxes {
		p := bx.p
		bx.x.log, bx.y.log = p.xlog, p.ylog
		bx.showXTicks, bx.showXLabel = true, p.xlabel != ""
		if !p.isAxes() {
			continue
		}
		bx.x.lo, bx.x.hi = finalRange(p.dataRange(true), p.xlog, p.xset, p.xrange, p.xPad())
		bx.y.lo, bx.y.hi = finalRange(p.dataRange(false), p.ylog, p.yset, p.yrange, p.yPad())
	}
	if !share {
		return
	}
	for c := range cols {
		var col []*box
		for _, bx := range boxes {
			if bx.col == c && bx.p.isAxes() {
				col = append(col, bx)
			}
		}
		if len(col) < 2 {
			continue
		}
		xlog := col[0].p.xlog
		same := true
		for _, bx := range col {
			same = same && bx.p.xlog == xlog
		}
		if !same {
			continue
		}
		var r dataRange
		var fixed *Panel
		for _, bx := range col {
			r = r.union(bx.p.dataRange(true))
			if bx.p.xset && fixed == nil {
				fixed = bx.p
			}
		}
		var lo, hi float64
		if fixed != nil {
			lo, hi = finalRange(r, xlog, true, fixed.xrange, 0)
		} else {
			lo, hi = finalRange(r, xlog, false, [2]float64{}, col[0].p.xPad())
		}
		xlabel := ""
		for _, bx := range col {
			if xlabel == "" {
				xlabel = bx.p.xlabel
			}
		}
		last := col[len(col)-1]
		if last.p.xlabel != "" {
			xlabel = last.p.xlabel
		}
		for _, bx := range col {
			bx.x.lo, bx.x.hi = lo, hi
			bx.showXTicks = bx == last
			bx.showXLabel = bx == last && xlabel != ""
			bx.xlabel = xlabel
		}
	}
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
// of series (only those drawable on both axes), reference lines and bands.
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
			x, y := s.xs[i], s.ys[i]
			if !drawable(x, p.xlog) || !drawable(y, p.ylog) {
				continue
			}
			if xAxis {
				r = r.add(x)
			} else {
				r = r.add(y)
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
	if h := p.heat; h != nil {
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

// Padding around the data, as a fraction of the span: a little on x (step
// axes start near the frame), more on y.
func (p *Panel) xPad() float64 {
	if p.heat != nil {
		return 0
	}
	return 0.02
}

func (p *Panel) yPad() float64 {
	if p.heat != nil {
		return 0
	}
	return 0.06
}

// finalRange turns a data range into axis limits: the user's limits if set,
// widened when degenerate, padded by pad × span (in log space on log axes).
func finalRange(r dataRange, log, set bool, user [2]float64, pad float64) (lo, hi float64) {
	if set {
		lo, hi = math.Min(user[0], user[1]), math.Max(user[0], user[1])
		if log && !(lo > 0) {
			if r.ok {
				lo = r.lo
			} else {
				lo = hi / 10
			}
		}
		if drawable(lo, log) && drawable(hi, log) && hi > lo {
			return lo, hi
		}
	}
	if !r.ok {
		if log {
			return 1, 10
		}
		return 0, 1
	}
	lo, hi = r.lo, r.hi
	if log {
		a, b := math.Log10(lo), math.Log10(hi)
		if b-a < 1e-9 {
			a, b = a-0.5, b+0.5
		} else {
			d := (b - a) * pad
			a, b = a-d, b+d
		}
		return math.Pow(10, a), math.Pow(10, b)
	}
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

// fitTicks chooses ticks for ax over a length of pixels, as many as fit
// without labels colliding.
func fitTicks(ax *axis, length float64, horizontal bool) {
	// Pixels per labelled tick to aim for; the loop below thins the ticks
	// further if their labels would collide.
	perTick := map[[2]bool]float64{
		{false, false}: 32, // vertical, linear
		{false, true}:  26, // vertical, log
		{true, false}:  70, // horizontal, linear
		{true, true}:   40, // horizontal, log
	}[[2]bool{horizontal, ax.log}]
	target := min(max(int(length/perTick), 2), 10)
	for {
		var t axisTicks
		if ax.log {
			t = logTicks(ax.lo, ax.hi, target)
		} else {
			t = linearTicks(ax.lo, ax.hi, target)
		}
		ax.ticks = t
		majors := t.majors()
		if target <= 2 || len(majors) < 2 {
			return
		}
		need := tickFont * 1.7
		if horizontal {
			need = 0
			for _, tk := range majors {
				need = math.Max(need, textWidth(tk.label, tickFont))
			}
			need += 12
		}
		gap := math.Inf(1)
		for i := 1; i < len(majors); i++ {
			f0, _ := ax.frac(majors[i-1].v)
			f1, _ := ax.frac(majors[i].v)
			gap = math.Min(gap, math.Abs(f1-f0)*length)
		}
		if gap >= need {
			return
		}
		target--
	}
}

// measure computes ticks, legend and margins for the current plot size.
func (bx *box) measure(f *Figure) {
	p := bx.p
	bx.top = 10
	if p.title != "" {
		bx.top = 30
	}
	if !p.isAxes() {
		bx.left, bx.right, bx.bottom = 8, 8, 8
		return
	}
	fitTicks(&bx.x, bx.pw, true)
	fitTicks(&bx.y, bx.ph, false)
	if bx.y.ticks.note != "" && p.title == "" {
		bx.top = 24
	}
	// Left: y tick labels, then the y label.
	maxY := 0.0
	for _, tk := range bx.y.ticks.majors() {
		maxY = math.Max(maxY, textWidth(tk.label, tickFont))
	}
	bx.left = 10 + maxY + 9
	if p.ylabel != "" {
		bx.left += 20
	}
	// Bottom: x tick labels, then the x label (or the x note).
	switch {
	case bx.showXLabel || (bx.showXTicks && bx.x.ticks.note != ""):
		bx.bottom = 44
	case bx.showXTicks:
		bx.bottom = 26
	default:
		bx.bottom = 10
	}
	// Right: half of the last x tick label may stick out.
	bx.right = 14
	if majors := bx.x.ticks.majors(); bx.showXTicks && len(majors) > 0 {
		last := majors[len(majors)-1]
		if t, _ := bx.x.frac(last.v); t > 0.97 {
			bx.right = math.Max(bx.right, textWidth(last.label, tickFont)/2+4)
		}
	}
	if p.heat != nil {
		bx.cbar = p.heat.measureColorbar(bx.ph)
		bx.right += bx.cbar.width
	}
	bx.leg = planLegend(f, bx)
	if bx.leg != nil && bx.leg.outside {
		bx.right += bx.leg.w + 12
	}
}

// draw writes the panel's SVG.
func (bx *box) draw(b *svgBuilder, f *Figure, idx int) {
	p := bx.p
	x0, y0, x1, y1 := bx.px, bx.py, bx.px+bx.pw, bx.py+bx.ph
	if p.title != "" {
		b.text((x0+x1)/2, y0-9, p.title, panelFont, "middle", textColor, `font-weight="600"`)
	}
	if !p.isAxes() {
		p.images.draw(b, x0, y0, bx.pw, bx.ph)
		return
	}
	bx.x.a, bx.x.b = x0, x1
	bx.y.a, bx.y.b = y1, y0
	clip := fmt.Sprintf("%s-c%d", idPlaceholder, idx)
	b.w(`<clipPath id="`, clip, `"><rect x="`, num(x0), `" y="`, num(y0), `" width="`, num(bx.pw), `" height="`, num(bx.ph), `"/></clipPath>`, "\n")

	// Grid lines at the labelled ticks.
	b.w(`<g stroke="`, gridColor, `" stroke-width="0.8">`, "\n")
	for _, tk := range bx.x.ticks.ticks {
		if px, ok := bx.x.px(tk.v); ok && !tk.minor && px > x0+0.5 && px < x1-0.5 {
			b.w(`<line x1="`, num(px), `" y1="`, num(y0), `" x2="`, num(px), `" y2="`, num(y1), `"/>`, "\n")
		}
	}
	for _, tk := range bx.y.ticks.ticks {
		if py, ok := bx.y.px(tk.v); ok && !tk.minor && py > y0+0.5 && py < y1-0.5 {
			b.w(`<line x1="`, num(x0), `" y1="`, num(py), `" x2="`, num(x1), `" y2="`, num(py), `"/>`, "\n")
		}
	}
	b.w("</g>\n")

	b.w(`<g clip-path="url(#`, clip, `)">`, "\n")
	if p.heat != nil {
		p.heat.draw(b, bx)
	}
	for _, bd := range p.bands {
		bx.drawBand(b, f, bd)
	}
	for _, rl := range p.refs {
		bx.drawRef(b, f, rl)
	}
	for _, s := range p.series {
		bx.drawSeries(b, f, s)
	}
	b.w("</g>\n")
	for _, rl := range p.refs {
		bx.drawRefLabel(b, f, rl)
	}

	// Frame and ticks.
	b.rect(x0, y0, bx.pw, bx.ph, `fill="none" stroke="`+axisColor+`" stroke-width="0.9"`)
	b.w(`<g stroke="`, axisColor, `" stroke-width="0.8">`, "\n")
	for _, tk := range bx.x.ticks.ticks {
		px, ok := bx.x.px(tk.v)
		if !ok || px < x0-0.5 || px > x1+0.5 {
			continue
		}
		l := 4.0
		if tk.minor {
			l = 2.5
		}
		b.w(`<line x1="`, num(px), `" y1="`, num(y1), `" x2="`, num(px), `" y2="`, num(y1+l), `"/>`, "\n")
	}
	for _, tk := range bx.y.ticks.ticks {
		py, ok := bx.y.px(tk.v)
		if !ok || py < y0-0.5 || py > y1+0.5 {
			continue
		}
		l := 4.0
		if tk.minor {
			l = 2.5
		}
		b.w(`<line x1="`, num(x0-l), `" y1="`, num(py), `" x2="`, num(x0), `" y2="`, num(py), `"/>`, "\n")
	}
	b.w("</g>\n")
	if bx.showXTicks {
		for _, tk := range bx.x.ticks.majors() {
			if px, ok := bx.x.px(tk.v); ok && px >= x0-0.5 && px <= x1+0.5 {
				b.text(px, y1+17, tk.label, tickFont, "middle", textColor, "")
			}
		}
		if note := bx.x.ticks.note; note != "" {
			b.text(x1, y1+36, note, noteFont, "end", mutedColor, "")
		}
	}
	for _, tk := range bx.y.ticks.majors() {
		if py, ok := bx.y.px(tk.v); ok && py >= y0-0.5 && py <= y1+0.5 {
			b.text(x0-7, py+3.8, tk.label, tickFont, "end", textColor, "")
		}
	}
	if note := bx.y.ticks.note; note != "" {
		b.text(x0, y0-6, note, noteFont, "start", mutedColor, "")
	}
	if bx.showXLabel {
		b.text((x0+x1)/2, y1+36, bx.xlabel, labelFont, "middle", textColor, "")
	}
	if p.ylabel != "" {
		// Rotated text extends left of its baseline: align the labels of a
		// column at the column's left edge.
		lx := x0 - bx.colLeft + 21
		cy := (y0 + y1) / 2
		b.text(lx, cy, p.ylabel, labelFont, "middle", textColor,
			fmt.Sprintf(`transform="rotate(-90 %s %s)"`, num(lx), num(cy)))
	}
	if bx.cbar != nil {
		p.heat.drawColorbar(b, bx)
	}
	if bx.leg != nil {
		bx.leg.draw(b, bx)
	}
}

// resolveColor returns the colour for a style, falling back to def.
func (f *Figure) resolveColor(st style, def string) string {
	if st.color != "" {
		return st.color
	}
	if st.colorOf != "" {
		if c, ok := f.colors[st.colorOf]; ok {
			return c
		}
	}
	return def
}

func (bx *box) seriesColor(f *Figure, s *series) string {
	if s.st.colorOf != "" {
		return f.resolveColor(s.st, refColor)
	}
	return s.color
}

func (bx *box) drawSeries(b *svgBuilder, f *Figure, s *series) {
	color := bx.seriesColor(f, s)
	opacity := ""
	if s.st.opacity > 0 && s.st.opacity < 1 {
		opacity = num(s.st.opacity)
	}
	x0, y0, x1, y1 := bx.px, bx.py, bx.px+bx.pw, bx.py+bx.ph
	inside := func(px, py, m float64) bool {
		return px >= x0-m && px <= x1+m && py >= y0-m && py <= y1+m
	}
	if s.kind == lineKind {
		width := s.st.width
		if width <= 0 {
			width = 1.6
		}
		d := bx.linePath(s)
		if d != "" {
			b.w(`<path d="`, d, `" fill="none" stroke="`, color, `" stroke-width="`, num(width),
				`" stroke-linejoin="round" stroke-linecap="round"`)
			if s.st.dash != "" {
				b.w(` stroke-dasharray="`, s.st.dash, `"`)
			}
			if opacity != "" {
				b.w(` stroke-opacity="`, opacity, `"`)
			}
			b.w("/>\n")
		}
		if s.st.marker == NoMarker {
			return
		}
	}
	m := s.st.marker
	if m == NoMarker {
		m = Circle
	}
	r := s.st.size
	if r <= 0 {
		r = 2.6
		if s.kind == lineKind {
			r = 3
		}
	}
	b.w(`<g`)
	if opacity != "" {
		b.w(` fill-opacity="`, opacity, `"`)
	}
	b.w(">\n")
	for i := range s.xs {
		px, okx := bx.x.px(s.xs[i])
		py, oky := bx.y.px(s.ys[i])
		if okx && oky && inside(px, py, r) {
			b.marker(m, px, py, r, color)
		}
	}
	b.w("</g>\n")
}

// linePath returns the SVG path data of a line series: one subpath per run
// of drawable points. Consecutive points that fall in the same half-pixel
// column are reduced to the first, lowest, highest and last of them, which
// draws the same picture with a few points per column however long the run.
func (bx *box) linePath(s *series) string {
	var d strings.Builder
	type pt struct {
		i      int
		px, py float64
	}
	var bucket [4]pt // first, lowest, highest, last
	key, have, pen := 0, false, false
	flush := func() {
		if !have {
			return
		}
		pts := bucket[:]
		// Emit in data order, without repeats.
		for k := 1; k < len(pts); k++ {
			for j := k; j > 0 && pts[j].i < pts[j-1].i; j-- {
				pts[j], pts[j-1] = pts[j-1], pts[j]
			}
		}
		last := -1
		for _, p := range pts {
			if p.i == last {
				continue
			}
			last = p.i
			if !pen {
				d.WriteString("M")
				pen = true
			} else {
				d.WriteString("L")
			}
			d.WriteString(num(p.px) + " " + num(p.py))
		}
		have = false
	}
	for i := range s.xs {
		px, okx := bx.x.px(s.xs[i])
		py, oky := bx.y.px(s.ys[i])
		if !okx || !oky {
			flush()
			pen = false
			continue
		}
		p := pt{i, px, py}
		k := int(math.Floor(px * 2))
		if have && k == key {
			if py > bucket[1].py {
				bucket[1] = p
			}
			if py < bucket[2].py {
				bucket[2] = p
			}
			bucket[3] = p
			continue
		}
		flush()
		bucket = [4]pt{p, p, p, p}
		key, have = k, true
	}
	flush()
	return d.String()
}

func (bx *box) drawBand(b *svgBuilder, f *Figure, bd band) {
	color := f.resolveColor(bd.st, bandColor)
	op := bd.st.opacity
	if op <= 0 {
		op = 0.16
	}
	if bd.vertical {
		a, oka := bx.x.px(bd.lo)
		c, okc := bx.x.px(bd.hi)
		if !oka {
			a = bx.px
		}
		if !okc {
			return
		}
		b.rect(math.Min(a, c), bx.py, math.Abs(c-a), bx.ph, `fill="`+color+`" fill-opacity="`+num(op)+`"`)
		return
	}
	a, oka := bx.y.px(bd.lo)
	c, okc := bx.y.px(bd.hi)
	if !oka {
		a = bx.py + bx.ph
	}
	if !okc {
		return
	}
	b.rect(bx.px, math.Min(a, c), bx.pw, math.Abs(c-a), `fill="`+color+`" fill-opacity="`+num(op)+`"`)
}

func (bx *box) drawRef(b *svgBuilder, f *Figure, rl refLine) {
	color := f.resolveColor(rl.st, refColor)
	width := rl.st.width
	if width <= 0 {
		width = 1.2
	}
	extra := ""
	if rl.st.dash != "" {
		extra = `stroke-dasharray="` + rl.st.dash + `"`
	}
	if rl.st.opacity > 0 && rl.st.opacity < 1 {
		extra += ` stroke-opacity="` + num(rl.st.opacity) + `"`
	}
	if rl.vertical {
		if px, ok := bx.x.px(rl.v); ok {
			b.line(px, bx.py, px, bx.py+bx.ph, color, width, extra)
		}
		return
	}
	if py, ok := bx.y.px(rl.v); ok {
		b.line(bx.px, py, bx.px+bx.pw, py, color, width, extra)
	}
}

// refLabelBox returns where a reference line's label goes (baseline x, y,
// anchor) and its bounding box relative to the plot area's top-left corner,
// or ok=false when the line is not visible or has no label.
func (bx *box) refLabelBox(rl refLine) (x, y float64, anchor string, r rectF, ok bool) {
	if rl.st.label == "" {
		return
	}
	w := textWidth(rl.st.label, refLabelFont)
	h := refLabelFont * 1.2
	if rl.vertical {
		t, vok := bx.x.frac(rl.v)
		if !vok || t < 0 || t > 1 {
			return
		}
		lx := t * bx.pw
		y = 14
		if lx+4+w <= bx.pw-2 {
			x, anchor = lx+4, "start"
			r = rectF{x, y - h + 2, w, h}
		} else {
			x, anchor = lx-4, "end"
			r = rectF{x - w, y - h + 2, w, h}
		}
		return x, y, anchor, r, true
	}
	t, vok := bx.y.frac(rl.v)
	if !vok || t < 0 || t > 1 {
		return
	}
	ly := (1 - t) * bx.ph
	x, anchor = bx.pw-5, "end"
	y = ly - 4
	if y-h < 0 {
		y = ly + h
	}
	r = rectF{x - w, y - h + 2, w, h}
	return x, y, anchor, r, true
}

func (bx *box) drawRefLabel(b *svgBuilder, f *Figure, rl refLine) {
	x, y, anchor, _, ok := bx.refLabelBox(rl)
	if !ok {
		return
	}
	color := f.resolveColor(rl.st, refColor)
	b.text(bx.px+x, bx.py+y, rl.st.label, refLabelFont, anchor, color,
		`stroke="white" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`)
}
