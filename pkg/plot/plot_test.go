package plot

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// svgDoc is what the tests read back from an SVG document.
type svgDoc struct {
	root  xml.StartElement
	texts []string            // text contents, in document order
	count map[string]int      // element name -> how many
	attrs map[string][]string // "element attr" -> values
}

// parseSVG checks that s is well-formed XML and collects its elements.
func parseSVG(t *testing.T, s string) svgDoc {
	t.Helper()
	d := svgDoc{count: map[string]int{}, attrs: map[string][]string{}}
	dec := xml.NewDecoder(strings.NewReader(s))
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if d.root.Name.Local == "" {
				d.root = tok.Copy()
			}
			d.count[tok.Name.Local]++
			for _, a := range tok.Attr {
				key := tok.Name.Local + " " + a.Name.Local
				d.attrs[key] = append(d.attrs[key], a.Value)
			}
			inText = tok.Name.Local == "text"
		case xml.CharData:
			if inText {
				d.texts = append(d.texts, string(tok))
			}
		case xml.EndElement:
			inText = false
		}
	}
	if d.root.Name.Local != "svg" {
		t.Fatalf("root element %q, want svg", d.root.Name.Local)
	}
	return d
}

// laidOut returns the figure's panel views after layout, as SVG would.
func laidOut(f *Figure) []*view {
	w, h := f.size()
	rows, cols := f.gridShape()
	views := f.views(cols)
	layout(views, rows, cols, vg.Rectangle{Max: vg.Point{X: w, Y: h}})
	return views
}

func labels(ticks []plot.Tick) []string {
	var out []string
	for _, tk := range ticks {
		if tk.Label != "" {
			out = append(out, tk.Label)
		}
	}
	return out
}

func TestSVGDocument(t *testing.T) {
	fig := eosFigure()
	s := fig.SVG()
	d := parseSVG(t, s)
	if !strings.HasPrefix(s, "<svg") {
		t.Errorf("document starts %q, want <svg (inline in HTML)", s[:20])
	}
	want := map[string]string{"width": "720", "height": "640", "viewBox": "0 0 720 640"}
	for _, a := range d.root.Attr {
		if w, ok := want[a.Name.Local]; ok && a.Value != w {
			t.Errorf("root %s=%q, want %q", a.Name.Local, a.Value, w)
		}
	}
	if d.count["title"] != 1 || !slices.Contains(d.texts, "Training loss") {
		t.Errorf("want a <title> and the panel titles; texts: %q", d.texts)
	}
	if strings.Contains(s, "font-family:Liberation Sans;") || !strings.Contains(s, fontFamily) {
		t.Error("the font list with Liberation Sans's metric-compatible faces is missing")
	}
	if fig.Err() != nil {
		t.Error(fig.Err())
	}
	if s != eosFigure().SVG() {
		t.Error("the same figure rendered twice differs")
	}
}

func TestLogTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   []string
	}{
		{1e-3, 20, []string{"10^−3", "10^−2", "10^−1", "10^0", "10^1"}},
		{0.015, 0.9, []string{"0.02", "0.05", "0.1", "0.2", "0.5"}},
		{2e5, 3e6, []string{"2×10^5", "5×10^5", "10^6", "2×10^6"}},
		{3, 4.5, []string{"3", "4"}},
		{3, 3.5, []string{"3.0", "3.1", "3.2", "3.3", "3.4", "3.5"}}, // too narrow for m × 10ᵏ: linear
	} {
		ticks := logTicks(tc.lo, tc.hi, 6)
		if got := labels(ticks); !slices.Equal(got, tc.want) {
			t.Errorf("logTicks(%g, %g) = %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
		for _, tk := range ticks {
			if tk.Value < tc.lo*(1-1e-9) || tk.Value > tc.hi*(1+1e-9) {
				t.Errorf("logTicks(%g, %g): tick %g out of range", tc.lo, tc.hi, tk.Value)
			}
		}
	}
	// Many decades: every n-th power labelled, the rest unlabelled.
	if got := labels(logTicks(1e-12, 1e12, 5)); len(got) < 2 || len(got) > 7 {
		t.Errorf("24 decades: %q", got)
	}
}

func TestLogAxisSkipsNonPositive(t *testing.T) {
	fig := New()
	p := fig.Panel("").YLog().XLog()
	p.Line("a", []float64{-1, 0, 1, 10, 100}, []float64{1, 1, 0, 5, 50})
	p.Dots("b", []float64{1, 10}, []float64{-3, 2})
	p.HLine(0).HLine(-2).VBand(-5, 20).Band(0, 3)
	d := parseSVG(t, fig.SVG()) // must not panic (gonum's log scale does on ≤ 0)
	v := laidOut(fig)[0]
	if v.gp.X.Min <= 0 || v.gp.Y.Min <= 0 {
		t.Errorf("log axes reach %g, %g", v.gp.X.Min, v.gp.Y.Min)
	}
	if lines := v.polylines(p.series[0]); len(lines) != 1 || len(lines[0]) != 2 {
		t.Errorf("want one run of the two positive points, got %v", lines)
	}
	if !slices.Contains(d.texts, "10") {
		t.Errorf("log tick labels missing: %q", d.texts)
	}
}

func TestLinearTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		target int
		want   []string
	}{
		{0, 1, 4, []string{"0.00", "0.25", "0.50", "0.75", "1.00"}},
		{-0.06, 20000, 5, []string{"0", "5000", "10000", "15000", "20000"}},
		{0.92, 5.08, 4, []string{"1", "2", "3", "4", "5"}},
		{-3, 3, 3, []string{"−2", "0", "2"}},
		{0, 3e6, 3, []string{"0", "10^6", "2×10^6", "3×10^6"}},
		{0, 3e-5, 3, []string{"0", "10^−5", "2×10^−5", "3×10^−5"}},
	} {
		if got := labels(linearTicks(tc.lo, tc.hi, tc.target)); !slices.Equal(got, tc.want) {
			t.Errorf("linearTicks(%g, %g, %d) = %q, want %q", tc.lo, tc.hi, tc.target, got, tc.want)
		}
	}
	// Values that differ only in far digits keep distinct labels.
	got := labels(linearTicks(1-1e-7, 1+1e-7, 4))
	if len(got) < 2 || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Errorf("tiny range: labels %q are not distinct", got)
	}
}

func TestTicksFitTheAxis(t *testing.T) {
	fig := New(Size(300, 200))
	fig.Panel("").Line("", []float64{0, 123456}, []float64{0, 1})
	v := laidOut(fig)[0]
	ticks := v.x.Ticks(v.gp.X.Min, v.gp.X.Max)
	var prevEnd float64 = math.Inf(-1)
	for _, tk := range ticks {
		if tk.Label == "" {
			continue
		}
		x := v.gp.X.Norm(tk.Value) * float64(v.pw)
		w := float64(v.x.label.Width(tk.Label)) // measured by gonum's fonts
		if x-w/2 < prevEnd {
			t.Errorf("tick labels %q collide on a %.0f px axis", labels(ticks), v.pw)
		}
		prevEnd = x + w/2
	}
	if n := len(labels(ticks)); n < 2 {
		t.Errorf("only %d labels", n)
	}
}

func TestNaNAndInf(t *testing.T) {
	inf := math.Inf(1)
	fig := New()
	p := fig.Panel("diverged").YLog()
	p.Line("ok", nil, []float64{1, 2, 3, 4})
	p.Line("diverged", nil, []float64{1, 10, math.NaN(), inf, 100, -inf, math.NaN()})
	p.Line("empty", nil, []float64{math.NaN(), math.NaN()})
	p.Dots("dots", []float64{math.NaN(), 1, inf}, []float64{1, math.NaN(), 2})
	p.HLine(math.NaN()).VLine(inf).Band(math.NaN(), 3)
	svg := fig.SVG()
	parseSVG(t, svg)
	if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
		t.Error("NaN or Inf written into the SVG")
	}
	if fig.Err() != nil {
		t.Error(fig.Err())
	}
	v := laidOut(fig)[0]
	if lo, hi := v.gp.Y.Min, v.gp.Y.Max; !(lo > 0.5 && lo < 1 && hi > 100 && hi < 200) {
		t.Errorf("y range [%g, %g] does not fit the finite data [1, 100]", lo, hi)
	}
	if lines := v.polylines(p.series[1]); len(lines) != 2 {
		t.Errorf("the diverged series should be broken in two runs, got %d", len(lines))
	}
	if lines := v.polylines(p.series[2]); len(lines) != 0 {
		t.Errorf("an all-NaN series draws %d runs", len(lines))
	}
	// A diverged run alone: an empty but valid figure.
	lone := New()
	lone.Panel("").Line("x", nil, []float64{math.NaN(), inf})
	parseSVG(t, lone.SVG())
}

func TestLegendEntries(t *testing.T) {
	fig := New()
	p := fig.Panel("")
	p.Line("run", nil, []float64{1, 2, 3})
	p.Dots("run", nil, []float64{1, 2, 3}, Opacity(0.3))
	p.Line("", nil, []float64{3, 2, 1})
	p.Line("hidden", nil, []float64{2, 2, 2}, NoLegend)
	p.Band(1, 2, Label("target"))
	v := laidOut(fig)[0]
	entries := v.legendEntries()
	var names []string
	for _, e := range entries {
		names = append(names, e.label)
	}
	if !slices.Equal(names, []string{"run", "target"}) {
		t.Fatalf("entries %q, want run and target", names)
	}
	if n := len(entries[0].thumbs); n != 2 {
		t.Errorf("line and dots of one label: %d thumbnails, want 2", n)
	}
	if _, _, _, a := entries[0].thumbs[1].(glyphThumb).sty.Color.RGBA(); a != 0xffff {
		t.Error("legend swatches should be opaque")
	}
	fig.Panels()[0].Legend(LegendNone)
	if laidOut(fig)[0].legend != nil {
		t.Error("LegendNone still draws a legend")
	}
}

func TestLegendPlacement(t *testing.T) {
	ramp := func(up bool) []float64 {
		ys := make([]float64, 50)
		for i := range ys {
			ys[i] = float64(i)
			if !up {
				ys[i] = float64(49 - i)
			}
		}
		return ys
	}
	// A rising line crosses the lower left and upper right corners.
	fig := New()
	fig.Panel("").Line("rising", nil, ramp(true))
	v := laidOut(fig)[0]
	if v.legend == nil || v.legend.outside {
		t.Fatal("the legend should fit inside")
	}
	box := vg.Rectangle{Min: v.legend.at, Max: v.legend.at.Add(v.legend.size)}
	if v.covers(box, true, nil) {
		t.Errorf("legend at %v covers the data", box)
	}
	if box.Min.X > v.pw/2 {
		t.Errorf("legend at %v: want the upper left corner", box)
	}
	// Data everywhere: outside on the right, with room made for it.
	dense := New()
	dp := dense.Panel("")
	for k := range 12 {
		ys := make([]float64, 200)
		for i := range ys {
			ys[i] = math.Sin(float64(i)/7+float64(k)) + float64(k)/6
		}
		dp.Line("curve "+strconv.Itoa(k), nil, ys)
	}
	dv := laidOut(dense)[0]
	if dv.legend == nil || !dv.legend.outside {
		t.Fatal("a legend over dense data should go outside")
	}
	if dv.margins[right] < dv.legend.size.X {
		t.Errorf("right margin %v leaves no room for the legend (%v wide)", dv.margins[right], dv.legend.size.X)
	}
	// An explicit place is kept.
	fig.Panels()[0].Legend(LegendLowerRight)
	if lv := laidOut(fig)[0]; lv.legend.at.X < lv.pw/2 || lv.legend.at.Y > lv.ph/2 {
		t.Errorf("LegendLowerRight placed at %v", lv.legend.at)
	}
}

func TestReferenceLabelsAvoidData(t *testing.T) {
	fig := New()
	p := fig.Panel("")
	xs := []float64{0, 50, 100}
	p.Line("flat", xs, []float64{5, 5, 9.6}) // rises through the right end of y = 9
	p.HLine(9, Label("threshold"))
	v := laidOut(fig)[0]
	if len(v.refLabels) != 1 {
		t.Fatalf("%d labels", len(v.refLabels))
	}
	if l := v.refLabels[0]; v.covers(l.box, false, nil) {
		t.Errorf("label at %v covers the line", l.box)
	}
}

func TestHeatmapColorScale(t *testing.T) {
	if c := viridisAt(0); c.R != 68 || c.G != 1 || c.B != 84 {
		t.Errorf("viridis(0) = %v", c)
	}
	if c := viridisAt(1); c.R != 253 || c.G != 231 || c.B != 37 {
		t.Errorf("viridis(1) = %v", c)
	}
	if colorAt(math.NaN(), 0, 1) != nanColor || colorAt(5, 0, 1) != viridisAt(1) || colorAt(-5, 0, 1) != viridisAt(0) {
		t.Error("NaN should be grey and values outside the range clamped")
	}
	if colorAt(math.Inf(1), 0, 1) != viridisAt(1) || colorAt(math.Inf(-1), 0, 1) != viridisAt(0) {
		t.Error("±Inf should take the end colours")
	}
	h := &heatmap{z: [][]float64{{0, 1, 2}, {3, math.NaN(), 5}}, x0: 0, x1: 3, y0: 0, y1: 2}
	if lo, hi := h.zRange(); lo != 0 || hi != 5 {
		t.Errorf("z range [%g, %g], want [0, 5] (NaN ignored)", lo, hi)
	}
	img, area, ok := h.cells(0, 3, 0, 2)
	if !ok || img.Bounds().Dx() != 3 || img.Bounds().Dy() != 2 || area != [4]float64{0, 3, 0, 2} {
		t.Fatalf("cells: %v %v %v", ok, img.Bounds(), area)
	}
	if img.NRGBAAt(0, 1) != viridisAt(0) || img.NRGBAAt(2, 0) != viridisAt(1) || img.NRGBAAt(1, 0) != nanColor {
		t.Error("row 0 of z should be the bottom row of the image, coloured from the z range")
	}
	h.zlo, h.zhi, h.zset = 0, 10, true
	if img, _, _ := h.cells(0, 3, 0, 2); img.NRGBAAt(2, 0) != viridisAt(0.5) {
		t.Error("ZRange does not set the scale")
	}
	// Axis ranges narrower than the heatmap keep only the cells that show.
	if img, area, _ := h.cells(1.5, 3, 0, 1); img.Bounds().Dx() != 2 || img.Bounds().Dy() != 1 || area != [4]float64{1.5, 3, 0, 1} {
		t.Errorf("cropped cells: %v %v", img.Bounds(), area)
	}
}

func TestHeatmapAndImagesRender(t *testing.T) {
	fig := gridFigure()
	d := parseSVG(t, fig.SVG())
	if fig.Err() != nil {
		t.Error(fig.Err())
	}
	// One image for the heatmap, one for its colour bar, 12 samples.
	if n := d.count["image"]; n != 14 {
		t.Errorf("%d images, want 14", n)
	}
	for _, href := range d.attrs["image href"] {
		if !strings.HasPrefix(href, "data:image/png;base64,") {
			t.Errorf("image data %.30q is not labelled PNG", href)
		}
	}
	if got := d.attrs["image preserveAspectRatio"]; len(got) != 14 || got[0] != "none" {
		t.Errorf("images should stretch to their rectangles: %q", got)
	}
	if !slices.Contains(d.texts, "loss") {
		t.Error("the colour bar's label is missing")
	}
}

func TestSharedXLayout(t *testing.T) {
	views := laidOut(eosFigure())
	for i, v := range views {
		if v.data.Min.X != views[0].data.Min.X || v.data.Max.X != views[0].data.Max.X {
			t.Errorf("panel %d: x from %v to %v, panel 0 from %v to %v", i, v.data.Min.X, v.data.Max.X, views[0].data.Min.X, views[0].data.Max.X)
		}
		if v.gp.X.Min != views[0].gp.X.Min || v.gp.X.Max != views[0].gp.X.Max {
			t.Errorf("panel %d does not share the x range", i)
		}
		last := i == len(views)-1
		if v.showX != last || (v.xlabel != "") != last {
			t.Errorf("panel %d: x labels shown %v", i, v.showX)
		}
		if i > 0 && v.data.Max.Y >= views[i-1].data.Min.Y {
			t.Errorf("panel %d overlaps the one above", i)
		}
	}
	if top := labels(views[0].x.Ticks(views[0].gp.X.Min, views[0].gp.X.Max)); len(top) != 0 {
		t.Errorf("the top panel writes x tick labels %q", top)
	}
}

func TestGridLayout(t *testing.T) {
	fig := New(Size(800, 500), Grid(2, 2))
	fig.Panel("a").YLabel("short").Line("", nil, []float64{1, 2})
	fig.Panel("b").YLabel("wide").Line("", nil, []float64{123456.5, 123457}).Legend(LegendOutside)
	fig.Panel("c").YLabel("c").Heatmap([][]float64{{1, 2}}, 0, 1, 0, 1)
	fig.Panel("d").Line("", nil, []float64{-1e-9, 1e-9})
	views := laidOut(fig)
	a, b, c, d := views[0], views[1], views[2], views[3]
	if a.data.Min.Y != b.data.Min.Y || a.data.Max.Y != b.data.Max.Y || c.data.Min.Y != d.data.Min.Y {
		t.Error("panels of a row are not aligned")
	}
	if a.data.Min.X != c.data.Min.X || b.data.Max.X != d.data.Max.X {
		t.Error("panels of a column are not aligned")
	}
	if as, ds := a.data.Size(), d.data.Size(); math.Abs(float64(as.X-ds.X)) > 1e-9 || math.Abs(float64(as.Y-ds.Y)) > 1e-9 {
		t.Errorf("data areas differ in size: %v, %v", a.data.Size(), d.data.Size())
	}
	for _, v := range views {
		if v.data.Min.X < 0 || v.data.Min.Y < 0 || v.data.Max.X > 800 || v.data.Max.Y > 500 {
			t.Errorf("panel %q: data area %v leaves the figure", v.p.title, v.data)
		}
	}
	// The y labels of a column line up though their tick labels differ.
	if a.labelAt.X != c.labelAt.X || a.labelAt.Y != b.labelAt.Y {
		t.Error("the axis labels of a column or a row are not aligned")
	}
	svg := fig.SVG()
	if d := parseSVG(t, svg); fig.Err() != nil || !slices.Contains(d.texts, "wide") {
		t.Errorf("grid figure: %v, texts %q", fig.Err(), d.texts)
	}
}

func TestColorsStableAcrossPanels(t *testing.T) {
	fig := New()
	fig.Panel("1").Line("b", nil, []float64{1}).Line("a", nil, []float64{1})
	fig.Panel("2").Line("a", nil, []float64{2}).Line("c", nil, []float64{1}, Color("gray"))
	fig.Panel("3").HLine(1, ColorOf("a"))
	if fig.ColorOf("b") != Palette[0] || fig.ColorOf("a") != Palette[1] || fig.ColorOf("c") != "gray" {
		t.Errorf("colours b=%s a=%s c=%s", fig.ColorOf("b"), fig.ColorOf("a"), fig.ColorOf("c"))
	}
	if s := fig.SVG(); !strings.Contains(s, "stroke:#808080") || fig.Err() != nil {
		t.Errorf("the named colour gray was not drawn (err %v)", fig.Err())
	}
}

func TestErrors(t *testing.T) {
	fig := New()
	fig.Panel("p").Line("short", []float64{1, 2, 3}, []float64{1, 2})
	if fig.Err() == nil || !strings.Contains(fig.Err().Error(), "3 x values but 2 y values") {
		t.Errorf("Err = %v", fig.Err())
	}
	bad := New()
	bad.Panel("").Line("x", nil, []float64{1, 2}, Color("not-a-colour"))
	parseSVG(t, bad.SVG())
	if bad.Err() == nil {
		t.Error("an unknown colour should be reported")
	}
	esc := New(Title(`a <b> & "c"`))
	esc.Panel("x < y").Line("α & β", nil, []float64{1, 2})
	d := parseSVG(t, esc.SVG())
	if !slices.Contains(d.texts, "α & β") || !slices.Contains(d.texts, "x < y") {
		t.Errorf("text not escaped and read back: %q", d.texts)
	}
}

func TestEmptyFigure(t *testing.T) {
	for _, f := range []*Figure{New(), New(Title("nothing yet")), func() *Figure { f := New(); f.Panel("empty"); return f }()} {
		parseSVG(t, f.SVG())
		if f.Err() != nil {
			t.Error(f.Err())
		}
	}
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "fig.svg")
	fig := New()
	fig.Panel("").Line("", nil, []float64{1, 2})
	if err := fig.Save(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != fig.SVG() {
		t.Fatalf("saved file differs from SVG(): %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "a", "b", ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if err := fig.Save(""); err == nil {
		t.Error("empty path accepted")
	}
	broken := New()
	broken.Panel("").Line("", []float64{1}, []float64{1, 2})
	if err := broken.Save(filepath.Join(dir, "broken.svg")); err == nil || !errors.Is(err, broken.Err()) {
		t.Errorf("Save should return the figure's error, got %v", err)
	}
}

func TestDisplayOutsideNotebook(t *testing.T) { New().Display() }

func TestDemoFiguresValid(t *testing.T) {
	for name, fig := range map[string]*Figure{"eos": eosFigure(), "grid": gridFigure(), "dense": denseFigure()} {
		parseSVG(t, fig.SVG())
		if fig.Err() != nil {
			t.Errorf("%s: %v", name, fig.Err())
		}
	}
}

func TestLongSeriesDecimated(t *testing.T) {
	n := 200000
	ys := make([]float64, n)
	for i := range ys {
		ys[i] = math.Sin(float64(i) / 100)
	}
	fig := New()
	fig.Panel("").Line("", nil, ys)
	v := laidOut(fig)[0]
	pts := 0
	for _, l := range v.polylines(fig.panels[0].series[0]) {
		pts += len(l)
	}
	if pts > 4*2*int(v.pw)+8 {
		t.Errorf("%d points kept for a %v px wide panel", pts, v.pw)
	}
	if len(fig.SVG()) > 200000 {
		t.Errorf("SVG of %d bytes", len(fig.SVG()))
	}
}
