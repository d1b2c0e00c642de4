package eos

import (
	"fmt"
	"math"
	"strings"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers/config"
)

// The thresholds of the claims, fixed from the spec before any run. Each
// claim compares with these values and prints them from the same values.
var (
	// EOS-2, EOS-8: "at the edge" means S·η/2 in edgeBand (our construction,
	// an operational definition), for a share inBand of the measurements in
	// the window after t*, with their median in edgeMedian.
	edgeBand   = claims.Between(0.85, 1.15)
	inBand     = claims.AtLeast(0.95).Percent()
	edgeMedian = claims.Between(0.95, 1.10)
	// EOS-3, EOS-9: the share of steps in the window that increase the loss.
	lossUps = claims.AtLeast(0.05).Percent()
	// EOS-4, EOS-9: the mean loss over the last tenth of the window as a
	// multiple of the mean over its first tenth. The paper's statement is that
	// the loss keeps falling over long spans, so the rule is a fall: below 1.
	longTermDrop = claims.Below(1).Times()
	// EOS-5, EOS-10: the control never increases its loss, and its S·η/2 peaks below controlPeak.
	noLossUps   = claims.Exactly(0)
	controlPeak = claims.AtMost(0.7)
	// EOS-6, EOS-10: the control's sharpness at the end as a multiple of S₀.
	sharpening = claims.AtLeast(1.5).Times()
)

// Loss increases: a step counts as one when Lₜ₊₁ > Lₜ·(1 + tol). The toy
// computes in float64; the MNIST study's loss is a float32 mean of
// N·10 squared errors, whose rounding (~10⁻⁷ relative, ~10⁻⁶ at worst for
// these sums) must not count as an increase.
const (
	increaseTol        = 1e-12
	increaseTolFloat32 = 1e-5
)

// Claims are the paper's claims, the spec's EOS-1 … EOS-7 on the Chebyshev
// toy, and EOS-8 … EOS-10 on the real network (fc-tanh on MNIST). The claims
// about the edge look at the Window steps after t*, the first measured step
// with S ≥ 2/η, so they mean the same thing whatever the run's length. Every
// claim about edge runs holds for every edge step size in the majority of its
// seeds (config.Majority: 2 of 3, 4 of 5). EOS-7 needs the full preset's flow
// comparison and is an uncalibrated target.
var Claims = claims.Set[*Results]{
	{ID: "EOS-1", PaperRef: "abstract; Fig. 1",
		Statement: "Sharpness rises until it reaches 2/η (progressive sharpening up to the edge).",
		Measure: func(res *Results) claims.Measurement {
			return reachesEdge(toyGroups(res), res.Config.Window, res.Config.Steps)
		}},
	{ID: "EOS-2", PaperRef: "abstract; Fig. 1",
		Statement: "After reaching it, the sharpness hovers at 2/η instead of rising further.",
		Measure:   func(res *Results) claims.Measurement { return hoversAtEdge(toyGroups(res), res.Config.Window) }},
	{ID: "EOS-3", PaperRef: "abstract",
		Sweep:     &claims.Sweep{Passed: 6, Of: 10, Replicate0: true, Where: "docs/01-edge-of-stability.md, 10-replicate sweep"},
		Statement: "At the edge of stability the training loss goes up on many individual steps.",
		Measure: func(res *Results) claims.Measurement {
			return nonMonotoneLoss(toyGroups(res), res.Config.Window, increaseTol)
		}},
	{ID: "EOS-4", PaperRef: "abstract",
		Statement: "Despite the short-term increases, the loss keeps decreasing over long time spans.",
		Measure:   func(res *Results) claims.Measurement { return longTermDecrease(toyGroups(res), res.Config.Window) }},
	{ID: "EOS-5", PaperRef: "§3 (section number unverified: check the paper)",
		Statement: "The control step size stays far below its 2/η and GD behaves classically: the loss never goes up.",
		Measure:   func(res *Results) claims.Measurement { return classicalControl(toyControl(res), increaseTol) }},
	{ID: "EOS-6", PaperRef: "progressive-sharpening section",
		Statement: "Progressive sharpening: even far from the edge, the sharpness keeps rising during training.",
		Measure:   func(res *Results) claims.Measurement { return controlSharpens(toyControl(res)) }},
	{ID: "EOS-7", PaperRef: "official repository's README demo (not a number from the paper)", Target: true,
		Statement: "GD tracks gradient flow until the sharpness reaches 2/η, then departs from it.",
		When:      func(res *Results) bool { return res.Flow != nil },
		Measure:   leavesFlow},
	{ID: "EOS-8", PaperRef: "abstract; Fig. 1 (our MNIST construction)",
		Statement: "On a real network (fc-tanh on MNIST, squared loss), the sharpness rises to 2/η and then hovers there.",
		When:      hasMNIST,
		Measure: func(res *Results) claims.Measurement {
			m := res.MNIST.Config
			return both(reachesEdge(mnistGroups(res), m.Window, m.Steps), hoversAtEdge(mnistGroups(res), m.Window))
		}},
	{ID: "EOS-9", PaperRef: "abstract (our MNIST construction)",
		Statement: "On the real network the loss goes up on many steps after t*, yet falls over the window.",
		When:      hasMNIST,
		Measure: func(res *Results) claims.Measurement {
			m := res.MNIST.Config
			return both(nonMonotoneLoss(mnistGroups(res), m.Window, increaseTolFloat32), longTermDecrease(mnistGroups(res), m.Window))
		}},
	{ID: "EOS-10", PaperRef: "§3 and the progressive-sharpening section (our MNIST construction)",
		Statement: "On the real network the control (2/η far above S₀) sharpens progressively but stays classical.",
		When:      hasMNIST,
		Measure: func(res *Results) claims.Measurement {
			ctrl := mnistControl(res)
			return both(controlSharpens(ctrl), classicalControl(ctrl, increaseTolFloat32))
		}},
}

func hasMNIST(res *Results) bool { return res.MNIST != nil }

// both joins two measurements into one rule that holds when both do; the
// headline value is the first one's, and Parts say which one failed.
func both(a, b claims.Measurement) claims.Measurement {
	parts := func(m claims.Measurement) []claims.Part {
		if len(m.Parts) > 0 {
			return m.Parts
		}
		return []claims.Part{{Name: m.Rule, Holds: m.Pass}}
	}
	out := claims.Measurement{Value: a.Value, Pass: a.Pass && b.Pass,
		Rule:   a.Rule + "; and " + b.Rule,
		Parts:  append(parts(a), parts(b)...),
		Detail: a.Detail + " | " + b.Detail}
	switch {
	case !a.Pass && !b.Pass:
		out.Reason = a.Reason + "; " + b.Reason
	case !a.Pass:
		out.Reason = a.Reason
	case !b.Pass:
		out.Reason = b.Reason
	}
	return out
}

// majorityRule is the claim's rule over seeds and groups, e.g. "in ≥ 2 of 3
// seeds, for every edge step size".
func majorityRule(gs [][]trajectory) string {
	if len(gs) == 0 {
		return "no edge runs"
	}
	n := len(gs[0])
	return fmt.Sprintf("in ≥ %d of %d seeds, for every edge step size", config.Majority(n), n)
}

// acrossEdges evaluates metric on every edge run; a step size passes when
// the majority of its seeds do, the claim when every step size does. It
// returns the headline (the worst step size's majority value), the verdict
// and a detail line.
func acrossEdges(gs [][]trajectory, metric func(trajectory) (float64, bool), higherIsBetter bool, format string) (float64, bool, string) {
	headline := math.NaN()
	pass := len(gs) > 0
	var parts []string
	for _, g := range gs {
		need := config.Majority(len(g))
		vals := make([]float64, len(g))
		oks := make([]bool, len(g))
		for i, r := range g {
			vals[i], oks[i] = metric(r)
		}
		v := claims.MajorityValue(vals, need, higherIsBetter)
		if math.IsNaN(headline) || higherIsBetter && v < headline || !higherIsBetter && v > headline {
			headline = v
		}
		ok := claims.Majority(oks, need)
		pass = pass && ok
		parts = append(parts, fmt.Sprintf("%s: %s (%s)", g[0].label, claims.Each(vals, format), claims.Tally(oks)))
	}
	return headline, pass, strings.Join(parts, "; ")
}

// EOS-1, EOS-8: the sharpness reaches 2/η, with the window after t* inside the run.
func reachesEdge(gs [][]trajectory, window, steps int) claims.Measurement {
	v, ok, detail := acrossEdges(gs, func(r trajectory) (float64, bool) {
		if r.cross < 0 {
			return math.Inf(1), false
		}
		return float64(r.cross), r.cross+window <= steps
	}, false, "%.0f")
	return claims.Measurement{Value: v, Pass: ok, Detail: "t* — " + detail,
		Rule: fmt.Sprintf("S reaches 2/η at a measured step t* ≤ %d (the run's %d steps less the %d-step window), %s",
			steps-window, steps, window, majorityRule(gs)),
		Reason: "some step size reached 2/η too late for the window, or never"}
}

// EOS-2, EOS-8: the sharpness hovers at 2/η over the window after t*.
func hoversAtEdge(gs [][]trajectory, window int) claims.Measurement {
	v, ok, detail := acrossEdges(gs, func(r trajectory) (float64, bool) {
		x := r.edgeRatios(window)
		in := edgeBand.Share(x)
		return in, len(x) > 0 && inBand.Holds(in) && edgeMedian.Holds(claims.Median(x))
	}, true, "%.3f")
	var meds []string
	for _, g := range gs {
		var m []float64
		for _, r := range g {
			m = append(m, claims.Median(r.edgeRatios(window)))
		}
		meds = append(meds, g[0].label+": "+claims.Each(m, "%.3f"))
	}
	return claims.Measurement{Value: v, Pass: ok,
		Detail: "share of S·η/2 " + edgeBand.String() + " — " + detail + "; medians of S·η/2 — " + strings.Join(meds, "; "),
		Rule: fmt.Sprintf("share of the measurements in the %d steps after t* with S·η/2 %s %s and their median %s, %s",
			window, edgeBand, inBand, edgeMedian, majorityRule(gs)),
		Reason: "sharpness left the band around 2/η too often"}
}

// EOS-3, EOS-9: the loss goes up on many steps of the window after t*.
func nonMonotoneLoss(gs [][]trajectory, window int, tol float64) claims.Measurement {
	v, ok, detail := acrossEdges(gs, func(r trajectory) (float64, bool) {
		l := r.windowLoss(window)
		if len(l) < 2 {
			return math.NaN(), false
		}
		f := float64(lossIncreases(l, tol)) / float64(len(l)-1)
		return f, lossUps.Holds(f)
	}, true, "%.3f")
	return claims.Measurement{Value: v, Pass: ok, Detail: "share of steps with Lₜ₊₁ > Lₜ — " + detail,
		Rule: fmt.Sprintf("share of the %d steps after t* that increase the loss %s, %s",
			window, lossUps, majorityRule(gs)),
		Reason: "the loss was too close to monotone at the edge"}
}

// EOS-4, EOS-9: over the window after t*, the loss falls.
func longTermDecrease(gs [][]trajectory, window int) claims.Measurement {
	v, ok, detail := acrossEdges(gs, func(r trajectory) (float64, bool) {
		l := r.windowLoss(window)
		if len(l) < 10 {
			return math.NaN(), false
		}
		tenth := len(l) / 10
		// L̄(last tenth) / L̄(first tenth): means smooth out the step-to-step bounces.
		ratio := claims.Mean(l[len(l)-tenth:]) / claims.Mean(l[:tenth])
		return ratio, longTermDrop.Holds(ratio)
	}, false, "%.3g")
	return claims.Measurement{Value: v, Pass: ok, Detail: "mean loss, last tenth / first tenth of the window — " + detail,
		Rule: fmt.Sprintf("mean loss over the last tenth of the %d steps after t* / over their first tenth %s, %s",
			window, longTermDrop, majorityRule(gs)),
		Reason: "the loss did not fall over the window"}
}

// EOS-5, EOS-10: the control stays classical, in every seed.
func classicalControl(control []trajectory, tol float64) claims.Measurement {
	peak := math.Inf(-1)
	var incs []int
	ok := len(control) > 0
	for _, r := range control {
		mx := math.Inf(-1)
		for _, s := range r.sharp {
			mx = math.Max(mx, s*r.eta/2)
		}
		n := lossIncreases(r.loss, tol)
		incs = append(incs, n)
		peak = math.Max(peak, mx)
		ok = ok && noLossUps.Holds(float64(n)) && controlPeak.Holds(mx)
	}
	label := "no control"
	if len(control) > 0 {
		label = control[0].label
	}
	return claims.Measurement{Value: peak, Pass: ok,
		Detail: fmt.Sprintf("%s: max S·η/2 = %.3f; loss increases per seed = %v", label, peak, incs),
		Rule:   fmt.Sprintf("loss increases %s and max S·η/2 %s in the control, in all seeds", noLossUps, controlPeak),
		Reason: "the control run came near 2/η or its loss went up"}
}

// EOS-6, EOS-10: the control's sharpness grows, in every seed.
func controlSharpens(control []trajectory) claims.Measurement {
	least := math.Inf(1)
	var growths []float64
	ok := len(control) > 0
	for _, r := range control {
		growth := r.sharp[len(r.sharp)-1] / r.sharp[0]
		growths = append(growths, growth)
		least = math.Min(least, growth)
		ok = ok && sharpening.Holds(growth)
	}
	return claims.Measurement{Value: least, Pass: ok,
		Detail: "S_final/S₀ per seed = " + claims.Each(growths, "%.2f"),
		Rule:   "S at the end / S₀ " + sharpening.String() + " in the control run, in all seeds",
		Reason: "the control's sharpness did not grow enough"}
}
