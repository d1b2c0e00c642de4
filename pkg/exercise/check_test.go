package exercise

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// capture replaces the outputs and the exit of the checks for one test.
func capture(t *testing.T) (out, errOut *bytes.Buffer, exits *[]int) {
	t.Helper()
	out, errOut, exits = &bytes.Buffer{}, &bytes.Buffer{}, &[]int{}
	oldOut, oldErr, oldExit, oldNB := stdout, stderr, exit, inNotebook
	stdout, stderr = out, errOut
	exit = func(code int) { *exits = append(*exits, code) }
	inNotebook = func() bool { return false }
	t.Cleanup(func() { stdout, stderr, exit, inNotebook = oldOut, oldErr, oldExit, oldNB })
	return out, errOut, exits
}

func TestCheckPass(t *testing.T) {
	out, errOut, exits := capture(t)
	if !Check("01.2", true, "%d of %d", 3, 3) {
		t.Error("Check(true) returned false")
	}
	if got := out.String(); !strings.Contains(got, "Exercise 01.2 passed — 3 of 3") || !strings.Contains(got, MarkerPass) {
		t.Errorf("stdout %q", got)
	}
	if errOut.Len() > 0 || len(*exits) > 0 {
		t.Errorf("a pass wrote to stderr (%q) or exited (%v)", errOut, *exits)
	}
}

func TestCheckFail(t *testing.T) {
	out, errOut, exits := capture(t)
	if Check("01.2", false, "got %d", 7) {
		t.Error("Check(false) returned true")
	}
	if got := errOut.String(); !strings.Contains(got, "Exercise 01.2: not yet — got 7") {
		t.Errorf("stderr %q", got)
	}
	if len(*exits) != 1 || (*exits)[0] != 1 {
		t.Errorf("exits %v, want [1]", *exits)
	}
	if strings.Contains(out.String(), MarkerPass) {
		t.Error("a failing check printed the pass marker")
	}
}

func TestClose(t *testing.T) {
	for _, c := range []struct {
		got, want, tol float64
		ok             bool
	}{
		{1.0000001, 1, 1e-6, true},
		{1.01, 1, 1e-6, false},
		{1e-9, 0, 1e-6, true}, // absolute near zero
		{1000.0001, 1000, 1e-6, true},
		{math.NaN(), 1, 1, false},
		{1, math.NaN(), 1, false},
	} {
		capture(t)
		if ok := Close("x", c.got, c.want, c.tol); ok != c.ok {
			t.Errorf("Close(%v, %v, %v) = %v, want %v", c.got, c.want, c.tol, ok, c.ok)
		}
	}
}

func TestCloseAll(t *testing.T) {
	capture(t)
	if !CloseAll("x", []float64{1, 2}, []float64{1, 2 + 1e-13}, 1e-12) {
		t.Error("equal slices fail")
	}
	_, errOut, _ := capture(t)
	if CloseAll("x", []float64{1, 2}, []float64{1, 3}, 1e-12) || !strings.Contains(errOut.String(), "element 1") {
		t.Errorf("different slices: %q", errOut)
	}
	if CloseAll("x", []float64{1}, []float64{1, 2}, 1) {
		t.Error("different lengths pass")
	}
}
