package eos

import (
	"fmt"
	"math"

	"theorylab/pkg/plot"
)

// Figures draws the paper's figures from the results (the spec's list, quick preset).
func Figures(res *Results) []plot.Named {
	figs := []plot.Named{
		{Name: "quadratic", Caption: "GD on a quadratic just below and just above the stability threshold 2/η.", Fig: QuadraticFigure(res.Quadratic)},
		{Name: "edge-of-stability", Caption: "Loss, sharpness and S·η/2 against step, one colour per η (first seed); dashed lines at 2/η.", Fig: MainFigure(res)},
		{Name: "zoom", Caption: "200 consecutive steps at the edge: the loss wiggles, and the step along the top eigenvector flips sign every step.", Fig: ZoomFigure(res.Zoom)},
	}
	if len(res.Flow) > 0 {
		figs = append(figs, plot.Named{Name: "flow", Caption: "Distance between GD and gradient flow started at the same θ₀, relative to how far GD travelled; dashed lines at each run's crossing time t*·η.", Fig: FlowFigure(res)})
	}
	if res.MNIST != nil {
		figs = append(figs, plot.Named{Name: "mnist", Caption: fmt.Sprintf("MNIST-%d, fc-tanh 196-64-64-10: loss, sharpness (Lanczos) with 2/η dashed, and S·η/2 (first seed); dotted: each edge run's t* and the end of its %d-step window.", res.MNIST.Config.Examples, res.MNIST.Config.Window), Fig: MNISTFigure(res.MNIST)})
	}
	return figs
}

// FlowFigure plots ‖θ_GD(kη) − θ_flow(kη)‖ / ‖θ_GD(kη) − θ₀‖ against flow time, first seed of each η.
func FlowFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 380), plot.Title("GD against gradient flow from the same start"))
	p := fig.Panel("GD follows the flow until the sharpness reaches 2/η").XLabel("time t = step·η").YLabel("‖θ_GD − θ_flow‖ / ‖θ_GD − θ₀‖")
	for _, f := range res.Flow {
		if f.Seed != res.Config.Seed {
			continue
		}
		label := etaLabel(f.Eta, false)
		var ts, rel []float64
		for i, k := range f.Steps {
			ts = append(ts, float64(k)*f.Eta)
			rel = append(rel, f.Distance[i]/math.Max(f.Travel[i], 1e-300))
		}
		p.Line(label, ts, rel)
		p.VLine(float64(f.CrossStep)*f.Eta, plot.Dashed, plot.ColorOf(label))
	}
	// EOS-7's thresholds: close to the flow before t*, away from it at 2t*.
	p.HLine(flowBefore.Lo(), plot.Dotted, plot.Label(flowBefore.Format(flowBefore.Lo())))
	p.HLine(flowAfter.Lo(), plot.Dotted, plot.Label(flowAfter.Format(flowAfter.Lo())))
	return fig
}

// MNISTFigure draws the three panels of the main figure for the MNIST study
// (first seed), with each edge run's window (t*, t*+Window] marked.
func MNISTFigure(m *MNISTResult) *plot.Figure {
	e := newEdgeFigure(fmt.Sprintf("MNIST-%d, fc-tanh: gradient descent at the edge of stability", m.Config.Examples), edgeBand.Lo(), edgeBand.Hi())
	for _, r := range m.Runs {
		if r.Seed != m.Runs[0].Seed {
			continue
		}
		label := fmt.Sprintf("2/η = %g·S₀", r.Multiple)
		if r.Control {
			label += " (control)"
		}
		e.add(label, r.Eta, r.Loss, r.SharpSteps, r.Sharpness)
		if !r.Control && r.CrossStep >= 0 { // the window the claims look at
			e.ratio.VLine(float64(r.CrossStep), plot.Dotted, plot.ColorOf(label))
			e.ratio.VLine(float64(r.CrossStep+m.Config.Window), plot.Dotted, plot.ColorOf(label))
		}
	}
	return e.fig
}

func etaLabel(eta float64, control bool) string {
	if control {
		return fmt.Sprintf("η = %g (control)", eta)
	}
	return fmt.Sprintf("η = %g", eta)
}

// MainFigure follows the paper's Fig. 1: train loss (log scale), sharpness
// with 2/η dashed, and S·η/2 with the [0.85, 1.15] band.
func MainFigure(res *Results) *plot.Figure {
	e := newEdgeFigure("Gradient descent at the edge of stability — Chebyshev toy", edgeBand.Lo(), edgeBand.Hi())
	for _, r := range firstSeeds(res) {
		e.add(etaLabel(r.Eta, r.Control), r.Eta, r.Loss, r.SharpSteps, r.Sharpness)
	}
	return e.fig
}

// edgeFigure is the three stacked panels of the paper's Fig. 1: the loss
// (log scale), the sharpness with a dashed line at each 2/η, and S·η/2 with a band.
type edgeFigure struct {
	fig                *plot.Figure
	loss, sharp, ratio *plot.Panel
}

func newEdgeFigure(title string, bandLow, bandHigh float64) *edgeFigure {
	fig := plot.New(plot.Size(760, 760), plot.Title(title))
	e := &edgeFigure{fig: fig,
		loss:  fig.Panel("Training loss").YLog().YLabel("loss"),
		sharp: fig.Panel("Sharpness S = λ_max(∇²L)").YLabel("S").Legend(plot.LegendNone),
		ratio: fig.Panel("S relative to the threshold 2/η").YLabel("S·η/2").XLabel("step").Legend(plot.LegendNone),
	}
	e.ratio.Band(bandLow, bandHigh, plot.Label(fmt.Sprintf("[%g, %g]", bandLow, bandHigh)))
	e.ratio.HLine(1, plot.Dotted)
	return e
}

// add draws one run: its loss at every step and its sharpness at the measured steps.
func (e *edgeFigure) add(label string, eta float64, loss []float64, sharpSteps []int, sharpness []float64) {
	xs, ys := thin(loss, 2000)
	e.loss.Line(label, xs, ys, plot.Width(1))
	steps := make([]float64, len(sharpSteps))
	ratios := make([]float64, len(sharpSteps))
	for i, t := range sharpSteps {
		steps[i] = float64(t)
		ratios[i] = sharpness[i] * eta / 2
	}
	e.sharp.Dots(label, steps, sharpness, plot.Radius(1.8))
	e.sharp.HLine(2/eta, plot.Dashed, plot.ColorOf(label), plot.Label(fmt.Sprintf("2/η = %.3g", 2/eta)))
	e.ratio.Line(label, steps, ratios, plot.Width(1.2))
}

// ZoomFigure shows the period-2 oscillation along the top eigenvector.
func ZoomFigure(z Zoom) *plot.Figure {
	fig := plot.New(plot.Size(760, 520), plot.Title(fmt.Sprintf("Zoom: %d steps at the edge (η = %g, seed %d, from step %d)", len(z.Projection), z.Eta, z.Seed, z.Start)))
	steps := make([]float64, len(z.Loss))
	for i := range steps {
		steps[i] = float64(z.Start + i)
	}
	fig.Panel("Training loss").YLabel("loss").Line("loss", steps, z.Loss).Legend(plot.LegendNone)
	fig.Panel("Step along the top eigenvector v").YLabel("⟨θₜ − θₜ₋₁, v⟩").XLabel("step").
		Line("projection", steps[1:], z.Projection, plot.Width(0.8), plot.WithMarker(plot.Circle), plot.Radius(1.5)).
		HLine(0, plot.Dotted).Legend(plot.LegendNone)
	return fig
}

// QuadraticFigure shows x₂ of GD on ½(x₁² + a x₂²) for a just below and just above 2/η.
func QuadraticFigure(q Quadratic) *plot.Figure {
	fig := plot.New(plot.Size(760, 360), plot.Title(fmt.Sprintf("GD on a quadratic, η = %g: stable iff a < 2/η = %g", q.Eta, 2/q.Eta)))
	p := fig.Panel("The sharp coordinate x₂ ← (1 − ηa) x₂").XLabel("step").YLabel("x₂")
	n := min(120, len(q.Below.X2))
	steps := make([]float64, n)
	for i := range steps {
		steps[i] = float64(i)
	}
	p.Line(fmt.Sprintf("a = 0.99·2/η = %.4g (converges)", q.Below.A), steps, q.Below.X2[:n])
	p.Line(fmt.Sprintf("a = 1.01·2/η = %.4g (diverges)", q.Above.A), steps, q.Above.X2[:n])
	return fig
}

// firstSeeds picks the first seed's run of every step size.
func firstSeeds(res *Results) []RunResult {
	var out []RunResult
	for _, r := range res.Runs {
		if r.Seed == res.Config.Seed {
			out = append(out, r)
		}
	}
	return out
}

// thin keeps at most about n points of a long series (every k-th step), for figure size.
func thin(ys []float64, n int) (xs, out []float64) {
	k := max(1, len(ys)/n)
	for i := 0; i < len(ys); i += k {
		xs = append(xs, float64(i))
		out = append(out, ys[i])
	}
	return xs, out
}
