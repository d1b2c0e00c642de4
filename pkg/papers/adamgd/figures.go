package adamgd

import (
	"fmt"
	"math"
	"slices"

	"theorylab/pkg/claims"
	"theorylab/pkg/optim"
	"theorylab/pkg/patchdata"
	"theorylab/pkg/plot"
)

// Figures draws the spec's figures from the results.
func Figures(res *Results) []plot.Named {
	figs := []plot.Named{
		{Name: "training", Caption: "Training loss (log scale) and test error against step, GD and Adam from the same start; thin lines: every data seed, thick: the median.", Fig: TrainingFigure(res)},
		{Name: "feature-vs-noise", Caption: "Feature learning γ and noise memorisation ρ against step (log scale): GD learns the feature, Adam's γ rises briefly and decays while ρ grows. Thin lines: every data seed, thick: the median.", Fig: MechanismFigure(res)},
		{Name: "test-error-per-seed", Caption: "Final test error on every data seed, GD beside Adam, with the AG-3 thresholds.", Fig: PerSeedFigure(res)},
		{Name: "convex", Caption: "Convex control: relative distance to the unique minimiser w* (Newton) against step, log scale; constant-step Adam (dashed) only hovers near w*.", Fig: ConvexFigure(res)},
		{Name: "lr-grid", Caption: "Median test error against the step size for both optimizers on the shared grid, at every λ: where Adam's gap ends.", Fig: GridFigure(res)},
	}
	if len(res.Config.LambdaSweep) > 0 || len(res.Config.EpsControls) > 1 {
		figs = append(figs, plot.Named{Name: "sweeps", Caption: "Full preset: the gap (median Adam − median GD test error) against λ and against Adam's ε, at the paper's step sizes.", Fig: SweepFigure(res)})
	}
	return figs
}

// curveLines draws one series of every seed thin and their median thick.
func curveLines(p *plot.Panel, label string, steps []float64, rs []RunResult, get func(*Curve) []float64, opts ...plot.Option) {
	var all [][]float64
	for _, r := range rs {
		if r.Curve == nil {
			continue
		}
		ys := get(r.Curve)
		all = append(all, ys)
		p.Line(label, steps, ys, append([]plot.Option{plot.NoLegend, plot.Width(0.7), plot.Opacity(0.3)}, opts...)...)
	}
	med := make([]float64, len(steps))
	for i := range med {
		col := make([]float64, 0, len(all))
		for _, ys := range all {
			if i < len(ys) {
				col = append(col, ys[i])
			}
		}
		med[i] = claims.Median(col)
	}
	p.Line(label, steps, med, append([]plot.Option{plot.Width(2)}, opts...)...)
}

func logSteps(res *Results) []float64 {
	out := make([]float64, len(res.LogSteps))
	for i, t := range res.LogSteps {
		out[i] = float64(t)
	}
	return out
}

// TrainingFigure is the spec's figure 1: training loss and test error against step.
func TrainingFigure(res *Results) *plot.Figure {
	cfg := res.Config
	fig := plot.New(plot.Size(760, 600), plot.Title(fmt.Sprintf("GD (η = %g) and Adam (η = %g) from the same start, λ = %g", cfg.GDLR, cfg.AdamLR, cfg.Lambda)))
	steps := logSteps(res)
	loss := fig.Panel("Training objective (logistic loss + ℓ2)").YLog().YLabel("L(W)")
	test := fig.Panel("Test error: only GD's falls").YLabel("test error").XLabel("step")
	for _, v := range []struct {
		label string
		rs    []RunResult
	}{{"GD", res.MainGD(DataReal)}, {"Adam", res.MainAdam(DataReal)}} {
		curveLines(loss, v.label, steps, v.rs, func(c *Curve) []float64 { return c.Loss })
		curveLines(test, v.label, steps, v.rs, func(c *Curve) []float64 { return c.TestErr })
	}
	test.HLine(0.5, plot.Dotted, plot.Label("chance"))
	return fig
}

// MechanismFigure is the spec's figure 2: γ and ρ against step for both optimizers.
func MechanismFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 620), plot.Title("Feature learning γ against noise memorisation ρ"))
	steps := logSteps(res)
	for _, v := range []struct {
		title string
		rs    []RunResult
	}{{"GD: the filters learn the feature", res.MainGD(DataReal)}, {"Adam: the filters memorise the noise", res.MainAdam(DataReal)}} {
		p := fig.Panel(v.title).YLog().YLabel("coefficient")
		curveLines(p, "γ (feature)", steps, v.rs, func(c *Curve) []float64 { return c.Gamma })
		curveLines(p, "ρ (noise)", steps, v.rs, func(c *Curve) []float64 { return c.Rho }, plot.Dashed)
	}
	fig.Panels()[1].XLabel("step")
	return fig
}

// PerSeedFigure is the spec's figure 3: final test error per seed, GD beside Adam.
func PerSeedFigure(res *Results) *plot.Figure {
	cfg := res.Config
	gd, adam := res.MainGD(DataReal), res.MainAdam(DataReal)
	hits := 0
	for k := range gd {
		if separates(gd[k], adam[k]) {
			hits++
		}
	}
	fig := plot.New(plot.Size(760, 380), plot.Title(fmt.Sprintf("Final test error per data seed: the gap in %d of %d seeds (AG-3 needs %d)", hits, cfg.Seeds, Need(cfg.Seeds))))
	first := float64(gd[0].DataSeed)
	p := fig.Panel("").XLabel("data seed").YLabel("test error").YRange(0, 0.6).XRange(first-0.6, first+float64(len(gd))-0.4)
	for _, v := range []struct {
		label string
		rs    []RunResult
		dx    float64
	}{{"GD", gd, -0.15}, {"Adam", adam, 0.15}} {
		var xs, ys []float64
		for _, r := range v.rs {
			x := float64(r.DataSeed) + v.dx
			xs, ys = append(xs, x), append(ys, float64(r.TestErr))
			// A bar: a thick vertical segment from 0.
			p.Line(v.label, []float64{x, x}, []float64{0, float64(r.TestErr)}, plot.Width(9), plot.NoLegend)
		}
		p.Dots(v.label, xs, ys, plot.Radius(2))
	}
	p.HLine(gdGood.Lo(), plot.Dashed, plot.ColorOf("GD"), plot.Label("GD "+gdGood.String()))
	p.HLine(adamBad.Lo(), plot.Dashed, plot.ColorOf("Adam"), plot.Label("Adam "+adamBad.String()))
	return fig
}

// ConvexFigure is the spec's figure 4: ‖wₜ − w*‖/‖w*‖ against step.
func ConvexFigure(res *Results) *plot.Figure {
	cv := res.Convex
	cfg := res.Config
	fig := plot.New(plot.Size(760, 400), plot.Title(fmt.Sprintf("Convex control: linear logistic model, λ = %g — one minimiser, reached by both", cfg.Convex.Lambda)))
	p := fig.Panel("").YLog().XLabel("step").YLabel("‖wₜ − w*‖ / ‖w*‖")
	steps := make([]float64, len(cv.LogSteps))
	for i, t := range cv.LogSteps {
		steps[i] = float64(t)
	}
	for _, v := range []struct {
		name  string
		label string
		opts  []plot.Option
	}{
		{ConvexGD, fmt.Sprintf("GD, η = %g", cfg.Convex.GDLR), nil},
		{ConvexAdam, fmt.Sprintf("Adam, ηₜ = %g/√t", cfg.Convex.AdamLR0), nil},
		{ConvexAdamConst, fmt.Sprintf("Adam, constant η = %g (control)", cfg.Convex.AdamLR0), []plot.Option{plot.Dashed}},
	} {
		for k := range cv.Seeds {
			r := cv.Find(v.name, k)
			opts := append([]plot.Option{plot.Width(1)}, v.opts...)
			if k > 0 {
				opts = append(opts, plot.NoLegend, plot.Opacity(0.35))
			}
			// Distances below 1e-16 are rounding; they would stretch the log axis.
			ys := make([]float64, len(r.Dist))
			for i, d := range r.Dist {
				ys[i] = math.Max(d, 1e-16)
			}
			p.Line(v.label, steps, ys, opts...)
		}
	}
	p.HLine(convexDist.Lo(), plot.Dotted, plot.Label(fmt.Sprintf("%g (AG-5)", convexDist.Lo())))
	return fig
}

// GridFigure shows the median test error of both optimizers over the shared
// step-size grid, one line per optimizer and λ.
func GridFigure(res *Results) *plot.Figure {
	cfg := res.Config
	fig := plot.New(plot.Size(760, 420), plot.Title(fmt.Sprintf("The shared grid: median test error over %d data seeds after %d steps", cfg.Seeds, cfg.Steps)))
	p := fig.Panel("").XLog().XLabel("step size η").YLabel("median test error").YRange(0, 0.6)
	for _, m := range []optim.Method{optim.GD, optim.Adam} {
		name := map[optim.Method]string{optim.GD: "GD", optim.Adam: "Adam"}[m]
		for li, lam := range cfg.LambdaGrid {
			var xs, ys []float64
			for _, lr := range cfg.LRGrid {
				xs = append(xs, lr)
				ys = append(ys, claims.Median(testErrs(res.Grid(m, lr, lam))))
			}
			opts := []plot.Option{plot.WithMarker(plot.Circle), plot.Radius(3)}
			if li > 0 {
				opts = append(opts, plot.Dashed)
			}
			p.Line(fmt.Sprintf("%s, λ = %g", name, lam), xs, ys, opts...)
		}
	}
	p.VLine(cfg.AdamLR, plot.Dotted, plot.Label(fmt.Sprintf("Adam η = %g (paper's regime)", cfg.AdamLR)))
	p.VLine(cfg.GDLR, plot.Dotted, plot.Label(fmt.Sprintf("GD η = %g", cfg.GDLR)))
	return fig
}

// SweepFigure (full preset) shows the gap against λ and against ε.
func SweepFigure(res *Results) *plot.Figure {
	cfg := res.Config
	fig := plot.New(plot.Size(760, 620), plot.Title("Where the gap lives (full preset)"), plot.ShareX(false))
	p := fig.Panel(fmt.Sprintf("Gap against λ (GD η = %g, Adam η = %g); λ = 0 drawn at 1e-5", cfg.GDLR, cfg.AdamLR)).XLog().XLabel("λ").YLabel("median gap")
	lams := append(append([]float64{}, cfg.LambdaGrid...), cfg.LambdaSweep...)
	slices.Sort(lams)
	var xs, ys []float64
	for _, lam := range lams {
		gd := res.Of(res.index(DataReal, optim.GD, 0, cfg.GDLR, lam))
		ad := res.Of(res.index(DataReal, optim.Adam, cfg.Eps, cfg.AdamLR, lam))
		if gd == nil || ad == nil {
			continue
		}
		x := lam
		if x == 0 {
			x = 1e-5
		}
		xs, ys = append(xs, x), append(ys, medianGap(ad, gd))
	}
	p.Line("gap", xs, ys, plot.WithMarker(plot.Circle), plot.Radius(3))
	p.HLine(gapMin.Lo(), plot.Dashed, plot.Label(fmt.Sprintf("%.2f (AG-2)", gapMin.Lo())))
	q := fig.Panel(fmt.Sprintf("Gap against Adam's ε (η = %g, λ = %g)", cfg.AdamLR, cfg.Lambda)).XLog().XLabel("ε").YLabel("median gap")
	gd := res.MainGD(DataReal)
	xs, ys = []float64{cfg.Eps}, []float64{medianGap(res.MainAdam(DataReal), gd)}
	for _, e := range cfg.EpsControls {
		xs, ys = append(xs, e), append(ys, medianGap(res.EpsControl(e), gd))
	}
	q.Line("gap", xs, ys, plot.WithMarker(plot.Circle), plot.Radius(3), plot.NoLegend)
	q.HLine(gapMin.Lo(), plot.Dashed, plot.Label(fmt.Sprintf("%.2f", gapMin.Lo())))
	return fig
}

// DataFigure shows the first examples of data seed 0's training set as an
// image: one row per patch (the first patch of each example at the top of its
// block), one column per coordinate, the first cols coordinates of d; the
// feature y·e₁ sits in column 1, the noise is scattered over the others.
func DataFigure(cfg Config, examples, cols int) (*plot.Figure, error) {
	set, err := patchdata.Generate(cfg.Data, examples, cfg.DataSeed(0), StreamTrain)
	if err != nil {
		return nil, err
	}
	dense := set.Dense() // [n, P, d]
	P, d := cfg.Data.Patches, cfg.Data.D
	cols = min(max(cols, 1), d)
	var z [][]float64
	for i := examples - 1; i >= 0; i-- { // row 0 is drawn at the bottom
		for p := P - 1; p >= 0; p-- {
			z = append(z, dense[(i*P+p)*d:(i*P+p)*d+cols])
		}
	}
	fig := plot.New(plot.Size(760, 180+9*examples*P), plot.Title(fmt.Sprintf("%d training examples (labels %v): %d patches each, coordinates 1–%d of %d", examples, set.Y, P, cols, d)))
	fig.Panel("").Heatmap(z, 0.5, float64(cols)+0.5, 0, float64(examples*P)).ZRange(-1.5, 1.5).ZLabel("x").
		XLabel("coordinate (1: the feature direction e₁)").YLabel("example × patch (3 rows per example)")
	return fig, nil
}
