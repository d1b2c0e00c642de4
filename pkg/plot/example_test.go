package plot_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"theorylab/pkg/plot"
)

// A paper-style figure: two stacked panels sharing the step axis, the loss
// on a log scale, and each run's stability threshold 2/η drawn as a dashed
// line in that run's colour.
func Example() {
	fig := plot.New(plot.Size(720, 480), plot.Title("Gradient descent on a quadratic"))
	loss := fig.Panel("Training loss").YLog().YLabel("loss")
	sharp := fig.Panel("Sharpness").YLabel("λ_max").XLabel("step").Legend(plot.LegendNone)
	for _, eta := range []float64{0.05, 0.1} {
		label := fmt.Sprintf("η=%g", eta)
		var steps, losses, sharpness []float64
		for t := 0; t <= 100; t++ {
			steps = append(steps, float64(t))
			losses = append(losses, math.Exp(-eta*float64(t)))
			sharpness = append(sharpness, math.Min(2/eta, 5+float64(t)))
		}
		loss.Line(label, steps, losses)
		sharp.Line(label, steps, sharpness)
		sharp.HLine(2/eta, plot.Dashed, plot.ColorOf(label), plot.Label("2/η"))
	}
	sharp.Band(15, 25, plot.Label("target"))

	svg := fig.SVG() // a self-contained <svg> document
	fmt.Println(strings.HasPrefix(svg, "<svg"), fig.ColorOf("η=0.1"))

	dir, _ := os.MkdirTemp("", "plot")
	defer os.RemoveAll(dir)
	if err := fig.Save(filepath.Join(dir, "figures", "gd.svg")); err != nil {
		fmt.Println(err)
	}
	fig.Display() // shows the figure in a GoNB notebook; does nothing here
	// Output: true #D55E00
}

// A grid of panels: a scatter on log–log axes and a heatmap.
func ExampleGrid() {
	fig := plot.New(plot.Grid(1, 2), plot.Size(720, 300))
	xs := []float64{1e2, 1e3, 1e4, 1e5}
	fig.Panel("Scaling").XLog().YLog().
		Dots("runs", xs, []float64{1.2, 0.6, 0.31, 0.15}).
		Line("fit", xs, []float64{1.2, 0.6, 0.3, 0.15}, plot.Dashed)
	z := [][]float64{{0, 1}, {2, 3}}
	fig.Panel("Landscape").Heatmap(z, 0, 1, 0, 1).ZLabel("loss")
	fmt.Println(len(fig.Panels()))
	// Output: 2
}
