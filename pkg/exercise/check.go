package exercise

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"

	"github.com/janpfeifer/gonb/gonbui"
)

// MarkerPass is carried by every passing check's output (in a notebook, as
// the data-exercise attribute of the PASS line), so that the notebook test
// can tell that an exercise cell's check passed.
const MarkerPass = "EXERCISE-PASS"

// Where checks write, and how a failed check ends the cell's program; tests
// replace them.
var (
	stdout     io.Writer = os.Stdout
	stderr     io.Writer = os.Stderr
	exit                 = os.Exit
	inNotebook           = func() bool { return gonbui.IsNotebook }
)

// Check ends exercise id's cell: when ok it shows "✓ Exercise id passed —
// message"; otherwise it prints "✗ Exercise id: not yet — message" to stderr
// and exits the cell's program with status 1. It returns ok (when a test has
// replaced the exit).
func Check(id string, ok bool, format string, args ...any) bool {
	msg := fmt.Sprintf(format, args...)
	if !ok {
		fmt.Fprintf(stderr, "✗ Exercise %s: not yet — %s\n", id, msg)
		exit(1)
		return false
	}
	if inNotebook() {
		gonbui.DisplayHTML(fmt.Sprintf(`<div data-exercise="%s" data-exercise-id="%s" `+
			`style="font-family:monospace;font-size:13px;color:#1a7f37;font-weight:bold">✓ Exercise %s passed — %s</div>`,
			MarkerPass, html.EscapeString(id), html.EscapeString(id), html.EscapeString(msg)))
		gonbui.Sync() // delivered before the cell's program exits
	} else {
		fmt.Fprintf(stdout, "✓ Exercise %s passed — %s [%s]\n", id, msg, MarkerPass)
	}
	return true
}

// Close checks that got equals want within tol, relative to max(1, |want|):
// |got − want| ≤ tol·max(1, |want|). NaN never passes.
func Close(id string, got, want, tol float64) bool {
	ok := math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
	return Check(id, ok, "got %.10g, want %.10g (tolerance %.2g)", got, want, tol)
}

// CloseAll is Close for every element of two slices of the same length; the
// message names the first element that differs.
func CloseAll(id string, got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return Check(id, false, "got %d values, want %d", len(got), len(want))
	}
	for i := range got {
		if !(math.Abs(got[i]-want[i]) <= tol*math.Max(1, math.Abs(want[i]))) {
			return Check(id, false, "element %d: got %.10g, want %.10g (tolerance %.2g)", i, got[i], want[i], tol)
		}
	}
	return Check(id, true, "all %d values match (tolerance %.2g)", len(got), tol)
}
