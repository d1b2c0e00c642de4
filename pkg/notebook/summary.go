package notebook

import (
	"fmt"
	"html"

	"github.com/janpfeifer/gonb/gonbui"

	"theorylab/pkg/claims"
	"theorylab/pkg/runs"
)

// Summary is the one line that ends a paper notebook, as the command line's
// last line ends `theorylab run`: the paper and preset, the claims that pass,
// how long the run took and on which backend, and whether it came from the
// results cache. For example
//
//	eos quick: 6/6 claims pass — run took 9.5s on go (loaded from the results cache)
func Summary(l claims.List, man runs.Manifest, cacheHit bool) string {
	source := "computed now"
	if cacheHit {
		source = "loaded from the results cache"
	}
	name := man.Paper
	if man.Preset != "" {
		name += " " + man.Preset
	}
	return fmt.Sprintf("%s: %s — run took %.1fs on %s (%s)", name, l.Summary(), man.ElapsedSeconds, man.Backend, source)
}

// ShowClaims displays a paper's claim table (HTML in a notebook, text
// elsewhere), then its Summary line, and in a notebook waits until GoNB has
// received both (gonbui.Sync).
func ShowClaims(l claims.List, man runs.Manifest, cacheHit bool) {
	l.Display()
	line := Summary(l, man, cacheHit)
	if gonbui.IsNotebook {
		// As HTML, so that it stays below the table (GoNB sends stdout and displays apart).
		gonbui.DisplayHTML(`<div style="font-family:monospace;font-size:13px;font-weight:bold">` + html.EscapeString(line) + `</div>`)
		// Wait until GoNB has the table: displays travel apart from the program, and
		// one still in transit when the cell's program exits can be lost — and the
		// notebook test counts the claims in this table.
		gonbui.Sync()
		return
	}
	fmt.Println(line)
}
