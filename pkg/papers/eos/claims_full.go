package eos

import (
	"fmt"
	"math"
	"strings"

	"theorylab/pkg/claims"
)

// The thresholds of the full preset's targets (uncalibrated, from the spec).
var (
	// EOS-7: ‖θ_GD − θ_flow‖ relative to ‖θ_GD − θ₀‖, before t* and at 2t*.
	flowBefore = claims.Below(0.05).Percent()
	flowAfter  = claims.Above(0.2).Percent()
)

// EOS-7 (full preset, a target): GD follows gradient flow until t* and
// departs from it afterwards.
func leavesFlow(res *Results) claims.Measurement {
	need := res.Config.Majority()
	byEta := map[float64][]FlowRun{}
	var order []float64
	for _, f := range res.Flow {
		if _, ok := byEta[f.Eta]; !ok {
			order = append(order, f.Eta)
		}
		byEta[f.Eta] = append(byEta[f.Eta], f)
	}
	pass := len(order) == len(res.Config.EdgeEtas)
	worst := 0.0
	var parts []string
	for _, eta := range order {
		var oks []bool
		var before, after []float64
		for _, f := range byEta[eta] {
			b, a := flowDeparture(f)
			before, after = append(before, b), append(after, a)
			oks = append(oks, flowBefore.Holds(b) && flowAfter.Holds(a))
			worst = math.Max(worst, b)
		}
		ok := claims.Majority(oks, need)
		pass = pass && ok
		parts = append(parts, fmt.Sprintf("η=%g: max before t* %s, at 2t* %s (%s)", eta, claims.Each(before, "%.3f"), claims.Each(after, "%.3f"), claims.Tally(oks)))
	}
	return claims.Measurement{Value: worst, Pass: pass,
		Detail: "‖θ_GD − θ_flow‖ / ‖θ_GD − θ₀‖ — " + strings.Join(parts, "; "),
		Rule: fmt.Sprintf("relative distance %s up to t* and %s at 2t*, in ≥ %d of %d seeds, every edge η (uncalibrated target)",
			flowBefore, flowAfter, need, res.Config.Seeds),
		Reason: "GD left the flow before t* or stayed close to it after"}
}

// flowDeparture: the largest relative GD–flow distance up to t*, and the one
// at the last compared step (2t*, or the end of training if sooner).
func flowDeparture(f FlowRun) (before, after float64) {
	after = math.NaN()
	for i, k := range f.Steps {
		rel := f.Distance[i] / math.Max(f.Travel[i], 1e-300)
		if k <= f.CrossStep {
			before = math.Max(before, rel)
		}
		after = rel
	}
	return before, after
}
