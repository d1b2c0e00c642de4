package plot

import (
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

type heatmap struct {
	z              [][]float64
	x0, x1, y0, y1 float64
	zlo, zhi       float64
	zset           bool
	zlabel         string
}

// Heatmap fills the panel with a colour-coded grid: z[i][j] is drawn as the
// cell x ∈ [x0 + j·dx, x0 + (j+1)·dx], y ∈ [y0 + i·dy, y0 + (i+1)·dy], so
// row 0 is at the bottom (y0) and dx, dy split [x0, x1] and [y0, y1] evenly.
// Colours follow viridis from the smallest to the largest finite value (or
// ZRange); NaN cells are grey, ±Inf cells take the end colours. A colour bar
// is drawn on the right. Lines, dots and reference lines may be drawn on
// top.
func (p *Panel) Heatmap(z [][]float64, x0, x1, y0, y1 float64) *Panel {
	h := &heatmap{x0: x0, x1: x1, y0: y0, y1: y1}
	for _, row := range z {
		h.z = append(h.z, append([]float64(nil), row...))
	}
	if p.heat != nil {
		h.zlo, h.zhi, h.zset, h.zlabel = p.heat.zlo, p.heat.zhi, p.heat.zset, p.heat.zlabel
	}
	p.heat = h
	return p
}

// ZRange fixes the values mapped to the ends of the heatmap's colour scale.
func (p *Panel) ZRange(lo, hi float64) *Panel {
	if p.heat == nil {
		p.heat = &heatmap{}
	}
	p.heat.zlo, p.heat.zhi, p.heat.zset = math.Min(lo, hi), math.Max(lo, hi), true
	return p
}

// ZLabel labels the heatmap's colour bar.
func (p *Panel) ZLabel(s string) *Panel {
	if p.heat == nil {
		p.heat = &heatmap{}
	}
	p.heat.zlabel = s
	return p
}

// zRange is the range of values the colour scale spans.
func (h *heatmap) zRange() (lo, hi float64) {
	if h.zset && h.zhi > h.zlo {
		return h.zlo, h.zhi
	}
	var r dataRange
	for _, row := range h.z {
		for _, v := range row {
			r = r.add(v)
		}
	}
	return finalRange(r, false, false, [2]float64{}, 0)
}

// colorAt is the colour of value v: viridis over [lo, hi], clamped, grey
// for NaN.
func colorAt(v, lo, hi float64) color.NRGBA {
	if math.IsNaN(v) {
		return nanColor
	}
	return viridisAt((v - lo) / (hi - lo))
}

// viridis is the perceptually uniform colour map of matplotlib, sampled at
// nine points (gonum's palettes do not include it).
var viridis = [][3]float64{
	{68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
	{39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37},
}

// viridisAt interpolates viridis linearly at t ∈ [0, 1] (clamped).
func viridisAt(t float64) color.NRGBA {
	t = math.Max(0, math.Min(1, t))
	x := t * float64(len(viridis)-1)
	i := min(int(x), len(viridis)-2)
	f := x - float64(i)
	mix := func(k int) uint8 { return uint8(viridis[i][k] + (viridis[i+1][k]-viridis[i][k])*f + 0.5) }
	return color.NRGBA{mix(0), mix(1), mix(2), 255}
}

// heatArt draws the heatmap as one image through gonum's plotter.Image: no
// seams between cells, and a small file however many cells.
type heatArt struct{ v *view }

func (a heatArt) Plot(c draw.Canvas, gp *plot.Plot) {
	img, area, ok := a.v.p.heat.cells(gp.X.Min, gp.X.Max, gp.Y.Min, gp.Y.Max)
	if !ok {
		return
	}
	x0, x1 := c.X(gp.X.Norm(area[0])), c.X(gp.X.Norm(area[1]))
	y0, y1 := c.Y(gp.Y.Norm(area[2])), c.Y(gp.Y.Norm(area[3]))
	px := sharpen(img, x1-x0, y1-y0)
	plotter.NewImage(px, area[0], area[2], area[1], area[3]).Plot(c, gp)
}

// cells returns the heatmap's cells that meet [xmin, xmax] × [ymin, ymax]
// as an image, one pixel per cell (z's row 0 at the bottom), and the area
// it covers (x0, x1, y0, y1; gonum's images are not clipped, so it is
// clamped to the ranges).
func (h *heatmap) cells(xmin, xmax, ymin, ymax float64) (img *image.NRGBA, area [4]float64, ok bool) {
	rows := len(h.z)
	if rows == 0 || len(h.z[0]) == 0 {
		return nil, area, false
	}
	cols := len(h.z[0])
	lo, hi := h.zRange()
	dx, dy := (h.x1-h.x0)/float64(cols), (h.y1-h.y0)/float64(rows)
	j0, j1 := visibleCells(h.x0, dx, cols, xmin, xmax)
	i0, i1 := visibleCells(h.y0, dy, rows, ymin, ymax)
	if j0 >= j1 || i0 >= i1 {
		return nil, area, false
	}
	img = image.NewNRGBA(image.Rect(0, 0, j1-j0, i1-i0))
	for i := i0; i < i1; i++ {
		for j := j0; j < j1; j++ {
			v := math.NaN()
			if j < len(h.z[i]) {
				v = h.z[i][j]
			}
			img.SetNRGBA(j-j0, i1-1-i, colorAt(v, lo, hi)) // image row 0 is the top
		}
	}
	clamp := func(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
	area = [4]float64{
		clamp(h.x0+float64(j0)*dx, xmin, xmax), clamp(h.x0+float64(j1)*dx, xmin, xmax),
		clamp(h.y0+float64(i0)*dy, ymin, ymax), clamp(h.y0+float64(i1)*dy, ymin, ymax),
	}
	return img, area, true
}

// visibleCells returns the cells [k0, k1) of n cells of width d starting at
// start that meet [lo, hi].
func visibleCells(start, d float64, n int, lo, hi float64) (k0, k1 int) {
	if d < 0 {
		return 0, 0
	}
	k0 = max(0, int(math.Floor((lo-start)/d+1e-9)))
	k1 = min(n, int(math.Ceil((hi-start)/d-1e-9)))
	return k0, k1
}

// sharpen enlarges a small image by whole factors (nearest neighbour) to
// about the size it is shown at, so that viewers, which smooth enlarged
// images, keep the cells sharp.
func sharpen(img image.Image, width, height vg.Length) image.Image {
	b := img.Bounds()
	fx := max(1, min(int(math.Ceil(float64(width)/float64(b.Dx()))), 2048/b.Dx()))
	fy := max(1, min(int(math.Ceil(float64(height)/float64(b.Dy()))), 2048/b.Dy()))
	if fx == 1 && fy == 1 {
		return img
	}
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx()*fx, b.Dy()*fy))
	for y := range out.Bounds().Dy() {
		for x := range out.Bounds().Dx() {
			out.Set(x, y, img.At(b.Min.X+x/fx, b.Min.Y+y/fy))
		}
	}
	return out
}

// colorBar is the scale beside a heatmap: a gradient strip with ticks and
// labels on its right, and the z label. Gonum's plotter.ColorBar is a plot
// of its own with its axis on the left; this one sits against the panel and
// shares its height.
type colorBar struct{ h *heatmap }

const (
	barGap   = 12 // between the panel's frame and the bar
	barWidth = 12
)

// ticks returns the labelled ticks over a bar of the given height, and the
// width of the widest label.
func (cb *colorBar) ticks(height vg.Length) (ticks []plot.Tick, widest vg.Length) {
	lo, hi := cb.h.zRange()
	t := ticker{vertical: true, length: height, label: tickStyle()}
	for _, tk := range t.Ticks(lo, hi) {
		if tk.Label != "" {
			ticks = append(ticks, tk)
			widest = max(widest, t.label.Width(tk.Label))
		}
	}
	return ticks, widest
}

// width is the room the bar takes right of the panel, with a gap after it.
func (cb *colorBar) width(height vg.Length) vg.Length {
	_, widest := cb.ticks(height)
	w := barGap + barWidth + 7 + widest + 12
	if cb.h.zlabel != "" {
		w += 6 + textStyle(sansFont, labelSize, textColor).Height(cb.h.zlabel)
	}
	return w
}

func (cb *colorBar) draw(dc draw.Canvas, v *view) {
	x := v.data.Max.X + v.axes[right] + barGap
	bar := vg.Rectangle{Min: vg.Point{X: x, Y: v.data.Min.Y}, Max: vg.Point{X: x + barWidth, Y: v.data.Max.Y}}
	gradient := image.NewNRGBA(image.Rect(0, 0, 1, 256))
	for i := range 256 {
		gradient.SetNRGBA(0, 255-i, viridisAt(float64(i)/255))
	}
	dc.DrawImage(bar, sharpen(gradient, barWidth, 1))
	line := draw.LineStyle{Color: axisColor, Width: 0.8}
	dc.SetLineStyle(line)
	dc.Stroke(bar.Path())
	lo, hi := cb.h.zRange()
	sty := tickStyle()
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	ticks, widest := cb.ticks(v.ph)
	for _, tk := range ticks {
		y := bar.Min.Y + vg.Length((tk.Value-lo)/(hi-lo))*bar.Size().Y
		dc.StrokeLine2(line, bar.Max.X, y, bar.Max.X+3, y)
		dc.FillText(sty, vg.Point{X: bar.Max.X + 6, Y: y}, tk.Label)
	}
	if cb.h.zlabel != "" {
		// As gonum draws a y-axis label: a quarter turn, reading upwards, the
		// glyphs left of the anchor.
		lsty := textStyle(sansFont, labelSize, textColor)
		lsty.XAlign, lsty.YAlign, lsty.Rotation = draw.XCenter, draw.YBottom, math.Pi/2
		x := bar.Max.X + 7 + widest + 6 + lsty.Height(cb.h.zlabel) - lsty.FontExtents().Descent
		dc.FillText(lsty, vg.Point{X: x, Y: (bar.Min.Y + bar.Max.Y) / 2}, cb.h.zlabel)
	}
}

type imageGrid struct {
	imgs []image.Image
	cols int
}

// Images turns the panel into a grid of images (such as generated samples or
// learned filters) without axes, cols per row (0: chosen to make the images
// as large as possible). Pixels stay sharp however much the images are
// enlarged. See GrayImage to make images from float slices.
func (p *Panel) Images(imgs []image.Image, cols int) *Panel {
	p.images = &imageGrid{imgs: append([]image.Image(nil), imgs...), cols: cols}
	return p
}

// GrayImage makes a grey-scale image from pix, width×height values in row
// order, mapping lo to black and hi to white (values outside are clamped).
// If lo ≥ hi, the smallest and largest finite values of pix are used. NaN
// pixels are drawn mid-grey.
func GrayImage(pix []float64, width, height int, lo, hi float64) image.Image {
	if lo >= hi {
		var r dataRange
		for _, v := range pix {
			r = r.add(v)
		}
		lo, hi = 0, 1
		if r.ok && r.hi > r.lo {
			lo, hi = r.lo, r.hi
		}
	}
	img := image.NewGray(image.Rect(0, 0, width, height))
	for i := 0; i < width*height && i < len(pix); i++ {
		g := 128.0
		if !math.IsNaN(pix[i]) {
			g = 255 * math.Max(0, math.Min(1, (pix[i]-lo)/(hi-lo)))
		}
		img.Pix[i] = uint8(g + 0.5)
	}
	return img
}

// draw lays the images out in area, as large as fits, with thin borders.
func (g *imageGrid) draw(dc draw.Canvas, area vg.Rectangle) {
	n := len(g.imgs)
	if n == 0 {
		return
	}
	const gap = 3.0
	aspect := 1.0 // height / width of the first image
	if b := g.imgs[0].Bounds(); b.Dx() > 0 && b.Dy() > 0 {
		aspect = float64(b.Dy()) / float64(b.Dx())
	}
	pw, ph := float64(area.Size().X), float64(area.Size().Y)
	cellWidth := func(cols int) float64 {
		rows := (n + cols - 1) / cols
		return math.Min((pw-gap*float64(cols-1))/float64(cols), (ph-gap*float64(rows-1))/float64(rows)/aspect)
	}
	cols := g.cols
	if cols <= 0 {
		cols = 1
		for c := 2; c <= n; c++ {
			if cellWidth(c) > cellWidth(cols) {
				cols = c
			}
		}
	}
	rows := (n + cols - 1) / cols
	w := math.Max(cellWidth(cols), 1)
	h := w * aspect
	x0 := float64(area.Min.X) + (pw-float64(cols)*w-gap*float64(cols-1))/2
	y1 := float64(area.Max.Y) - (ph-float64(rows)*h-gap*float64(rows-1))/2
	for i, img := range g.imgs {
		if img.Bounds().Empty() {
			continue
		}
		x := x0 + float64(i%cols)*(w+gap)
		y := y1 - float64(i/cols)*(h+gap) - h
		r := vg.Rectangle{Min: vg.Point{X: vg.Length(x), Y: vg.Length(y)}, Max: vg.Point{X: vg.Length(x + w), Y: vg.Length(y + h)}}
		dc.DrawImage(r, sharpen(img, r.Size().X, r.Size().Y))
		dc.SetLineStyle(draw.LineStyle{Color: frameColor, Width: 0.5})
		dc.Stroke(r.Path())
	}
}
