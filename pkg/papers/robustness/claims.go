package robustness

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"theorylab/pkg/claims"
)

// The thresholds of the spec, fixed before any run. Each claim compares with
// these values and prints its rule from the same values, so no number is
// typed twice.
var (
	// LR-2 (Theorem 5): R = ‖a‖₂‖W‖_op/√(n/k) reaches lr2Bound in a share
	// lr2BoundShare of the memorizing bias-free fits, and lr2Loose in a share
	// lr2LooseShare of them.
	lr2Bound      = claims.AtLeast(1)
	lr2BoundShare = claims.AtLeast(0.5).Percent()
	lr2Loose      = claims.AtLeast(0.5)
	lr2LooseShare = claims.AtLeast(0.9).Percent()
	// LR-3, LR-3-BN, LR-3-E1 (Conjecture 1, Fig. 2): over the memorizing fits,
	// the Spearman correlation of √(n/k) and the proxy (i), and the OLS slope
	// of the proxy on √(n/k).
	lr3Spearman = claims.AtLeast(0.8)
	lr3Slope    = claims.Above(0)
	// LR-3s (Conjecture 1, the smooth fits): the median proxy at SmallK over
	// the median at LargeK, and the log-log slope of the proxy on √(n/k) (the
	// law predicts 1).
	lr3sRatio = claims.AtLeast(1.8)
	lr3sSlope = claims.AtLeast(0.5)
	// LR-6 (full, Fig. 3): the red (k = SizeFactor·n/d) proxies' Spearman
	// against √d and their largest-d/smallest-d median ratio; the spread
	// (max/min) of the blue (k = n) medians over d ≤ score_max_d.
	lr6Spearman   = claims.AtLeast(0.9)
	lr6Ratio      = claims.AtLeast(1.8)
	lr6BlueSpread = claims.AtMost(1.5)
)

// nullFails names the second condition of every claim: the null, which lacks
// the law's mechanism, must fail the rule the fits pass.
const nullFails = "the null fails the same rule"

// Claims are the paper's claims about its phenomenon: the spec's LR-2, LR-3
// and LR-3s in both presets, and LR-3-BN, LR-3-E1 and LR-6 in the full one.
// Each applies one rule to the fits that have the law's mechanism and the same
// rule to a null that lacks it (teacher labels, or the networks at
// initialisation); it passes when the fits pass and the null does not. The
// spec's LR-1, LR-4 and LR-5 are exact statements about the method and the
// paper's constructions: they are Checks, asserted by the tests.
var Claims = claims.Set[*Results]{
	{ID: "LR-2", PaperRef: "Theorem 5, inequality (6) (verified: Section 4.1); the small start is our construction",
		Statement: "Theorem 5: a bias-free two-layer network that fits n random labels has ‖a‖₂‖W‖_op ≥ √(n/k). " +
			"Started below the spec's initialisation, where R = ‖a‖‖W‖_op/√(n/k) is far below 1, fitting must raise R above the bound.",
		Measure: theorem5},
	{ID: "LR-3", PaperRef: "Conjecture 1; Fig. 2 (verified: Section 5, Experiment 1)",
		Statement: "Conjecture 1 (after Fig. 2): fits of n random labels get rougher as the width k shrinks: " +
			"with plain Adam, the maximum random gradient rises with √(n/k).",
		Measure: roughWhenNarrow},
	{ID: "LR-3s", PaperRef: "Conjecture 1 (Section 2); the smooth-fit variant is our construction",
		Statement: "Conjecture 1 is a lower bound for every fit, so test it on the smoothest fits we can find: trained with a " +
			"gradient-norm penalty, narrow networks still cannot fit random labels smoothly, and their roughness grows like a power of √(n/k).",
		Measure: smoothFitsRough},
	{ID: "LR-3-BN", PaperRef: "Conjecture 1; Fig. 2 (verified: Section 5 uses batch normalisation; whether it measured in inference mode is not stated)",
		Statement: "LR-3 on the paper's networks: with batch normalisation between the linear layer and the ReLU (folded, in inference mode, " +
			"into a plain network before measuring), the fits of random labels still get rougher as k shrinks.",
		When:    func(res *Results) bool { return len(group(res.Fits, GroupPlainBN, false)) > 0 },
		Measure: batchNormRough},
	{ID: "LR-3-E1", PaperRef: "Conjecture 1; Fig. 2 (verified: Section 5, Experiment 1)",
		Statement: "Experiment 1 analogue (Fig. 2): over a grid of n, d and widths k, the maximum random gradient of the plain-Adam fits rises with √(n/k).",
		When:      func(res *Results) bool { return len(res.Experiment1) > 0 },
		Measure:   experiment1},
	{ID: "LR-6", PaperRef: "Figs. 1 and 3 (verified: Section 5, Experiment 2)",
		Statement: "Experiment 2 analogue (Figs. 1 and 3): networks of the 'optimal size' k ∝ n/d get rougher as d grows, " +
			"while networks with k = n ('optimal smoothness') stay about as smooth.",
		When:    func(res *Results) bool { return len(res.Experiment2) > 0 },
		Measure: sizeAgainstSmoothness},
}

// group returns the fits of one group (memorized only, when asked).
func group(fits []Fit, name string, memorized bool) []Fit {
	var out []Fit
	for _, f := range fits {
		if f.Group == name && (!memorized || f.Memorized) {
			out = append(out, f)
		}
	}
	return out
}

// withNull is a claim's measurement from its two conditions: the fits pass
// the rule (ok), and the null fails it (!nullOK). why gives the reason for
// each way of failing: the fits fail, or the null passes too.
func withNull(value float64, rule string, ok, nullOK bool, detail, fitsFail, nullPasses string) claims.Measurement {
	m := claims.Measurement{Value: value, Rule: rule, Pass: ok && !nullOK, Detail: detail,
		Parts: []claims.Part{{Name: "the fits pass the rule", Holds: ok}, {Name: nullFails, Holds: !nullOK}}}
	switch {
	case !ok:
		m.Reason = fitsFail
	case nullOK:
		m.Reason = nullPasses
	}
	return m
}

// lr2Test is LR-2's rule on a set of ratios R: the share with R ≥ 1 and the
// share with R ≥ 1/2, and whether both shares reach the thresholds.
func lr2Test(rs []float64) (share1, shareHalf float64, ok bool) {
	share1, shareHalf = lr2Bound.Share(rs), lr2Loose.Share(rs)
	return share1, shareHalf, lr2BoundShare.Holds(share1) && lr2LooseShare.Holds(shareHalf)
}

// LR-2: Theorem 5's bound on the bias-free fits started below it.
func theorem5(res *Results) claims.Measurement {
	all := group(res.Fits, GroupBiasFreeSmall, false)
	fits := group(res.Fits, GroupBiasFreeSmall, true)
	var r, rInit, path []float64
	for _, f := range fits {
		r = append(r, f.R())
		path = append(path, f.Fit.PathNorm/math.Sqrt(float64(f.N)))
	}
	for _, f := range all {
		rInit = append(rInit, f.RInit())
	}
	s1, sh, ok := lr2Test(r)
	n1, nh, nullOK := lr2Test(rInit)
	var rs, rsInit []float64
	for _, f := range group(res.Fits, GroupBiasFree, true) {
		rs = append(rs, f.R())
		rsInit = append(rsInit, f.RInit())
	}
	m := withNull(s1,
		fmt.Sprintf("R %s in %s and R %s in %s of the memorizing bias-free fits (started at %g× the spec's initialisation), "+
			"while the same networks at initialisation fail that rule", lr2Bound, lr2BoundShare, lr2Loose, lr2LooseShare, res.Config.SmallInit),
		ok && len(fits) > 0, nullOK,
		fmt.Sprintf("R after fitting (k = %v, %d memorizing of %d): %s; share R %s: %s, R %s: %s — null, the same networks at initialisation: R = %s (shares %s, %s); "+
			"Σ|a_ℓ|‖w_ℓ‖/√n after fitting: %s (Proposition 1 of Bubeck–Eldan–Lee–Mikulincer gives ≥ 1); the spec's initialisation (reported): R = %s after fitting, %s at initialisation",
			res.Config.BiasFreeWidths, len(fits), len(all), claims.Each(r, "%.2f"), lr2Bound, claims.Pct(s1), lr2Loose, claims.Pct(sh),
			claims.Each(rInit, "%.3f"), claims.Pct(n1), claims.Pct(nh), claims.Each(path, "%.2f"), claims.Each(rs, "%.1f"), claims.Each(rsInit, "%.1f")),
		"fits with ‖a‖‖W‖_op below √(n/k): Theorem 5's bound is violated more often than the rule allows",
		"the networks at initialisation already pass the same rule: the check is not evidence")
	if len(fits) == 0 {
		m.Reason = "no bias-free fit memorized"
	}
	return m
}

// trend is the law's x and y over a set of fits: √(n/k) and the proxy (i).
func trend(fits []Fit, atInit bool) (x, y []float64) {
	for _, f := range fits {
		x = append(x, f.SqrtNK())
		if atInit {
			y = append(y, float64(f.Init.Proxy))
		} else {
			y = append(y, float64(f.Fit.Proxy))
		}
	}
	return x, y
}

// lr3Test is LR-3's rule: Spearman(√(n/k), proxy) ≥ 0.8 and OLS slope > 0.
func lr3Test(x, y []float64) (rho, slope float64, ok bool) {
	rho = Spearman(x, y)
	slope, _ = OLS(x, y)
	return rho, slope, lr3Spearman.Holds(rho) && lr3Slope.Holds(slope)
}

// lr3Rule is LR-3's rule in words.
func lr3Rule() string {
	return fmt.Sprintf("Spearman(√(n/k), proxy) %s and OLS slope %s", lr3Spearman, lr3Slope)
}

// widthRatio is the median proxy of the fits at width small over the median at width large.
func widthRatio(fits []Fit, small, large int) float64 {
	var a, b []float64
	for _, f := range fits {
		switch f.K {
		case small:
			a = append(a, float64(f.Fit.Proxy))
		case large:
			b = append(b, float64(f.Fit.Proxy))
		}
	}
	return claims.Median(a) / claims.Median(b)
}

// memorizedPerWidth formats how many fits memorized at each width, e.g. "k=8: 1/3".
func memorizedPerWidth(all []Fit) string {
	var ks []int
	count, mem := map[int]int{}, map[int]int{}
	for _, f := range all {
		if count[f.K] == 0 {
			ks = append(ks, f.K)
		}
		count[f.K]++
		if f.Memorized {
			mem[f.K]++
		}
	}
	slices.Sort(ks)
	var parts []string
	for _, k := range ks {
		parts = append(parts, fmt.Sprintf("k=%d: %d/%d", k, mem[k], count[k]))
	}
	return strings.Join(parts, ", ")
}

// LR-3: the plain-Adam fits of random labels get rougher as k shrinks.
func roughWhenNarrow(res *Results) claims.Measurement {
	c := res.Config
	fits := group(res.Fits, GroupPlain, true)
	null := group(res.Fits, GroupPlainNull, true)
	x, y := trend(fits, false)
	rho, slope, ok := lr3Test(x, y)
	nx, ny := trend(null, false)
	nrho, nslope, nullOK := lr3Test(nx, ny)
	ix, iy := trend(group(res.Fits, GroupPlain, false), true)
	irho, islope, _ := lr3Test(ix, iy)
	_, icept := OLS(x, y)
	return withNull(rho,
		fmt.Sprintf("%s over the memorizing fits pooled across draws (n = %d, d = %d), while the teacher-label null fails that rule", lr3Rule(), c.N, c.D),
		ok, nullOK,
		fmt.Sprintf("%d memorizing fits over %d draws (memorized: %s); Spearman %.3f, OLS proxy ≈ %.2f + %.2f·√(n/k); median proxy k=%d / k=%d = %.2f (reported, no threshold) — "+
			"null, teacher labels (same networks and training): Spearman %.3f, slope %.2f, ratio %.2f; the same networks at initialisation: Spearman %.3f, slope %.2f",
			len(fits), c.Seeds, memorizedPerWidth(group(res.Fits, GroupPlain, false)), rho, icept, slope, c.SmallK, c.LargeK, widthRatio(fits, c.SmallK, c.LargeK),
			nrho, nslope, widthRatio(null, c.SmallK, c.LargeK), irho, islope),
		"the proxy does not track √(n/k) on the plain-Adam fits by the rule",
		"the teacher-label null tracks √(n/k) as well: the trend is not due to the random labels")
}

// LR-3-BN: the same with batch normalisation (full preset).
func batchNormRough(res *Results) claims.Measurement {
	c := res.Config
	fits := group(res.Fits, GroupPlainBN, true)
	x, y := trend(fits, false)
	rho, slope, ok := lr3Test(x, y)
	nx, ny := trend(group(res.Fits, GroupPlainBNNull, true), false)
	nrho, nslope, nullOK := lr3Test(nx, ny)
	return withNull(rho, lr3Rule()+", while the teacher-label null fails that rule", ok, nullOK,
		fmt.Sprintf("%d memorizing fits (memorized: %s); Spearman %.3f, OLS slope %.2f, median proxy k=%d / k=%d = %.2f — null, teacher labels: Spearman %.3f, slope %.2f",
			len(fits), memorizedPerWidth(group(res.Fits, GroupPlainBN, false)), rho, slope, c.SmallK, c.LargeK, widthRatio(fits, c.SmallK, c.LargeK), nrho, nslope),
		"the proxy does not track √(n/k) on the batch-normalised fits by the rule",
		"the teacher-label null tracks √(n/k) as well")
}

// lr3sTest is LR-3s's rule: ratio ≥ 1.8 and log-log slope ≥ 0.5.
func lr3sTest(fits []Fit, small, large int) (ratio, slope float64, ok bool) {
	ratio = widthRatio(fits, small, large)
	x, y := trend(fits, false)
	slope = LogLogSlope(x, y)
	return ratio, slope, lr3sRatio.Holds(ratio) && lr3sSlope.Holds(slope)
}

// LR-3s: the smooth fits of random labels get rougher as k shrinks, like a power of √(n/k).
func smoothFitsRough(res *Results) claims.Measurement {
	c := res.Config
	fits := group(res.Fits, GroupSmooth, true)
	ratio, slope, ok := lr3sTest(fits, c.SmallK, c.LargeK)
	nratio, nslope, nullOK := lr3sTest(group(res.Fits, GroupSmoothNull, true), c.SmallK, c.LargeK)
	pratio, pslope, _ := lr3sTest(group(res.Fits, GroupPlain, true), c.SmallK, c.LargeK)
	return withNull(ratio,
		fmt.Sprintf("proxy(k=%d)/proxy(k=%d) %s and log-log slope of the proxy on √(n/k) %s (penalty λ = %g), while the teacher-label null fails that rule",
			c.SmallK, c.LargeK, lr3sRatio, lr3sSlope, c.Lambda),
		ok, nullOK,
		fmt.Sprintf("%d memorizing smooth fits (memorized: %s); median proxy k=%d / k=%d = %.2f, log-log slope %.2f (the law predicts 1) — null, teacher labels: ratio %.2f, slope %.2f; "+
			"plain Adam (the paper's training, reported): ratio %.2f, slope %.2f",
			len(fits), memorizedPerWidth(group(res.Fits, GroupSmooth, false)), c.SmallK, c.LargeK, ratio, slope, nratio, nslope, pratio, pslope),
		"the smoothest fits found do not get rougher with 1/k as fast as the rule asks",
		"the teacher-label null passes the same rule: the trend is not due to the random labels")
}

// LR-3-E1: the Experiment 1 analogue (full preset).
func experiment1(res *Results) claims.Measurement {
	var fits []Fit
	for _, f := range res.Experiment1 {
		if f.Memorized {
			fits = append(fits, f)
		}
	}
	x, y := trend(fits, false)
	rho, slope, ok := lr3Test(x, y)
	ix, iy := trend(res.Experiment1, true)
	irho, islope, nullOK := lr3Test(ix, iy)
	e := res.Config.Experiment1
	return withNull(rho,
		fmt.Sprintf("%s over the memorizing fits (n ∈ %v, d ∈ %v, widths from %g·n/d to %g·n), while the networks at initialisation fail that rule",
			lr3Rule(), e.Ns, e.Ds, e.WidthLow, e.WidthHigh),
		ok, nullOK,
		fmt.Sprintf("%d of %d fits memorized; Spearman %.3f, OLS slope %.2f — null, the same networks at initialisation: Spearman %.3f, slope %.2f",
			len(fits), len(res.Experiment1), rho, slope, irho, islope),
		"the proxy does not track √(n/k) over the (n, d, k) grid by the rule",
		"the networks at initialisation pass the same rule: the trend is set by the initialisation, not by fitting")
}

// perD returns, for one Experiment-2 group, the d values and the median
// proxy of the memorizing fits at each, plus every fit's (√d, proxy).
func perD(fits []Fit, name string, ds []int, atInit bool) (med []float64, x, y []float64) {
	for _, d := range ds {
		var ps []float64
		for _, f := range fits {
			if f.Group != name || f.D != d || !f.Memorized && !atInit {
				continue
			}
			p := float64(f.Fit.Proxy)
			if atInit {
				p = float64(f.Init.Proxy)
			}
			ps = append(ps, p)
			x = append(x, math.Sqrt(float64(d)))
			y = append(y, p)
		}
		med = append(med, claims.Median(ps))
	}
	return med, x, y
}

// LR-6: the Experiment 2 analogue (full preset).
func sizeAgainstSmoothness(res *Results) claims.Measurement {
	e := res.Config.Experiment2
	red, rx, ry := perD(res.Experiment2, GroupExp2Red, e.Ds, false)
	blue, _, _ := perD(res.Experiment2, GroupExp2Blue, e.Ds, false)
	redInit, _, _ := perD(res.Experiment2, GroupExp2Red, e.Ds, true)
	blueInit, _, _ := perD(res.Experiment2, GroupExp2Blue, e.Ds, true)
	rho := Spearman(rx, ry)
	ratio := red[len(red)-1] / red[0]
	var scored []float64
	for i, d := range e.Ds {
		if d <= e.ScoreMaxD {
			scored = append(scored, blue[i])
		}
	}
	spread := claims.Max(scored) / claims.Min(scored)
	parts := []claims.Part{
		{Name: "red Spearman against √d " + lr6Spearman.String(), Holds: lr6Spearman.Holds(rho)},
		{Name: "red ratio " + lr6Ratio.String(), Holds: lr6Ratio.Holds(ratio)},
		{Name: "blue max/min " + lr6BlueSpread.String(), Holds: lr6BlueSpread.Holds(spread)},
	}
	pass := true
	for _, p := range parts {
		pass = pass && p.Holds
	}
	var reds []string
	for _, d := range e.Ds {
		reds = append(reds, fmt.Sprintf("d=%d: k=%d", d, e.RedWidth(d)))
	}
	last, first := e.Ds[len(e.Ds)-1], e.Ds[0]
	return claims.Measurement{Value: ratio, Pass: pass, Parts: parts,
		Detail: fmt.Sprintf("red (%s) median proxy per d %v: %s, Spearman vs √d over fits %.3f, ratio d=%d/d=%d %.2f; blue (k = %d): %s, max/min over d ≤ %d %.2f; "+
			"at initialisation: red %s, blue %s",
			strings.Join(reds, ", "), e.Ds, claims.Each(red, "%.2f"), rho, last, first, ratio, e.N, claims.Each(blue, "%.2f"), e.ScoreMaxD, spread,
			claims.Each(redInit, "%.2f"), claims.Each(blueInit, "%.2f")),
		Rule: fmt.Sprintf("at n = %d, red (k = %g·n/d): Spearman %s against √d and ratio d=%d/d=%d %s (theory √(%d/%d) ≈ %.1f); blue (k = n): max/min %s over d ≤ %d (larger d reported)",
			e.N, e.SizeFactor, lr6Spearman, last, first, lr6Ratio, last, first, math.Sqrt(float64(last)/float64(first)), lr6BlueSpread, e.ScoreMaxD),
		Reason: claims.ReasonIf(!pass, "the red curve does not rise enough with d, or the blue curve is not flat")}
}
