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
		Measure:   func(res *Results) claims.Measurement { return mnistRuns(res).os4() }},
	{ID: "OS-5am", PaperRef: "abstract (the discriminator's gradient norm stays high); threshold ours", When: hasMNIST,
		Statement: "On MNIST, in successful Adam runs the discriminator's large-batch gradient signal over the last 20% stays ≥ 0.5 of its value at 10–30% of training.",
		Measure:   func(res *Results) claims.Measurement { return mnistRuns(res).os5a() }},
	{ID: "OS-5bm", PaperRef: "abstract (one-sided convergence); threshold ours", When: hasMNIST,
		Statement: "On MNIST, over the last 20% the discriminator's gradient signal-to-noise ratio is ≥ 5× the generator's.",
		Measure:   func(res *Results) claims.Measurement { return mnistRuns(res).os5b() }},
	{ID: "OS-5cm", PaperRef: "abstract (the discriminator's gradient stays large); the perfect-generator null is ours", When: hasMNIST,
		Statement: "On MNIST the discriminator's gradient is ≥ 3× its sampling-noise floor over the last 20%, while in the null (real images as the generator's samples) it is < 3×.",
		Measure:   func(res *Results) claims.Measurement { return mnistRuns(res).os5c("") }},
	{ID: "OS-6m", PaperRef: "abstract (empirical one-sided MVI check); x* = final generator and the normalisation are ours", When: hasMNIST,
		Statement: "Along successful Adam runs on MNIST the generator satisfies the one-sided MVI: the normalised ⟨∇_θG L_G(θᵗ), θᵗ − θᵀ⟩ is ≥ 0 at ≥ 80% of the checkpoints in [0.1T, 0.9T].",
		Measure:   func(res *Results) claims.Measurement { return mnistRuns(res).os6() }},
}

func hasMNIST(res *Results) bool { return res.MNIST != nil }

// mnistRuns are the MNIST study's runs: its per-seed claims need a majority
// of the MNIST seeds to be successful.
func mnistRuns(res *Results) studyRuns {
	need := config.Majority(res.Config.MNIST.Seeds)
	return studyRuns{gan: res.MNIST.GAN, minSucc: need, need: need,
		succeeded: func(r GANRun, k int) bool { return mnistSuccess(r.Cover[k], r.Good[k]) }}
}

func mnistOS3(res *Results) claims.Measurement {
	m := res.MNIST
	meas := mnistRuns(res).os3(m.AdamLR, m.GDALR,
		func(r GANRun) string {
			return fmt.Sprintf("%d/10 digits %s confident", r.FinalCover, claims.Pct(r.FinalGood))
		},
		fmt.Sprintf("success (≥ %d digits, ≥ %s confident)", mnistCovered, claims.Pct(mnistConfident)), pilotScores("confident × covered share", m.Pilot),
		"Adam did not train the MNIST GAN in a majority of seeds")
	meas.Detail += fmt.Sprintf("; classifier test accuracy %s, real test images: %d/10 digits %s confident",
		claims.Pct(m.ClfAccuracy), m.RealQuality.Covered, claims.Pct(m.RealQuality.Confident))
	return meas
}
