package plot

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// size returns the figure's size in pixels.
func (f *Figure) size() (width, height vg.Length) {
	rows, _ := f.gridShape()
	width, height = vg.Length(f.width), vg.Length(f.height)
	if width <= 0 {
		width = 720
	}
	if height <= 0 {
		height = vg.Length(math.Max(360, 220*float64(rows)))
		if f.title != "" {
			height += 32
		}
	}
	return width, height
}

// SVG renders the figure as a self-contained SVG document: drawn by gonum
// on its vgsvg canvas, then finished by finishSVG.
func (f *Figure) SVG() string {
	width, height := f.size()
	c := vgsvg.New(width, height)
	f.draw(c, width, height)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil { // cannot fail on a bytes.Buffer
		f.setErr(fmt.Errorf("plot: writing SVG: %w", err))
	}
	return finishSVG(buf.String(), width, height, f.title)
}

// fontFamily is the font list written into the SVG. gonum measures text with
// Liberation Sans, which has the same glyph widths as Arimo, Arial and
// Helvetica, so that any of them fills exactly the room the layout made.
const fontFamily = `'Liberation Sans',Arimo,Arial,Helvetica,sans-serif`

// finishSVG adapts gonum's SVG document to notebooks, READMEs and browsers,
// in textual edits (vgsvg has no options for them):
//   - the root element: sized in pixels (vgsvg writes points, which would
//     show the figure a third larger than its size), scaling down to the
//     width of a notebook cell, with the title as a <title>, lines joined
//     round, and without the XML prolog (the SVG goes inline in HTML);
//   - the font: the Liberation Sans gonum measured, then the faces with the
//     same metrics (fontFamily), instead of Liberation Sans alone;
//   - images: labelled PNG, which is what vgsvg encodes (it says JPEG), and
//     stretched to the rectangle they are drawn in (SVG's default, which
//     vgsvg keeps, is to keep their aspect ratio and leave the rest blank).
func finishSVG(doc string, width, height vg.Length, title string) string {
	body := doc
	if i := strings.Index(doc, "<svg"); i >= 0 {
		if j := strings.Index(doc[i:], ">"); j >= 0 {
			body = doc[i+j+1:]
		}
	}
	var b strings.Builder
	w, h := float64(width), float64(height)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" `+
		`width="%g" height="%g" viewBox="0 0 %g %g" stroke-linejoin="round" style="max-width:100%%;height:auto">`,
		w, h, w, h)
	if title != "" {
		fmt.Fprintf(&b, "\n<title>%s</title>", html.EscapeString(title))
	}
	body = strings.ReplaceAll(body, "font-family:Liberation Sans;", "font-family:"+fontFamily+";")
	body = strings.ReplaceAll(body, "data:image/jpg;base64,", "data:image/png;base64,")
	body = strings.ReplaceAll(body, "<image ", `<image preserveAspectRatio="none" `)
	b.WriteString(body)
	return b.String()
}
