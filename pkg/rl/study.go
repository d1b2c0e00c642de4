package rl

import (
	"fmt"
	"math"
	"time"

	"github.com/gomlx/compute"

	"theorylab/pkg/progress"
)

// Study is the bookkeeping that a paper's run on these building blocks
// shares between its parts: the run's seed, from which every random stream
// is drawn (Stream), the backend the learners train on, a progress bar
// counted in units of work (Tick) and closed with the run's time (Finish),
// and the held-out evaluation sets on Catch, each built once (EvalSet). Both
// RL papers (09 and 10) run through one.
type Study struct {
	Seed    int
	Backend compute.Backend
	Bar     progress.Reporter
	done    int
	start   time.Time
	evals   map[evalKey]EvalSet[CatchState]
}

// evalKey names one evaluation set: the game, the stream of its starts,
// their number and the horizon.
type evalKey struct {
	game    Catch
	purpose string
	n, h    int
}

// NewStudy starts a study of a run with the given seed (bar nil: silent).
func NewStudy(be compute.Backend, seed int, bar progress.Reporter) *Study {
	return &Study{Seed: seed, Backend: be, Bar: progress.OrSilent(bar), start: time.Now(), evals: map[evalKey]EvalSet[CatchState]{}}
}

// Stream is the seed of one purpose of this run: Stream(s.Seed, purpose, index).
func (s *Study) Stream(purpose string, index int) uint64 {
	return Stream(s.Seed, purpose, index)
}

// Tick counts one more unit of work done and shows msg beside the bar.
func (s *Study) Tick(msg string) {
	s.done++
	s.Bar.Update(s.done, msg)
}

// Finish closes the bar with the run's wall-clock time and the backend's
// name (on) and returns the seconds since NewStudy.
func (s *Study) Finish(on string) float64 {
	secs := time.Since(s.start).Seconds()
	s.Bar.Done(fmt.Sprintf("done in %.1fs on %s", secs, on))
	return secs
}

// EvalSet is the held-out set of n starts of game g drawn from the stream
// (purpose, 0), scored at horizon h (the same starts at every horizon; the
// optimum depends on H). It is computed once and then reused.
func (s *Study) EvalSet(g Catch, purpose string, n, h int) EvalSet[CatchState] {
	k := evalKey{g, purpose, n, h}
	if e, ok := s.evals[k]; ok {
		return e
	}
	e := NewEvalSet[CatchState](g, g.Starts(n, s.Stream(purpose, 0)), h)
	s.evals[k] = e
	return e
}

// SelectLR trains the tuning tasks once with each learning rate of grid
// (cfg.LR is ignored; the rest of cfg is the full budget) and returns the
// rate whose runs score highest (the first one on ties). score(lr, runs)
// scores the runs of one rate on their validation starts (and may record
// the parts of the score); each round ticks the bar.
func (s *Study) SelectLR(cfg LearnerConfig, grid []float64, tasks []Task[CatchState], score func(lr float64, runs []LearnerRun) float64) (float64, error) {
	best, chosen := math.Inf(-1), 0.0
	for _, lr := range grid {
		lc := cfg
		lc.LR = lr
		runs, err := Learn(s.Backend, lc, tasks, func(r int) { s.Tick(fmt.Sprintf("tuning lr=%g round %d", lr, r)) })
		if err != nil {
			return chosen, err
		}
		if v := score(lr, runs); v > best {
			best, chosen = v, lr
		}
	}
	return chosen, nil
}

// Learn trains the tasks together with learning rate lr (cfg.LR is
// ignored); each round ticks the bar.
func (s *Study) Learn(cfg LearnerConfig, lr float64, tasks []Task[CatchState]) ([]LearnerRun, error) {
	cfg.LR = lr
	return Learn(s.Backend, cfg, tasks, func(r int) { s.Tick(fmt.Sprintf("learners round %d", r)) })
}
