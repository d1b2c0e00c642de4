package plot

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"golang.org/x/image/colornames"
	"gonum.org/v1/plot/vg"
)

// Palette is the colour cycle given to series in the order their labels first
// appear in a figure. It is the colour-blind-safe Okabe–Ito palette (with its
// pale yellow, hard to see on white, replaced by Paul Tol's wine), reordered
// so that the first colours are the most distinct.
var Palette = []string{
	"#0072B2", // blue
	"#D55E00", // vermillion
	"#009E73", // bluish green
	"#CC79A7", // reddish purple
	"#E69F00", // orange
	"#56B4E9", // sky blue
	"#000000", // black
	"#882255", // wine
}

// Colours of reference lines and bands that are given none.
const (
	refColor  = "#555555"
	bandColor = "#888888"
)

// Colours of the figure furniture.
var (
	axisColor  = mustColor("#333333")
	gridColor  = mustColor("#e8e8e8")
	textColor  = mustColor("#222222")
	nanColor   = mustColor("#d0d0d0") // heatmap cells that are NaN
	frameColor = mustColor("#cccccc") // legend and image borders
)

// Marker is the shape drawn at data points.
type Marker int

// Marker shapes.
const (
	NoMarker Marker = iota
	Circle
	Square
	Triangle
	Diamond
	Cross
	Plus
)

// Option changes how a series, reference line or band is drawn. Options are
// applied in order; later ones win.
type Option func(*style)

type style struct {
	color    string      // explicit colour
	colorOf  string      // take the colour of the series with this label
	dashes   []vg.Length // dash pattern, nil for solid
	width    float64     // stroke width in px (0: default)
	marker   Marker      // marker shape (dots default to Circle)
	radius   float64     // marker radius in px (0: default)
	opacity  float64     // 0: default
	label    string      // label of a reference line or band
	noLegend bool
}

var (
	// Dashed draws a line dashed.
	Dashed Option = func(s *style) { s.dashes = []vg.Length{6, 4} }
	// Dotted draws a line dotted.
	Dotted Option = func(s *style) { s.dashes = []vg.Length{1.5, 3} }
	// DashDot draws a line in dash-dot pattern.
	DashDot Option = func(s *style) { s.dashes = []vg.Length{7, 3, 1.5, 3} }
	// NoLegend leaves a series or band out of the legend.
	NoLegend Option = func(s *style) { s.noLegend = true }
)

// Color sets an explicit colour: "#rrggbb", "#rgb" or an SVG colour name
// ("gray", "white", ...). A labelled series with an explicit colour also
// fixes the colour that ColorOf and later series with the same label get.
func Color(c string) Option { return func(s *style) { s.color = c; s.colorOf = "" } }

// ColorOf gives a reference line, band or series the colour of the series
// labelled label anywhere in the same figure (e.g. the 2/η line of a run
// drawn in that run's colour).
func ColorOf(label string) Option { return func(s *style) { s.colorOf = label; s.color = "" } }

// Label sets the text written beside a reference line, or the legend entry
// of a band.
func Label(text string) Option { return func(s *style) { s.label = text } }

// Width sets the stroke width in pixels.
func Width(px float64) Option { return func(s *style) { s.width = px } }

// WithMarker draws a marker of shape m at every point of a line (or sets the
// shape of dots).
func WithMarker(m Marker) Option { return func(s *style) { s.marker = m } }

// Radius sets the marker (dot) radius in pixels.
func Radius(px float64) Option { return func(s *style) { s.radius = px } }

// Opacity sets the stroke/fill opacity in [0, 1].
func Opacity(a float64) Option { return func(s *style) { s.opacity = a } }

func applyOptions(opts []Option) style {
	var s style
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	return s
}

// parseColor reads "#rgb", "#rrggbb" or an SVG colour name.
func parseColor(s string) (color.NRGBA, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if c, ok := colornames.Map[s]; ok {
		return color.NRGBA{c.R, c.G, c.B, 255}, nil
	}
	hex, ok := strings.CutPrefix(s, "#")
	if ok && len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	if v, err := strconv.ParseUint(hex, 16, 32); ok && err == nil && len(hex) == 6 {
		return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}, nil
	}
	return color.NRGBA{}, fmt.Errorf("plot: unknown colour %q (want #rrggbb, #rgb or an SVG colour name)", s)
}

func mustColor(s string) color.NRGBA {
	c, err := parseColor(s)
	if err != nil {
		panic(err)
	}
	return c
}

// withAlpha returns c with opacity a (a ≤ 0 or ≥ 1 leaves it opaque).
func withAlpha(c color.NRGBA, a float64) color.NRGBA {
	if a > 0 && a < 1 {
		c.A = uint8(255*a + 0.5)
	}
	return c
}
