package eos

import (
	"fmt"
	"math"
	"strings"

	"theorylab/pkg/claims"
)

// Band is the operational "edge of stability" band for S·η/2 (our construction, from the spec).
const (
	BandLow, BandHigh     = 0.85, 1.15
	MedianLow, MedianHigh = 0.95, 1.10
	// increaseTol: a step counts as a loss increase when Lₜ₊₁ > Lₜ·(1 + increaseTol).
	increaseTol = 1e-12
)

// Claims checks the paper's claims on the results. Thresholds are the spec's,
// fixed before any run; the majority rule is ≥ 2 of 3 seeds (≥ 4 of 5 in full).
func Claims(res *Results) claims.List {
	cfg := res.Config
	need := cfg.needed()
	rule := fmt.Sprintf("in ≥ %d of %d seeds, for every edge η", need, cfg.Seeds)
	edge := groups(res, false)
	control := groups(res, true)

	// perGroup evaluates metric on every edge run; a group passes by the majority rule.
	// It returns the claim's headline (the worst group's majority value), pass, and a detail line.
	perGroup := func(metric func(RunResult) (float64, bool), higherIsBetter bool, format string) (float64, bool, string) {
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

	var list claims.List
	T := float64(cfg.Steps)

	// EOS-1: S reaches 2/η early: t* ≤ 25% of the run.
	m, ok, detail := perGroup(func(r RunResult) (float64, bool) {
		if r.CrossStep < 0 {
			return math.Inf(1), false
		}
		f := float64(r.CrossStep) / T
		return f, f <= 0.25
	}, false, "%.3f")
	list = append(list, claims.Claim{ID: "EOS-1",
		Statement: "Sharpness rises until it reaches 2/η, early in training (progressive sharpening up to the edge).",
		PaperRef:  "abstract; Fig. 1", Measured: m, Detail: "t*/T — " + detail,
		Threshold: "first step with S ≥ 2/η at most 25% of the run, " + rule, Pass: ok,
		Reason: claims.ReasonIf(!ok, "some step size reached 2/η late or never")})

	// EOS-2: S hovers at 2/η in the second half.
	m, ok, detail = perGroup(func(r RunResult) (float64, bool) {
		x := secondHalfRatios(r, cfg.Steps)
		in, med := claims.FractionIn(x, BandLow, BandHigh), claims.Median(x)
		return in, in >= 0.95 && med >= MedianLow && med <= MedianHigh
	}, true, "%.3f")
	list = append(list, claims.Claim{ID: "EOS-2",
		Statement: "After reaching it, the sharpness hovers at 2/η instead of rising further.",
		PaperRef:  "abstract; Fig. 1", Measured: m, Detail: "fraction of 2nd-half S·η/2 in [0.85, 1.15] — " + detail + medians(edge, cfg.Steps),
		Threshold: "≥ 95% of 2nd-half measurements of S·η/2 in [0.85, 1.15] and median in [0.95, 1.10], " + rule, Pass: ok,
		Reason: claims.ReasonIf(!ok, "sharpness left the band around 2/η too often")})

	// EOS-3: the loss is non-monotone on short time scales.
	m, ok, detail = perGroup(func(r RunResult) (float64, bool) {
		f := float64(increases(r.Loss)) / float64(len(r.Loss)-1)
		return f, f >= 0.05
	}, true, "%.3f")
	list = append(list, claims.Claim{ID: "EOS-3",
		Statement: "At the edge of stability the training loss goes up on many individual steps.",
		PaperRef:  "abstract", Measured: m, Detail: "fraction of steps with Lₜ₊₁ > Lₜ — " + detail,
		Threshold: "≥ 5% of steps increase the loss, " + rule, Pass: ok,
		Reason: claims.ReasonIf(!ok, "the loss was too close to monotone")})

	// EOS-4: ...but decreases over long time spans.
	m, ok, detail = perGroup(func(r RunResult) (float64, bool) {
		ratio := r.Loss[len(r.Loss)-1] / r.Loss[0]
		lastMean, postMean := longTermMeans(r)
		return ratio, ratio <= 0.3 && lastMean < postMean
	}, false, "%.3g")
	list = append(list, claims.Claim{ID: "EOS-4",
		Statement: "Despite the short-term increases, the loss keeps decreasing over long time spans.",
		PaperRef:  "abstract", Measured: m, Detail: "final/initial loss — " + detail,
		Threshold: "final loss ≤ 0.3 × initial and mean loss of the last 10% of steps below that of the 10% after t*, " + rule, Pass: ok,
		Reason: claims.ReasonIf(!ok, "the loss did not fall enough over the run")})

	// EOS-5 and EOS-6 concern the control runs, in all seeds.
	var maxRatio, minGrowth = math.Inf(-1), math.Inf(1)
	var incs []int
	var growths []float64
	ok5, ok6 := len(control) > 0, len(control) > 0
	for _, g := range control {
		for _, r := range g {
			mx := math.Inf(-1)
			for _, s := range r.Sharpness {
				mx = math.Max(mx, s*r.Eta/2)
			}
			n := increases(r.Loss)
			incs = append(incs, n)
			maxRatio = math.Max(maxRatio, mx)
			ok5 = ok5 && n == 0 && mx <= 0.7
			growth := r.Sharpness[len(r.Sharpness)-1] / r.Sharpness[0]
			growths = append(growths, growth)
			minGrowth = math.Min(minGrowth, growth)
			ok6 = ok6 && growth >= 1.5
		}
	}
	list = append(list, claims.Claim{ID: "EOS-5",
		Statement: fmt.Sprintf("The control (η = %g, 2/η = %g) stays below 2/η and GD behaves classically: the loss never goes up.", cfg.ControlEta, 2/cfg.ControlEta),
		PaperRef:  "§3 (section number unverified: check the paper)", Measured: maxRatio,
		Detail:    fmt.Sprintf("max S·η/2 = %.3f; loss increases per seed = %v", maxRatio, incs),
		Threshold: "zero loss increases and max S·η/2 ≤ 0.7, in all seeds", Pass: ok5,
		Reason: claims.ReasonIf(!ok5, "the control run came near 2/η or its loss went up")})
	list = append(list, claims.Claim{ID: "EOS-6",
		Statement: "Progressive sharpening: even far from the edge, the sharpness keeps rising during training.",
		PaperRef:  "progressive-sharpening section", Measured: minGrowth,
		Detail:    "S_final/S₀ per seed = " + claims.Each(growths, "%.2f"),
		Threshold: "S at the end ≥ 1.5 × S₀ in the control run, in all seeds", Pass: ok6,
		Reason: claims.ReasonIf(!ok6, "the control's sharpness did not grow by 1.5×")})
	if res.Flow != nil {
		list = append(list, flowClaim(res, need))
	}
	if res.MNIST != nil {
		list = append(list, mnistClaim(res.MNIST))
	}
	return list
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

// increases counts steps with Lₜ₊₁ > Lₜ·(1 + 1e-12).
func increases(loss []float64) int {
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
