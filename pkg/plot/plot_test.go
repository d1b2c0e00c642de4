package plot

import (
	"encoding/xml"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// node is a parsed SVG element.
type node struct {
	name     string
	attr     map[string]string
	text     string
	children []*node
}

// parseSVG decodes s as XML (failing the test if it is not well formed) and
// returns the root element.
func parseSVG(t *testing.T, s string) *node {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("invalid XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{name: tk.Name.Local, attr: map[string]string{}}
			for _, a := range tk.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tk)
			}
		}
	}
	if root == nil || root.name != "svg" {
		t.Fatalf("root element is not <svg>")
	}
	if root.attr["xmlns"] != "http://www.w3.org/2000/svg" {
		t.Errorf("missing SVG namespace")
	}
	return root
}

// all returns every element named name in the tree, in document order.
func (n *node) all(name string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		if m.name == name {
			out = append(out, m)
		}
		for _, c := range m.children {
			walk(c)
		}
	}
	walk(n)
	return out
}

func texts(n *node) []string {
	var out []string
	for _, t := range n.all("text") {
		out = append(out, t.text)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestStructure(t *testing.T) {
	fig := New(Size(600, 400))
	p := fig.Panel("Two lines and dots").XLabel("x").YLabel("y")
	xs := []float64{0, 1, 2, 3, 4}
	p.Line("a", xs, []float64{1, 2, 3, 4, 5})
	p.Line("b", xs, []float64{5, 4, 3, 2, 1}, Dashed)
	p.Dots("c", xs, []float64{2, 2, 2, 2, 2})
	p.HLine(3, Label("three"))
	root := parseSVG(t, fig.SVG())
	if got := len(root.all("path")); got != 2 {
		t.Errorf("got %d paths, want 2 (one per line series)", got)
	}
	// 5 dots plus the legend's dot.
	if got := len(root.all("circle")); got != 6 {
		t.Errorf("got %d circles, want 6", got)
	}
	ts := texts(root)
	for _, want := range []string{"Two lines and dots", "x", "y", "a", "b", "c", "three"} {
		if !contains(ts, want) {
			t.Errorf("text %q missing; texts: %q", want, ts)
		}
	}
	if root.attr["width"] != "600" || root.attr["height"] != "400" || root.attr["viewBox"] != "0 0 600 400" {
		t.Errorf("size attributes: %v", root.attr)
	}
	// The clip path is referenced by its (figure-unique) id.
	clips := root.all("clipPath")
	if len(clips) != 1 || !strings.HasPrefix(clips[0].attr["id"], "tl") {
		t.Fatalf("clip paths: %v", clips)
	}
	ref := "url(#" + clips[0].attr["id"] + ")"
	found := false
	for _, g := range root.all("g") {
		found = found || g.attr["clip-path"] == ref
	}
	if !found {
		t.Errorf("no group uses %s", ref)
	}
}

func TestNaNSkipped(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	fig := New()
	p := fig.Panel("")
	p.Line("l", []float64{0, 1, 2, 3, 4, 5}, []float64{1, 2, nan, 4, inf, 6})
	p.Dots("d", []float64{0, 1, 2, 3}, []float64{nan, 1, math.Inf(-1), 2})
	svg := fig.SVG()
	root := parseSVG(t, svg)
	if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
		t.Errorf("SVG contains NaN or Inf")
	}
	paths := root.all("path")
	if len(paths) != 1 {
		t.Fatalf("got %d paths, want 1", len(paths))
	}
	d := paths[0].attr["d"]
	// Runs: {0,1}, {3}, {5} -> three subpaths.
	if got := strings.Count(d, "M"); got != 3 {
		t.Errorf("path %q has %d subpaths, want 3", d, got)
	}
	if got := strings.Count(d, "L"); got != 1 {
		t.Errorf("path %q has %d segments, want 1", d, got)
	}
	if got := len(root.all("circle")); got != 2+1 {
		t.Errorf("got %d circles, want 3 (2 finite dots + legend)", got)
	}
}

func TestLogAxisSkipsNonPositive(t *testing.T) {
	fig := New()
	p := fig.Panel("").YLog().Legend(LegendNone)
	p.Dots("d", []float64{0, 1, 2, 3, 4}, []float64{-1, 0, 1e-3, 1, 1e2})
	root := parseSVG(t, fig.SVG())
	if got := len(root.all("circle")); got != 3 {
		t.Errorf("got %d circles, want 3", got)
	}
	// The y range fits the positive data: 1e-3 .. 1e2 are all labelled.
	ts := texts(root)
	for _, want := range []string{"10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²"} {
		if !contains(ts, want) {
			t.Errorf("tick label %q missing; texts %q", want, ts)
		}
	}
}

func TestLogTicksArePowersOfTen(t *testing.T) {
	for _, r := range [][2]float64{{1e-4, 3}, {0.02, 5e3}, {1e-12, 1e12}, {3e2, 7e7}} {
		for _, target := range []int{2, 4, 8} {
			at := logTicks(r[0], r[1], target)
			majors := at.majors()
			if len(majors) < 2 {
				t.Errorf("%v target %d: %d labelled ticks", r, target, len(majors))
			}
			for _, tk := range majors {
				e := math.Log10(tk.v)
				if math.Abs(e-math.Round(e)) > 1e-9 {
					t.Errorf("%v: labelled tick %g is not a power of ten", r, tk.v)
				}
				if want := "10" + superscript(int(math.Round(e))); tk.label != want {
					t.Errorf("tick %g labelled %q, want %q", tk.v, tk.label, want)
				}
				if tk.v < r[0]*(1-1e-9) || tk.v > r[1]*(1+1e-9) {
					t.Errorf("tick %g outside %v", tk.v, r)
				}
			}
			if len(majors) > target+1 {
				t.Errorf("%v target %d: %d labels", r, target, len(majors))
			}
		}
	}
}

func TestLogTicksNarrowRanges(t *testing.T) {
	cases := []struct {
		lo, hi float64
		want   []string
	}{
		{0.3, 30, []string{"0.5", "1", "2", "5", "10", "20"}},
		{2, 9, []string{"2", "3", "4", "5", "6", "7", "8", "9"}},
		{2e-5, 9e-5, []string{"2×10⁻⁵", "3×10⁻⁵", "4×10⁻⁵", "5×10⁻⁵", "6×10⁻⁵", "7×10⁻⁵", "8×10⁻⁵", "9×10⁻⁵"}},
	}
	for _, c := range cases {
		var got []string
		for _, tk := range logTicks(c.lo, c.hi, 8).majors() {
			got = append(got, tk.label)
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("logTicks(%g, %g) = %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
	// Less than a factor of two: falls back to linear ticks, still ≥ 2.
	if n := len(logTicks(1.01, 1.05, 4).majors()); n < 2 {
		t.Errorf("narrow log range: %d labels", n)
	}
}

func TestLinearTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		target int
		want   string
		note   string
	}{
		{0, 10, 5, "0 2 4 6 8 10", ""},
		{-0.3, 3000, 6, "0 500 1000 1500 2000 2500 3000", ""},
		{0.1, 1.2, 4, "0.25 0.50 0.75 1.00", ""},
		{-1, 1, 4, "−1.0 −0.5 0.0 0.5 1.0", ""},
		{0, 3e6, 3, "0 1 2 3", "×10⁶"},
		{0, 4e-5, 4, "0 1 2 3 4", "×10⁻⁵"},
		{1 - 1e-7, 1 + 1e-7, 4, "−1.0 −0.5 0.0 0.5 1.0", "×10⁻⁷ + 1"},
		{1000.0001, 1000.0005, 4, "1 2 3 4 5", "×10⁻⁴ + 1000"},
	}
	for _, c := range cases {
		at := linearTicks(c.lo, c.hi, c.target)
		var got []string
		for _, tk := range at.ticks {
			got = append(got, tk.label)
		}
		if s := strings.Join(got, " "); s != c.want || at.note != c.note {
			t.Errorf("linearTicks(%g, %g, %d) = %q note %q, want %q note %q", c.lo, c.hi, c.target, s, at.note, c.want, c.note)
		}
	}
}

func TestTinyAndDegenerateRanges(t *testing.T) {
	fig := New(Grid(1, 2))
	var ys []float64
	for i := range 20 {
		ys = append(ys, 5+1e-9*float64(i%3))
	}
	fig.Panel("tiny").Line("", nil, ys)
	fig.Panel("flat").Line("", nil, []float64{2, 2, 2}).Dots("", []float64{1}, []float64{2})
	fig.Panel("empty") // no data at all: still renders axes.
	root := parseSVG(t, fig.SVG())
	ts := texts(root)
	// Labels within a panel must be distinct.
	seen := map[string]int{}
	for _, s := range ts {
		seen[s]++
	}
	for s, n := range seen {
		if n > 3 && s != "" {
			t.Errorf("label %q repeated %d times: %q", s, n, ts)
		}
	}
	if !strings.Contains(strings.Join(ts, "|"), "+ 5") {
		t.Errorf("tiny range: no offset note; texts %q", ts)
	}
}

func TestColorsStableAcrossPanels(t *testing.T) {
	fig := New()
	a, b := fig.Panel("A"), fig.Panel("B")
	a.Line("η=0.1", nil, []float64{1, 2})
	a.Line("η=0.2", nil, []float64{1, 3})
	b.Line("η=0.2", nil, []float64{3, 1}) // first in this panel, same colour
	b.Line("η=0.1", nil, []float64{2, 1})
	b.HLine(1.5, Dashed, ColorOf("η=0.2"))
	c1, c2 := fig.ColorOf("η=0.1"), fig.ColorOf("η=0.2")
	if c1 != Palette[0] || c2 != Palette[1] {
		t.Fatalf("colours %q %q, want palette order", c1, c2)
	}
	root := parseSVG(t, fig.SVG())
	var strokes []string
	for _, p := range root.all("path") {
		strokes = append(strokes, p.attr["stroke"])
	}
	want := []string{c1, c2, c2, c1}
	if strings.Join(strokes, " ") != strings.Join(want, " ") {
		t.Errorf("path colours %v, want %v", strokes, want)
	}
	dashed := false
	for _, l := range root.all("line") {
		if l.attr["stroke-dasharray"] != "" && l.attr["stroke"] == c2 {
			dashed = true
		}
	}
	if !dashed {
		t.Errorf("no dashed reference line in colour %s", c2)
	}
}

func TestSharedX(t *testing.T) {
	fig := New()
	fig.Panel("top").Line("", []float64{0, 10}, []float64{1, 2}).XLabel("ignored")
	fig.Panel("bottom").Line("", []float64{0, 1000}, []float64{1, 2}).XLabel("step")
	root := parseSVG(t, fig.SVG())
	ts := texts(root)
	if contains(ts, "ignored") || !contains(ts, "step") {
		t.Errorf("x label should be shown once, under the bottom panel: %q", ts)
	}
	if n := strings.Count(strings.Join(ts, " "), "1000"); n != 1 {
		t.Errorf("x tick label 1000 shown %d times, want 1 (shared axis)", n)
	}
}

// legendBox returns the legend's background rectangle and the frames.
func legendAndFrames(root *node) (legend *node, frames []*node) {
	for _, r := range root.all("rect") {
		switch {
		case r.attr["stroke"] == "#cccccc":
			legend = r
		case r.attr["fill"] == "none" && r.attr["stroke"] == axisColor:
			frames = append(frames, r)
		}
	}
	return legend, frames
}

func attrF(n *node, name string) float64 {
	v, _ := strconv.ParseFloat(n.attr[name], 64)
	return v
}

func TestLegendPlacement(t *testing.T) {
	// Data only in the lower left: the legend goes inside, upper right.
	fig := New()
	fig.Panel("").Line("a", []float64{0, 1, 2, 10}, []float64{0, 0.5, 0.2, 0})
	leg, frames := legendAndFrames(parseSVG(t, fig.SVG()))
	if leg == nil || len(frames) != 1 {
		t.Fatalf("legend %v frames %v", leg, frames)
	}
	fx, fw := attrF(frames[0], "x"), attrF(frames[0], "width")
	if lx := attrF(leg, "x"); lx < fx+fw/2 || lx > fx+fw {
		t.Errorf("legend at x=%g, want inside the right half of [%g, %g]", lx, fx, fx+fw)
	}
	// Data everywhere: the legend goes outside on the right.
	fig = New()
	p := fig.Panel("")
	for k := range 5 {
		var ys []float64
		for i := range 200 {
			ys = append(ys, math.Sin(float64(i)/10+float64(k)))
		}
		p.Line(string(rune('a'+k)), nil, ys)
	}
	leg, frames = legendAndFrames(parseSVG(t, fig.SVG()))
	fx, fw = attrF(frames[0], "x"), attrF(frames[0], "width")
	if lx := attrF(leg, "x"); lx < fx+fw {
		t.Errorf("legend at x=%g, want outside (right of %g)", lx, fx+fw)
	}
	if right := attrF(leg, "x") + attrF(leg, "width"); right > 720 {
		t.Errorf("outside legend ends at %g, beyond the figure", right)
	}
}

func TestEscapingAndErrors(t *testing.T) {
	fig := New(Title(`a <b> & "c"`))
	p := fig.Panel("x<y")
	p.Line("l&m\x00", []float64{1, 2, 3}, []float64{1, 2})
	root := parseSVG(t, fig.SVG())
	ts := texts(root)
	if !contains(ts, `a <b> & "c"`) || !contains(ts, "l&m") {
		t.Errorf("texts %q", ts)
	}
	if fig.Err() == nil {
		t.Errorf("want an error for mismatched lengths")
	}
}

func TestEmptyFigure(t *testing.T) {
	parseSVG(t, New().SVG())
	parseSVG(t, New(Title("nothing")).SVG())
}

func TestHeatmapAndImages(t *testing.T) {
	fig := New(Grid(1, 2))
	z := [][]float64{{0, 1, 2}, {3, math.NaN(), 5}}
	fig.Panel("heat").Heatmap(z, 0, 3, 0, 2).ZLabel("z")
	imgs := []image.Image{
		GrayImage([]float64{0, 1, 1, 0}, 2, 2, 0, 1),
		GrayImage([]float64{0, 0.5, 0.5, 1}, 2, 2, 0, 0),
		GrayImage([]float64{1, 0, 0, 1}, 2, 2, 0, 1),
	}
	fig.Panel("samples").Images(imgs, 0)
	root := parseSVG(t, fig.SVG())
	cells := 0
	for _, r := range root.all("rect") {
		if f := r.attr["fill"]; strings.HasPrefix(f, "#") && len(f) == 7 && f != "#ffffff" {
			cells++
		}
	}
	if cells != 6 {
		t.Errorf("got %d heatmap cells, want 6", cells)
	}
	images := root.all("image")
	if len(images) != 3 {
		t.Fatalf("got %d images, want 3", len(images))
	}
	for _, im := range images {
		if !strings.HasPrefix(im.attr["href"], "data:image/png;base64,") {
			t.Errorf("image not embedded: %.40q", im.attr["href"])
		}
	}
	if len(root.all("linearGradient")) != 1 || !contains(texts(root), "z") {
		t.Errorf("no colour bar")
	}
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "dir", "fig.svg")
	fig := New()
	fig.Panel("p").Line("a", nil, []float64{1, 2, 3})
	if err := fig.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != fig.SVG() {
		t.Errorf("saved file differs from SVG()")
	}
	// Overwrite: replaced in place, no temporary files left.
	fig.Panel("q").Line("b", nil, []float64{3, 2, 1})
	if err := fig.Save(path); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 || entries[0].Name() != "fig.svg" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %q, want only fig.svg", names)
	}
	// A path below a regular file cannot be created: the error names it.
	bad := filepath.Join(path, "nested.svg")
	err = fig.Save(bad)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Save(%q) error = %v, want one naming the path", bad, err)
	}
	// Saving onto a directory fails and leaves no temporary file.
	err = fig.Save(filepath.Join(dir, "sub"))
	if err == nil {
		t.Errorf("Save onto a directory: no error")
	}
	entries, _ = os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if err := New().Save(""); err == nil {
		t.Errorf("Save(\"\"): no error")
	}
}

func TestDisplayOutsideNotebook(t *testing.T) {
	New().Display() // must not panic or print
}

func TestDemoFiguresValid(t *testing.T) {
	for _, fig := range []*Figure{eosFigure(), gridFigure(), denseFigure()} {
		root := parseSVG(t, fig.SVG())
		if fig.Err() != nil {
			t.Error(fig.Err())
		}
		if len(root.all("text")) < 10 {
			t.Errorf("too few texts")
		}
	}
}

func TestDeterministic(t *testing.T) {
	if eosFigure().SVG() != eosFigure().SVG() {
		t.Errorf("SVG output is not deterministic")
	}
}

func TestLongSeriesDecimated(t *testing.T) {
	n := 100000
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i] = float64(i)
		ys[i] = math.Sin(float64(i) / 50) // oscillates many times per pixel column
	}
	ys[n/2] = 3 // a spike must survive
	fig := New(Size(600, 300))
	fig.Panel("").Line("", xs, ys)
	svg := fig.SVG()
	root := parseSVG(t, svg)
	d := root.all("path")[0].attr["d"]
	points := strings.Count(d, "L") + 1
	if points > 4*2*600 {
		t.Errorf("%d points drawn for a 600 px wide figure", points)
	}
	// The spike is the highest point: its pixel y is the smallest in the path.
	minY := math.Inf(1)
	for _, seg := range strings.FieldsFunc(d, func(r rune) bool { return r == 'M' || r == 'L' }) {
		y, _ := strconv.ParseFloat(strings.Fields(seg)[1], 64)
		minY = math.Min(minY, y)
	}
	top := math.Inf(1)
	for _, r := range root.all("rect") {
		if r.attr["fill"] == "none" {
			top = attrF(r, "y")
		}
	}
	if math.Abs(minY-top) > 0.1*300 {
		t.Errorf("spike lost: highest path point at y=%g, frame top %g", minY, top)
	}
	if len(svg) > 200000 {
		t.Errorf("SVG is %d bytes", len(svg))
	}
}
