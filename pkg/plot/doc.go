// Package plot draws paper figures as self-contained SVG. It is a thin layer
// on gonum.org/v1/plot: gonum draws the axes with their ticks and tick
// labels and the legend entries, measures all text with its fonts, and
// writes the SVG through its vgsvg canvas. This package adds the lab's figure vocabulary and look. No
// fonts, scripts or stylesheets are fetched, so the same string displays in
// a JupyterLab (GoNB) cell, in a saved .ipynb, in a browser and in a GitHub
// README.
//
// A Figure holds panels (sets of axes). By default panels are stacked in one
// column and share the x axis — the paper-style "three panels against
// training step" — with x tick labels and the x label under the bottom panel
// only. Grid(rows, cols) lays them out in a grid instead.
//
//	fig := plot.New(plot.Size(720, 640))
//	loss := fig.Panel("Training loss").YLog().YLabel("loss")
//	sharp := fig.Panel("Sharpness").YLabel("λ_max").XLabel("step")
//	for _, run := range runs {
//		loss.Line(run.Label, run.Steps, run.Loss)
//		sharp.Line(run.Label, run.Steps, run.Sharpness)
//		sharp.HLine(2/run.Eta, plot.Dashed, plot.ColorOf(run.Label), plot.Label("2/η"))
//	}
//	fig.Display()                      // inline in a notebook; no-op elsewhere
//	err := fig.Save("out/eos.svg")     // atomic write
//
// Panels offer line series (Line), scatter series (Dots), horizontal and
// vertical reference lines (HLine, VLine), shaded bands (Band, VBand),
// heatmaps with a colour bar (Heatmap) and image grids (Images). Axes are
// linear or base-10 logarithmic (XLog, YLog) and fit the data unless XRange
// or YRange fix them.
//
// Conventions:
//
//   - Colours come from Palette (Okabe–Ito, colour-blind safe) in the order
//     series labels first appear in the figure, so a label has the same colour
//     in every panel. ColorOf(label) gives reference lines and bands the
//     colour of a series; Color sets one explicitly.
//   - Points with a NaN or infinite coordinate, and points ≤ 0 on a log axis,
//     are skipped, and a line is broken where such a point was: a diverged
//     run's series never breaks a figure.
//   - Ticks are "nice" numbers (1, 2, 2.5, 5 × 10ᵏ), as many as fit without
//     their labels colliding. Log axes label powers of ten as 10ᵏ when they
//     span three or more, and 1-2-5 values when narrower.
//   - Legends go inside the panel where they cover no data (trying the
//     corners, then the edges' middles), else outside on the right; Legend
//     chooses a place explicitly or hides it. A line and dots with the same
//     label share one legend entry. Labels of reference lines likewise take
//     the end of the line where they cover no data.
//   - Sizes are in pixels: one SVG unit is one pixel, and the figure scales
//     down to the width of a notebook cell.
//
// # What is gonum's and what is added
//
// Each panel is a gonum plot.Plot: its X and Y axes (plot.LogScale for log
// axes) draw the ticks and tick labels, plot.Legend draws the legend entries, and
// plotter.Image draws heatmaps. Text is gonum's Liberation Sans, measured by
// gonum; the SVG names Arimo, Arial and Helvetica after it, fonts with the
// same glyph widths, so that the text fits wherever the figure is viewed
// without embedding a font. Characters that Liberation Sans lacks (such as
// ∇ or ⟨⟩) are measured at its default width and drawn by the viewer in
// another font.
//
// Gonum lacks some of what the lab's figures use; this package adds it on
// gonum's plot, plotter and vg APIs:
//
//   - Layout of several panels (layout.go): gonum's plot.Align tiles plots
//     evenly but knows nothing of colour bars or legends beside a panel, nor
//     of shared x axes; here every column gets the widest left and right
//     margins of its panels (measured from gonum's DataCanvas), every row the
//     tallest, so that data areas line up. Axis labels are drawn by the lab,
//     at one place per column (row): gonum reserves room for them at the
//     middle of the data range, which on a log axis is far from the middle
//     of the axis, and so pads log axes with long labels wrongly.
//   - Ticks (ticks.go): gonum's DefaultTicks ignores the axis length and
//     repeats the same label on ranges such as 1 ± 10⁻⁷; its LogTicks labels
//     only powers of ten. Labels such as 10⁻³ are drawn with a raised
//     exponent by a small text handler, since Liberation Sans has no
//     superscript digits other than ¹²³.
//   - Series (plotters.go): gonum's plotter.Line and plotter.Scatter reject
//     NaN and ±Inf, and gonum's log scale panics on values ≤ 0; the lab's own
//     plotters skip such points and break lines there. Long lines are
//     reduced to a few points per pixel column (the same picture, smaller
//     files). The frame, light grid, bands, reference lines and their labels
//     are small plotters too. gonum has no diamond marker.
//   - Legend placement (legend.go): gonum puts a legend in a fixed corner
//     and draws no box; here it goes where it covers no data, on a white box.
//   - Heatmaps (heatmap.go): drawn as one image, enlarged by whole factors so
//     that viewers keep the cells sharp, with a viridis scale (not among
//     gonum's palettes) and a colour bar against the panel (gonum's
//     plotter.ColorBar is a plot of its own with its axis on the left).
//   - The SVG itself (svg.go): vgsvg sizes documents in points and names a
//     single font; finishSVG sizes it in pixels for notebooks, adds the
//     metric-compatible fonts, a <title>, and stretches images to their
//     rectangles.
package plot
