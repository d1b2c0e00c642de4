package adamgd

import (
	"fmt"
	"math"

	"theorylab/pkg/claims"
	"theorylab/pkg/plot"
)

// Figures draws the spec's figures from the results.
func Figures(res *Results) []plot.Named {
	s := ShownSeed(res)
	seed := res.Runs[s*len(res.Settings)].Seed
	return []plot.Named{
		{Name: "training", Caption: fmt.Sprintf("Seed %d (the seed where Adam's test error is highest): training loss (log) and test error against step, GD and Adam from the same initialisation. Both losses fall; only GD's test error does.", seed), Fig: TrainingFigure(res, s)},
		{Name: "coefficients", Caption: fmt.Sprintf("Seed %d: feature coefficient γ and noise coefficient ρ (log). GD's γ rises above ρ; Adam's ρ rises and its γ fades under weight decay.", seed), Fig: CoefficientFigure(res, s)},
		{Name: "per-seed", Caption: "Final test error per seed at the paper's point (GD left, Adam right of each seed), with AG-3's thresholds: GD ≤ 0.05, Adam ≥ 0.35.", Fig: PerSeedFigure(res)},
		{Name: "lr-switch", Caption: "Median test error over seeds against the learning rate, per method and λ: Adam fails only at small steps and weak ℓ2 — the end of the gap.", Fig: SwitchFigure(res)},
		{Name: "convex", Caption: "Convex control: ‖wₜ − w*‖/‖w*‖ for GD and Adam (lr η₀/√t), every seed. Both go to the one minimiser.", Fig: ConvexFigure(res)},
	}
}

// ShownSeed is the seed index whose Adam run (paper's point) has the highest test error.
func ShownSeed(res *Results) int {
	a := mainSetting(res, Adam)
	best, worst := 0, -1.0
	for s := range res.Config.Seeds {
		if e := testErr(res.Run(s, a)); e > worst {
			best, worst = s, e
		}
	}
	return best
}

func steps(res *Results) []float64 {
	x := make([]float64, len(res.EvalSteps))
	for i, t := range res.EvalSteps {
		x[i] = float64(t)
	}
	return x
}

// positive keeps log-scale plots away from zeros and negatives.
func floor(ys []float64, lo float64) []float64 {
	out := make([]float64, len(ys))
	for i, y := range ys {
		out[i] = math.Max(y, lo)
	}
	return out
}

// TrainingFigure: training loss and test error against step for GD and Adam on seed index s.
func TrainingFigure(res *Results, s int) *plot.Figure {
	fig := plot.New(plot.Size(900, 360), plot.Grid(1, 2), plot.Title("GD and Adam, same start"))
	loss := fig.Panel("regularised training loss").XLabel("step").YLabel("L(W)").YLog()
	test := fig.Panel("test error").XLabel("step").YLabel("error").YRange(0, 0.6)
	x := steps(res)
	for _, m := range []string{GD, Adam} {
		r := res.Run(s, mainSetting(res, m))
		label := res.Settings[mainSetting(res, m)].String()
		loss.Line(label, x, floor(r.Loss, 1e-6))
		test.Line(label, x, r.TestErr)
	}
	return fig
}

// CoefficientFigure: γ and ρ against step for both optimizers on seed index s.
func CoefficientFigure(res *Results, s int) *plot.Figure {
	fig := plot.New(plot.Size(900, 360), plot.Grid(1, 2), plot.Title("Feature learning against noise memorization"))
	x := steps(res)
	for _, m := range []string{GD, Adam} {
		c := mainSetting(res, m)
		r := res.Run(s, c)
		p := fig.Panel(res.Settings[c].String()).XLabel("step").YLabel("coefficient").YLog()
		p.Line("feature γ", x, floor(r.Gamma, 1e-4))
		p.Line("noise ρ", x, floor(r.Rho, 1e-4))
	}
	return fig
}

// PerSeedFigure: the final test error of GD and Adam per seed.
func PerSeedFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 360), plot.Title("Final test error per seed"))
	p := fig.Panel("paper's point of the grid").XLabel("seed").YLabel("test error").YRange(0, 0.6)
	for i, m := range []string{GD, Adam} {
		c := mainSetting(res, m)
		var xs, ys []float64
		for s := range res.Config.Seeds {
			xs = append(xs, float64(res.Run(s, c).Seed)+0.15*float64(2*i-1))
			ys = append(ys, testErr(res.Run(s, c)))
		}
		p.Dots(res.Settings[c].String(), xs, ys, plot.Radius(5))
	}
	p.HLine(gdGeneral.Lo(), plot.Label("GD ≤ 0.05"))
	p.HLine(adamFails.Lo(), plot.Label("Adam ≥ 0.35"))
	return fig
}

// SwitchFigure: median test error against learning rate, per method and λ.
func SwitchFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 380), plot.Title("Where the gap ends"))
	p := fig.Panel("median final test error over seeds").XLabel("learning rate").YLabel("test error").XLog().YRange(0, 0.6)
	for _, m := range []string{GD, Adam} {
		for _, lam := range res.Config.Lambdas {
			var xs, ys []float64
			for c, st := range res.Settings {
				if st.Role == "grid" && st.Method == m && st.Lambda == lam {
					xs = append(xs, st.LR)
					ys = append(ys, claims.Median(finals(res, c, testErr)))
				}
			}
			p.Line(fmt.Sprintf("%s λ %g", m, lam), xs, ys, plot.WithMarker(plot.Circle))
		}
	}
	return fig
}

// ConvexFigure: distance to the minimiser against step, both optimizers, every seed.
func ConvexFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 380), plot.Title("Convex control (our construction)"))
	p := fig.Panel("linear logistic regression, λ = " + fmt.Sprint(res.Config.ConvexLambda)).XLabel("step").YLabel("‖wₜ − w*‖/‖w*‖").YLog()
	every := float64(res.Config.ConvexSteps / 100)
	for _, cr := range res.Convex {
		for _, c := range []struct {
			name string
			ys   []float64
		}{{"GD", cr.CurveGD}, {"Adam η₀/√t", cr.CurveAdam}} {
			xs := make([]float64, len(c.ys))
			for i := range xs {
				xs[i] = float64(i) * every
			}
			p.Line(fmt.Sprintf("%s seed %d", c.name, cr.Seed), xs, floor(c.ys, 1e-16), plot.Width(1))
		}
	}
	return fig
}
