package superres

import (
	"fmt"
	"image"
	"math"
	"slices"

	"theorylab/pkg/plot"
)

// Figures draws the spec's figures from the results.
func Figures(res *Results) []plot.Named {
	return []plot.Named{
		{Name: "samples", Caption: "Generated images of six fixed latents (first seed, multi-scale GAN) at checkpoints of training: in each panel the top row is the 4×4 level-1 image AvgPool₂(X̂₂) (enlarged), the bottom row the 8×8 image X̂₂. Look at when the coarse layout stops changing and when the details do.", Fig: SamplesFigure(res)},
		{Name: "swd", Caption: "Sliced Wasserstein distance against iteration (log scale), per seed of the multi-scale GAN: level 1 (left) and the detail residual R₂ (right), with the real-vs-real floor at the same sample size (dashed) and the first iteration with 80% progress (vertical lines). FSR-2 asks that level 1 gets there no later than the details.", Fig: SWDFigure(res)},
		{Name: "atoms", Caption: "Atom recovery (first seed): the teacher's level-1 atoms (rows of M₁*, odd rows of the left panel) above the learned rows of M₁ with the best |cos| (even rows, sign-aligned), and on the right the best |cos| per atom, sorted, for each seed against random unit columns (chance). FSR-3 counts the atoms above 0.9.", Fig: AtomsFigure(res)},
		{Name: "activity", Caption: "Activity of hidden units (fraction of samples on which a unit is positive), sorted, for the teacher and the multi-scale learner of each seed, level 1 (left) and level 2 (right). FSR-5 compares the mean over units active on ≥ 1% of samples.", Fig: ActivityFigure(res)},
		{Name: "lr", Caption: "Learning-rate selection: each variant's joint distance to the validation split at the end of training, against the Adam step size of the grid (log scale), one line per seed; the dot marks the step size kept (the lowest). The test numbers of every claim come from the kept run, measured on a separate held-out sample.", Fig: LRFigure(res)},
		{Name: "baselines", Caption: "Detail residual distance SWDᴿ₂ of the multi-scale GAN beside the single-scale discriminator, the coarse-first schedule (level 2 frozen for the first half) the same GAN on the no-structure teacher and, in the full preset, on the noise-variant teacher (each against its own teacher), first seed (report only).", Fig: BaselinesFigure(res)},
	}
}

func first(res *Results, v string) (RunResult, SeedResult, bool) {
	rs, ss := byVariant(res, v)
	if len(rs) == 0 {
		return RunResult{}, SeedResult{}, false
	}
	return rs[0], ss[0], true
}

// SamplesFigure is the grid of generated samples across checkpoints.
func SamplesFigure(res *Results) *plot.Figure {
	r, _, _ := first(res, VariantMulti)
	fig := plot.New(plot.Size(1100, 520), plot.Grid(2, 0), plot.Title("Samples across training (coarse row above fine row)"))
	for k, imgs := range r.Grid {
		if k >= len(res.GridIters) {
			break
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range imgs {
			lo, hi = math.Min(lo, slices.Min(x)), math.Max(hi, slices.Max(x))
		}
		var row1, row2 []image.Image
		for _, x := range imgs {
			row1 = append(row1, plot.GrayImage(Up2(AvgPool2(x, fine), coarse), fine, fine, lo, hi))
			row2 = append(row2, plot.GrayImage(x, fine, fine, lo, hi))
		}
		fig.Panel(fmt.Sprintf("iteration %d", res.GridIters[k])).Images(append(row1, row2...), len(imgs))
	}
	return fig
}

func iters(res *Results) []float64 {
	xs := make([]float64, len(res.Iters))
	for i, v := range res.Iters {
		xs[i] = float64(v)
	}
	return xs
}

// SWDFigure is the per-level distance against iteration.
func SWDFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(1100, 440), plot.Grid(1, 2), plot.Title("Per-level distances of the multi-scale GAN"))
	p1 := fig.Panel("level 1: SWD₁(AvgPool₂ X̂₂, X₁)").XLabel("iteration").YLabel("SWD").YLog()
	p2 := fig.Panel("level 2: SWDᴿ₂ on the detail residual").XLabel("iteration").YLabel("SWD").YLog()
	rs, ss := byVariant(res, VariantMulti)
	xs := iters(res)
	for i, r := range rs {
		label := fmt.Sprintf("seed %d", r.Seed)
		p1.Line(label, xs, r.SWD1)
		p2.Line(label, xs, r.SWDR2)
		p1.HLine(ss[i].CurveFloor1, plot.ColorOf(label), plot.Dashed)
		p2.HLine(ss[i].CurveFloorR, plot.ColorOf(label), plot.Dashed)
		if r.T1 >= 0 {
			p1.VLine(float64(r.T1), plot.ColorOf(label))
		}
		if r.T2 >= 0 {
			p2.VLine(float64(r.T2), plot.ColorOf(label))
		}
	}
	return fig
}

// AtomsFigure shows teacher atoms beside the best learned rows, and the
// sorted best |cos| against chance.
func AtomsFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(1100, 440), plot.Grid(1, 2), plot.Title("Level-1 atoms: teacher and learner"))
	r, s, _ := first(res, VariantMulti)
	var top, bottom []image.Image
	for i, a := range s.Atoms {
		top = append(top, plot.GrayImage(a, coarse, coarse, -0.8, 0.8))
		m := make([]float64, n1)
		if i < len(r.Matched) && r.Matched[i] != nil {
			m = r.Matched[i]
		}
		bottom = append(bottom, plot.GrayImage(m, coarse, coarse, -0.8, 0.8))
	}
	// rows of 12: teacher atoms, then their best learned rows below them
	var imgs []image.Image
	for k := 0; k < len(top); k += 12 {
		e := min(k+12, len(top))
		imgs = append(append(imgs, top[k:e]...), bottom[k:e]...)
	}
	fig.Panel(fmt.Sprintf("seed %d: teacher atoms (odd rows), best learned rows (even rows)", r.Seed)).Images(imgs, 12)
	p := fig.Panel("best |cos| per teacher atom, sorted").XLabel("atom (sorted)").YLabel("|cos|").YRange(0, 1)
	rs, ss := byVariant(res, VariantMulti)
	for i, r := range rs {
		p.Line(fmt.Sprintf("seed %d", r.Seed), index(len(r.AtomCos)), sortedDesc(r.AtomCos))
		p.Line(fmt.Sprintf("chance, seed %d", r.Seed), index(len(ss[i].ChanceCos)), sortedDesc(ss[i].ChanceCos), plot.ColorOf(fmt.Sprintf("seed %d", r.Seed)), plot.Dashed, plot.Opacity(0.6))
	}
	p.HLine(atomCos, plot.Color("gray"), plot.Dashed)
	return fig
}

// ActivityFigure compares per-unit activity rates of teacher and learner.
func ActivityFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(1100, 440), plot.Grid(1, 2), plot.Title("Hidden-unit activity, sorted"))
	p1 := fig.Panel("level 1").XLabel("unit (sorted)").YLabel("fraction of samples active").YRange(0, 1)
	p2 := fig.Panel("level 2").XLabel("unit (sorted)").YLabel("fraction of samples active").YRange(0, 1)
	rs, ss := byVariant(res, VariantMulti)
	for i, r := range rs {
		label := fmt.Sprintf("learner, seed %d", r.Seed)
		p1.Line(label, index(len(r.Rates1)), sortedDesc(r.Rates1))
		p2.Line(label, index(len(r.Rates2)), sortedDesc(r.Rates2))
		if i == 0 {
			p1.Line("teacher", index(len(ss[i].TeacherRates1)), sortedDesc(ss[i].TeacherRates1), plot.Color("black"), plot.Dashed)
			p2.Line("teacher", index(len(ss[i].TeacherRates2)), sortedDesc(ss[i].TeacherRates2), plot.Color("black"), plot.Dashed)
		}
	}
	return fig
}

// LRFigure shows the validation distance of every variant at every step
// size of the grid, per seed, and the one kept.
func LRFigure(res *Results) *plot.Figure {
	vs := res.Config.variants()
	fig := plot.New(plot.Size(1100, 440*((len(vs)+1)/2)), plot.Grid((len(vs)+1)/2, 2), plot.Title("Learning rate chosen on the validation split"))
	for _, v := range vs {
		p := fig.Panel(v).XLabel("Adam step size").YLabel("validation joint SWD").XLog()
		rs, _ := byVariant(res, v)
		for _, r := range rs {
			label := fmt.Sprintf("seed %d", r.Seed)
			var xs, ys []float64
			for l, d := range r.ValJoint {
				if !math.IsNaN(float64(d)) {
					xs, ys = append(xs, res.Config.LRs[l]), append(ys, float64(d))
				}
			}
			p.Line(label, xs, ys)
			p.Dots("", []float64{r.LR}, []float64{float64(r.ValJoint[slices.Index(res.Config.LRs, r.LR)])}, plot.ColorOf(label), plot.Radius(5))
		}
	}
	return fig
}

// BaselinesFigure compares the residual distance of the variants (first seed).
func BaselinesFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 440), plot.Title("Detail residual: multi-scale against the baselines"))
	p := fig.Panel("SWDᴿ₂ (first seed)").XLabel("iteration").YLabel("SWD").YLog()
	xs := iters(res)
	for _, v := range []string{VariantMulti, VariantSingle, VariantCoarseFirst, VariantControl, VariantNoisy} {
		if r, _, ok := first(res, v); ok {
			p.Line(v, xs, r.SWDR2)
		}
	}
	if _, s, ok := first(res, VariantMulti); ok {
		p.HLine(s.CurveFloorR, plot.Color("gray"), plot.Dashed)
	}
	return fig
}

func index(n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	return xs
}

func sortedDesc(xs []float64) []float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	slices.Reverse(s)
	return s
}
