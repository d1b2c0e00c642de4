package adamgd

import (
	"fmt"
	"math"

	"theorylab/pkg/claims"
)

// The thresholds of the claims, fixed before any run from the spec
// (docs/02-adam-vs-gd.md): the prototype's numbers and the theory, never
// loosened to make a run pass.
var (
	fitsAll      = claims.AtMost(0)     // AG-1: training error of every run
	gapAtLeast   = claims.AtLeast(0.30) // AG-2, AG-7: median(Adam) − median(GD) test error
	gdGeneral    = claims.AtMost(0.05)  // AG-3: GD's test error per seed
	adamFails    = claims.AtLeast(0.35) // AG-3: Adam's test error per seed
	sameSolution = claims.Below(1e-3)   // AG-5: ‖w − w*‖/‖w*‖
	samePreds    = claims.AtLeast(0.999).Percent()
	apart        = claims.AtLeast(1e-3) // AG-5 controls: the distance that says "not the same point"
	epsShrink    = claims.AtMost(0.5)   // AG-6: gap(ε = 1e-2) / gap(ε = 1e-8)
)

// gapSweep is the sweep of AG-2, AG-3 and AG-4 (docs/02-adam-vs-gd.md).
var gapSweep = &claims.Sweep{Passed: 9, Of: 10, Replicate0: false, Where: "docs/02-adam-vs-gd.md, 10-seed sweep"}

// Claims are the paper's claims, each beside its control.
//
// AG-2, AG-3 and AG-4 hold in 9 of 10 replicates of the sweep — reproduced —
// but fail in replicate 0 (seeds 0–4, the run the tests and the notebook
// make), where Adam at the spec's lr 0.01 learns the feature in 2 of 5 seeds
// (docs/02-adam-vs-gd.md): they carry their sweep, read FAIL at seed 0, and
// the test requires exactly that. AG-7 fails in every replicate: a
// documented finding.
var Claims = claims.Set[*Results]{
	{ID: "AG-1", PaperRef: "abstract (both reach global solutions); main theorem (unverified: check the paper)",
		Statement: "Precondition, not evidence: GD and Adam, from the same initialisation, both fit the training set (zero training error) at the paper's point of the grid.",
		Measure:   fitBoth},
	{ID: "AG-2", Sweep: gapSweep, PaperRef: "abstract (provably different generalization errors); the 0.30 size is ours",
		Statement: "Adam's test error exceeds GD's by at least 0.30 in the median over seeds, on the same data, network and initialisation.",
		Measure: func(res *Results) claims.Measurement {
			return gapClaim(res, mainSetting(res, GD), mainSetting(res, Adam), "at the paper's point")
		}},
	{ID: "AG-3", Sweep: gapSweep, PaperRef: "main theorem (unverified: check the paper)",
		Statement: "In most seeds GD generalizes (test error ≤ 0.05) while Adam does not (test error ≥ 0.35).",
		Measure:   perSeedGap},
	{ID: "AG-4", Sweep: gapSweep, PaperRef: "proof sketch (unverified: check the paper)",
		Statement: "Mechanism: GD's filters learn the feature more than they memorize noise (γ > ρ), Adam's memorize noise more than they learn the feature (ρ > γ), in most seeds.",
		Measure:   func(res *Results) claims.Measurement { return mechanism(res, false) }},
	{ID: "AG-4N", PaperRef: "our construction (the null of AG-4)",
		Statement: "Null: with the feature patch zeroed (nothing to learn but noise), the AG-4 rule fails — so AG-4 reads the feature, not the optimizers alone.",
		Measure:   func(res *Results) claims.Measurement { return mechanism(res, true) }},
	{ID: "AG-5", PaperRef: "convex result, Theorem 4.2 of arXiv v1; the construction is ours",
		Statement: "Convex control: on linear logistic regression with λ > 0, GD and Adam (lr η₀/√t) reach the same minimiser w* (within 1e-3 relative) and predict alike on ≥ 99.9% of test points.",
		Measure:   convexSame},
	{ID: "AG-5C", PaperRef: "our construction (the controls of AG-5)",
		Statement: "Controls of AG-5: without the regulariser (λ = 0, no unique minimiser) GD and Adam end at different points, and Adam with a constant lr only hovers near w* — both ≥ 1e-3 apart.",
		Measure:   convexControls},
	{ID: "AG-6", PaperRef: "our prediction (not the paper's): a large ε makes Adam GD-like",
		Statement: "With Adam's ε = 1e-2 the Adam − GD gap shrinks to at most half the ε = 1e-8 gap (ε = 1e-3 reported).",
		Measure:   epsClaim},
	{ID: "AG-7", PaperRef: "abstract (“even with proper regularization”)",
		Finding:   &claims.Finding{Where: "docs/02-adam-vs-gd.md, Findings"},
		Sweep:     &claims.Sweep{Passed: 0, Of: 10, Where: "docs/02-adam-vs-gd.md, 10-seed sweep"},
		Statement: "The gap survives tuning: with each method's learning rate (from its own grid) and λ (one grid for both) chosen on the validation split at the same budget, the median test-error gap is still ≥ 0.30.",
		Measure:   tunedGap},
}

// mainSetting is the index of a method's setting at the paper's point of the grid.
func mainSetting(res *Results, method string) int {
	c := res.Config
	lr := c.MainGDLR
	if method == Adam {
		lr = c.MainAdamLR
	}
	return Find(res.Settings, method, lr, c.MainLambda, c.Eps, false)
}

// finals collects f(run) over the seeds of setting c.
func finals(res *Results, c int, f func(*RunResult) float64) []float64 {
	out := make([]float64, res.Config.Seeds)
	for s := range out {
		out[s] = f(res.Run(s, c))
	}
	return out
}

func testErr(r *RunResult) float64 {
	if r.Diverged {
		return math.NaN()
	}
	return Final(r.TestErr)
}

func fitBoth(res *Results) claims.Measurement {
	g, a := mainSetting(res, GD), mainSetting(res, Adam)
	tg := finals(res, g, func(r *RunResult) float64 { return Final(r.TrainErr) })
	ta := finals(res, a, func(r *RunResult) float64 { return Final(r.TrainErr) })
	worst := math.Max(claims.Max(tg), claims.Max(ta))
	if anyNaN(tg) || anyNaN(ta) {
		worst = math.NaN()
	}
	lg := finals(res, g, func(r *RunResult) float64 { return Final(r.Loss) })
	la := finals(res, a, func(r *RunResult) float64 { return Final(r.Loss) })
	lower := 0
	for s := range lg {
		if lg[s] < la[s] {
			lower++
		}
	}
	return claims.Measurement{
		Value: worst, Rule: fmt.Sprintf("largest training error %s, both methods, all %d seeds", fitsAll, len(tg)),
		Pass: fitsAll.Holds(worst),
		Detail: fmt.Sprintf("train error GD %s, Adam %s; final regularised loss GD %s, Adam %s (GD lower in %d of %d seeds); ‖∇L‖ GD %s, Adam %s",
			claims.Each(tg, "%.3f"), claims.Each(ta, "%.3f"), claims.Each(lg, "%.3g"), claims.Each(la, "%.3g"), lower, len(lg),
			claims.Each(finals(res, g, func(r *RunResult) float64 { return float64(r.GradNorm) }), "%.2g"),
			claims.Each(finals(res, a, func(r *RunResult) float64 { return float64(r.GradNorm) }), "%.2g")),
		Reason: "an optimizer does not fit the training set, so the comparison of solutions is void",
	}
}

func anyNaN(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) {
			return true
		}
	}
	return false
}

// gapClaim compares median test errors of settings a (Adam) and g (GD).
func gapClaim(res *Results, g, a int, where string) claims.Measurement {
	tg, ta := finals(res, g, testErr), finals(res, a, testErr)
	gap := claims.Median(ta) - claims.Median(tg)
	return claims.Measurement{
		Value: gap, Rule: fmt.Sprintf("median(Adam) − median(GD) test error %s %s", gapAtLeast, where),
		Pass:   gapAtLeast.Holds(gap),
		Detail: fmt.Sprintf("%s: %s; %s: %s", res.Settings[g], claims.Each(tg, "%.3f"), res.Settings[a], claims.Each(ta, "%.3f")),
		Reason: "Adam's median test error is not 0.30 above GD's",
	}
}

func perSeedGap(res *Results) claims.Measurement {
	g, a := mainSetting(res, GD), mainSetting(res, Adam)
	tg, ta := finals(res, g, testErr), finals(res, a, testErr)
	need := res.Config.Majority()
	var both, okG, okA []bool
	var margin []float64 // min of the two margins to the thresholds, per seed
	for s := range tg {
		okG = append(okG, gdGeneral.Holds(tg[s]))
		okA = append(okA, adamFails.Holds(ta[s]))
		both = append(both, okG[s] && okA[s])
		margin = append(margin, math.Min(gdGeneral.Lo()-tg[s], ta[s]-adamFails.Lo()))
	}
	sg := SignGD
	sgi := Find(res.Settings, sg, res.Config.MainAdamLR, res.Config.MainLambda, res.Config.Eps, false)
	return claims.Measurement{
		Value: float64(claims.CountTrue(both)),
		Rule:  fmt.Sprintf("GD %s and Adam %s in ≥ %d of %d seeds", gdGeneral, adamFails, need, len(tg)),
		Pass:  claims.Majority(both, need),
		Parts: []claims.Part{{Name: "GD generalizes", Holds: claims.Majority(okG, need)}, {Name: "Adam fails", Holds: claims.Majority(okA, need)}},
		Detail: fmt.Sprintf("GD %s, Adam %s (%s); sign-GD at Adam's lr (variant) %s; Adam at the grid's smallest lr %g %s", claims.Each(tg, "%.3f"), claims.Each(ta, "%.3f"), claims.Tally(both),
			claims.Each(finals(res, sgi, testErr), "%.3f"), smallest(res), claims.Each(finals(res, Find(res.Settings, Adam, smallest(res), res.Config.MainLambda, res.Config.Eps, false), testErr), "%.3f")),
		Reason: "too few seeds show GD generalizing while Adam does not",
	}
}

// mechanism is AG-4 (null false) or its null AG-4N (null true).
func mechanism(res *Results, null bool) claims.Measurement {
	c := res.Config
	g := Find(res.Settings, GD, c.MainGDLR, c.MainLambda, c.Eps, null)
	a := Find(res.Settings, Adam, c.MainAdamLR, c.MainLambda, c.Eps, null)
	need := c.Majority()
	gg, rg := finals(res, g, func(r *RunResult) float64 { return Final(r.Gamma) }), finals(res, g, func(r *RunResult) float64 { return Final(r.Rho) })
	ga, ra := finals(res, a, func(r *RunResult) float64 { return Final(r.Gamma) }), finals(res, a, func(r *RunResult) float64 { return Final(r.Rho) })
	var okG, okA, both []bool
	for s := range gg {
		// γ ≤ 0 counts as no feature learned
		okG = append(okG, gg[s] > 0 && gg[s] > rg[s])
		okA = append(okA, ra[s] > math.Max(ga[s], 0))
		both = append(both, okG[s] && okA[s])
	}
	holds := claims.Majority(both, need)
	rule := fmt.Sprintf("γ_GD > ρ_GD and ρ_Adam > γ_Adam in ≥ %d of %d seeds", need, len(gg))
	detail := fmt.Sprintf("GD γ %s ρ %s; Adam γ %s ρ %s (%s)", claims.Each(gg, "%.3g"), claims.Each(rg, "%.3g"),
		claims.Each(ga, "%.3g"), claims.Each(ra, "%.3g"), claims.Tally(both))
	m := claims.Measurement{Value: float64(claims.CountTrue(both)), Detail: detail}
	if !null {
		m.Rule, m.Pass = rule, holds
		m.Parts = []claims.Part{{Name: "GD learns the feature", Holds: claims.Majority(okG, need)}, {Name: "Adam memorizes noise", Holds: claims.Majority(okA, need)}}
		m.Reason = "the feature/noise ordering does not separate the optimizers in enough seeds"
		return m
	}
	m.Rule, m.Pass = "the AG-4 rule ("+rule+") fails without the feature", !holds
	m.Reason = "the AG-4 rule holds even without a feature to learn: it does not measure feature learning"
	return m
}

func convexSame(res *Results) claims.Measurement {
	var worst float64
	var dg, da, ag []float64
	var ok []bool
	for _, cr := range res.Convex {
		dg, da, ag = append(dg, float64(cr.DistGD)), append(da, float64(cr.DistAdam)), append(ag, cr.Agree)
		d := math.Max(float64(cr.DistGD), float64(cr.DistAdam))
		if math.IsNaN(float64(cr.DistGD)) || math.IsNaN(float64(cr.DistAdam)) {
			d = math.NaN()
		}
		ok = append(ok, sameSolution.Holds(d) && samePreds.Holds(cr.Agree))
		if !(d <= worst) {
			worst = d
		}
	}
	need := res.Config.Majority()
	return claims.Measurement{
		Value: worst, Rule: fmt.Sprintf("‖w − w*‖/‖w*‖ %s for both and agreement %s in ≥ %d of %d seeds", sameSolution, samePreds, need, len(ok)),
		Pass:   claims.Majority(ok, need),
		Detail: fmt.Sprintf("GD %s, Adam %s, agreement %s (%s)", claims.Each(dg, "%.1e"), claims.Each(da, "%.1e"), claims.Each(ag, "%.4f"), claims.Tally(ok)),
		Reason: "an optimizer did not reach the unique minimiser",
	}
}

func convexControls(res *Results) claims.Measurement {
	var dz, dc, az []float64
	var ok []bool
	for _, cr := range res.Convex {
		dz, dc, az = append(dz, float64(cr.DistZeroLambda)), append(dc, float64(cr.DistAdamConst)), append(az, cr.AgreeZeroLambda)
		ok = append(ok, apart.Holds(float64(cr.DistZeroLambda)) && apart.Holds(float64(cr.DistAdamConst)))
	}
	need := res.Config.Majority()
	return claims.Measurement{
		Value: claims.MajorityValue(dc, need, true),
		Rule:  fmt.Sprintf("λ = 0: ‖w_Adam − w_GD‖/‖w_GD‖ %s; constant-lr Adam: ‖w − w*‖/‖w*‖ %s; in ≥ %d of %d seeds", apart, apart, need, len(ok)),
		Pass:  claims.Majority(ok, need),
		Detail: fmt.Sprintf("λ = 0 distance %s, prediction agreement %s; constant-lr Adam distance %s (%s)",
			claims.Each(dz, "%.2g"), claims.Each(az, "%.3f"), claims.Each(dc, "%.1e"), claims.Tally(ok)),
		Reason: "a control reached the same point: AG-5's distance test would not tell the cases apart",
	}
}

func epsClaim(res *Results) claims.Measurement {
	c := res.Config
	g := mainSetting(res, GD)
	tg := claims.Median(finals(res, g, testErr))
	gapAt := func(eps float64) float64 {
		i := Find(res.Settings, Adam, c.MainAdamLR, c.MainLambda, eps, false)
		if i < 0 {
			return math.NaN()
		}
		return claims.Median(finals(res, i, testErr)) - tg
	}
	base, big, mid := gapAt(c.Eps), gapAt(1e-2), gapAt(1e-3)
	ratio := big / base
	if base <= 0 {
		ratio = math.NaN() // no gap to shrink
	}
	return claims.Measurement{
		Value: ratio, Rule: fmt.Sprintf("gap(ε = 1e-2)/gap(ε = %g) %s", c.Eps, epsShrink),
		Pass:   epsShrink.Holds(ratio),
		Detail: fmt.Sprintf("median gap at ε = %g: %.3f; ε = 1e-3: %.3f; ε = 1e-2: %.3f", c.Eps, base, mid, big),
		Reason: "a large ε did not shrink the gap (or there was no gap to shrink)",
	}
}

// Selected returns the grid setting of a method with the lowest median
// validation error over seeds (ties: lower mean validation error, then grid order).
func Selected(res *Results, method string) int {
	best, bm, bmean := -1, math.Inf(1), math.Inf(1)
	for c, st := range res.Settings {
		if st.Role != "grid" || st.Method != method {
			continue
		}
		v := finals(res, c, func(r *RunResult) float64 {
			if math.IsNaN(float64(r.ValErr)) {
				return math.Inf(1)
			}
			return float64(r.ValErr)
		})
		med, mean := claims.Median(v), claims.Mean(v)
		if med < bm || (med == bm && mean < bmean) {
			best, bm, bmean = c, med, mean
		}
	}
	return best
}

func tunedGap(res *Results) claims.Measurement {
	g, a := Selected(res, GD), Selected(res, Adam)
	m := gapClaim(res, g, a, "at each method's validation choice")
	c := res.Config
	m.Detail = fmt.Sprintf("grids: GD lr %v, Adam lr %v, λ %v (both), %d steps; chosen on validation: %s",
		c.GDLRs, c.AdamLRs, c.Lambdas, c.Steps, m.Detail)
	m.Reason = "with tuned learning rate and λ, Adam is not 0.30 worse than GD"
	return m
}

// smallest is the smallest Adam learning rate of the grid.
func smallest(res *Results) float64 {
	lo := math.Inf(1)
	for _, lr := range res.Config.AdamLRs {
		lo = math.Min(lo, lr)
	}
	return lo
}
