package plot

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// eosFigure draws synthetic data shaped like the edge-of-stability figure:
// training loss (log scale), sharpness rising to 2/η, and sharpness·η/2 with
// the [0.85, 1.15] band — the kind of three-panel figure the papers need.
func eosFigure() *Figure {
	rng := rand.New(rand.NewPCG(1, 2))
	fig := New(Size(720, 640), Title("Gradient descent at the edge of stability (synthetic)"))
	loss := fig.Panel("Training loss").YLog().YLabel("loss")
	sharp := fig.Panel("Sharpness").YLabel("top Hessian eigenvalue")
	ratio := fig.Panel("Sharpness relative to 2/η").YLabel("S · η / 2").XLabel("step")
	for _, eta := range []float64{0.01, 0.02, 0.04} {
		label := fmt.Sprintf("η = %g", eta)
		n := 3000
		xs := make([]float64, 0, n)
		ls, ss, rs := []float64{}, []float64{}, []float64{}
		for i := 0; i < n; i += 5 {
			t := float64(i)
			// Sharpness grows until it reaches 2/η, then hovers there.
			s := 20 + 3*t*eta*10
			edge := 2 / eta
			if s > edge {
				s = edge * (1 + 0.05*math.Sin(t/7)*rng.Float64())
			}
			l := 2.3*math.Exp(-t*eta/8) + 0.002*(1+math.Sin(t/13)*rng.Float64())
			xs = append(xs, t)
			ls = append(ls, l)
			ss = append(ss, s)
			rs = append(rs, s*eta/2)
		}
		ls[20] = math.NaN() // a diverged measurement: the line is broken there
		loss.Line(label, xs, ls)
		sharp.Line(label, xs, ss)
		sharp.HLine(2/eta, Dashed, ColorOf(label), Label(fmt.Sprintf("2/η = %g", 2/eta)))
		ratio.Line(label, xs, rs, Width(1.2))
	}
	sharp.Legend(LegendNone)
	ratio.Legend(LegendNone)
	ratio.Band(0.85, 1.15, Label("[0.85, 1.15]"))
	ratio.HLine(1, Dotted)
	ratio.VLine(1500, Label("second half"))
	return fig
}

// gridFigure exercises the other panel kinds in a 2×2 grid.
func gridFigure() *Figure {
	rng := rand.New(rand.NewPCG(3, 4))
	fig := New(Size(760, 560), Grid(2, 2))
	// Scatter on log-log axes.
	sc := fig.Panel("Scaling law").XLog().YLog().XLabel("parameters").YLabel("test loss")
	var xs, ys []float64
	for i := range 40 {
		n := math.Pow(10, 3+4*float64(i)/39)
		xs = append(xs, n)
		ys = append(ys, 5*math.Pow(n, -0.3)*math.Exp(0.1*rng.NormFloat64()))
	}
	sc.Dots("measured", xs, ys)
	fit := []float64{5 * math.Pow(1e3, -0.3), 5 * math.Pow(1e7, -0.3)}
	sc.Line("fit n^−0.3", []float64{1e3, 1e7}, fit, Dashed)
	// A tiny range around 1.
	tiny := fig.Panel("Tiny range").XLabel("iteration").YLabel("weight norm")
	var ty []float64
	for i := range 50 {
		ty = append(ty, 1+1e-7*math.Sin(float64(i)/5))
	}
	tiny.Line("‖w‖", nil, ty, WithMarker(Circle), Radius(2))
	// Heatmap.
	hm := fig.Panel("Loss landscape").XLabel("θ₁").YLabel("θ₂")
	z := make([][]float64, 30)
	for i := range z {
		z[i] = make([]float64, 40)
		for j := range z[i] {
			x, y := -2+4*float64(j)/39, -1.5+3*float64(i)/29
			z[i][j] = (1-x)*(1-x) + 5*(y-x*x)*(y-x*x)
		}
	}
	hm.Heatmap(z, -2, 2, -1.5, 1.5).ZLabel("loss")
	hm.Dots("", []float64{1}, []float64{1}, Color("white"), WithMarker(Cross), Radius(5))
	// Image grid.
	fig.Panel("Samples").Images(sampleImages(rng), 0)
	return fig
}

// sampleImages makes 12 small blurry blobs.
func sampleImages(rng *rand.Rand) []image.Image {
	var out []image.Image
	for range 12 {
		cx, cy := 4+rng.Float64()*8, 4+rng.Float64()*8
		pix := make([]float64, 16*16)
		for y := range 16 {
			for x := range 16 {
				dx, dy := float64(x)-cx, float64(y)-cy
				pix[y*16+x] = math.Exp(-(dx*dx + dy*dy) / 8)
			}
		}
		out = append(out, GrayImage(pix, 16, 16, 0, 1))
	}
	return out
}

// denseFigure has one panel whose data leaves no room for an inside legend.
func denseFigure() *Figure {
	fig := New()
	p := fig.Panel("Dense curves").XLabel("time (s)").YLabel("signal")
	for k := range 6 {
		var xs, ys []float64
		for i := range 400 {
			x := float64(i) / 40
			xs = append(xs, x)
			ys = append(ys, math.Sin(x+float64(k))*(1+0.1*float64(k))-0.2*float64(k))
		}
		p.Line(fmt.Sprintf("phase %d", k), xs, ys)
	}
	p.HLine(0, Label("zero"))
	return fig
}

// TestWriteDemo writes the demo figures to $PLOT_DEMO_DIR (skipped when
// unset), for looking at them.
func TestWriteDemo(t *testing.T) {
	dir := os.Getenv("PLOT_DEMO_DIR")
	if dir == "" {
		t.Skip("set PLOT_DEMO_DIR to write the demo figures")
	}
	for name, fig := range map[string]*Figure{"plot-demo.svg": eosFigure(), "plot-grid.svg": gridFigure(), "plot-single.svg": denseFigure()} {
		if err := fig.Save(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}
