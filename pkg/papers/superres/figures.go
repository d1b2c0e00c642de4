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
		{Name: "samples", Caption: "Generated images of six fixed latents (first seed, multi-scale GAN) at checkpoints of training: in each panel one row per level, from the 4×4 level-1 image (top, enlarged) to the finest image (bottom; 8×8, or 16×16 in the full preset). Look at when the coarse layout stops changing and when the details do.", Fig: SamplesFigure(res)},
		{Name: "swd", Caption: "Sliced Wasserstein distance against iteration (log scale), per seed of the multi-scale GAN: level 1 (left) and the detail residual R_ℓ of each finer level, with the real-vs-real floor at the same sample size (dashed) and the first iteration with 80% progress (vertical lines). FSR-2 asks that each level gets there no later than the next finer one.", Fig: SWDFigure(res)},
		{Name: "atoms", Caption: "Atom recovery (first seed): the teacher's level-1 atoms (rows of M₁*, odd rows of the left panel) above the learned rows of M₁ with the best |cos| (even rows, sign-aligned), and on the right the best |cos| per atom, sorted, for each seed against random unit columns (chance). FSR-3 counts the atoms above 0.9.", Fig: AtomsFigure(res)},
		{Name: "activity", Caption: "Activity of hidden units (fraction of samples on which a unit is positive), sorted, for the teacher and the multi-scale learner of each seed, one panel per level. FSR-5 compares the mean over units active on ≥ 1% of samples.", Fig: ActivityFigure(res)},
		{Name: "lr", Caption: "Learning-rate selection: each variant's joint distance to the validation split at the end of training, against the Adam step size of the grid (log scale), one line per seed; the dot marks the step size kept (the lowest). The test numbers of every claim come from the kept run, measured on a separate held-out sample.", Fig: LRFigure(res)},
		{Name: "baselines", Caption: "Detail residual distance SWDᴿ_ℓ of each finer level, for the multi-scale GAN beside the single-scale discriminator, the coarse-first schedule (level ℓ frozen until (ℓ−1)/L of the steps), the same GAN on the no-structure teacher and, in the full preset, on the noise-variant teacher (each against its own teacher), first seed (report only).", Fig: BaselinesFigure(res)},
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
	L := res.Config.Levels()
	fig := plot.New(plot.Size(1100, 260*L), plot.Grid(2, 0), plot.Title("Samples across training (one row per level, coarse above fine)"))
	for k, imgs := range r.Grid {
		if k >= len(res.GridIters) {
			break
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range imgs {
			lo, hi = math.Min(lo, slices.Min(x)), math.Max(hi, slices.Max(x))
		}
		fig.Panel(fmt.Sprintf("iteration %d", res.GridIters[k])).Images(levelRows(res.Config.Arch.Layout(), imgs, lo, hi), len(imgs))
	}
	return fig
}

// levelRows shows finest images x [k][Pixels(L)] level by level: row ℓ holds
// their level-ℓ images AvgPool₂^(L−ℓ)(x), enlarged to the finest size, grey
// levels from lo to hi; the rows one after the other, coarse first.
func levelRows(o Layout, imgs [][]float64, lo, hi float64) []image.Image {
	side := o.Side(o.L)
	rows := make([][]image.Image, o.L)
	for _, x := range imgs {
		img := x
		for l := o.L - 1; l >= 0; l-- {
			shown := img
			for s := o.Side(l + 1); s < side; s *= 2 {
				shown = Up2(shown, s)
			}
			rows[l] = append(rows[l], plot.GrayImage(shown, side, side, lo, hi))
			if l > 0 {
				img = AvgPool2(img, o.Side(l+1))
			}
		}
	}
	return slices.Concat(rows...)
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
	L := res.Config.Levels()
	fig := plot.New(plot.Size(550*L, 440), plot.Grid(1, L), plot.Title("Per-level distances of the multi-scale GAN"))
	panels := []*plot.Panel{fig.Panel("level 1: SWD₁ on the level-1 image").XLabel("iteration").YLabel("SWD").YLog()}
	for l := 1; l < L; l++ {
		panels = append(panels, fig.Panel(fmt.Sprintf("level %d: %s on the detail residual", l+1, levelName(l))).XLabel("iteration").YLabel("SWD").YLog())
	}
	rs, ss := byVariant(res, VariantMulti)
	xs := iters(res)
	for i, r := range rs {
		label := fmt.Sprintf("seed %d", r.Seed)
		for l, p := range panels {
			p.Line(label, xs, r.SWD[l])
			p.HLine(ss[i].Floors[0].Curve[l], plot.ColorOf(label), plot.Dashed)
			if r.T[l] >= 0 {
				p.VLine(float64(r.T[l]), plot.ColorOf(label))
			}
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
		m := make([]float64, Pixels(1))
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
	L := res.Config.Levels()
	fig := plot.New(plot.Size(550*L, 440), plot.Grid(1, L), plot.Title("Hidden-unit activity, sorted"))
	rs, ss := byVariant(res, VariantMulti)
	for l := range L {
		p := fig.Panel(fmt.Sprintf("level %d", l+1)).XLabel("unit (sorted)").YLabel("fraction of samples active").YRange(0, 1)
		for i, r := range rs {
			p.Line(fmt.Sprintf("learner, seed %d", r.Seed), index(len(r.Rates[l])), sortedDesc(r.Rates[l]))
			if i == 0 {
				p.Line("teacher", index(len(ss[i].TeacherRates[l])), sortedDesc(ss[i].TeacherRates[l]), plot.Color("black"), plot.Dashed)
			}
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

// BaselinesFigure compares the residual distances of the variants (first seed).
func BaselinesFigure(res *Results) *plot.Figure {
	L := res.Config.Levels()
	fig := plot.New(plot.Size(760*(L-1), 440), plot.Grid(1, L-1), plot.Title("Detail residuals: multi-scale against the baselines"))
	xs := iters(res)
	for l := 1; l < L; l++ {
		p := fig.Panel(levelName(l) + " (first seed)").XLabel("iteration").YLabel("SWD").YLog()
		for _, v := range []string{VariantMulti, VariantSingle, VariantCoarseFirst, VariantControl, VariantNoisy} {
			if r, _, ok := first(res, v); ok {
				p.Line(v, xs, r.SWD[l])
			}
		}
		if _, s, ok := first(res, VariantMulti); ok {
			p.HLine(s.Floors[0].Curve[l], plot.Color("gray"), plot.Dashed)
		}
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

// ImagesFigures draws a run on real images: the sample grid across training
// and the per-level distances.
func ImagesFigures(res *ImagesResult) []plot.Named {
	o := res.Config.layout()
	sides := fmt.Sprintf("%d×%d, %d×%d and %d×%d", o.Side(1), o.Side(1), o.Side(2), o.Side(2), o.Side(3), o.Side(3))
	name := res.Config.Dataset
	return []plot.Named{
		{Name: name + "-samples", Caption: fmt.Sprintf("%s (qualitative): generated images of six fixed latents at checkpoints of training, one row per level (%s, the coarser ones enlarged), and six training images the same way (last panel).", name, sides), Fig: ImagesSamplesFigure(res)},
		{Name: name + "-swd", Caption: fmt.Sprintf("%s: sliced Wasserstein distance of each level to held-out images (level 1 on the coarsest image, levels 2 and 3 on the detail residuals) against iteration, log scale; dashed: the real-vs-real floor at the same sample size (report only, ours).", name), Fig: ImagesSWDFigure(res)},
	}
}

// ImagesSamplesFigure is the sample grid of a run on real images.
func ImagesSamplesFigure(res *ImagesResult) *plot.Figure {
	o := res.Config.layout()
	fig := plot.New(plot.Size(1100, 900), plot.Grid(3, 0), plot.Title(fmt.Sprintf("%s: samples across training (one row per level, coarse above fine)", res.Config.Dataset)))
	panel := func(title string, imgs [][]float64) { fig.Panel(title).Images(levelRows(o, imgs, 0, 1), len(imgs)) }
	for k, imgs := range res.Grid {
		panel(fmt.Sprintf("iteration %d", res.GridIters[k]), imgs)
	}
	panel("training images", res.Real)
	return fig
}

// ImagesSWDFigure is the per-level distance of a run on real images against iteration.
func ImagesSWDFigure(res *ImagesResult) *plot.Figure {
	fig := plot.New(plot.Size(760, 440), plot.Title(fmt.Sprintf("%s: per-level distance to held-out images", res.Config.Dataset)))
	p := fig.Panel(fmt.Sprintf("SWD (%d samples)", res.Config.Eval)).XLabel("iteration").YLabel("SWD").YLog()
	xs := make([]float64, len(res.Iters))
	for i, it := range res.Iters {
		xs[i] = float64(it)
	}
	for l, s := range res.SWD {
		name := fmt.Sprintf("level %d (%s)", l+1, levelName(l))
		p.Line(name, xs, s)
		p.HLine(res.Floor[l], plot.ColorOf(name), plot.Dashed)
	}
	return fig
}
