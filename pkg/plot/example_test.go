package plot_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"theorylab/pkg/plot"
)

// elements counts the elements of an SVG document by name and lists the
// texts it writes.
func elements(svg string) (count map[string]int, texts []string) {
	count = map[string]int{}
	dec := xml.NewDecoder(strings.NewReader(svg))
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return count, texts
		}
		if err != nil {
			panic(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			count[tok.Name.Local]++
			inText = tok.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, string(tok))
			}
		case xml.EndElement:
			inText = false
		}
	}
}

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
	count, texts := elements(svg)
	fmt.Println(strings.HasPrefix(svg, "<svg"), count["title"], fig.ColorOf("η=0.1"))
	var found []bool // the texts the SVG writes
	for _, want := range []string{"Training loss", "loss", "λ_max", "step", "η=0.05", "2/η"} {
		found = append(found, slices.Contains(texts, want))
	}
	fmt.Println(found)

	dir, _ := os.MkdirTemp("", "plot")
	defer os.RemoveAll(dir)
	if err := fig.Save(filepath.Join(dir, "figures", "gd.svg")); err != nil {
		fmt.Println(err)
	}
	fig.Display() // shows the figure in a GoNB notebook; does nothing here
	// Output:
	// true 1 #D55E00
	// [true true true true true true]
}

// A log axis labels powers of ten (the exponent is raised, so the label
// 10⁻² is written as "10" and "−2"), and a diverged run — NaN and +Inf
// values — breaks its line without breaking the figure.
func ExamplePanel_YLog() {
	fig := plot.New(plot.Size(400, 300))
	p := fig.Panel("").YLog().XLabel("step").Legend(plot.LegendNone)
	p.Line("stable", nil, []float64{1, 0.1, 0.01, 0.001})
	p.Line("diverged", nil, []float64{1, 3, math.NaN(), math.Inf(1)})
	_, texts := elements(fig.SVG())
	fmt.Println(texts)
	fmt.Println(fig.Err())
	// Output:
	// [0 1 2 3 10 −3 10 −2 10 −1 10 0 step]
	// <nil>
}

// A grid of panels: a scatter on log–log axes beside a heatmap with its
// colour bar. The heatmap is one image; the colour bar's gradient another.
func ExampleGrid() {
	fig := plot.New(plot.Grid(1, 2), plot.Size(720, 300))
	xs := []float64{1e2, 1e3, 1e4, 1e5}
	fig.Panel("Scaling").XLog().YLog().
		Dots("runs", xs, []float64{1.2, 0.6, 0.31, 0.15}).
		Line("fit", xs, []float64{1.2, 0.6, 0.3, 0.15}, plot.Dashed)
	z := [][]float64{{0, 1}, {2, math.NaN()}}
	fig.Panel("Landscape").Heatmap(z, 0, 1, 0, 1).ZLabel("loss")
	count, texts := elements(fig.SVG())
	fmt.Println(len(fig.Panels()), count["image"], strings.Contains(strings.Join(texts, " "), "runs fit"))
	// Output: 2 2 true
}
