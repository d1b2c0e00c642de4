package adamgd

import (
	"fmt"
	"math"
	"slices"

	"theorylab/pkg/claims"
	"theorylab/pkg/optim"
)

// The thresholds of the spec, fixed before any run. Every claim compares with
// these values and prints its rule from the same values, so no number is
// typed twice.
var (
	// AG-1: the training error both optimizers reach (and the small-step GD
	// control does not).
	fitsTraining = claims.Exactly(0)
	// AG-2, AG-7: median Adam test error − median GD test error; AG-2's
	// control (Adam without its normalisation) stays below the same number.
	gapMin    = claims.AtLeast(0.30)
	ctlGapMax = claims.Below(gapMin.Lo())
	// AG-3: GD generalises, Adam is near chance.
	gdGood  = claims.AtMost(0.05)
	adamBad = claims.AtLeast(0.35)
	// AG-5: the same solution — distance to w* and test-prediction agreement.
	convexDist  = claims.Below(1e-3)
	convexAgree = claims.AtLeast(0.999).Percent()
	// AG-6: the gap with ε = EpsControlClaim as a multiple of the gap at the default ε.
	epsShrink = claims.AtMost(0.5).Times()
)

const (
	// MajorityFrac: a per-seed rule must hold in at least this fraction of the
	// data seeds (the spec's 3 of 5 and 6 of 10; config.Majority would ask
	// 7 of 10, so the paper keeps its own rule).
	MajorityFrac = 0.6
	// EpsControlClaim is the ε of AG-6's run (one of the config's EpsControls).
	EpsControlClaim = 1e-2
)

// FindingAG7 documents AG-7's failure (see Claims): the paper's gap is a
// property of small Adam steps and weak ℓ2, which validation tuning leaves.
const FindingAG7 = "docs/02-adam-vs-gd.md, “AG-7: tuning closes the gap” — validation picks Adam step sizes or λ outside the paper's regime, where Adam learns the feature too"

// Need is the number of seeds a majority rule needs: ⌈MajorityFrac·seeds⌉.
func Need(seeds int) int { return int(math.Ceil(MajorityFrac*float64(seeds) - 1e-9)) }

// index returns the index in Settings of the setting that matches, or −1.
func (res *Results) index(data string, m optim.Method, eps, lr, lambda float64) int {
	for i, s := range res.Settings {
		if s.Data == data && s.Method == m && s.LR == lr && s.Lambda == lambda && (m != optim.Adam || s.Eps == eps) {
			return i
		}
	}
	return -1
}

// Of returns the runs of setting i on every data seed (nil for i < 0).
func (res *Results) Of(i int) []RunResult {
	if i < 0 {
		return nil
	}
	n := res.Config.Seeds
	return res.Runs[i*n : (i+1)*n]
}

// MainGD and MainAdam are the paper's regime: GD at GDLR and Adam at AdamLR
// (ε = Eps) with λ = Lambda, on the given data variant.
func (res *Results) MainGD(data string) []RunResult {
	c := res.Config
	return res.Of(res.index(data, optim.GD, 0, c.GDLR, c.Lambda))
}

func (res *Results) MainAdam(data string) []RunResult {
	c := res.Config
	return res.Of(res.index(data, optim.Adam, c.Eps, c.AdamLR, c.Lambda))
}

// EpsControl is Adam at AdamLR and Lambda with ε = eps.
func (res *Results) EpsControl(eps float64) []RunResult {
	c := res.Config
	return res.Of(res.index(DataReal, optim.Adam, eps, c.AdamLR, c.Lambda))
}

// Grid is one optimizer's run at (lr, λ) on real data (Adam at ε = Eps).
func (res *Results) Grid(m optim.Method, lr, lambda float64) []RunResult {
	return res.Of(res.index(DataReal, m, res.Config.Eps, lr, lambda))
}

func values(rs []RunResult, f func(RunResult) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

func testErrs(rs []RunResult) []float64 {
	return values(rs, func(r RunResult) float64 { return float64(r.TestErr) })
}

// medianGap is median(Adam test error) − median(GD test error).
func medianGap(adam, gd []RunResult) float64 {
	return claims.Median(testErrs(adam)) - claims.Median(testErrs(gd))
}

// mechanism is AG-4's rule on one seed: GD's feature coefficient exceeds its
// noise memorisation, and Adam's noise memorisation exceeds its feature coefficient.
func mechanism(gd, adam RunResult) bool {
	return float64(gd.Gamma) > float64(gd.Rho) && float64(adam.Rho) > float64(adam.Gamma)
}

// seedRule is the majority rule over the data seeds, "in ≥ 6 of 10 data seeds".
func seedRule(cfg Config) string {
	return fmt.Sprintf("in ≥ %d of %d data seeds", Need(cfg.Seeds), cfg.Seeds)
}

// regime is the paper's regime as the config sets it.
func regime(cfg Config) string {
	return fmt.Sprintf("GD η = %g, Adam η = %g (ε = %g), λ = %g, %d steps", cfg.GDLR, cfg.AdamLR, cfg.Eps, cfg.Lambda, cfg.Steps)
}

// count is the number of data seeds k on which f(gs[k], as[k]) holds.
func count(gs, as []RunResult, f func(g, a RunResult) bool) int {
	n := 0
	for k := range gs {
		if k < len(as) && f(gs[k], as[k]) {
			n++
		}
	}
	return n
}

// separates is AG-3's rule on one seed: GD generalises and Adam is near chance.
func separates(g, a RunResult) bool {
	return gdGood.Holds(float64(g.TestErr)) && adamBad.Holds(float64(a.TestErr))
}

// Claims are the spec's claims AG-1 … AG-7. Per-seed rules hold in at least
// Need(Seeds) data seeds; every claim sits beside a control or null that must
// come out the other way. AG-7 fails at this scale as a documented finding,
// and only when the same run shows its explanation.
var Claims = claims.Set[*Results]{
	{ID: "AG-1",
		Statement: "Precondition, not evidence: GD and Adam, from the same start, both fit the training set exactly (in the paper's regime).",
		PaperRef:  "main theorem (number unverified: check the paper); abstract: both converge to global solutions of the training objective",
		Measure:   fitBoth},
	{ID: "AG-2",
		Statement: "From the same start, Adam ends with a much worse test error than GD: the two reach different global solutions that generalise differently.",
		PaperRef:  "abstract (provably different generalization errors); the size of the gap is our threshold",
		Measure:   gapClaim},
	{ID: "AG-3",
		Statement: "Seed by seed, GD generalises while Adam is near chance — and neither generalises once the feature is removed from the data (so the test set shares nothing with the training noise).",
		PaperRef:  "main theorem (unverified: check the paper)",
		Measure:   perSeedClaim},
	{ID: "AG-4",
		Statement: "Mechanism: GD's filters learn the feature more than they memorise noise (γ > ρ), Adam's memorise the noise more than they learn the feature (ρ > γ); without a feature in the data the pattern is absent.",
		PaperRef:  "proof sketch: feature learning against noise memorisation (unverified: check the paper)",
		Measure:   mechanismClaim},
	{ID: "AG-5",
		Statement: "Convex control (our construction): with weight decay the convex objective has one minimiser w*, and GD and Adam (ηₜ = η₀/√t) both reach it — same solution, same test predictions.",
		PaperRef:  "the convex result, Theorem 4.2 in arXiv v1 (§1; ICLR 2023 numbering unchecked)",
		Measure:   convexClaim},
	{ID: "AG-6",
		Statement: fmt.Sprintf("With Adam's ε = %g — larger than most coordinates' √v̂, so Adam acts like GD with momentum — the gap shrinks: the per-coordinate normalisation is what memorises the noise.", EpsControlClaim),
		PaperRef:  "our prediction, not the paper's (spec AG-6)",
		When:      func(res *Results) bool { return slices.Contains(res.Config.EpsControls, EpsControlClaim) },
		Measure:   epsClaim},
	{ID: "AG-7",
		Statement: "The gap survives tuning: with each optimizer's step size and λ chosen on a validation set from the same grid and budget, Adam still generalises worse.",
		PaperRef:  "abstract: the gap holds even with (fine-tuned) proper regularisation",
		Finding:   &claims.Finding{Where: FindingAG7, Parts: []string{ag7Gap}},
		Measure:   tunedClaim},
}

// AG-1 (precondition): both optimizers fit the training set, beside GD at
// the grid's smallest step size, which must not.
func fitBoth(res *Results) claims.Measurement {
	cfg := res.Config
	S, need := cfg.Seeds, Need(cfg.Seeds)
	gd, adam := res.MainGD(DataReal), res.MainAdam(DataReal)
	trainErr := func(r RunResult) float64 { return float64(r.TrainErr) }
	worst := math.Max(claims.Max(values(gd, trainErr)), claims.Max(values(adam, trainErr)))
	small := cfg.LRGrid[0]
	slow := res.Grid(optim.GD, small, cfg.Lambda)
	slowUnfit := 0
	for _, r := range slow {
		if !fitsTraining.Holds(float64(r.TrainErr)) {
			slowUnfit++
		}
	}
	ok := fitsTraining.Holds(worst) && slowUnfit >= need
	return claims.Measurement{Value: worst, Pass: ok,
		Detail: fmt.Sprintf("largest training error — GD: %s; Adam: %s. Final objective (with ℓ2) — GD: %s; Adam: %s. ‖∇L‖ — GD: %s; Adam: %s. Control: GD at the grid's smallest η = %g does not fit in %d of %d seeds (training error %s)",
			claims.Each(values(gd, trainErr), "%.2f"), claims.Each(values(adam, trainErr), "%.2f"),
			claims.Each(values(gd, func(r RunResult) float64 { return float64(r.Loss) }), "%.4f"),
			claims.Each(values(adam, func(r RunResult) float64 { return float64(r.Loss) }), "%.4f"),
			claims.Each(values(gd, func(r RunResult) float64 { return float64(r.GradNorm) }), "%.1e"),
			claims.Each(values(adam, func(r RunResult) float64 { return float64(r.GradNorm) }), "%.1e"),
			small, slowUnfit, S, claims.Each(values(slow, trainErr), "%.2f")),
		Rule: fmt.Sprintf("%s: training error %s for both in all %d seeds; control: GD at η = %g leaves training error > 0 %s",
			regime(cfg), fitsTraining, S, small, seedRule(cfg)),
		Reason: "an optimizer did not fit the training set (or the small-step control fitted too, so the check cannot tell)"}
}

// AG-2: the generalisation gap, beside Adam with its normalisation switched off.
func gapClaim(res *Results) claims.Measurement {
	cfg := res.Config
	gd, adam := res.MainGD(DataReal), res.MainAdam(DataReal)
	gap := medianGap(adam, gd)
	ctlEps, ctlGap := math.NaN(), math.NaN()
	if len(cfg.EpsControls) > 0 {
		ctlEps = slices.Max(cfg.EpsControls)
		ctlGap = medianGap(res.EpsControl(ctlEps), gd)
	}
	return claims.Measurement{Value: gap, Pass: gapMin.Holds(gap) && ctlGapMax.Holds(ctlGap),
		Detail: fmt.Sprintf("test error — GD: %s; Adam: %s; control Adam ε = %g: %s (median gap %.3f)",
			claims.Each(testErrs(gd), "%.3f"), claims.Each(testErrs(adam), "%.3f"), ctlEps, claims.Each(testErrs(res.EpsControl(ctlEps)), "%.3f"), ctlGap),
		Rule: fmt.Sprintf("median(Adam) − median(GD) %s over %d seeds; control: Adam with ε = %g (≈ GD with momentum, no per-coordinate normalisation) has a median gap %s",
			gapMin, cfg.Seeds, ctlEps, ctlGapMax),
		Reason: "the gap is below the threshold, or the control without Adam's normalisation shows it too"}
}

// AG-3: the gap in most seeds, beside the feature-free null.
func perSeedClaim(res *Results) claims.Measurement {
	cfg := res.Config
	S, need := cfg.Seeds, Need(cfg.Seeds)
	gd, adam := res.MainGD(DataReal), res.MainAdam(DataReal)
	gdNull, adamNull := res.MainGD(DataNull), res.MainAdam(DataNull)
	hits, nullHits := count(gd, adam, separates), count(gdNull, adamNull, separates)
	return claims.Measurement{Value: float64(hits), Pass: hits >= need && nullHits < need,
		Detail: fmt.Sprintf("seeds with GD test error %s and Adam %s: %d of %d; null (feature zeroed) — GD test error %s, Adam %s: %d of %d",
			gdGood, adamBad, hits, S, claims.Each(testErrs(gdNull), "%.3f"), claims.Each(testErrs(adamNull), "%.3f"), nullHits, S),
		Rule: fmt.Sprintf("GD test error %s and Adam %s %s; null: the same rule holds in fewer than %d seeds",
			gdGood, adamBad, seedRule(cfg), need),
		Reason: "the per-seed gap is not in the majority of seeds, or the null shows it too"}
}

// AG-4: the mechanism, beside the null that fools the older form.
func mechanismClaim(res *Results) claims.Measurement {
	cfg := res.Config
	S, need := cfg.Seeds, Need(cfg.Seeds)
	gd, adam := res.MainGD(DataReal), res.MainAdam(DataReal)
	gdNull, adamNull := res.MainGD(DataNull), res.MainAdam(DataNull)
	mech, nullMech := count(gd, adam, mechanism), count(gdNull, adamNull, mechanism)
	g := func(r RunResult) float64 { return float64(r.Gamma) }
	rho := func(r RunResult) float64 { return float64(r.Rho) }
	return claims.Measurement{Value: float64(mech), Pass: mech >= need && nullMech < need,
		Detail: fmt.Sprintf("γ/ρ at the end — GD: γ %s, ρ %s; Adam: γ %s, ρ %s; rule holds in %d of %d seeds; null: GD γ %s, ρ %s; Adam γ %s, ρ %s; rule holds in %d of %d",
			claims.Each(values(gd, g), "%.2f"), claims.Each(values(gd, rho), "%.2f"), claims.Each(values(adam, g), "%.2f"), claims.Each(values(adam, rho), "%.2f"), mech, S,
			claims.Each(values(gdNull, g), "%.2f"), claims.Each(values(gdNull, rho), "%.2f"), claims.Each(values(adamNull, g), "%.2f"), claims.Each(values(adamNull, rho), "%.2f"), nullMech, S),
		Rule: fmt.Sprintf("γ_GD > ρ_GD and ρ_Adam > γ_Adam %s (γ = max_j max_r ⟨w_{j,r}, j·e₁⟩, ρ = mean over training examples of max over noise patches and filters of ⟨w_{yᵢ,r}, ξ⟩); null: the rule holds in fewer than %d seeds",
			seedRule(cfg), need),
		Reason: "the feature/noise pattern is not in the majority of seeds, or the null shows it too"}
}

// sameSolution is AG-5's criterion on a pair: distance and agreement.
func sameSolution(dist, agree float64) bool {
	return convexDist.Holds(dist) && convexAgree.Holds(agree)
}

// AG-5: on the convex model with λ > 0, GD and Adam (ηₜ = η₀/√t) reach the
// unique minimiser; the controls (λ = 0, constant-step Adam) do not.
func convexClaim(res *Results) claims.Measurement {
	cv := res.Convex
	cfg := res.Config
	S, need := cfg.Seeds, Need(cfg.Seeds)
	var worst float64
	allOK := len(cv.Seeds) == S
	var gdD, adD, agree, constD, agree0, dist0 []float64
	constFail, zeroFail := 0, 0
	for k := range cv.Seeds {
		s := cv.Seeds[k]
		dg, da := float64(cv.Find(ConvexGD, k).FinalDist), float64(cv.Find(ConvexAdam, k).FinalDist)
		gdD, adD, agree = append(gdD, dg), append(adD, da), append(agree, float64(s.PairAgree))
		worst = math.Max(worst, math.Max(dg, da))
		if !(convexDist.Holds(dg) && sameSolution(da, float64(s.PairAgree))) {
			allOK = false
		}
		dc := float64(cv.Find(ConvexAdamConst, k).FinalDist)
		constD = append(constD, dc)
		if !convexDist.Holds(dc) {
			constFail++
		}
		agree0, dist0 = append(agree0, float64(s.PairAgree0)), append(dist0, float64(s.PairDist0))
		if !sameSolution(float64(s.PairDist0), float64(s.PairAgree0)) {
			zeroFail++
		}
	}
	if math.IsNaN(worst) {
		allOK = false
	}
	return claims.Measurement{Value: worst, Pass: allOK && constFail >= need && zeroFail >= need,
		Detail: fmt.Sprintf("‖w − w*‖/‖w*‖ after %d steps — GD: %s; Adam η₀/√t: %s; test-prediction agreement GD vs Adam: %s. Controls — constant-step Adam: %s (fails in %d of %d); λ = 0, GD vs Adam: ‖w_GD − w_Adam‖/‖w_GD‖ %s, agreement %s (fails in %d of %d)",
			cfg.Convex.Steps, claims.Each(gdD, "%.1e"), claims.Each(adD, "%.1e"), claims.Each(agree, "%.4f"),
			claims.Each(constD, "%.1e"), constFail, S, claims.Each(dist0, "%.2f"), claims.Each(agree0, "%.3f"), zeroFail, S),
		Rule: fmt.Sprintf("λ = %g: ‖w − w*‖/‖w*‖ %s for both and agreement %s, in all %d seeds; the same criterion fails for constant-step Adam and for GD vs Adam at λ = 0, %s",
			cfg.Convex.Lambda, convexDist, convexAgree, S, seedRule(cfg)),
		Reason: "an optimizer did not reach w*, or a control reached the same solution too (the criterion cannot tell)"}
}

// AG-6: with a large ε the gap shrinks (our prediction).
func epsClaim(res *Results) claims.Measurement {
	cfg := res.Config
	gd, adam := res.MainGD(DataReal), res.MainAdam(DataReal)
	gap := medianGap(adam, gd)
	epsGap := medianGap(res.EpsControl(EpsControlClaim), gd)
	ratio := epsGap / gap
	if !(gap > 0) {
		ratio = math.NaN()
	}
	detail := fmt.Sprintf("median gap at ε = %g: %.3f; at ε = %g: %.3f", cfg.Eps, gap, EpsControlClaim, epsGap)
	for _, e := range cfg.EpsControls {
		if e != EpsControlClaim {
			detail += fmt.Sprintf("; at ε = %g (reported): %.3f", e, medianGap(res.EpsControl(e), gd))
		}
	}
	return claims.Measurement{Value: ratio, Pass: epsShrink.Holds(ratio), Detail: detail,
		Rule:   fmt.Sprintf("median gap at ε = %g %s the median gap at ε = %g", EpsControlClaim, epsShrink, cfg.Eps),
		Reason: "the gap did not shrink enough with a large ε (or there was no gap to shrink)"}
}

// ag7Gap is AG-7's rule, the part whose failure FindingAG7 documents.
var ag7Gap = fmt.Sprintf("median(Adam) − median(GD) %s at the validation-chosen (η, λ) of each", gapMin)

// AG-7: each optimizer takes the (η, λ) of the shared grid that minimises its
// validation error, seed by seed, and the gap is measured again. The rule is
// the gap alone; its second part holds unless the gap fails without its
// explanation in the same run (Adam's validation choice left the paper's
// regime and learned the feature in the majority of seeds), so that the
// failure is the documented finding only when the run explains it.
func tunedClaim(res *Results) claims.Measurement {
	cfg := res.Config
	S, need := cfg.Seeds, Need(cfg.Seeds)
	var gdT, adT []float64
	var gdPick, adPick []string
	outside, learned := 0, 0
	for _, t := range res.Tuned {
		pick := fmt.Sprintf("(%g, %g)", t.LR, t.Lambda)
		if t.Method == optim.GD {
			gdT, gdPick = append(gdT, float64(t.TestErr)), append(gdPick, pick)
			continue
		}
		adT, adPick = append(adT, float64(t.TestErr)), append(adPick, pick)
		if t.LR > cfg.AdamLR || t.Lambda > cfg.Lambda {
			outside++
		}
		if r := res.Grid(optim.Adam, t.LR, t.Lambda); r != nil && float64(r[t.K].Gamma) > float64(r[t.K].Rho) {
			learned++
		}
	}
	gap := claims.Median(adT) - claims.Median(gdT)
	ok := gapMin.Holds(gap)
	explained := outside >= need && learned >= need
	return claims.Measurement{Value: gap, Pass: ok, Rule: ag7Gap,
		Parts: []claims.Part{{Name: ag7Gap, Holds: ok},
			{Name: fmt.Sprintf("a failure comes with its explanation: Adam's choice leaves the paper's regime and learns the feature %s", seedRule(cfg)), Holds: ok || explained}},
		Detail: fmt.Sprintf("grid η ∈ %v × λ ∈ %v, %d steps, %d validation examples (runs that diverged or ended above their initial objective are not eligible); chosen (η, λ) — GD: %v, Adam: %v; test error — GD: %s, Adam: %s; Adam's choice leaves the paper's regime (η > %g or λ > %g) in %d of %d seeds and learns the feature (γ > ρ) in %d",
			cfg.LRGrid, cfg.LambdaGrid, cfg.Steps, cfg.NVal, gdPick, adPick, claims.Each(gdT, "%.3f"), claims.Each(adT, "%.3f"),
			cfg.AdamLR, cfg.Lambda, outside, S, learned),
		Reason: "tuned on validation data, Adam generalises as well as GD at this scale"}
}
