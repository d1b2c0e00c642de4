package contrastive

import (
	"fmt"
	"sort"

	"theorylab/pkg/plot"
)

// condLabel is a condition's name in the figures.
var condLabel = map[string]string{
	CondMasking:     "masking",
	CondNoAug:       "no augmentation",
	CondCoord:       "masking, M = I",
	CondClean:       "no aug, σ_ξ = 0 (null)",
	CondGaussian:    "weak Gaussian noise",
	CondIndependent: "independent masks",
}

// Figures draws the spec's figures from the results.
func Figures(res *Results) []plot.Named {
	return []plot.Named{
		{Name: "decoupling", Caption: "Positive-pair correlation of the two views along the atoms (mean over atoms, first seed): dots measured, crosses the exact formula. " +
			"Masking sets the noise correlation to 0 but keeps most of the sparse one; without augmentation everything is 1; with M = I masking erases the sparse part too.",
			Fig: DecouplingFigure(res)},
		{Name: "heatmap", Caption: "|cos(wᵢ, Mⱼ)| after training (first seed), neurons sorted by their best atom. Masking gives a near-permutation pattern; the others are diffuse.",
			Fig: HeatmapFigure(res)},
		{Name: "training", Caption: "Median atom recovery and mean purity over training, mean over seeds, one line per condition; dashed: the level at initialisation.",
			Fig: TrainingFigure(res)},
		{Name: "readout", Caption: "Test R² of a linear read-out of the sparse code z from the frozen features, per seed; the dashed line is the same read-out on the raw input x of the noisy data (on the σ_ξ = 0 null's clean data raw x gives R² = 1).",
			Fig: ReadoutFigure(res)},
	}
}

// DecouplingFigure plots the positive-pair correlations per part and augmentation.
func DecouplingFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 380), plot.Title("Feature decoupling: correlation of the two views"))
	p := fig.Panel("x: 0 sparse part, 1 dense noise, 2 whole input").XLabel("input part").YLabel("positive-pair correlation ρ").YRange(-0.1, 1.05)
	d := res.Decoupling[0]
	augs := []string{CondNoAug, CondMasking, CondCoord, CondGaussian}
	for a, aug := range augs {
		var xs, meas, pred []float64
		for k, part := range []string{"sparse", "noise", "whole"} {
			r := d.Row(part, aug)
			xs = append(xs, float64(k)+0.15*float64(a)-0.225)
			meas = append(meas, mean(r.Measured))
			pred = append(pred, mean(r.Predicted))
		}
		p.Dots(condLabel[aug], xs, meas, plot.Radius(5))
		p.Dots(condLabel[aug]+" (formula)", xs, pred, plot.ColorOf(condLabel[aug]), plot.WithMarker(plot.Cross), plot.Radius(7), plot.NoLegend)
	}
	p.HLine(0)
	return fig
}

// HeatmapFigure draws |cos(wᵢ, Mⱼ)| for the first seed, one panel per condition.
func HeatmapFigure(res *Results) *plot.Figure {
	cfg := res.Config
	conds := res.Conditions
	fig := plot.New(plot.Size(300*len(conds), 340), plot.Grid(1, len(conds)), plot.Title("Neurons against atoms, |cos(wᵢ, Mⱼ)|"))
	seed := cfg.SeedList()[0]
	for _, c := range conds {
		r := res.Run(c, seed)
		z := sortedRows(r.Cos, cfg.Width, cfg.D)
		fig.Panel(condLabel[c]).XLabel("atom j").YLabel("neuron i (sorted)").Heatmap(z, 0, float64(cfg.D), 0, float64(cfg.Width)).ZRange(0, 1)
	}
	return fig
}

// sortedRows returns the m×d matrix with rows sorted by their best atom.
func sortedRows(cos []float64, m, d int) [][]float64 {
	rows := make([][]float64, m)
	best := make([]int, m)
	for i := range m {
		rows[i] = cos[i*d : (i+1)*d]
		for j := range d {
			if rows[i][j] > rows[i][best[i]] {
				best[i] = j
			}
		}
	}
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return best[idx[a]] < best[idx[b]] })
	out := make([][]float64, m)
	for k, i := range idx {
		out[k] = rows[i]
	}
	return out
}

// TrainingFigure plots median atom recovery and purity against the step.
func TrainingFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(900, 380), plot.Grid(1, 2), plot.Title("Feature learning over training"))
	pa := fig.Panel("median atom recovery").XLabel("step").YLabel("median over atoms of aⱼ").YRange(0, 1)
	pp := fig.Panel("purity").XLabel("step").YLabel("mean purity of active neurons").YRange(0, 1)
	seeds := res.Config.SeedList()
	for _, c := range res.Conditions {
		var steps []float64
		var med, pur []float64
		for k, t := range res.Run(c, seeds[0]).Curve.Step {
			steps = append(steps, float64(t))
			var a, p float64
			for _, s := range seeds {
				cv := res.Run(c, s).Curve
				a += cv.MedianAtom[k] / float64(len(seeds))
				p += cv.Purity[k] / float64(len(seeds))
			}
			med, pur = append(med, a), append(pur, p)
		}
		pa.Line(condLabel[c], steps, med)
		pp.Line(condLabel[c], steps, pur)
	}
	cv := res.Run(CondMasking, seeds[0]).Curve
	pa.HLine(cv.MedianAtom[0], plot.Dashed)
	pp.HLine(cv.Purity[0], plot.Dashed)
	pa.HLine(atomsMedian.Lo(), plot.Color("#999999"))
	pp.HLine(pure.Lo(), plot.Color("#999999"))
	return fig
}

// ReadoutFigure plots the read-out R² per condition and seed.
func ReadoutFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 380), plot.Title("Linear read-out of z from the learned features"))
	p := fig.Panel(fmt.Sprintf("x: condition (%d seeds each)", res.Config.Seeds)).XLabel("condition index").YLabel("test R²").YRange(0, 1.05)
	seeds := res.Config.SeedList()
	for k, c := range res.Conditions {
		var xs, ys []float64
		for _, s := range seeds {
			xs = append(xs, float64(k))
			ys = append(ys, res.Run(c, s).ReadoutR2)
		}
		p.Dots(condLabel[c], xs, ys, plot.Radius(5))
	}
	p.HLine(res.Run(CondMasking, seeds[0]).RawR2, plot.Dashed, plot.Label("raw x"))
	return fig
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
