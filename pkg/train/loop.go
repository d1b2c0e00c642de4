package train

import (
	"errors"
	"fmt"

	"github.com/gomlx/gomlx/core/tensors"
)

// Loop is full-batch gradient descent on R runs with a look at the model
// every Every steps — the shape of every Edge of Stability experiment, which
// trains and measures the sharpness every so often:
//
//	for t = 0, Every, 2·Every, …, Steps:  Measure(t, θₜ), then GD until t + Every
//
// Run executes it; Measure, Record and Step are the hooks an experiment fills.
type Loop struct {
	GD    *GD             // the unrolled GD step
	Eta   *tensors.Tensor // step size per run, [R]
	Steps int             // GD steps in all, a multiple of Every
	Every int             // Measure runs at t = 0, Every, 2·Every, …, Steps; a multiple of GD.Unroll

	// Measure looks at θₜ, the parameters before step t (nil: nothing is measured).
	Measure func(t int, params []*tensors.Tensor) error
	// Record receives the losses of the steps taken from t: losses[k][r] is
	// L(θ_{t+k}) of run r (nil: the losses are dropped).
	Record func(t int, losses [][]float64)
	// Step, when set, takes the steps from t instead of GD.Steps — for
	// example one step at a time inside a window that is watched closely. It
	// returns the new parameters and the losses of the steps it took, which
	// must not run past the next measurement.
	Step func(t int, params []*tensors.Tensor) ([]*tensors.Tensor, [][]float64, error)
}

// Run trains from params and returns θ at step Steps. A run whose loss stops
// being finite ends the loop with a *DivergedError whose StepOffset counts
// from step 0 of the loop.
func (l Loop) Run(params []*tensors.Tensor) ([]*tensors.Tensor, error) {
	if l.Every < 1 || l.Steps < 0 || l.Steps%l.Every != 0 {
		return nil, fmt.Errorf("train.Loop: steps (%d) must be a multiple of every (%d ≥ 1)", l.Steps, l.Every)
	}
	if l.Step == nil && (l.GD == nil || l.Every%l.GD.Unroll != 0) {
		return nil, errors.New("train.Loop: every must be a multiple of the GD's unroll")
	}
	for t := 0; ; {
		if t%l.Every == 0 && l.Measure != nil {
			if err := l.Measure(t, params); err != nil {
				return params, err
			}
		}
		if t == l.Steps {
			return params, nil
		}
		var next []*tensors.Tensor
		var losses [][]float64
		var err error
		if l.Step != nil {
			next, losses, err = l.Step(t, params)
		} else {
			next, losses, err = l.GD.Steps(params, l.Eta)
		}
		if err != nil {
			var d *DivergedError
			if errors.As(err, &d) {
				return next, &DivergedError{Run: d.Run, StepOffset: t + d.StepOffset, Loss: d.Loss}
			}
			return params, err
		}
		if n := len(losses); n == 0 || (t/l.Every+1)*l.Every < t+n {
			return params, fmt.Errorf("train.Loop: %d steps from step %d would pass the measurement at step %d", n, t, (t/l.Every+1)*l.Every)
		}
		if l.Record != nil {
			l.Record(t, losses)
		}
		params = next
		t += len(losses)
	}
}
