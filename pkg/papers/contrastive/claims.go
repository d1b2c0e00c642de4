package contrastive

import (
	"fmt"
	"math"
	"strings"

	"theorylab/pkg/claims"
)

// The thresholds of the claims, fixed from the spec before any GoMLX run
// (docs/05-contrastive.md, Claims; never loosened to make a run pass).
var (
	// CL-1 (exact statistics, Monte Carlo tolerance)
	noiseDecoupled = claims.AtMost(0.03) // |ρ| of the noise under masking, every atom
	sparseMatches  = claims.AtMost(0.03) // |ρ̂ − (1 − κⱼ)/(1 + κⱼ)| of the sparse part, every atom
	gaussKept      = claims.AtLeast(0.5) // ρ of the noise under the weak-Gaussian control (formula and measured): not decoupled
	coordErased    = claims.AtMost(0.03) // |ρ| of the sparse part under masking with M = I
	// CL-2
	atomsMedian = claims.AtLeast(0.8) // median over atoms of aⱼ = maxᵢ |cos(wᵢ, Mⱼ)|
	atomsMin    = claims.AtLeast(0.5) // min over atoms
	atomsGain   = claims.AtLeast(0.3) // median − its value at initialisation
	// CL-3
	pure = claims.AtLeast(0.7) // mean purity over active neurons (random: d/d₁)
	// CL-4
	gapAtoms  = claims.AtLeast(0.2)  // masking median aⱼ − no-aug median aⱼ
	gapPurity = claims.AtLeast(0.35) // masking purity − no-aug purity
	// CL-5
	coordGap = claims.AtLeast(0.5) // masking median aⱼ − (M = I) median aⱼ
	// CL-6
	readoutGap = claims.AtLeast(0.1) // R²(masking) − R²(no aug)
	overRaw    = claims.AtLeast(0)   // R²(masking) − R²(raw x)
)

// Claims are the paper's claims, as data (spec: Claims the code must check).
var Claims = claims.Set[*Results]{
	{ID: "CL-1", PaperRef: "abstract (feature decoupling); the exact formulas are our derivation",
		Statement: "Feature decoupling, exact: complementary masking makes the dense noise of the two views uncorrelated (ρ = 0) " +
			"while the sparse part along each dense atom keeps ρ = (1 − κ)/(1 + κ); weak Gaussian augmentation, which lacks the " +
			"complementary masks, leaves the noise correlated (control: its formula and the measurement agree, ρ ≥ 0.5), " +
			"and with coordinate atoms (M = I) masking erases the sparse correlation too (ablation).",
		Measure: claimDecoupling},
	{ID: "CL-2", PaperRef: "main theorem (unverified: check the paper)",
		Statement: "With masking, the contrastive learner recovers the sparse atoms: every atom has a neuron aligned with it, " +
			"well above initialisation; weak Gaussian augmentation (no decoupling, the control) does not.",
		Measure: claimAtoms},
	{ID: "CL-3", PaperRef: "main theorem (unverified: check the paper)",
		Statement: "With masking, the active neurons are pure: almost all of their weight lies in span(M) (a random direction: d/d₁); " +
			"without augmentation (the control) they are not.",
		Measure: claimPurity},
	{ID: "CL-4", PaperRef: "the no-augmentation result; ICML 2021 Figs. 2–4 (its theorem form: unverified)",
		Statement: "Without augmentation the same learner does not learn the atoms (mixtures instead): median recovery and purity are far below masking; " +
			"on data without dense noise (the null) the purity gap is smaller than the threshold.",
		Measure: claimNoAug},
	{ID: "CL-5", PaperRef: "our ablation, predicted by CL-1",
		Statement: "Decoupling must keep the sparse signal: masking on coordinate atoms (M = I), which also erases the sparse correlation, learns far less than masking on dense atoms.",
		Measure:   claimCoord},
	{ID: "CL-6", PaperRef: "our addition (usefulness of the learned features)",
		Statement: "The masked encoder's features are useful: a linear read-out of z from h(x) beats the no-augmentation encoder by a margin and the raw input.",
		Measure:   claimReadout},
}

// perSeed applies f to each seed of the run and collects values and verdicts.
func perSeed(res *Results, f func(seed int) (float64, bool)) ([]float64, []bool) {
	var vals []float64
	var ok []bool
	for _, s := range res.Config.SeedList() {
		v, p := f(s)
		vals = append(vals, v)
		ok = append(ok, p)
	}
	return vals, ok
}

func last(xs []float64) float64 { return xs[len(xs)-1] }

func claimDecoupling(res *Results) claims.Measurement {
	var noise, sparse, gaussErr, coord float64
	gauss := math.Inf(1)
	for _, d := range res.Decoupling {
		for j, v := range d.Row("noise", CondMasking).Measured {
			noise = math.Max(noise, math.Abs(v))
			// ρ̂ − (1 − κⱼ)/(1 + κⱼ)
			r := d.Row("sparse", CondMasking)
			sparse = math.Max(sparse, math.Abs(r.Measured[j]-(1-d.Kappa[j])/(1+d.Kappa[j])))
		}
		// the control: ρ̂ of the noise under weak Gaussian augmentation against its formula
		g := d.Row("noise", CondGaussian)
		for j, v := range g.Measured {
			gauss = math.Min(gauss, math.Min(v, g.Predicted[j]))
			gaussErr = math.Max(gaussErr, math.Abs(v-g.Predicted[j]))
		}
		for _, v := range d.Row("sparse", CondCoord).Measured {
			coord = math.Max(coord, math.Abs(v))
		}
	}
	parts := []claims.Part{
		{Name: "noise decoupled", Holds: noiseDecoupled.Holds(noise)},
		{Name: "sparse kept as predicted", Holds: sparseMatches.Holds(sparse)},
		{Name: "weak-Gaussian control not decoupled", Holds: gaussKept.Holds(gauss) && sparseMatches.Holds(gaussErr)},
		{Name: "M = I ablation erased", Holds: coordErased.Holds(coord)},
	}
	pass := true
	for _, p := range parts {
		pass = pass && p.Holds
	}
	d0 := res.Decoupling[0]
	return claims.Measurement{
		Value: noise,
		Rule: fmt.Sprintf("over every atom and all %d seeds: masking |ρ_noise| %s, |ρ_sparse − (1−κ)/(1+κ)| %s; weak Gaussian ρ_noise %s (formula and measured, |difference| %s); M = I |ρ_sparse| %s",
			len(res.Decoupling), noiseDecoupled, sparseMatches, gaussKept, sparseMatches, coordErased),
		Pass: pass, Parts: parts,
		Detail: fmt.Sprintf("max |ρ_noise| = %.4f, max sparse error = %.4f, weak Gaussian min ρ_noise = %.3f (max error against its formula %.4f), max M = I |ρ_sparse| = %.4f; "+
			"seed %d atom 1: sparse ρ = %.3f (predicted %.3f), whole x ρ = %.3f (predicted %.3f); orthogonal direction ρ = %.3f (predicted %.3f)",
			noise, sparse, gauss, gaussErr, coord, d0.Seed,
			d0.Row("sparse", CondMasking).Measured[0], d0.Row("sparse", CondMasking).Predicted[0],
			d0.Row("whole", CondMasking).Measured[0], d0.Row("whole", CondMasking).Predicted[0], d0.OrthMeasured, d0.OrthPredicted),
		Reason: "a measured correlation is off the exact formula by more than the Monte Carlo tolerance",
	}
}

func claimAtoms(res *Results) claims.Measurement {
	need := res.Config.Majority()
	var med, mins, gains, ctrl []float64
	var okMed, okMin, okGain, okCtrl []bool
	for _, s := range res.Config.SeedList() {
		cv := res.Run(CondMasking, s).Curve
		m, mn, g := last(cv.MedianAtom), last(cv.MinAtom), last(cv.MedianAtom)-cv.MedianAtom[0]
		med, mins, gains = append(med, m), append(mins, mn), append(gains, g)
		okMed, okMin, okGain = append(okMed, atomsMedian.Holds(m)), append(okMin, atomsMin.Holds(mn)), append(okGain, atomsGain.Holds(g))
		c := last(res.Run(CondGaussian, s).Curve.MedianAtom)
		ctrl, okCtrl = append(ctrl, c), append(okCtrl, !atomsMedian.Holds(c))
	}
	parts := []claims.Part{
		{Name: "median", Holds: claims.Majority(okMed, need)},
		{Name: "min", Holds: claims.Majority(okMin, need)},
		{Name: "gain", Holds: claims.Majority(okGain, need)},
		{Name: "control below", Holds: claims.Majority(okCtrl, need)},
	}
	pass := parts[0].Holds && parts[1].Holds && parts[2].Holds && parts[3].Holds
	return claims.Measurement{
		Value: claims.MajorityValue(med, need, true),
		Rule: fmt.Sprintf("masking: median aⱼ %s, min aⱼ %s, median − initial %s; weak-Gaussian control: median aⱼ below %.1f — each in ≥ %d of %d seeds",
			atomsMedian, atomsMin, atomsGain, atomsMedian.Lo(), need, len(med)),
		Pass: pass, Parts: parts,
		Detail: "masking median aⱼ " + claims.Each(med, "%.3f") + ", min " + claims.Each(mins, "%.3f") + ", gain " + claims.Each(gains, "%.3f") +
			"; Gaussian control median " + claims.Each(ctrl, "%.3f"),
		Reason: "masking did not recover every atom, or the non-decoupling control recovered them too",
	}
}

func claimPurity(res *Results) claims.Measurement {
	need := res.Config.Majority()
	var pur, init, ctrl []float64
	var ok, okCtrl []bool
	for _, s := range res.Config.SeedList() {
		cv := res.Run(CondMasking, s).Curve
		pur, init = append(pur, last(cv.Purity)), append(init, cv.Purity[0])
		ok = append(ok, pure.Holds(last(cv.Purity)))
		c := last(res.Run(CondNoAug, s).Curve.Purity)
		ctrl, okCtrl = append(ctrl, c), append(okCtrl, !pure.Holds(c))
	}
	parts := []claims.Part{{Name: "masking pure", Holds: claims.Majority(ok, need)}, {Name: "control impure", Holds: claims.Majority(okCtrl, need)}}
	return claims.Measurement{
		Value: claims.MajorityValue(pur, need, true),
		Rule: fmt.Sprintf("masking: mean purity %s; no-aug control: below %.1f — each in ≥ %d of %d seeds (random direction: d/d₁ = %.2f)",
			pure, pure.Lo(), need, len(pur), float64(res.Config.D)/float64(res.Config.D1)),
		Pass: parts[0].Holds && parts[1].Holds, Parts: parts,
		Detail: "masking purity " + claims.Each(pur, "%.3f") + " (at initialisation " + claims.Each(init, "%.3f") + "); no-aug " + claims.Each(ctrl, "%.3f"),
		Reason: "the masked neurons are not pure, or the no-augmentation ones are as pure",
	}
}

func claimNoAug(res *Results) claims.Measurement {
	need := res.Config.Majority()
	var ga, gp, nullGp []float64
	var okA, okP, okNull []bool
	for _, s := range res.Config.SeedList() {
		mk, na, cl := res.Run(CondMasking, s).Curve, res.Run(CondNoAug, s).Curve, res.Run(CondClean, s).Curve
		a, p, np := last(mk.MedianAtom)-last(na.MedianAtom), last(mk.Purity)-last(na.Purity), last(mk.Purity)-last(cl.Purity)
		ga, gp, nullGp = append(ga, a), append(gp, p), append(nullGp, np)
		okA, okP, okNull = append(okA, gapAtoms.Holds(a)), append(okP, gapPurity.Holds(p)), append(okNull, !gapPurity.Holds(np))
	}
	parts := []claims.Part{
		{Name: "atom gap", Holds: claims.Majority(okA, need)},
		{Name: "purity gap", Holds: claims.Majority(okP, need)},
		{Name: "null gap smaller", Holds: claims.Majority(okNull, need)},
	}
	return claims.Measurement{
		Value: claims.MajorityValue(gp, need, true),
		Rule: fmt.Sprintf("masking − no aug: median aⱼ gap %s and purity gap %s; σ_ξ = 0 null: purity gap below %.2f — each in ≥ %d of %d seeds",
			gapAtoms, gapPurity, gapPurity.Lo(), need, len(ga)),
		Pass: parts[0].Holds && parts[1].Holds && parts[2].Holds, Parts: parts,
		Detail: lrNote(res) + "; median-aⱼ gap " + claims.Each(ga, "%.3f") + ", purity gap " + claims.Each(gp, "%.3f") + "; null (no aug, σ_ξ = 0) purity gap " + claims.Each(nullGp, "%.3f"),
		Reason: "no augmentation learned nearly as well as masking, or the null without dense noise shows the same gap",
	}
}

func claimCoord(res *Results) claims.Measurement {
	need := res.Config.Majority()
	cl2 := claimAtoms(res)
	gaps, ok := perSeed(res, func(s int) (float64, bool) {
		g := last(res.Run(CondMasking, s).Curve.MedianAtom) - last(res.Run(CondCoord, s).Curve.MedianAtom)
		return g, coordGap.Holds(g)
	})
	pass := claims.Majority(ok, need) && cl2.Pass
	reason := "masking on coordinate atoms learned nearly as well as on dense atoms"
	if !cl2.Pass {
		reason = "not evaluated: CL-2 fails, so masking itself did not learn the atoms"
	}
	return claims.Measurement{
		Value:  claims.MajorityValue(gaps, need, true),
		Rule:   fmt.Sprintf("median aⱼ (masking, dense M) − median aⱼ (masking, M = I) %s in ≥ %d of %d seeds, when CL-2 passes", coordGap, need, len(gaps)),
		Pass:   pass,
		Detail: "gap per seed: " + claims.Each(gaps, "%.3f") + " (" + claims.Tally(ok) + ")",
		Reason: reason,
	}
}

func claimReadout(res *Results) claims.Measurement {
	need := res.Config.Majority()
	var mk, na, raw []float64
	var okGap, okRaw []bool
	for _, s := range res.Config.SeedList() {
		m, n := res.Run(CondMasking, s), res.Run(CondNoAug, s)
		mk, na, raw = append(mk, m.ReadoutR2), append(na, n.ReadoutR2), append(raw, m.RawR2)
		okGap, okRaw = append(okGap, readoutGap.Holds(m.ReadoutR2-n.ReadoutR2)), append(okRaw, overRaw.Holds(m.ReadoutR2-m.RawR2))
	}
	parts := []claims.Part{{Name: "over no aug", Holds: claims.Majority(okGap, need)}, {Name: "over raw x", Holds: claims.Majority(okRaw, need)}}
	return claims.Measurement{
		Value: claims.MajorityValue(mk, need, true),
		Rule: fmt.Sprintf("test R² of the read-out: masking − no aug %s and masking − raw x %s, each in ≥ %d of %d seeds",
			readoutGap, overRaw, need, len(mk)),
		Pass: parts[0].Holds && parts[1].Holds, Parts: parts,
		Detail: lrNote(res) + "; R² masking " + claims.Each(mk, "%.3f") + ", no aug " + claims.Each(na, "%.3f") + ", raw x " + claims.Each(raw, "%.3f"),
		Reason: "the masked features are not better for a linear read-out than the control's or the raw input",
	}
}

// lrNote reports the learning rates chosen on the validation loss.
func lrNote(res *Results) string {
	parts := make([]string, 0, len(res.Conditions))
	for _, c := range res.Conditions {
		parts = append(parts, fmt.Sprintf("%s %g", c, res.ChosenLR[c]))
	}
	return fmt.Sprintf("lr chosen from %v on validation, per condition: %s", res.Config.lrs(), strings.Join(parts, ", "))
}
