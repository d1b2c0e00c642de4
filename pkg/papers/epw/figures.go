package epw

import (
	"fmt"
	"math"
	"slices"

	"theorylab/pkg/claims"
	"theorylab/pkg/plot"
	"theorylab/pkg/rl"
)

// Figures draws the spec's figures from the results.
func Figures(res *Results) []plot.Named {
	return []plot.Named{
		{Name: "catch", Caption: "Catch (our construction): one ball and the paddle under W-step lookahead play; inside the shaded band the lookahead sees the landing.", Fig: CatchFigure(res)},
		{Name: "window", Caption: "The planning window: fraction of starts from which W-step lookahead-greedy play is optimal, ties adversarial (definition) and under the worst named tie rule.", Fig: WindowFigure(res)},
		{Name: "queries", Caption: "Queries against the horizon: the lookahead learner until it is near-optimal, exhaustive tree search (measured, then Σ3^k), a state-cached search, and REINFORCE's transitions.", Fig: QueriesFigure(res)},
		{Name: "returns", Caption: "Return relative to the optimum against the horizon: the learner (L = W), an MLP and a linear-softmax policy fit to its labels, REINFORCE.", Fig: ReturnsFigure(res)},
		{Name: "lookahead", Caption: "Final return against the learner's lookahead L on Catch (short lookahead ties) and Lazy Catch (short lookahead misleads).", Fig: LookaheadFigure(res)},
		{Name: "needle-success", Caption: "Needle-H: how often L-step lookahead play (random ties) finds the needle; line: 2^−(H−L).", Fig: NeedleSuccessFigure(res)},
		{Name: "needle-queries", Caption: "Needle-H: queries of random-order search until the needle pays, against 2^(H−1); the shaped control needs 2H.", Fig: NeedleQueriesFigure(res)},
		{Name: "learning", Caption: "Learning curves: test return ratio against queries (learner, one seed per horizon) and transitions (REINFORCE).", Fig: LearningFigure(res)},
	}
}

// stayFirst breaks the figure's ties toward Stay.
var stayFirst = rl.TieRule{Name: "stay-first", Order: []int{rl.Stay, rl.Left, rl.Right}}

// CatchFigure draws one episode's first ball: the ball's path and the
// paddle's, row by row, under W-step lookahead-greedy play (ties to Stay),
// with the rows within the window shaded.
func CatchFigure(res *Results) *plot.Figure {
	g, w := res.Config.Catch, res.Learner.CatchL
	s := rl.CatchState{Base: 0.12, X: 0.62, U: 0.05, Y: g.Heights}
	fig := plot.New(plot.Size(640, 440), plot.Title(fmt.Sprintf("Catch: F = %d, v = %g, w = %g, W = %d", g.Heights, g.Speed, g.Radius, w)))
	p := fig.Panel("A ball falls one row per step; the paddle moves ±v or stays").XLabel("position").YLabel("rows above the paddle").XRange(0, 1).YRange(-0.5, float64(g.Heights)+0.5)
	p.Band(0, float64(w), plot.Label(fmt.Sprintf("window: landing ≤ %d steps away", w)), plot.Opacity(0.12))
	sr := rl.NewSearch[rl.CatchState](g, true, true)
	var bx, by, px, py []float64
	for !s.Dead {
		bx, by = append(bx, s.X), append(by, float64(s.Y))
		px, py = append(px, g.Paddle(s)), append(py, float64(s.Y))
		a := stayFirst.Pick(rl.ArgmaxSet(sr.QValues(s, min(w, s.Y), 0)), nil)
		next, _ := g.Step(s, a)
		if next.Y != s.Y-1 { // landed: show the landing row and stop
			bx, by = append(bx, reflectX(s.X+s.U)), append(by, 0)
			if !next.Dead && !g.NewPaddle {
				px, py = append(px, g.Paddle(next)), append(py, 0)
			}
			break
		}
		s = next
	}
	p.Line("ball", bx, by, plot.WithMarker(plot.Circle), plot.Radius(4))
	p.Line("paddle (at the ball's row)", px, py, plot.WithMarker(plot.Square), plot.Radius(3))
	last := px[len(px)-1]
	p.Line(fmt.Sprintf("catch zone |x − p| ≤ %g", g.Radius), []float64{last - g.Radius, last + g.Radius}, []float64{0, 0}, plot.Width(6))
	return fig
}

func reflectX(x float64) float64 {
	if x > 1 {
		return 2 - x
	}
	if x < 0 {
		return -x
	}
	return x
}

// WindowFigure is the spec's figure 2.
func WindowFigure(res *Results) *plot.Figure {
	w := res.Window
	fig := plot.New(plot.Size(700, 420), plot.Title(fmt.Sprintf("Effective planning window, H = %d, %d starts per set", res.Config.WindowH, res.Config.WindowStarts)))
	p := fig.Panel("W-step lookahead-greedy play is optimal from …").XLabel("lookahead W").YLabel("fraction of starts").YRange(0, 1.05)
	xs := ints(w.A.Windows)
	p.Line("Catch, definition (set A)", xs, w.A.Literal, plot.WithMarker(plot.Circle))
	p.Line("Catch, definition (set B)", xs, w.B.Literal, plot.Dashed, plot.WithMarker(plot.Square))
	p.Line("Catch, worst named tie rule (A)", xs, w.A.Worst, plot.Dotted, plot.WithMarker(plot.Triangle))
	p.Line("Lazy Catch, definition", ints(w.Lazy.Windows), w.Lazy.Literal, plot.WithMarker(plot.Diamond))
	for _, s := range w.Speeds {
		p.Line(fmt.Sprintf("Catch v = %g (estimate %d)", s.Speed, s.Estimate), ints(s.Curve.Windows), s.Curve.Literal, plot.WithMarker(plot.Cross))
	}
	p.VLine(float64(w.Estimate), plot.Dashed, plot.Label(fmt.Sprintf("⌈(1 − w)/v⌉ = %d", w.Estimate)))
	return fig
}

// QueriesFigure is the spec's figure 3.
func QueriesFigure(res *Results) *plot.Figure {
	cfg := res.Config
	fig := plot.New(plot.Size(760, 480), plot.Title("Queries against the horizon (log–log)"))
	p := fig.Panel("Planning the whole horizon is exponential; learning with a window is not").XLog().YLog().XLabel("horizon H").YLabel("queries (or transitions)")
	fits := HorizonFits(res)
	med := make([]float64, len(cfg.Horizons))
	for i := range cfg.Horizons {
		var col []float64
		for _, f := range fits {
			if i < len(f.Q) {
				col = append(col, f.Q[i])
				if !math.IsInf(f.Q[i], 1) {
					p.Dots("learner, each seed", []float64{float64(f.H[i])}, []float64{f.Q[i]}, plot.ColorOf(fmt.Sprintf("learner L = %d: queries to %.2f (median)", res.Learner.CatchL, nearOptimal.Lo())), plot.NoLegend)
				}
			}
		}
		med[i] = claims.Median(col)
	}
	p.Line(fmt.Sprintf("learner L = %d: queries to %.2f (median)", res.Learner.CatchL, nearOptimal.Lo()), ints(cfg.Horizons), med, plot.WithMarker(plot.Circle))
	s := res.Search
	p.Line("tree search over H (measured, pruned)", ints(s.Horizons), s.Tree, plot.WithMarker(plot.Square))
	var hx, hy []float64
	for h := s.Horizons[0]; h <= cfg.Horizons[len(cfg.Horizons)-1]; h++ {
		hx, hy = append(hx, float64(h)), append(hy, rl.TreeQueries(3, h))
	}
	p.Line("tree search, Σ3^k (no pruning)", hx, hy, plot.Dashed)
	p.Line("state-cached search on Catch's lattice", ints(s.Horizons), s.Cached, plot.Dotted, plot.WithMarker(plot.Triangle))
	var rx, ry []float64
	missed := 0
	for _, r := range res.Reinforce.Runs {
		if t := transitionsTo(r, nearOptimal.Lo()); !math.IsInf(t, 1) {
			rx, ry = append(rx, float64(r.H)), append(ry, t)
		} else {
			missed++
		}
	}
	label := fmt.Sprintf("REINFORCE: transitions to %.2f", nearOptimal.Lo())
	if missed > 0 {
		label += fmt.Sprintf(" (%d horizon(s) not reached)", missed)
	}
	p.Line(label, rx, ry, plot.WithMarker(plot.Diamond))
	return fig
}

// transitionsTo is the first checkpoint's transition count at which the test ratio reaches level (+Inf: never).
func transitionsTo(r rl.ReinforceRun, level float64) float64 {
	for _, c := range r.Curve {
		if c.Test >= level {
			return float64(c.Transitions)
		}
	}
	return math.Inf(1)
}

// ReturnsFigure is the spec's figure 4.
func ReturnsFigure(res *Results) *plot.Figure {
	cfg := res.Config
	fig := plot.New(plot.Size(720, 420), plot.Title("Return relative to the optimum (held-out starts)"))
	p := fig.Panel("Final test return / optimal return").XLog().XLabel("horizon H").YLabel("Σ return / Σ optimal").YRange(0, 1.05)
	mean := func(xs []float64) float64 { return claims.Mean(xs) }
	var ys []float64
	for _, h := range cfg.Horizons {
		var col []float64
		for s := range cfg.Seeds {
			if r, ok := res.Learner.find("catch", h, res.Learner.CatchL, s); ok {
				col = append(col, r.Rounds[len(r.Rounds)-1].Test)
			}
		}
		ys = append(ys, mean(col))
	}
	p.Line(fmt.Sprintf("lookahead learner, MLP, L = %d (mean of %d seeds)", res.Learner.CatchL, cfg.Seeds), ints(cfg.Horizons), ys, plot.WithMarker(plot.Circle))
	for _, m := range res.Probe.Models {
		var row []float64
		for _, r := range m.Return {
			row = append(row, mean(r))
		}
		p.Line(fmt.Sprintf("%s policy fit to the learner's labels (H = %d)", m.Name, cfg.SweepH), ints(cfg.Horizons), row, plot.Dashed, plot.WithMarker(plot.Square))
	}
	var rx, ry []float64
	for _, r := range res.Reinforce.Runs {
		rx, ry = append(rx, float64(r.H)), append(ry, r.Curve[len(r.Curve)-1].Test)
	}
	p.Line(fmt.Sprintf("REINFORCE, %dk transitions", res.Config.Reinforce.Budget/1000), rx, ry, plot.WithMarker(plot.Diamond))
	p.HLine(nearOptimal.Lo(), plot.Dotted, plot.Label(fmt.Sprintf("%.2f", nearOptimal.Lo())))
	return fig
}

// LookaheadFigure shows the lookahead sweeps (the prototype's control).
func LookaheadFigure(res *Results) *plot.Figure {
	cfg := res.Config
	fig := plot.New(plot.Size(720, 420), plot.Title(fmt.Sprintf("Does the learner need the window? (H = %d)", cfg.SweepH)))
	p := fig.Panel("Final test return / optimal against the label lookahead L").XLabel("lookahead L").YLabel("Σ return / Σ optimal").YRange(0, 1.05)
	for _, game := range []struct{ name, label string }{{"catch", "Catch (short lookahead ties)"}, {"lazy", "Lazy Catch (short lookahead misleads)"}} {
		byL := map[int][]float64{}
		var ls []int
		for _, r := range res.Learner.Runs {
			if r.Game != game.name || r.H != cfg.SweepH {
				continue
			}
			if _, ok := byL[r.L]; !ok {
				ls = append(ls, r.L)
			}
			byL[r.L] = append(byL[r.L], r.Rounds[len(r.Rounds)-1].Test)
		}
		slices.Sort(ls)
		var xs, ys []float64
		for _, l := range ls {
			xs, ys = append(xs, float64(l)), append(ys, claims.Mean(byL[l]))
			for _, v := range byL[l] {
				p.Dots(game.label+" seeds", []float64{float64(l)}, []float64{v}, plot.ColorOf(game.label), plot.NoLegend, plot.Radius(2.5))
			}
		}
		p.Line(game.label, xs, ys, plot.WithMarker(plot.Circle))
	}
	p.VLine(float64(res.Learner.CatchL), plot.Dashed, plot.Label(fmt.Sprintf("W = %d", res.Learner.CatchL)))
	p.HLine(nearOptimal.Lo(), plot.Dotted, plot.Label(fmt.Sprintf("%.2f", nearOptimal.Lo())))
	p.HLine(shortRatio.Lo(), plot.Dotted, plot.Label(fmt.Sprintf("%.2f", shortRatio.Lo())))
	return fig
}

// NeedleSuccessFigure is the spec's figure 5.
func NeedleSuccessFigure(res *Results) *plot.Figure {
	n := res.Needle
	fig := plot.New(plot.Size(720, 420), plot.Title(fmt.Sprintf("Needle-H: success of L-step lookahead play (%d codes per H)", n.Codes)))
	p := fig.Panel("Dots: measured; lines: 2^−(H−L)").XLabel("lookahead L").YLabel("fraction of codes found").YRange(0, 1.05)
	for _, c := range n.Curves {
		label := fmt.Sprintf("H = %d", c.H)
		p.Dots(label, ints(c.L), c.Success)
		var th []float64
		for _, l := range c.L {
			th = append(th, math.Ldexp(1, l-c.H))
		}
		p.Line(label+" theory", ints(c.L), th, plot.ColorOf(label), plot.NoLegend)
	}
	return fig
}

// NeedleQueriesFigure is the spec's figure 6.
func NeedleQueriesFigure(res *Results) *plot.Figure {
	n := res.Needle
	fig := plot.New(plot.Size(720, 420), plot.Title("Needle-H: queries to find the needle (semi-log)"))
	p := fig.Panel("Random-order search over the 2^H leaves").YLog().XLabel("horizon H").YLabel("queries")
	p.Dots(fmt.Sprintf("measured mean (%d codes)", n.Codes), ints(n.Horizons), n.MeanQueries, plot.Radius(4))
	var th, sh []float64
	for _, h := range n.Horizons {
		th = append(th, math.Ldexp(1, h-1))
		sh = append(sh, float64(2*h))
	}
	p.Line("2^(H−1)", ints(n.Horizons), th, plot.Dashed)
	p.Line("shaped control, lookahead 1: 2H", ints(n.Horizons), sh, plot.Dotted)
	p.Dots(fmt.Sprintf("shaped control measured at H = %d", n.AgentH), []float64{float64(n.AgentH)}, []float64{n.ShapedQueries}, plot.WithMarker(plot.Square), plot.Radius(4))
	return fig
}

// LearningFigure shows test return against spent queries.
func LearningFigure(res *Results) *plot.Figure {
	cfg := res.Config
	fig := plot.New(plot.Size(760, 460), plot.Title(fmt.Sprintf("Learning curves on Catch (seed %d of the learner)", 0)))
	p := fig.Panel("Test return / optimal after each round (learner) or checkpoint (REINFORCE)").XLog().XLabel("queries (learner) / transitions (REINFORCE)").YLabel("Σ return / Σ optimal").YRange(0, 1.05)
	for _, h := range cfg.Horizons {
		r, ok := res.Learner.find("catch", h, res.Learner.CatchL, 0)
		if !ok {
			continue
		}
		var xs, ys []float64
		for _, rd := range r.Rounds {
			xs, ys = append(xs, float64(rd.Queries)), append(ys, rd.Test)
		}
		p.Line(fmt.Sprintf("learner H = %d", h), xs, ys, plot.WithMarker(plot.Circle), plot.Radius(2.5))
	}
	for _, r := range res.Reinforce.Runs {
		var xs, ys []float64
		for _, c := range r.Curve[1:] {
			xs, ys = append(xs, float64(c.Transitions)), append(ys, c.Test)
		}
		p.Line(fmt.Sprintf("REINFORCE H = %d", r.H), xs, ys, plot.Dashed)
	}
	p.HLine(nearOptimal.Lo(), plot.Dotted)
	return fig
}

func ints(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}
