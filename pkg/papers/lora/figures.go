package lora

import (
	"fmt"
	"math"

	"theorylab/pkg/claims"
	"theorylab/pkg/plot"
)

// Figures draws the spec's figures from the results.
func Figures(res *Results) []plot.Named {
	figs := []plot.Named{
		{Name: "schematic", Caption: "The LoRA layer after the paper's Fig. 1, drawn from real matrices: the frozen W₀ of W₁ (d×k), the trained B (d×r, zero at the start) and A (r×k), and their product ΔW = (α/r)BA of rank r (first seed, r = 4).", Fig: SchematicFigure(res)},
		{Name: "accuracy-vs-params", Caption: "5–9 test accuracy against trainable values per run (log scale): a new head, LoRA at each rank, full fine-tuning. Large markers: median over seeds; small: each seed.", Fig: ParamsFigure(res)},
		{Name: "accuracy-vs-rank", Caption: "LoRA accuracy against the rank r (after Table 6), with full fine-tuning and head-only as horizontal lines.", Fig: RankFigure(res)},
		{Name: "subspace-ranks", Caption: "φ(i, j) between the top-i right singular vectors of the update at the small rank and the top-j at the large rank, first seed (after Fig. 3): ΔW-based (our main measure) and A-based (the paper's), all j and zoomed to j ≤ small rank.", Fig: RanksFigure(res)},
		{Name: "subspace-seeds", Caption: "φ(i, j) for small i, j between the large-rank updates of two seeds, beside the same for two Gaussian matrices of the same shape (after Fig. 4).", Fig: SeedsFigure(res)},
		{Name: "amplification", Caption: "‖UᵀW₀V‖_F for U, V the top-r singular vectors of ΔW (dots: seeds), of W₀, and random (after Table 7); the panel titles give the amplification factor ‖ΔW‖_F/‖UᵀW₀V‖_F.", Fig: AmplificationFigure(res)},
		{Name: "training", Caption: "Training loss: pretraining on digits 0–4 (per step), and adaptation to 5–9 (epoch means, median over seeds).", Fig: TrainingFigure(res)},
	}
	if res.TrackB != nil {
		figs = append(figs, plot.Named{Name: "transformer", Caption: "Track B: the tiny Transformer adapted from copy / sort-ascending to sort-descending — answer-token and whole-answer test accuracy against trainable values (log scale), at each variant's learning rate chosen on the validation sequences, with the frozen model as a line; right: median validation answer-token accuracy over seeds at every rate of the grid (large dot: the rate kept).", Fig: TrackBFigure(res.TrackB)})
	}
	return figs
}

// TrackBFigure: test accuracy of the Transformer's adaptations against
// trainable values, and the validation scores of the learning-rate grid.
func TrackBFigure(tb *TrackBResults) *plot.Figure {
	fig := plot.New(plot.Size(1400, 420), plot.Grid(1, 3),
		plot.Title(fmt.Sprintf("Tiny Transformer (%d values): sort ascending → sort descending", tb.Params)))
	for k, name := range []string{"answer tokens right (%)", "whole answers right (%)"} {
		p := fig.Panel(name).XLog().XLabel("trainable values per run (log scale)").YLabel(name)
		for _, v := range tb.Variants {
			vals := v.TokenAcc
			if k == 1 {
				vals = v.SeqAcc
			}
			if v.Trainable == 0 {
				p.HLine(100*claims.Median(vals), plot.Dotted, plot.Label(v.Name))
				continue
			}
			xs, ys := make([]float64, len(vals)), make([]float64, len(vals))
			for i, a := range vals {
				xs[i], ys[i] = float64(v.Trainable), 100*a
			}
			p.Dots(v.Name, xs, ys, plot.Radius(2.5), plot.Opacity(0.6))
			p.Dots(v.Name, xs[:1], []float64{100 * claims.Median(vals)}, plot.Radius(5))
		}
		p.Legend(plot.LegendNone)
	}
	p := fig.Panel("validation: choosing the learning rate").XLog().XLabel("learning rate (log scale)").YLabel("validation answer tokens right (%, median)")
	for _, v := range tb.Variants {
		if len(v.GridVal) != len(tb.LRGrid) {
			continue // the frozen model
		}
		ys := make([]float64, len(v.GridVal))
		for g, a := range v.GridVal {
			ys[g] = 100 * a
		}
		p.Line(v.Name, tb.LRGrid, ys)
		p.Dots(v.Name, tb.LRGrid, ys, plot.Radius(2.5))
		for g, lr := range tb.LRGrid {
			if lr == v.LR {
				p.Dots(v.Name, []float64{lr}, ys[g:g+1], plot.Radius(6))
			}
		}
	}
	p.Legend(plot.LegendOutside)
	return fig
}

// SchematicFigure draws W₀, B, A and ΔW of one adapter on a common scale of
// matrix rows and columns, so that B is as thin as r columns and A as flat
// as r rows.
func SchematicFigure(res *Results) *plot.Figure {
	p := res.Picture
	fig := plot.New(plot.Size(900, 620), plot.Grid(2, 2),
		plot.Title(fmt.Sprintf("h = W₀x + (α/r)·B·A·x — W₁ (%d×%d), rank r = %d, α = %g (%d×%d tiles averaged)", p.D, p.K, p.Rank, res.Config.Alpha, p.Block, p.Block)))
	if len(p.W0) == 0 {
		fig.Panel("no adapter recorded")
		return fig
	}
	d, k := p.D, p.K
	// panel draws m over its true extent in rows and columns of the matrix.
	panel := func(title string, m [][]float64, rows, cols int) {
		lim := 0.0
		for _, row := range m {
			for _, v := range row {
				lim = math.Max(lim, math.Abs(v))
			}
		}
		if lim == 0 {
			lim = 1
		}
		fig.Panel(title).Heatmap(m, 0, float64(cols), 0, float64(rows)).ZRange(-lim, lim).
			XRange(0, float64(k)).YRange(0, float64(d)).XLabel("input (column)").YLabel("output (row)")
	}
	panel(fmt.Sprintf("W₀ (frozen), %d×%d", d, k), p.W0, d, k)
	panel(fmt.Sprintf("B, %d×%d (zero at the start)", d, p.Rank), p.B, d, p.Rank)
	panel(fmt.Sprintf("A, %d×%d (random at the start)", p.Rank, k), p.A, p.Rank, k)
	panel(fmt.Sprintf("ΔW = (α/r)·B·A, rank %d", p.Rank), p.Delta, d, k)
	return fig
}

func width(m [][]float64) int {
	if len(m) == 0 {
		return 0
	}
	return len(m[0])
}

// ParamsFigure: accuracy against trainable values (log x).
func ParamsFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 420), plot.Title("Accuracy on digits 5–9 against trainable values"))
	p := fig.Panel("").XLog().XLabel("trainable values per run (log scale)").YLabel("test accuracy on 5–9 (%)")
	var lx, ly []float64
	for _, v := range res.Variants {
		label := v.Name
		if v.Kind == KindLoRA {
			label = "LoRA (r = 1 … " + fmt.Sprint(res.Config.Ranks[len(res.Config.Ranks)-1]) + ")"
			lx = append(lx, float64(v.Trainable))
			ly = append(ly, 100*claims.Median(v.Acc))
		}
		xs := make([]float64, len(v.Acc))
		ys := make([]float64, len(v.Acc))
		for i, a := range v.Acc {
			xs[i], ys[i] = float64(v.Trainable), 100*a
		}
		p.Dots(label, xs, ys, plot.Radius(2), plot.Opacity(0.5))
		p.Dots(label, []float64{float64(v.Trainable)}, []float64{100 * claims.Median(v.Acc)}, plot.Radius(5))
	}
	if len(lx) > 0 {
		p.Line("LoRA (r = 1 … "+fmt.Sprint(res.Config.Ranks[len(res.Config.Ranks)-1])+")", lx, ly)
	}
	return fig
}

// RankFigure: LoRA accuracy against r with full FT and head-only lines.
func RankFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 400), plot.Title(fmt.Sprintf("LoRA accuracy against rank (α = %g fixed)", res.Config.Alpha)))
	p := fig.Panel("").XLog().XLabel("rank r (log scale)").YLabel("test accuracy on 5–9 (%)")
	var xs, ys, sx, sy []float64
	for _, v := range res.loraVariants() {
		xs = append(xs, float64(v.Rank))
		ys = append(ys, 100*claims.Median(v.Acc))
		for _, a := range v.Acc {
			sx = append(sx, float64(v.Rank))
			sy = append(sy, 100*a)
		}
	}
	p.Line("LoRA, median of seeds", xs, ys, plot.WithMarker(plot.Circle))
	p.Dots("LoRA, each seed", sx, sy, plot.Radius(2), plot.ColorOf("LoRA, median of seeds"), plot.Opacity(0.5))
	if f := res.variant(KindFull, 0); f != nil {
		m := 100 * claims.Median(f.Acc)
		p.HLine(m, plot.Dashed, plot.Label(fmt.Sprintf("full FT %.1f%%", m)))
		p.HLine(m-res.Config.OnParGap, plot.Dotted, plot.Label(fmt.Sprintf("full FT − %.1f (LORA-8)", res.Config.OnParGap)))
	}
	if h := res.variant(KindHead, 0); h != nil {
		m := 100 * claims.Median(h.Acc)
		p.HLine(m, plot.DashDot, plot.Label(fmt.Sprintf("head-only %.1f%%", m)))
	}
	p.Legend(plot.LegendUpperLeft)
	return fig
}

// phiPanel draws grid[i][j] for i ≤ imax, j ≤ jmax with i on the y axis (1 at the bottom).
func phiPanel(fig *plot.Figure, title string, grid [][]float64, imax, jmax int, xlabel, ylabel string) {
	imax, jmax = min(imax, len(grid)), min(jmax, width(grid))
	z := make([][]float64, imax)
	for i := range z {
		z[i] = grid[i][:jmax]
	}
	fig.Panel(title).Heatmap(z, 0.5, float64(jmax)+0.5, 0.5, float64(imax)+0.5).ZRange(0, 1).
		XLabel(xlabel).YLabel(ylabel)
}

// RanksFigure: φ between the small- and large-rank updates (after Fig. 3).
func RanksFigure(res *Results) *plot.Figure {
	cfg := res.Config
	fig := plot.New(plot.Size(1200, 270*len(res.Layers)+40), plot.Grid(len(res.Layers), 4),
		plot.Title(fmt.Sprintf("Subspace similarity φ(i, j) between rank %d and rank %d, seed %d", cfg.SmallRank, cfg.LargeRank, cfg.Seed)))
	xl, yl := fmt.Sprintf("j (rank %d)", cfg.LargeRank), fmt.Sprintf("i (rank %d)", cfg.SmallRank)
	for _, l := range res.Layers {
		name := LayerName(l.Layer)
		phiPanel(fig, name+": ΔW-based", l.PhiRanksDelta, cfg.SmallRank, cfg.LargeRank, xl, yl)
		phiPanel(fig, name+": ΔW-based, j ≤ "+fmt.Sprint(cfg.SmallRank), l.PhiRanksDelta, cfg.SmallRank, cfg.SmallRank, xl, yl)
		phiPanel(fig, name+": A-based", l.PhiRanksA, cfg.SmallRank, cfg.LargeRank, xl, yl)
		phiPanel(fig, name+": A-based, j ≤ "+fmt.Sprint(cfg.SmallRank), l.PhiRanksA, cfg.SmallRank, cfg.SmallRank, xl, yl)
	}
	return fig
}

// SeedsFigure: φ between two seeds' large-rank updates and between two Gaussian matrices (after Fig. 4).
func SeedsFigure(res *Results) *plot.Figure {
	cfg := res.Config
	fig := plot.New(plot.Size(1000, 320*len(res.Layers)+40), plot.Grid(len(res.Layers), 3),
		plot.Title(fmt.Sprintf("Seed against seed at rank %d, and Gaussian against Gaussian: φ(i, j), i, j ≤ %d", cfg.LargeRank, seedGrid(cfg))))
	for _, l := range res.Layers {
		name := LayerName(l.Layer)
		pair := "seeds"
		if len(l.Pairs) > 0 {
			pair = fmt.Sprintf("seeds %d, %d", l.Pairs[0][0], l.Pairs[0][1])
		}
		n := len(l.PhiSeedsDelta)
		phiPanel(fig, name+": ΔW-based, "+pair, l.PhiSeedsDelta, n, n, "j (second seed)", "i (first seed)")
		phiPanel(fig, name+": A-based, "+pair, l.PhiSeedsA, n, n, "j (second seed)", "i (first seed)")
		phiPanel(fig, fmt.Sprintf("%s-shaped Gaussian pair (%d×%d)", name, l.D, l.K), l.PhiGaussian, n, n, "j", "i")
	}
	return fig
}

// AmplificationFigure: grouped bars of ‖UᵀW₀V‖_F (after Table 7).
func AmplificationFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(1000, 420), plot.Grid(1, len(res.Layers)),
		plot.Title("How much of W₀ lies in the directions of ΔW? ‖UᵀW₀V‖_F (log scale)"))
	for _, l := range res.Layers {
		var title string
		for i, a := range l.Amp {
			if i > 0 {
				title += ", "
			}
			title += fmt.Sprintf("r=%d: ×%.2f", a.Rank, claims.Median(a.Factor))
		}
		p := fig.Panel(LayerName(l.Layer) + " — amplification " + title).XLog().YLog().
			XLabel("rank r (log scale)").YLabel("‖UᵀW₀V‖_F")
		floor := math.Inf(1)
		for _, a := range l.Amp {
			floor = math.Min(floor, math.Min(claims.Min(a.Random), claims.Min(a.DeltaBased)))
		}
		floor /= 3
		if len(l.Amp) > 0 {
			p.XRange(float64(l.Amp[0].Rank)*0.5, float64(l.Amp[len(l.Amp)-1].Rank)*2)
		}
		for _, a := range l.Amp {
			r := float64(a.Rank)
			bar := func(label string, x, y float64) {
				p.Line(label, []float64{x, x}, []float64{floor, y}, plot.Width(16))
			}
			bar("ΔW-based (median)", r*0.8, claims.Median(a.DeltaBased))
			bar("W₀-based (median)", r, claims.Median(a.WBased))
			bar("data-shaped random (median)", r*1.12, claims.Median(a.DataRandom))
			bar("isotropic random (median)", r*1.25, claims.Median(a.Random))
			xs := make([]float64, len(a.DeltaBased))
			for i := range xs {
				xs[i] = r * 0.8
			}
			p.Dots("ΔW-based, each seed", xs, a.DeltaBased, plot.Radius(2.5), plot.Color("#000000"))
		}
		p.Legend(plot.LegendOutside)
	}
	return fig
}

// TrainingFigure: pretraining loss per step and adaptation loss per epoch.
func TrainingFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(900, 380), plot.Grid(1, 2), plot.Title("Training loss (cross-entropy)"))
	fig.Panel(fmt.Sprintf("Pretraining on 0–4 (median test accuracy %.1f%%)", 100*claims.Median(res.Pretrain.TestAcc))).YLog().
		XLabel("step").YLabel("loss").Line("pretraining", nil, res.Pretrain.Loss, plot.Width(1)).Legend(plot.LegendNone)
	p := fig.Panel("Adaptation to 5–9").YLog().XLabel("epoch").YLabel("mean loss (median of seeds)")
	for _, v := range res.Variants {
		if len(v.EpochLoss) == 0 {
			continue
		}
		epochs := len(v.EpochLoss[0])
		xs, ys := make([]float64, epochs), make([]float64, epochs)
		for e := range epochs {
			col := make([]float64, len(v.EpochLoss))
			for s := range v.EpochLoss {
				col[s] = v.EpochLoss[s][e]
			}
			xs[e], ys[e] = float64(e+1), claims.Median(col)
		}
		p.Line(v.Name, xs, ys, plot.WithMarker(plot.Circle))
	}
	p.Legend(plot.LegendOutside)
	return fig
}
