package onesided

import (
	"fmt"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers/config"
)

// The MNIST study's claims (full preset only) use the ring's thresholds; the
// success rule and the classifier are ours (see DigitQuality).
var mnistClaims = claims.Set[*Results]{
	{ID: "OS-3m", PaperRef: "abstract (\"upon successful training\", standard datasets); the classifier-based success rule is ours", When: hasMNIST,
		Statement: "Adam (its learning rate chosen from the grid on validation) trains the MNIST GAN successfully: ≥ 9 of 10 digits covered and ≥ 50% of samples classified with confidence ≥ 0.9 by a small MNIST classifier.",
		Measure:   mnistOS3},
	{ID: "OS-4m", PaperRef: "abstract (only the generator converges); the 0.2 ratio is ours", When: hasMNIST,
		Statement: "On MNIST, in successful Adam runs the generator's large-batch gradient signal falls to ≤ 0.2 of its value just after training first succeeds.",
		Measure: func(res *Results) claims.Measurement {
			return mnistPerSeed(res, genConverged, func(r GANRun) float64 {
				return window(r, r.SigG, 0.8, 1) / refWindowBy(r, r.SigG, func(k int) bool { return mnistSuccess(r.Cover[k], r.Good[k]) })
			}, false, "G signal last 20% / at first success", "the generator's gradient signal did not fall by 5× after training succeeded")
		}},
	{ID: "OS-5am", PaperRef: "abstract (the discriminator's gradient norm stays high); threshold ours", When: hasMNIST,
		Statement: "On MNIST, in successful Adam runs the discriminator's large-batch gradient signal over the last 20% stays ≥ 0.5 of its value at 10–30% of training.",
		Measure: func(res *Results) claims.Measurement {
			return mnistPerSeed(res, discStays, func(r GANRun) float64 {
				return window(r, r.SigD, 0.8, 1) / window(r, r.SigD, 0.1, 0.3)
			}, true, "D signal last 20% / 10–30%", "the discriminator's gradient signal decayed")
		}},
	{ID: "OS-5bm", PaperRef: "abstract (one-sided convergence); threshold ours", When: hasMNIST,
		Statement: "On MNIST, over the last 20% the discriminator's gradient signal-to-noise ratio is ≥ 5× the generator's.",
		Measure: func(res *Results) claims.Measurement {
			return mnistPerSeed(res, snrRatio, func(r GANRun) float64 {
				return snr(r, r.SigD, r.NoiseD) / snr(r, r.SigG, r.NoiseG)
			}, true, "SNR_D / SNR_G over the last 20%", "the discriminator's gradient is not markedly more significant than the generator's: no one-sided picture")
		}},
	{ID: "OS-5cm", PaperRef: "abstract (the discriminator's gradient stays large); the perfect-generator null is ours", When: hasMNIST,
		Statement: "On MNIST the discriminator's gradient is ≥ 3× its sampling-noise floor over the last 20%, while in the null (real images as the generator's samples) it is < 3×.",
		Measure:   mnistOS5c},
	{ID: "OS-6m", PaperRef: "abstract (empirical one-sided MVI check); x* = final generator and the normalisation are ours", When: hasMNIST,
		Statement: "Along successful Adam runs on MNIST the generator satisfies the one-sided MVI: the normalised ⟨∇_θG L_G(θᵗ), θᵗ − θᵀ⟩ is ≥ 0 at ≥ 80% of the checkpoints in [0.1T, 0.9T].",
		Measure:   mnistOS6},
}

func hasMNIST(res *Results) bool { return res.MNIST != nil }

// mnistRuns returns the MNIST study's runs of a method (null false) or its nulls.
func mnistRuns(res *Results, method string, null bool) []GANRun {
	var out []GANRun
	for _, r := range res.MNIST.GAN {
		if r.Method == method && r.Null == null {
			out = append(out, r)
		}
	}
	return out
}

func mnistSuccessful(res *Results) []GANRun {
	var out []GANRun
	for _, r := range mnistRuns(res, MethodAdam, false) {
		if r.Success {
			out = append(out, r)
		}
	}
	return out
}

// mnistPerSeed is perSeed on the MNIST runs; it needs a majority of the MNIST seeds to be successful.
func mnistPerSeed(res *Results, th claims.Threshold, value func(GANRun) float64, higherIsBetter bool, what, reason string) claims.Measurement {
	return perSeedOn(mnistSuccessful(res), mnistRuns(res, MethodGDA, false), mnistRuns(res, MethodAdam, true),
		config.Majority(res.Config.MNIST.Seeds), th, value, higherIsBetter, what, reason)
}

func mnistOS3(res *Results) claims.Measurement {
	m := res.MNIST
	summary := func(rs []GANRun) (string, []bool) {
		var s string
		var passes []bool
		for i, r := range rs {
			if i > 0 {
				s += ", "
			}
			s += fmt.Sprintf("%d/10 digits %s confident", r.FinalCover, claims.Pct(r.FinalGood))
			passes = append(passes, r.Success)
		}
		return s, passes
	}
	adam, passes := summary(mnistRuns(res, MethodAdam, false))
	gda, gdaPasses := summary(mnistRuns(res, MethodGDA, false))
	need := config.Majority(res.Config.MNIST.Seeds)
	scores := "validation scores (confident × covered share)"
	for _, p := range m.Pilot {
		scores += fmt.Sprintf(" %s@%g=%.2f", p.Method, p.LR, float64(p.Score))
	}
	return claims.Measurement{
		Value: float64(claims.CountTrue(passes)),
		Rule:  fmt.Sprintf("success (≥ %d digits, ≥ %s confident) in ≥ %d of %d seeds", mnistCovered, claims.Pct(mnistConfident), need, len(passes)),
		Pass:  claims.Majority(passes, need),
		Detail: fmt.Sprintf("Adam lr %g: %s (%s); plain GDA lr %g (control, same grid and budget): %s (%s); %s; classifier test accuracy %s, real test images: %d/10 digits %s confident",
			m.AdamLR, adam, claims.Tally(passes), m.GDALR, gda, claims.Tally(gdaPasses), scores, claims.Pct(m.ClfAccuracy), m.RealQuality.Covered, claims.Pct(m.RealQuality.Confident)),
		Reason: "Adam did not train the MNIST GAN in a majority of seeds",
	}
}

func mnistOS5c(res *Results) claims.Measurement {
	m := mnistPerSeed(res, discAboveNF, func(r GANRun) float64 { return snr(r, r.SigD, r.NoiseD) }, true,
		"D signal / noise floor over the last 20%", "the discriminator's gradient is not above its noise floor")
	var null []float64
	var nullOK []bool
	for _, r := range mnistRuns(res, MethodAdam, true) {
		v := snr(r, r.SigD, r.NoiseD)
		null = append(null, v)
		nullOK = append(nullOK, !discAboveNF.Holds(v))
	}
	var gen []float64
	for _, r := range mnistSuccessful(res) {
		gen = append(gen, snr(r, r.SigG, r.NoiseG))
	}
	needNull := config.Majority(res.Config.MNIST.Seeds)
	nullPass := claims.Majority(nullOK, needNull)
	m.Parts = []claims.Part{{Name: "gan", Holds: m.Pass}, {Name: "null", Holds: nullPass}}
	m.Rule += fmt.Sprintf("; null below it in ≥ %d of %d", needNull, len(null))
	m.Detail += fmt.Sprintf("; null SNR_D: %s (%s below); generator's own SNR_G (successful Adam): %s",
		claims.Each(null, "%.3g"), claims.Tally(nullOK), claims.Each(gen, "%.3g"))
	if m.Pass && !nullPass {
		m.Reason = "the null's discriminator gradient is also above the floor: the measurement does not separate a game at equilibrium"
	}
	m.Pass = m.Pass && nullPass
	return m
}

func mnistOS6(res *Results) claims.Measurement {
	m := mnistPerSeed(res, mviShare, func(r GANRun) float64 { return mviFraction(r, r.MVIG) }, true,
		"share of checkpoints with generator MVI ≥ 0", "the generator's one-sided MVI failed at more than 20% of checkpoints")
	var dside []float64
	for _, r := range mnistSuccessful(res) {
		dside = append(dside, mviFraction(r, r.MVID))
	}
	m.Detail += "; discriminator side (its own loss), successful Adam: " + claims.Each(dside, "%.2f") +
		" — the MVI is evidence of one-sidedness only if this side fails"
	return m
}
