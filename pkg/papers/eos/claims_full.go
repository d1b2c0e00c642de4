package eos

import (
	"fmt"
	"math"
	"strings"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers/config"
)

// The thresholds of the full preset's targets (uncalibrated, from the spec).
var (
	// EOS-7: ‖θ_GD − θ_flow‖ relative to ‖θ_GD − θ₀‖, before t* and at 2t*.
	flowBefore = claims.Below(0.05).Percent()
	flowAfter  = claims.Above(0.2).Percent()
	// EOS-8: S(t*)/S₀; the share of measurements after t* with S·η/2 in
	// mnistBand; the loss at the stop as a multiple of the loss at t*.
	mnistRise   = claims.AtLeast(1.5).Times()
	mnistBand   = claims.Between(0.8, 1.3)
	mnistInBand = claims.AtLeast(0.9).Percent()
	mnistDrop   = claims.Below(0.5).Times()
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

// EOS-8 (full preset, a target): the MNIST-1k runs show the edge of stability.
func mnistAtEdge(res *Results) claims.Measurement {
	m := res.MNIST
	seedsNeeded := config.Majority(m.Config.Seeds)
	pass := true
	worst := math.Inf(1)
	var parts []string
	for _, mult := range m.Config.Multiples {
		var oks []bool
		var bands []float64
		for _, r := range m.Runs {
			if r.Control || r.Multiple != mult {
				continue
			}
			rise, band, drop := mnistEdge(r)
			bands = append(bands, band)
			oks = append(oks, mnistRise.Holds(rise) && mnistInBand.Holds(band) && mnistDrop.Holds(drop))
		}
		ok := claims.Majority(oks, seedsNeeded)
		pass = pass && ok
		worst = math.Min(worst, claims.MajorityValue(bands, seedsNeeded, true))
		parts = append(parts, fmt.Sprintf("2/η=%g·S₀: share of measurements after t* in the band %s (%s)", mult, claims.Each(bands, "%.2f"), claims.Tally(oks)))
	}
	return claims.Measurement{Value: worst, Pass: pass, Detail: strings.Join(parts, "; "),
		Rule: fmt.Sprintf("S(t*)/S₀ %s; share of measurements after t* with S·η/2 %s %s; loss at the stop / loss at t* %s; in ≥ %d of %d seeds (uncalibrated target)",
			mnistRise, mnistBand, mnistInBand, mnistDrop, seedsNeeded, m.Config.Seeds),
		Reason: "some MNIST run did not reach or hold the edge before its stop"}
}

// mnistEdge measures one MNIST run up to its stopping step: the sharpness rise
// before t* (S(t*)/S₀), the share of later measurements with S·η/2 in
// mnistBand, and the loss at the stop relative to the loss at t*.
func mnistEdge(r MNISTRun) (rise, band, drop float64) {
	if r.CrossStep < 0 {
		return 0, 0, math.Inf(1)
	}
	stop := r.StopStep()
	var after []float64
	for i, t := range r.SharpSteps {
		if t == r.CrossStep {
			rise = r.Sharpness[i] / r.S0
		}
		if t > r.CrossStep && t <= stop {
			after = append(after, r.Sharpness[i]*r.Eta/2)
		}
	}
	if len(after) > 0 {
		band = mnistBand.Share(after)
	}
	lossAt := func(t int) float64 { return r.Loss[min(t, len(r.Loss)-1)] }
	return rise, band, lossAt(stop) / lossAt(r.CrossStep)
}
