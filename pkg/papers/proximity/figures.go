package proximity

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
		{Name: "tree", Caption: "Split-needle (our construction), H = 4, m = 2: leaves in O₁ (first action 0) and O₂ (first action 1) pay 1 in that environment, every other leaf 1 − ε; only σ pays 1 in both. Left branch: action 0.", Fig: TreeFigure(res)},
		{Name: "values", Caption: "V − V* of three policies in each environment: each environment's own solution loses ε in the other; only σ's path is optimal in both.", Fig: ValuesFigure(res)},
		{Name: "distance", Caption: "Classical distance against difficulty: the reward gap and total variation are the same for Split-needle and its shaped twin, the cost of generalizing is not.", Fig: DistanceFigure(res)},
		{Name: "queries", Caption: "Queries to generalize against H: Split-needle (semi-log, with m·2^(H−1)) and the Catch-m consensus learner (log–log).", Fig: QueriesFigure(res)},
		{Name: "catch-m", Caption: "Catch-m: the consensus learner's queries against the number of environments m, and its final return in each environment.", Fig: CatchMFigure(res)},
		{Name: "identical", Caption: "The identical-needle control (SP-lite holds): consensus lookahead finds the needle with probability 2^−(H−L), like on Split-needle.", Fig: IdenticalFigure(res)},
	}
}

// TreeFigure draws the tree of the value table's family member (H = FactsH).
func TreeFigure(res *Results) *plot.Figure {
	cfg, t := res.Config, res.Split.Table
	envs, err := rl.NewSplitNeedles(t.H, t.Code, cfg.M, cfg.Eps, 0, false)
	fig := plot.New(plot.Size(720, 420), plot.Title(fmt.Sprintf("Split-needle, H = %d, m = %d, σ = %s (actions from the root)", t.H, cfg.M, actions(t.Code, t.H))))
	if err != nil {
		return fig
	}
	p := fig.Panel("Every environment has the same tree; only the leaves' rewards differ").XLabel("leaf").YLabel("depth").YRange(-float64(t.H)-0.5, 0.5)
	leaves := 1 << uint(t.H)
	// x of a node: the mean of its subtree's leaves, leaves ordered by their action sequence read from the root.
	x := func(depth int, path uint64) float64 {
		idx := 0
		for h := range depth {
			idx = idx<<1 | int(path>>uint(h)&1)
		}
		span := leaves >> uint(depth)
		return float64(idx*span) + float64(span-1)/2
	}
	var ex, ey []float64
	for depth := range t.H {
		for path := uint64(0); path < 1<<uint(depth); path++ {
			for a := range 2 {
				child := path | uint64(a)<<uint(depth)
				ex = append(ex, x(depth, path), x(depth+1, child), math.NaN())
				ey = append(ey, -float64(depth), -float64(depth+1), math.NaN())
			}
		}
	}
	p.Line("transitions (shared)", ex, ey, plot.Color("#bbbbbb"), plot.Width(1))
	series := map[string][2][]float64{}
	var order []string
	for leaf := uint64(0); leaf < uint64(leaves); leaf++ {
		in := []bool{}
		for _, e := range envs {
			in = append(in, e.InO(leaf))
		}
		label := "1 − ε in every environment"
		switch {
		case leaf == t.Code:
			label = "σ: 1 in every environment"
		case in[0]:
			label = "O₁: 1 in environment 1"
		case len(in) > 1 && in[1]:
			label = "O₂: 1 in environment 2"
		}
		if _, ok := series[label]; !ok {
			order = append(order, label)
		}
		v := series[label]
		v[0], v[1] = append(v[0], x(t.H, leaf)), append(v[1], -float64(t.H))
		series[label] = v
	}
	for _, label := range order {
		p.Dots(label, series[label][0], series[label][1], plot.Radius(5))
	}
	return fig
}

// ValuesFigure is the cross-environment value table as a heatmap.
func ValuesFigure(res *Results) *plot.Figure {
	t := res.Split.Table
	fig := plot.New(plot.Size(640, 380), plot.Title(fmt.Sprintf("V − V* of three policies in each environment (H = %d)", t.H)))
	p := fig.Panel("Rows: 1 = environment 1's own solution, 2 = environment 2's, 3 = σ's path").XLabel("environment").YLabel("policy")
	p.Heatmap(t.Gap, 0.5, float64(len(t.Gap[0]))+0.5, 0.5, float64(len(t.Gap))+0.5).ZLabel("V − V*")
	return fig
}

// DistanceFigure: the classical distances against the log₂ cost.
func DistanceFigure(res *Results) *plot.Figure {
	s := res.Split
	fig := plot.New(plot.Size(760, 520), plot.Title("Classical distance does not predict the cost of generalizing"))
	d := fig.Panel("Distances between the environments").YLabel("max |r₁ − r₂|, TV").YRange(-0.01, 0.07)
	hs := ints(s.Horizons)
	d.Line("Split-needle: max |r₁ − r₂|", hs, fill(len(hs), s.RewardGap), plot.WithMarker(plot.Circle))
	d.Line("shaped twin: max |r₁ − r₂|", hs, fill(len(hs), s.ShapedRewardGap), plot.Dashed, plot.WithMarker(plot.Square))
	d.Line("both: total variation of transitions", hs, fill(len(hs), s.TV), plot.Dotted, plot.WithMarker(plot.Triangle))
	c := fig.Panel("Cost of finding a policy optimal in every environment").YLabel("log₂ queries").XLabel("horizon H")
	lq := make([]float64, len(hs))
	ls := make([]float64, len(hs))
	for i := range hs {
		lq[i], ls[i] = math.Log2(s.MeanQueries[i]), math.Log2(s.ShapedQueries[i])
	}
	c.Line("Split-needle (random-order search)", hs, lq, plot.WithMarker(plot.Circle))
	c.Line("shaped twin (lookahead-1 consensus)", hs, ls, plot.Dashed, plot.WithMarker(plot.Square))
	return fig
}

// QueriesFigure: Split-needle semi-log beside Catch-m log–log.
func QueriesFigure(res *Results) *plot.Figure {
	s, cfg := res.Split, res.Config
	fig := plot.New(plot.Size(900, 420), plot.Grid(1, 2), plot.Title("Queries to generalize against the horizon"))
	a := fig.Panel("Split-needle (Weak Proximity)").YLog().XLabel("horizon H").YLabel("queries")
	a.Dots(fmt.Sprintf("measured mean, %d codes", s.Codes), ints(s.Horizons), s.MeanQueries, plot.Radius(4))
	var th []float64
	for _, h := range s.Horizons {
		th = append(th, float64(cfg.M)*math.Ldexp(1, h-1))
	}
	a.Line(fmt.Sprintf("m·2^(H−1), m = %d", cfg.M), ints(s.Horizons), th, plot.Dashed)
	b := fig.Panel(fmt.Sprintf("Catch-m, m = %d (SP-lite and a window)", cfg.ScalingM)).XLog().YLog().XLabel("horizon H").YLabel("queries (all rounds)")
	hs := append(append([]int{}, cfg.ScalingHs...), cfg.CatchH)
	slices.Sort(hs)
	var xs, ys []float64
	for _, h := range hs {
		var col []float64
		for seed := range cfg.Seeds {
			if r, ok := res.Catch.find(cfg.ScalingM, h, cfg.WindowL, seed); ok {
				col = append(col, float64(r.Rounds[len(r.Rounds)-1].Queries))
			}
		}
		if len(col) > 0 {
			xs, ys = append(xs, float64(h)), append(ys, claims.Median(col))
		}
	}
	b.Line(fmt.Sprintf("consensus learner, L = %d (median of seeds)", cfg.WindowL), xs, ys, plot.WithMarker(plot.Circle))
	return fig
}

// CatchMFigure: queries against m with a linear fit, and per-environment returns.
func CatchMFigure(res *Results) *plot.Figure {
	cfg := res.Config
	fig := plot.New(plot.Size(900, 420), plot.Grid(1, 2), plot.Title(fmt.Sprintf("Catch-m (H = %d): cost and per-environment return", cfg.CatchH)))
	a := fig.Panel("Queries against the number of environments").XLabel("m").YLabel("queries (all rounds)")
	var ms, qs []float64
	for _, m := range cfg.Ms {
		for seed := range cfg.Seeds {
			if r, ok := res.Catch.find(m, cfg.CatchH, cfg.WindowL, seed); ok {
				ms, qs = append(ms, float64(m)), append(qs, float64(r.Rounds[len(r.Rounds)-1].Queries))
			}
		}
	}
	a.Dots(fmt.Sprintf("each seed, L = %d", cfg.WindowL), ms, qs)
	if b, c, r2 := rl.FitLine(ms, qs); !math.IsNaN(b) {
		lo, hi := float64(cfg.Ms[0]), float64(cfg.Ms[len(cfg.Ms)-1])
		a.Line(fmt.Sprintf("linear fit (R² %.3f)", r2), []float64{lo, hi}, []float64{c + b*lo, c + b*hi}, plot.Dashed)
	}
	m := cfg.Ms[len(cfg.Ms)-1]
	p := fig.Panel(fmt.Sprintf("Final test return per environment, m = %d", m)).XLabel("environment").YLabel("return / optimal").YRange(0, 1.05)
	for seed := range cfg.Seeds {
		if r, ok := res.Catch.find(m, cfg.CatchH, cfg.WindowL, seed); ok {
			ratios := envRatios(r)
			xs := make([]float64, len(ratios))
			for i := range xs {
				xs[i] = float64(i + 1)
			}
			p.Dots(fmt.Sprintf("seed %d", seed), xs, ratios, plot.Radius(4))
		}
	}
	p.HLine(nearOptimal.Lo(), plot.Dotted, plot.Label(nearOptimal.String()))
	return fig
}

// IdenticalFigure: the identical-needle control's success against H.
func IdenticalFigure(res *Results) *plot.Figure {
	s, cfg := res.Split, res.Config
	fig := plot.New(plot.Size(700, 400), plot.Title(fmt.Sprintf("Identical needle (SP-lite holds), consensus lookahead L = %d", cfg.AgentL)))
	p := fig.Panel(fmt.Sprintf("Fraction of %d codes found", s.Codes)).XLabel("horizon H").YLabel("success").YRange(0, 0.3)
	p.Dots("measured", ints(cfg.IdenticalHs), s.IdenticalSuccess, plot.Radius(4))
	var th []float64
	for _, h := range cfg.IdenticalHs {
		th = append(th, math.Ldexp(1, cfg.AgentL-h))
	}
	p.Line("2^−(H−L)", ints(cfg.IdenticalHs), th, plot.Dashed)
	return fig
}

// actions writes a code as its action sequence, first action first.
func actions(code uint64, h int) string {
	b := make([]byte, h)
	for i := range b {
		b[i] = '0' + byte(code>>uint(i)&1)
	}
	return string(b)
}

func ints(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

func fill(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}
