package skeleton

import "fmt"

// notebookCells are the new notebook's cells after the first, as (type, text).
func notebookCells(p Paper) [][2]string {
	n := p.Name
	return [][2]string{
		{"markdown", fmt.Sprintf(`# %s

*%s.* TODO: the paper's arXiv id and its official code, if any.

**The claim in one paragraph.** TODO: what the paper shows, in words a student understands before reading any formula.

Markings used below: **(unverified)** — a statement not yet checked against the paper's PDF;
**(our construction)** — a teaching device or operational definition of ours, not the authors'.`, p.Title, p.Authors)},
		{"markdown", `## 1. The theorem

TODO: the main result in words and in formulas ($\LaTeX$ between dollars), its assumptions, and what it predicts that
one can measure on a computer. A picture or a small worked case helps more than a second formula.`},
		{"markdown", fmt.Sprintf(`## 2. The experiment (quick preset)

TODO: the data, the model, the training and the measurement, each with its numbers. Show the code that matters from the
package that runs it — never a copy (the skeleton shows its `+"`Run`"+`, a placeholder experiment: gradient descent fits a
line to noisy data, and a control fits the same line to shuffled targets).

`+"`%s.Paper.Notebook()`"+` runs the preset that `+"`THEORYLAB_PRESET`"+` chooses (quick unless you say otherwise) through the
results cache: the first call computes, every later cell gets the stored results at once.`, n)},
		{"code", fmt.Sprintf(`import (
	"theorylab/pkg/notebook"
	"theorylab/pkg/papers/%s"
)

%%%%
notebook.ShowSource("pkg/papers/%s", "Run")`, n, n)},
		{"code", fmt.Sprintf(`%%%%
run := %s.Paper.Notebook()
fmt.Printf("preset %%s on %%s: %%d runs; run took %%.1fs (from cache: %%v)\n",
	run.Config.Preset, run.Manifest.Backend, len(run.Results.Runs), run.Manifest.ElapsedSeconds, run.CacheHit)`, n)},
		{"markdown", `## 3. Figures

TODO: one paragraph per figure of the paper: what it shows, and what to look at in ours.`},
		{"code", fmt.Sprintf(`%%%%
for _, f := range %s.Paper.Notebook().Figures() {
	notebook.Markdown("**" + f.Name + "** — " + f.Caption)
	f.Fig.Display()
}`, n)},
		{"markdown", `## 4. The claims, checked

Each claim is a sentence of the paper turned into a measurement with a threshold fixed before the run, beside a control
that lacks the mechanism. A failing claim shows here as FAIL with its reason, never hidden. TODO: say which rule over
seeds the claims use, and where the thresholds come from.`},
		{"code", fmt.Sprintf(`%%%%
// The claim table, then one summary line: claims passed, run time, backend.
%s.Paper.Notebook().ShowClaims()`, n)},
		{"markdown", `## 5. Deviations, open questions

TODO: every place where the experiment differs from the paper's (scale, data, model), and why; the statements still
marked **(unverified)**; further reading.`},
	}
}
