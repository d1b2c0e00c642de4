package plot

import "fmt"

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

// Default colours of the figure furniture.
const (
	refColor   = "#555555" // reference lines without a colour
	bandColor  = "#888888" // bands without a colour
	axisColor  = "#333333"
	gridColor  = "#e8e8e8"
	textColor  = "#222222"
	mutedColor = "#555555"
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
	color    string  // explicit colour
	colorOf  string  // take the colour of the series with this label
	dash     string  // SVG stroke-dasharray, "" for solid
	width    float64 // stroke width in px (0: default)
	marker   Marker  // marker shape (dots default to Circle)
	size     float64 // marker radius in px (0: default)
	opacity  float64 // 0: default
	label    string  // label of a reference line or band
	noLegend bool
}

var (
	// Dashed draws a line dashed.
	Dashed Option = func(s *style) { s.dash = "6,4" }
	// Dotted draws a line dotted.
	Dotted Option = func(s *style) { s.dash = "1.5,3" }
	// DashDot draws a line in dash-dot pattern.
	DashDot Option = func(s *style) { s.dash = "7,3,1.5,3" }
	// NoLegend leaves a series or band out of the legend.
	NoLegend Option = func(s *style) { s.noLegend = true }
)

// Color sets an explicit colour (any SVG colour: "#0072B2", "gray", ...).
// A labelled series with an explicit colour also fixes the colour that
// ColorOf and later series with the same label get.
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
func Radius(px float64) Option { return func(s *style) { s.size = px } }

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

// colormap is a perceptually uniform sequential colour map (viridis, sampled
// at 9 points and interpolated linearly in RGB).
var viridis = [][3]float64{
	{68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
	{39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37},
}

// viridisAt returns the colour for t in [0, 1].
func viridisAt(t float64) (r, g, b uint8) {
	if !(t >= 0) {
		t = 0
	}
	if t > 1 {
		t = 1
	}
	x := t * float64(len(viridis)-1)
	i := int(x)
	if i >= len(viridis)-1 {
		i = len(viridis) - 2
	}
	f := x - float64(i)
	c0, c1 := viridis[i], viridis[i+1]
	mix := func(a, b float64) uint8 { return uint8(a + (b-a)*f + 0.5) }
	return mix(c0[0], c1[0]), mix(c0[1], c1[1]), mix(c0[2], c1[2])
}

func viridisHex(t float64) string {
	r, g, b := viridisAt(t)
	return fmt.Sprintf("#%02x%02x%02x", r, g, b)
}
