package rl

import (
	"math/bits"
	"strings"
	"testing"

	"theorylab/pkg/progress"
)

// countBar records the last Update and the summary.
type countBar struct {
	done          int
	msg, finished string
}

func (b *countBar) Update(done int, msg string) { b.done, b.msg = done, msg }
func (b *countBar) Done(summary string)         { b.finished = summary }

var _ progress.Reporter = (*countBar)(nil)

// TestStudy: streams are the run's, ticks count up, Finish closes the bar,
// and an evaluation set
// is built once per (game, purpose, size, horizon) and differs between
// purposes and games.
func TestStudy(t *testing.T) {
	bar := &countBar{}
	s := NewStudy(nil, 3, bar)
	if s.Stream("x", 2) != Stream(3, "x", 2) {
		t.Error("Stream is not rl.Stream of the study's seed")
	}
	s.Tick("a")
	s.Tick("b")
	if bar.done != 2 || bar.msg != "b" {
		t.Errorf("after two ticks the bar shows %d %q", bar.done, bar.msg)
	}
	g := DefaultCatch()
	a := s.EvalSet(g, "val-starts", 5, 8)
	if len(a.Starts) != 5 || !(a.Optimal > 0) {
		t.Fatalf("eval set %+v", a)
	}
	want := NewEvalSet[CatchState](g, g.Starts(5, Stream(3, "val-starts", 0)), 8)
	if a.Optimal != want.Optimal || a.Starts[0] != want.Starts[0] {
		t.Errorf("eval set %+v, want %+v", a, want)
	}
	if b := s.EvalSet(g, "val-starts", 5, 8); &b.Starts[0] != &a.Starts[0] {
		t.Error("the same eval set was built twice")
	}
	if b := s.EvalSet(g, "test-starts", 5, 8); b.Starts[0] == a.Starts[0] {
		t.Error("two purposes share their starts")
	}
	if b := s.EvalSet(LazyCatch(), "val-starts", 5, 8); b.Optimal == a.Optimal {
		t.Error("another game gave the same optimum")
	}
	if secs := s.Finish("go"); !(secs >= 0) || !strings.HasPrefix(bar.finished, "done in ") || !strings.HasSuffix(bar.finished, "s on go") {
		t.Errorf("Finish: %v seconds, summary %q", secs, bar.finished)
	}
	if NewStudy(nil, 0, nil).Bar == nil {
		t.Error("a nil bar is not replaced by a silent one")
	}
}

func TestRandomCodes(t *testing.T) {
	a, b := RandomCodes(9, 5, 200), RandomCodes(9, 5, 200)
	seen := map[uint64]bool{}
	for i, c := range a {
		if c != b[i] {
			t.Fatal("same stream, other codes")
		}
		if bits.Len64(c) > 5 {
			t.Fatalf("code %b has more than 5 bits", c)
		}
		seen[c] = true
	}
	if len(seen) < 25 {
		t.Errorf("200 draws hit only %d of 32 codes", len(seen))
	}
}

func TestGridProblems(t *testing.T) {
	good := LearnerConfig{Hidden: []int{8}, Batch: 16, Rounds: 2, Starts: 4, Labels: 4, Steps: 10}
	if errs := good.GridProblems([]float64{1e-3}); len(errs) != 0 {
		t.Errorf("good config: %v", errs)
	}
	bad := good
	bad.Batch = 0
	var msgs []string
	for _, err := range bad.GridProblems([]float64{1e-3, 0}) {
		msgs = append(msgs, err.Error())
	}
	if got := strings.Join(msgs, "|"); got != "learner: batch must be ≥ 1, got 0|lr_grid values must be > 0, got 0" {
		t.Errorf("problems %q", got)
	}
	if errs := good.GridProblems(nil); len(errs) != 1 || errs[0].Error() != "lr_grid is empty" {
		t.Errorf("empty grid: %v", errs)
	}
}

func TestIncreasing(t *testing.T) {
	for _, c := range []struct {
		xs   []int
		want bool
	}{{nil, true}, {[]int{3}, true}, {[]int{1, 2, 5}, true}, {[]int{1, 1}, false}, {[]int{2, 1}, false}} {
		if got := Increasing(c.xs); got != c.want {
			t.Errorf("Increasing(%v) = %v", c.xs, got)
		}
	}
}
