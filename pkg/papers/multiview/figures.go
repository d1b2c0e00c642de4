package multiview

import (
	"fmt"

	"theorylab/pkg/plot"
)

// Figures draws the paper's figures from the results. TODO: the paper's own
// figures, one plot.Named each, with a caption that says what to look at.
func Figures(res *Results) []plot.Named {
	return []plot.Named{
		{Name: "loss", Caption: "Training loss of every run (log scale): the real targets, and the shuffled ones of the control.", Fig: LossFigure(res)},
	}
}

// LossFigure plots the training loss of every run against the step.
func LossFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 380), plot.Title("Gradient descent on a line"))
	p := fig.Panel("training loss").XLabel("step").YLabel("loss").YLog()
	for _, r := range res.Runs {
		label := fmt.Sprintf("seed %d", r.Seed)
		if r.Control {
			label += ", shuffled (control)"
		}
		steps := make([]float64, len(r.Loss))
		for i := range steps {
			steps[i] = float64(i)
		}
		p.Line(label, steps, r.Loss)
	}
	return fig
}
