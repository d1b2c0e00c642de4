// Package progress reports the progress of long runs — training loops,
// sweeps over seeds and learning rates — in a JupyterLab (GoNB) notebook and
// on the command line, ending with a one-line summary.
//
//	bar := progress.New("eos quick", totalSteps)
//	for step := range totalSteps {
//		...
//		bar.Update(step+1, fmt.Sprintf("loss=%.3f S=%.1f", loss, sharpness))
//	}
//	bar.Done("12 runs in 41.2s")
//
// New picks the display: an HTML bar updated in place inside a notebook cell
// (replaced at the end by the summary, which stays in the saved notebook);
// a single line redrawn with a carriage return when stderr is a terminal;
// otherwise one plain line per tenth of the work, so that CI logs stay short.
// Redraws are throttled (Interval), so Update can be called every step.
// THEORYLAB_PROGRESS=off silences New's bars; THEORYLAB_PROGRESS=plain forces
// plain lines.
//
// Code that reports progress should accept a Reporter: tests pass Silent,
// and a nil *Bar (or OrSilent(nil)) is a valid no-op. All reporters are safe
// for concurrent use; Update takes the absolute number of finished units and
// never moves the bar backwards.
package progress
