package eos

import (
	"fmt"
	"math"
	"strings"

	"theorylab/pkg/claims"
)

// The thresholds of the claims, fixed from the spec before any run. Each
// claim compares with these values and prints them from the same values.
var (
	// EOS-1: the first measured step with S ≥ 2/η, as a share of the run: t*/T.
	earlyCrossing = claims.AtMost(0.25).Percent()
	// EOS-2: "at the edge" means S·η/2 in edgeBand (our construction, an
	// operational definition), for a share inBand of the measurements in the
	// second half of training, with their median in edgeMedian.
	edgeBand   = claims.Between(0.85, 1.15)
	inBand     = claims.AtLeast(0.95).Percent()
	edgeMedian = claims.Between(0.95, 1.10)
	// EOS-3: the share of steps that increase the loss.
	lossUps = claims.AtLeast(0.05).Percent()
	// EOS-4: the final loss as a multiple of the initial loss.
	longTermDrop = claims.AtMost(0.3).Times()
	// EOS-5: the control never increases its loss, and its S·η/2 peaks below controlPeak.
	noLossUps   = claims.Exactly(0)
	controlPeak = claims.AtMost(0.7)
	// EOS-6: the control's sharpness at the end as a multiple of S₀.
	sharpening = claims.AtLeast(1.5).Times()
)

// increaseTol: a step counts as a loss increase when Lₜ₊₁ > Lₜ·(1 + increaseTol).
const increaseTol = 1e-12

// Claims are the paper's claims, the spec's EOS-1 … EOS-8. EOS-7 and EOS-8
// need the full preset's flow comparison and MNIST study, and are
// uncalibrated targets. Every claim about the edge runs holds for every edge
// step size in the majority of its seeds (config.Majority: 2 of 3, 4 of 5).
var Claims = claims.Set[*Results]{
	{ID: "EOS-1", PaperRef: "abstract; Fig. 1",
		Statement: "Sharpness rises until it reaches 2/η, early in training (progressive sharpening up to the edge).",
		Measure:   reachesEdgeEarly},
	{ID: "EOS-2", PaperRef: "abstract; Fig. 1",
		Statement: "After reaching it, the sharpness hovers at 2/η instead of rising further.",
		Measure:   hoversAtEdge},
	{ID: "EOS-3", PaperRef: "abstract",
		Statement: "At the edge of stability the training loss goes up on many individual steps.",
		Measure:   nonMonotoneLoss},
	{ID: "EOS-4", PaperRef: "abstract",
		Statement: "Despite the short-term increases, the loss keeps decreasing over long time spans.",
		Measure:   longTermDecrease},
	{ID: "EOS-5", PaperRef: "§3 (section number unverified: check the paper)",
		Statement: "The control step size stays far below its 2/η and GD behaves classically: the loss never goes up.",
		Measure:   classicalControl},
	{ID: "EOS-6", PaperRef: "progressive-sharpening section",
		Statement: "Progressive sharpening: even far from the edge, the sharpness keeps rising during training.",
		Measure:   controlSharpens},
	{ID: "EOS-7", PaperRef: "official repository's README demo (not a number from the paper)", Target: true,
		Statement: "GD tracks gradient flow until the sharpness reaches 2/η, then departs from it.",
		When:      func(res *Results) bool { return res.Flow != nil },
		Measure:   leavesFlow},
	{ID: "EOS-8", PaperRef: "Fig. 1 (our MNIST construction)", Target: true,
		Statement: "On MNIST-1k with an fc-tanh network, the sharpness rises to 2/η and hovers there while the loss falls.",
		When:      func(res *Results) bool { return res.MNIST != nil },
		Measure:   mnistAtEdge},
}

// edgeRule is the claim's rule over seeds and step sizes, e.g. "in ≥ 2 of 3
// seeds, for every edge η".
func edgeRule(cfg Config) string {
	return fmt.Sprintf("in ≥ %d of %d seeds, for every edge η", cfg.Majority(), cfg.Seeds)
}

// acrossEdges evaluates metric on every edge run; a step size passes when
// the majority of its seeds do, the claim when every step size does. It
// returns the headline (the worst step size's majority value), the verdict
// and a detail line.
func acrossEdges(res *Results, metric func(RunResult) (float64, bool), higherIsBetter bool, format string) (float64, bool, string) {
	need := res.Config.Majority()
	edge := groups(res, false)
	headline := math.NaN()
	pass := len(edge) > 0
	var parts []string
	for _, g := range edge {
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
		parts = append(parts, fmt.Sprintf("η=%g: %s (%s)", g[0].Eta, claims.Each(vals, format), claims.Tally(oks)))
	}
	return headline, pass, strings.Join(parts, "; ")
}

// EOS-1: the sharpness reaches 2/η early, t*/T ≤ 25%.
func reachesEdgeEarly(res *Results) claims.Measurement {
	T := float64(res.Config.Steps)
	v, ok, detail := acrossEdges(res, func(r RunResult) (float64, bool) {
		if r.CrossStep < 0 {
			return math.Inf(1), false
		}
		f := float64(r.CrossStep) / T
		return f, earlyCrossing.Holds(f)
	}, false, "%.3f")
	return claims.Measurement{Value: v, Pass: ok, Detail: "t*/T — " + detail,
		Rule:   "t*/T " + earlyCrossing.String() + " (t*: first step with S ≥ 2/η), " + edgeRule(res.Config),
		Reason: "some step size reached 2/η late or never"}
}

// EOS-2: the sharpness hovers at 2/η in the second half.
func hoversAtEdge(res *Results) claims.Measurement {
	cfg := res.Config
	v, ok, detail := acrossEdges(res, func(r RunResult) (float64, bool) {
		x := secondHalfRatios(r, cfg.Steps)
		in := edgeBand.Share(x)
		return in, inBand.Holds(in) && edgeMedian.Holds(claims.Median(x))
	}, true, "%.3f")
	return claims.Measurement{Value: v, Pass: ok,
		Detail: "share of 2nd-half S·η/2 " + edgeBand.String() + " — " + detail + medians(groups(res, false), cfg.Steps),
		Rule: fmt.Sprintf("share of 2nd-half measurements with S·η/2 %s %s and their median %s, %s",
			edgeBand, inBand, edgeMedian, edgeRule(cfg)),
		Reason: "sharpness left the band around 2/η too often"}
}

// EOS-3: the loss goes up on many steps.
func nonMonotoneLoss(res *Results) claims.Measurement {
	v, ok, detail := acrossEdges(res, func(r RunResult) (float64, bool) {
		f := float64(LossIncreases(r.Loss)) / float64(len(r.Loss)-1)
		return f, lossUps.Holds(f)
	}, true, "%.3f")
	return claims.Measurement{Value: v, Pass: ok, Detail: "share of steps with Lₜ₊₁ > Lₜ — " + detail,
		Rule:   "share of steps that increase the loss " + lossUps.String() + ", " + edgeRule(res.Config),
		Reason: "the loss was too close to monotone"}
}

// EOS-4: the loss falls over long spans.
func longTermDecrease(res *Results) claims.Measurement {
	v, ok, detail := acrossEdges(res, func(r RunResult) (float64, bool) {
		ratio := r.Loss[len(r.Loss)-1] / r.Loss[0]
		lastMean, postMean := longTermMeans(r)
		return ratio, longTermDrop.Holds(ratio) && lastMean < postMean
	}, false, "%.3g")
	return claims.Measurement{Value: v, Pass: ok, Detail: "final/initial loss — " + detail,
		Rule: "final/initial loss " + longTermDrop.String() +
			", and the mean loss of the last 10% of steps below that of the 10% after t*, " + edgeRule(res.Config),
		Reason: "the loss did not fall enough over the run"}
}

// EOS-5: the control stays classical, in every seed.
func classicalControl(res *Results) claims.Measurement {
	peak := math.Inf(-1)
	var incs []int
	var eta float64
	control := flatten(groups(res, true))
	ok := len(control) > 0
	for _, r := range control {
		mx := math.Inf(-1)
		for _, s := range r.Sharpness {
			mx = math.Max(mx, s*r.Eta/2)
		}
		n := LossIncreases(r.Loss)
		incs = append(incs, n)
		peak = math.Max(peak, mx)
		ok = ok && noLossUps.Holds(float64(n)) && controlPeak.Holds(mx)
		eta = r.Eta
	}
	return claims.Measurement{Value: peak, Pass: ok,
		Detail: fmt.Sprintf("η = %g (2/η = %g): max S·η/2 = %.3f; loss increases per seed = %v", eta, 2/eta, peak, incs),
		Rule:   fmt.Sprintf("loss increases %s and max S·η/2 %s, in all seeds", noLossUps, controlPeak),
		Reason: "the control run came near 2/η or its loss went up"}
}

// EOS-6: the control's sharpness grows, in every seed.
func controlSharpens(res *Results) claims.Measurement {
	least := math.Inf(1)
	var growths []float64
	control := flatten(groups(res, true))
	ok := len(control) > 0
	for _, r := range control {
		growth := r.Sharpness[len(r.Sharpness)-1] / r.Sharpness[0]
		growths = append(growths, growth)
		least = math.Min(least, growth)
		ok = ok && sharpening.Holds(growth)
	}
	return claims.Measurement{Value: least, Pass: ok,
		Detail: "S_final/S₀ per seed = " + claims.Each(growths, "%.2f"),
		Rule:   "S at the end / S₀ " + sharpening.String() + " in the control run, in all seeds",
		Reason: "the control's sharpness did not grow enough"}
}

// groups splits the runs by step size, edge or control, keeping config order.
func groups(res *Results, control bool) [][]RunResult {
	var out [][]RunResult
	for _, r := range res.Runs {
		if r.Control != control {
			continue
		}
		if n := len(out); n > 0 && out[n-1][0].Eta == r.Eta {
			out[n-1] = append(out[n-1], r)
		} else {
			out = append(out, []RunResult{r})
		}
	}
	return out
}

func flatten(gs [][]RunResult) []RunResult {
	var out []RunResult
	for _, g := range gs {
		out = append(out, g...)
	}
	return out
}

// secondHalfRatios is S·η/2 at the measurements in the second half of training.
func secondHalfRatios(r RunResult, steps int) []float64 {
	var x []float64
	for i, t := range r.SharpSteps {
		if 2*t >= steps {
			x = append(x, r.Sharpness[i]*r.Eta/2)
		}
	}
	return x
}

// LossIncreases counts the steps with Lₜ₊₁ > Lₜ·(1 + 10⁻¹²): the loss went up.
func LossIncreases(loss []float64) int {
	n := 0
	for t := 1; t < len(loss); t++ {
		if loss[t] > loss[t-1]*(1+increaseTol) {
			n++
		}
	}
	return n
}

// longTermMeans: the mean loss over the last 10% of steps, and over the 10%
// of steps right after the crossing t* (NaN, NaN when there is no crossing).
func longTermMeans(r RunResult) (last, post float64) {
	if r.CrossStep < 0 {
		return math.NaN(), math.NaN()
	}
	n := len(r.Loss)
	w := max(1, (n-1)/10)
	last = claims.Mean(r.Loss[n-w:])
	end := min(n, r.CrossStep+w)
	post = claims.Mean(r.Loss[r.CrossStep:end])
	return last, post
}

func medians(edge [][]RunResult, steps int) string {
	var parts []string
	for _, g := range edge {
		var meds []float64
		for _, r := range g {
			meds = append(meds, claims.Median(secondHalfRatios(r, steps)))
		}
		parts = append(parts, fmt.Sprintf("η=%g: %s", g[0].Eta, claims.Each(meds, "%.3f")))
	}
	return "; medians of S·η/2 — " + strings.Join(parts, "; ")
}
