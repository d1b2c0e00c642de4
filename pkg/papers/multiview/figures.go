package multiview

import (
	"fmt"

	"theorylab/pkg/plot"
)

// Figures draws the spec's figures from the first data seed's replicate.
func Figures(res *Results) []plot.Named {
	if len(res.Replicates) == 0 {
		return nil
	}
	r := res.Replicates[0]
	return []plot.Named{
		{Name: "mysteries", Caption: "The three mysteries on multi-view data (first data seed): single-view test accuracy (filled) of each single, the ensemble, the KD and self-distillation students, and the same for random features. Singles miss single-view examples; the ensemble and its students do not. Multi-view accuracy (hollow) is ≈ 100% for every model.", Fig: MysteriesFigure(r)},
		{Name: "views", Caption: "Which views each single learned (Λ ≥ ϱ/2), per class: 3 = both, 1 or 2 = only view 1 or only view 2, 0 = none. Different seeds drop different views.", Fig: ViewFigure(r, res.Config.Rho)},
		{Name: "lottery", Caption: "The view lottery: Λ_{j,1}(t) and Λ_{j,2}(t) of one class in every single that learned only one of its views; the view that takes off stalls the other once the multi-view data are fitted.", Fig: LotteryFigure(r, res.Config.Rho)},
	}
}

// MysteriesFigure plots the test accuracy of every model family.
func MysteriesFigure(r Replicate) *plot.Figure {
	fig := plot.New(plot.Size(820, 380), plot.Title("Ensemble, knowledge distillation, self-distillation"))
	p := fig.Panel("test accuracy by method").XLabel("1 singles · 2 ensemble · 3 KD · 4 self-distill. · 5 RF singles · 6 RF ensemble · 7 RF KD · 8 train-the-average").YLabel("accuracy")
	groups := [][]Model{r.Singles, {r.Ensemble}, r.KD, r.Self, r.RFSingles, {r.RFEnsemble}, r.RFKD}
	if r.Average != nil {
		groups = append(groups, []Model{*r.Average})
	}
	var xs, sv, mv []float64
	for g, ms := range groups {
		for i, m := range ms {
			x := float64(g+1) + 0.06*float64(i-len(ms)/2)
			xs, sv, mv = append(xs, x), append(sv, m.SingleAcc), append(mv, m.MultiAcc)
		}
	}
	p.Dots("single-view examples", xs, sv)
	p.Dots("multi-view examples", xs, mv)
	p.HLine(meanSingle(r.Singles))
	return fig
}

// ViewFigure is the view-learning matrix: rows singles, columns classes.
func ViewFigure(r Replicate, rho float64) *plot.Figure {
	fig := plot.New(plot.Size(620, 320), plot.Title("Views learned by each single"))
	var z [][]float64
	for _, m := range r.Singles {
		row := make([]float64, len(m.Lambda))
		for j, l := range m.Lambda {
			if learnedView(l[0], rho) {
				row[j]++
			}
			if learnedView(l[1], rho) {
				row[j] += 2
			}
		}
		z = append(z, row)
	}
	k := 0
	if len(z) > 0 {
		k = len(z[0])
	}
	fig.Panel("0 none · 1 view 1 only · 2 view 2 only · 3 both").XLabel("class").YLabel("single").
		Heatmap(z, 0, float64(k), 0, float64(len(z))).ZRange(0, 3).ZLabel("views")
	return fig
}

// LotteryFigure plots Λ(t) of the one-view classes of the singles.
func LotteryFigure(r Replicate, rho float64) *plot.Figure {
	fig := plot.New(plot.Size(760, 380), plot.Title("The view lottery"))
	p := fig.Panel("Λ_{j,ℓ}(t) in one-view classes").XLabel("step").YLabel("Λ")
	steps := make([]float64, len(r.LambdaSteps))
	for i, s := range r.LambdaSteps {
		steps[i] = float64(s)
	}
	shown := 0
	for i, m := range r.Singles {
		for j, l := range m.Lambda {
			if learnedView(l[0], rho) == learnedView(l[1], rho) || shown >= 4 {
				continue
			}
			shown++
			for v := range 2 {
				ys := make([]float64, len(r.LambdaTraj))
				for t, row := range r.LambdaTraj {
					ys[t] = row[i][j][v]
				}
				p.Line(fmt.Sprintf("single %d, class %d, view %d", i, j, v+1), steps, ys)
			}
		}
	}
	p.HLine(0.5 * rho)
	return fig
}
