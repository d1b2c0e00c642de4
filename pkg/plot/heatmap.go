package plot

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"math"
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
// ZRange); NaN cells are grey. A colour bar is drawn on the right. Lines,
// dots and reference lines may be drawn on top.
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
// Call it after Heatmap.
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

type colorbar struct {
	width float64
	z     axis
}

func (h *heatmap) measureColorbar(length float64) *colorbar {
	cb := &colorbar{}
	cb.z.lo, cb.z.hi = h.zRange()
	fitTicks(&cb.z, length, false)
	maxW := 0.0
	for _, tk := range cb.z.ticks.majors() {
		maxW = math.Max(maxW, textWidth(tk.label, tickFont))
	}
	cb.width = 12 + 12 + 7 + maxW + 6
	if h.zlabel != "" {
		cb.width += 20
	}
	return cb
}

func (h *heatmap) draw(b *svgBuilder, bx *box) {
	lo, hi := h.zRange()
	b.w(`<g shape-rendering="crispEdges">`, "\n")
	for i, row := range h.z {
		if len(row) == 0 {
			continue
		}
		dy := (h.y1 - h.y0) / float64(len(h.z))
		dx := (h.x1 - h.x0) / float64(len(row))
		ya, oka := bx.y.px(h.y0 + float64(i)*dy)
		yb, okb := bx.y.px(h.y0 + float64(i+1)*dy)
		if !oka || !okb {
			continue
		}
		for j, v := range row {
			xa, oka := bx.x.px(h.x0 + float64(j)*dx)
			xb, okb := bx.x.px(h.x0 + float64(j+1)*dx)
			if !oka || !okb {
				continue
			}
			fill := "#d0d0d0"
			if !math.IsNaN(v) {
				fill = viridisHex((v - lo) / (hi - lo))
			}
			// Slight overlap hides hairline seams between cells.
			b.rect(math.Min(xa, xb), math.Min(ya, yb), math.Abs(xb-xa)+0.3, math.Abs(yb-ya)+0.3, `fill="`+fill+`"`)
		}
	}
	b.w("</g>\n")
}

func (h *heatmap) drawColorbar(b *svgBuilder, bx *box) {
	cb := bx.cbar
	x := bx.px + bx.pw + 12
	y0, y1 := bx.py, bx.py+bx.ph
	cb.z.a, cb.z.b = y1, y0
	grad := idPlaceholder + fmt.Sprintf("-g%d-%d", bx.row, bx.col)
	b.w(`<linearGradient id="`, grad, `" x1="0" y1="1" x2="0" y2="0">`)
	for i := range 11 {
		t := float64(i) / 10
		b.w(`<stop offset="`, num(t), `" stop-color="`, viridisHex(t), `"/>`)
	}
	b.w("</linearGradient>\n")
	b.rect(x, y0, 12, bx.ph, `fill="url(#`+grad+`)" stroke="`+axisColor+`" stroke-width="0.8"`)
	for _, tk := range cb.z.ticks.majors() {
		py, ok := cb.z.px(tk.v)
		if !ok || py < y0-0.5 || py > y1+0.5 {
			continue
		}
		b.line(x+12, py, x+15, py, axisColor, 0.8, "")
		b.text(x+18, py+3.8, tk.label, tickFont, "start", textColor, "")
	}
	if note := cb.z.ticks.note; note != "" {
		b.text(x, y0-6, note, noteFont, "start", mutedColor, "")
	}
	if h.zlabel != "" {
		// Reads bottom to top like a y label; the glyphs extend left of the
		// rotated baseline.
		lx := x + cb.width - 12 - 6
		cy := (y0 + y1) / 2
		b.text(lx, cy, h.zlabel, labelFont, "middle", textColor,
			fmt.Sprintf(`transform="rotate(-90 %s %s)"`, num(lx), num(cy)))
	}
}

type imageGrid struct {
	imgs []image.Image
	cols int
}

// Images turns the panel into a grid of images (such as generated samples or
// learned filters) without axes, cols per row (0: chosen to make the images
// as large as possible). Images are embedded as PNG and drawn with sharp
// pixels. See GrayImage to make images from float slices.
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
		v := pix[i]
		g := 128.0
		if !math.IsNaN(v) {
			g = 255 * math.Max(0, math.Min(1, (v-lo)/(hi-lo)))
		}
		img.Pix[i] = uint8(g + 0.5)
	}
	return img
}

func (g *imageGrid) draw(b *svgBuilder, x0, y0, pw, ph float64) {
	n := len(g.imgs)
	if n == 0 {
		return
	}
	const gap = 3.0
	bounds := g.imgs[0].Bounds()
	aspect := 1.0 // height / width
	if bounds.Dx() > 0 && bounds.Dy() > 0 {
		aspect = float64(bounds.Dy()) / float64(bounds.Dx())
	}
	cellW := func(c int) float64 {
		r := (n + c - 1) / c
		w := (pw - gap*float64(c-1)) / float64(c)
		hMax := (ph - gap*float64(r-1)) / float64(r)
		return math.Min(w, hMax/aspect)
	}
	cols := g.cols
	if cols <= 0 {
		cols = 1
		for c := 2; c <= n; c++ {
			if cellW(c) > cellW(cols) {
				cols = c
			}
		}
	}
	rows := (n + cols - 1) / cols
	w := math.Max(cellW(cols), 1)
	h := w * aspect
	totalW := float64(cols)*w + gap*float64(cols-1)
	totalH := float64(rows)*h + gap*float64(rows-1)
	ox, oy := x0+(pw-totalW)/2, y0+(ph-totalH)/2
	for i, img := range g.imgs {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			continue
		}
		x := ox + float64(i%cols)*(w+gap)
		y := oy + float64(i/cols)*(h+gap)
		b.w(`<image x="`, num(x), `" y="`, num(y), `" width="`, num(w), `" height="`, num(h),
			`" preserveAspectRatio="none" image-rendering="optimizeSpeed" style="image-rendering:pixelated" href="data:image/png;base64,`,
			base64.StdEncoding.EncodeToString(buf.Bytes()), `"/>`, "\n")
		b.rect(x, y, w, h, `fill="none" stroke="#bbbbbb" stroke-width="0.5"`)
	}
}
