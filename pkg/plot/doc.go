// Package plot draws paper figures as self-contained SVG, using only the
// standard library: no fonts, scripts or stylesheets are fetched, so the
// same string displays in a JupyterLab (GoNB) cell, in a saved .ipynb, in a
// browser and in a GitHub README.
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
//     are skipped; a line is broken where such a point was.
//   - Ticks are "nice" numbers (1, 2, 2.5, 5 × 10ᵏ). Log axes label powers of
//     ten as 10ᵏ when they span two decades or more, and 1-2-5 values when
//     narrower. Values that differ only in far digits are labelled relative to
//     an offset (the axis then shows a note such as "×10⁻⁷ + 1").
//   - Legends go inside the panel where they cover no data (trying the
//     corners, then the edges' middles), else outside on the right; Legend
//     chooses a place explicitly or hides it. A line and dots with the same
//     label share one legend entry.
//
// Options (Dashed, Color, Label, Width, WithMarker, ...) are shared by
// series, reference lines and bands. Text sizes are estimated from average
// glyph widths; labels are laid out so that they do not collide for the
// usual sans-serif fonts.
package plot
