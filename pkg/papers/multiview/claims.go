package multiview

import (
	"fmt"

	"theorylab/pkg/claims"
)

// The thresholds of the claims, fixed before any run (from the paper and
// its theory, never loosened to make a run pass). Each claim compares with
// these values and prints them from the same values.
var (
	fitsSignal = claims.AtLeast(0.9) // R² of the fit to the real targets
	fitsNoise  = claims.AtMost(0.1)  // R² of the fit to shuffled targets (the control)
)

// Claims are the paper's claims, as data. TODO: replace the example claim
// with the paper's statements about its phenomenon — each a measurement that
// can fail, beside a control that lacks the mechanism. Engineering
// invariants (shapes, initial values, parameter counts) are tests, not claims.
var Claims = claims.Set[*Results]{
	{ID: "MULTIVIEW-1", PaperRef: "TODO: section, figure or table of the paper",
		Statement: "Example (TODO): gradient descent recovers a linear relation — the fitted line explains most of the variance.",
		Measure:   func(res *Results) claims.Measurement { return fitR2(res, false, fitsSignal) }},
	{ID: "MULTIVIEW-2", PaperRef: "our construction (the control of MULTIVIEW-1)",
		Statement: "Control (TODO): with the targets shuffled there is no relation left to learn, and the same fit explains almost nothing.",
		Measure:   func(res *Results) claims.Measurement { return fitR2(res, true, fitsNoise) }},
}

// fitR2 compares the R² of the real runs (control false) or of the control
// runs with the threshold, in the majority of seeds.
func fitR2(res *Results, control bool, th claims.Threshold) claims.Measurement {
	var r2 []float64
	var passes []bool
	for _, r := range res.Runs {
		if r.Control == control {
			r2 = append(r2, float64(r.R2))
			passes = append(passes, th.Holds(float64(r.R2)))
		}
	}
	need := res.Config.Majority()
	higherIsBetter := !control // for the control a large R² is the bad side
	return claims.Measurement{
		Value:  claims.MajorityValue(r2, need, higherIsBetter),
		Rule:   fmt.Sprintf("R² %s in ≥ %d of %d seeds", th, need, len(r2)),
		Pass:   claims.Majority(passes, need),
		Detail: "R² per seed: " + claims.Each(r2, "%.3f") + " (" + claims.Tally(passes) + ")",
		Reason: "the fit's R² is on the wrong side of the threshold",
	}
}
