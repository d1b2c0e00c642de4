package plot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/janpfeifer/gonb/gonbui"
)

// Figure is a set of panels drawn as one SVG image. Build it with New, add
// panels with Panel, then call SVG, Save or Display. A Figure is not safe for
// concurrent use.
type Figure struct {
	width, height int
	title         string
	rows, cols    int
	shareX        *bool
	panels        []*Panel
	colors        map[string]string // series label -> colour
	nextColor     int
	err           error
}

// FigureOption configures a Figure in New.
type FigureOption func(*Figure)

// Size sets the figure size in pixels (default 720 wide, and 360 high, or
// 220 per row of panels plus the title).
func Size(width, height int) FigureOption {
	return func(f *Figure) { f.width, f.height = width, height }
}

// Title sets a title written above all panels.
func Title(title string) FigureOption { return func(f *Figure) { f.title = title } }

// Grid lays panels out in a grid, filled row by row. Either count may be 0 to
// derive it from the number of panels. Without Grid, panels are stacked in
// one column.
func Grid(rows, cols int) FigureOption {
	return func(f *Figure) { f.rows, f.cols = max(rows, 0), max(cols, 0) }
}

// ShareX sets whether the panels of a column share one x range, with tick
// labels and the x label shown only under the bottom panel. It is on by
// default for a single column of panels and off for grids.
func ShareX(share bool) FigureOption { return func(f *Figure) { f.shareX = &share } }

// New returns an empty figure.
func New(opts ...FigureOption) *Figure {
	f := &Figure{colors: map[string]string{}}
	for _, o := range opts {
		if o != nil {
			o(f)
		}
	}
	return f
}

// Panel appends a new panel (axes) with the given title ("" for none) and
// returns it.
func (f *Figure) Panel(title string) *Panel {
	p := &Panel{fig: f, title: title}
	f.panels = append(f.panels, p)
	return p
}

// Panels returns the figure's panels in the order they were added.
func (f *Figure) Panels() []*Panel { return append([]*Panel(nil), f.panels...) }

// ColorOf returns the colour given to series labelled label ("" if no such
// series was added yet), e.g. to colour text in a notebook the same way.
func (f *Figure) ColorOf(label string) string { return f.colors[label] }

// colorFor returns (and remembers) the colour of a series with this label:
// the colour the label already has, else an explicit colour, else the next
// colour of the palette.
func (f *Figure) colorFor(label, explicit string) string {
	if c, ok := f.colors[label]; ok && label != "" && explicit == "" {
		return c
	}
	c := explicit
	if c == "" {
		c = Palette[f.nextColor%len(Palette)]
		f.nextColor++
	}
	if _, ok := f.colors[label]; !ok && label != "" {
		f.colors[label] = c
	}
	return c
}

// resolveColor returns the colour a style asks for (explicit, or that of
// another series), falling back to def.
func (f *Figure) resolveColor(st style, def string) string {
	if st.color != "" {
		return st.color
	}
	if c, ok := f.colors[st.colorOf]; ok && st.colorOf != "" {
		return c
	}
	return def
}

func (f *Figure) setErr(err error) {
	if f.err == nil {
		f.err = err
	}
}

// Err returns the first problem met while building or drawing the figure
// (such as a series with more x than y values, or an unknown colour name),
// or nil. The figure still renders.
func (f *Figure) Err() error { return f.err }

// Save writes the figure's SVG to path atomically: to a temporary file in the
// same directory, then renamed over path, so that a reader never sees half a
// file. Missing directories are created. It also returns Err, if any.
func (f *Figure) Save(path string) error {
	if path == "" {
		return errors.New("plot: save: empty path")
	}
	if err := writeFileAtomic(path, []byte(f.SVG())); err != nil {
		return fmt.Errorf("plot: save %s: %w", path, err)
	}
	if f.err != nil {
		return fmt.Errorf("plot: saved %s, but: %w", path, f.err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Display shows the figure inline in a GoNB notebook cell, as an <svg>
// element inside the cell's HTML output (so that it survives export and
// needs nothing from the internet). It waits until the kernel has received
// the output (gonbui.Sync), so that a figure in a cell's last line is not lost
// when the cell's program exits. Outside a notebook it does nothing.
func (f *Figure) Display() {
	if !gonbui.IsNotebook {
		return
	}
	gonbui.DisplayHTML("<div>" + f.SVG() + "</div>")
	gonbui.Sync()
}
