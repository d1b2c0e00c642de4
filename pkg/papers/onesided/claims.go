package onesided

import (
	"fmt"
	"math"

	"theorylab/pkg/claims"
)

// The thresholds of the claims, fixed before any run (from the spec and the
// theory, never loosened to make a run pass).
var (
	toyConverged = claims.AtMost(1e-6)       // OS-1: ‖∇ₓf‖_T/‖∇ₓf‖₀ in float64
	toyGradYMin  = claims.AtLeast(1 - 1e-12) // OS-2: ‖∇_y f‖ ≥ ‖b‖ = 1 at every step
	toyGradYEnd  = claims.Between(1-1e-6, 1+1e-6)
	toyMVIShare  = claims.AtLeast(1).Percent() // OS-2: MVI value ≥ 0 at every step
	ctrlGradY    = claims.AtMost(1e-2)         // OS-2c: the control's max player ends stationary
	genConverged = claims.AtMost(0.2)          // OS-4: G signal, last 20% / reference window
	discStays    = claims.AtLeast(0.5)         // OS-5a: D signal, last 20% / checkpoints 10–30%
	snrRatio     = claims.AtLeast(5).Times()   // OS-5b: SNR_D / SNR_G over the last 20%
	discAboveNF  = claims.AtLeast(3).Times()   // OS-5c: D signal / noise floor (GAN ≥ 3, null < 3)
	mviShare     = claims.AtLeast(0.8).Percent()
)

// minSuccessful is how many successful GAN seeds OS-4 to OS-6 need.
const minSuccessful = 3

// sweepWhere is where the quick preset's 10-replicate sweep is recorded.
const sweepWhere = "docs/03-adam-one-sided-gan.md, The 10-seed sweep"

// Claims are the paper's claims, as data (the MNIST ones, full preset only, last).
var Claims = append(ringClaims, mnistClaims...)

var ringClaims = claims.Set[*Results]{
	{ID: "OS-1", PaperRef: "main theorem (one-sided FOSP; exists: abstract; statement unverified); toy is our construction",
		Statement: "On a game satisfying the one-sided MVI by construction, Adam with step α/√t drives the min player's gradient ‖∇ₓf‖ to zero.",
		Measure:   toyOS1},
	{ID: "OS-2", PaperRef: "one-sided MVI definition (unverified); check of our construction, not evidence",
		Statement: "On the same toy the max player never becomes stationary (‖∇_y f‖ ≥ ‖b‖ = 1 at every step) while the one-sided MVI value ⟨∇ₓf, x − c⟩ stays ≥ 0.",
		Measure:   toyOS2},
	{ID: "OS-2c", PaperRef: "our construction (the control of OS-2)",
		Statement: "Control: when the max player's objective is made concave (−½‖y‖² instead of ⟨b, y⟩), both players converge: ‖∇_y f‖ ends near 0, so OS-2's one-sidedness is due to the construction.",
		Measure:   toyControl},
	{ID: "OS-3", PaperRef: "abstract (\"upon successful training\"); the success rule is ours",
		Statement: "Adam (its learning rate chosen from the grid on validation) trains the 2-D ring GAN successfully: ≥ modes−1 modes covered and ≥ 70% good samples.",
		Measure:   ganOS3},
	{ID: "OS-4", PaperRef: "abstract (only the generator converges); the 0.2 ratio is ours", Target: true,
		Statement: "Target: in successful Adam runs the generator's large-batch gradient signal falls to ≤ 0.2 of its value just after training first succeeds.",
		Measure:   func(res *Results) claims.Measurement { return ringRuns(res).os4() }},
	{ID: "OS-5a", PaperRef: "abstract (the discriminator's gradient norm stays high); threshold ours",
		Finding:   &claims.Finding{Where: "docs/03-adam-one-sided-gan.md, Findings"},
		Sweep:     &claims.Sweep{Passed: 0, Of: 10, Where: sweepWhere},
		Statement: "In successful Adam runs the discriminator's large-batch gradient signal over the last 20% stays ≥ 0.5 of its value at 10–30% of training.",
		Measure:   func(res *Results) claims.Measurement { return ringRuns(res).os5a() }},
	{ID: "OS-5b", PaperRef: "abstract (one-sided convergence); threshold ours", Target: true,
		Statement: "Target: over the last 20%, the discriminator's gradient signal-to-noise ratio is ≥ 5× the generator's (the one-sided picture, measured without minibatch noise).",
		Measure:   func(res *Results) claims.Measurement { return ringRuns(res).os5b() }},
	{ID: "OS-5c", PaperRef: "abstract (the discriminator's gradient stays large); the perfect-generator null is ours",
		Sweep:     &claims.Sweep{Passed: 4, Of: 10, Replicate0: false, Where: sweepWhere},
		Statement: "The discriminator's gradient is a real signal, ≥ 3× its sampling-noise floor over the last 20%, while in the null (generator = the true sampler, a game at equilibrium) it is < 3×.",
		Measure: func(res *Results) claims.Measurement {
			return ringRuns(res).os5c(" — so this part alone is not one-sided")
		}},
	{ID: "OS-6", PaperRef: "abstract (empirical one-sided MVI check); x* = final generator and the normalisation are ours",
		Sweep:     &claims.Sweep{Passed: 7, Of: 10, Replicate0: true, Where: sweepWhere},
		Statement: "Along successful Adam runs the generator satisfies the one-sided MVI: the normalised ⟨∇_θG L_G(θᵗ), θᵗ − θᵀ⟩ is ≥ 0 at ≥ 80% of the checkpoints in [0.1T, 0.9T].",
		Measure:   func(res *Results) claims.Measurement { return ringRuns(res).os6() }},
}

func toyRuns(res *Results, control bool, schedule string) []ToyRun {
	var out []ToyRun
	for _, r := range res.Toy {
		if r.Control == control && r.Schedule == schedule {
			out = append(out, r)
		}
	}
	return out
}

func toyOS1(res *Results) claims.Measurement {
	var ratios, constRatios, constFirst []float64
	var passes []bool
	for _, r := range toyRuns(res, false, "decay") {
		ratios = append(ratios, r.GradXRatio)
		passes = append(passes, toyConverged.Holds(r.GradXRatio))
	}
	for _, r := range toyRuns(res, false, "constant") {
		constRatios = append(constRatios, r.GradXRatio)
		constFirst = append(constFirst, float64(r.FirstBelow))
	}
	worst := claims.Max(ratios)
	return claims.Measurement{
		Value:  worst,
		Rule:   fmt.Sprintf("‖∇ₓf‖_T/‖∇ₓf‖₀ %s in every run (β₁ ∈ {0.5, 0.9} × %d seeds, α/√t, T = %d)", toyConverged, res.Config.Seeds, res.Config.ToySteps),
		Pass:   claims.All(passes),
		Detail: "ratios: " + claims.Each(ratios, "%.1e") + "; constant lr α/5 (outside the theorem, reported): ratios " + claims.Each(constRatios, "%.1e") + ", first step ≤ 1e-6: " + claims.Each(constFirst, "%.0f"),
		Reason: "the min player's gradient did not fall by 10⁶ in some run",
	}
}

func toyOS2(res *Results) claims.Measurement {
	minY, worstEnd, minShare := math.Inf(1), 1.0, 1.0
	var ok []bool
	for _, sched := range []string{"decay", "constant"} {
		for _, r := range toyRuns(res, false, sched) {
			minY = math.Min(minY, r.MinGradY)
			if math.Abs(r.FinalGradY-1) > math.Abs(worstEnd-1) {
				worstEnd = r.FinalGradY
			}
			minShare = math.Min(minShare, r.MVINonNeg)
			ok = append(ok, toyGradYMin.Holds(r.MinGradY) && toyGradYEnd.Holds(r.FinalGradY) && toyMVIShare.Holds(r.MVINonNeg))
		}
	}
	return claims.Measurement{
		Value: minY,
		Rule:  fmt.Sprintf("min ‖∇_y f‖ %s, final ‖∇_y f‖ in [1 ± 1e-6], MVI ≥ 0 at %s of steps, every run", toyGradYMin, toyMVIShare),
		Pass:  claims.All(ok),
		Parts: []claims.Part{{Name: "min grad y", Holds: toyGradYMin.Holds(minY)}, {Name: "final grad y", Holds: toyGradYEnd.Holds(worstEnd)},
			{Name: "mvi", Holds: toyMVIShare.Holds(minShare)}},
		Detail: fmt.Sprintf("min ‖∇_y f‖ %.12f; final furthest from 1: %.9f; least share of steps with MVI ≥ 0: %s (%s)", minY, worstEnd, claims.Pct(minShare), claims.Tally(ok)),
		Reason: "the toy's max player or its MVI value broke the construction",
	}
}

func toyControl(res *Results) claims.Measurement {
	var ends []float64
	var passes []bool
	for _, r := range toyRuns(res, true, "decay") {
		ends = append(ends, r.FinalGradY)
		passes = append(passes, ctrlGradY.Holds(r.FinalGradY))
	}
	return claims.Measurement{
		Value:  claims.Max(ends),
		Rule:   fmt.Sprintf("control's final ‖∇_y f‖ %s in every run (α/√t)", ctrlGradY),
		Pass:   claims.All(passes),
		Detail: "final ‖∇_y f‖: " + claims.Each(ends, "%.1e") + " (toy: 1)",
		Reason: "the control's max player did not converge: the control does not separate the mechanism",
	}
}

// studyRuns are the measured runs of one GAN study, the ring's (B) or
// MNIST's (C), as the claims OS-3 to OS-6 and their MNIST twins read them:
// the same rules on either study.
type studyRuns struct {
	gan     []GANRun
	minSucc int // successful Adam seeds a per-seed claim needs
	need    int // the majority of the study's seeds (OS-3, and the null's part of OS-5c)
	// succeeded is the study's success rule at checkpoint k of run r
	succeeded func(r GANRun, k int) bool
}

// ringRuns are the ring's runs: OS-4 to OS-6 need minSuccessful successful seeds.
func ringRuns(res *Results) studyRuns {
	return studyRuns{gan: res.GAN, minSucc: minSuccessful, need: res.Config.Majority(),
		succeeded: func(r GANRun, k int) bool { return r.Cover[k] >= res.Config.Modes-1 && r.Good[k] >= successGood }}
}

// of returns the runs of a method (null false) or its nulls.
func (s studyRuns) of(method string, null bool) []GANRun {
	var out []GANRun
	for _, r := range s.gan {
		if r.Method == method && r.Null == null {
			out = append(out, r)
		}
	}
	return out
}

// successfulAdam returns the Adam runs that succeeded at the end.
func (s studyRuns) successfulAdam() []GANRun {
	var out []GANRun
	for _, r := range s.of(MethodAdam, false) {
		if r.Success {
			out = append(out, r)
		}
	}
	return out
}

// window is the mean of s over the checkpoints with iteration in [lo·T, hi·T].
func window(r GANRun, s []float64, lo, hi float64) float64 {
	T := float64(r.Iter[len(r.Iter)-1])
	var xs []float64
	for k, it := range r.Iter {
		if f := float64(it); f >= lo*T-1e-9 && f <= hi*T+1e-9 {
			xs = append(xs, s[k])
		}
	}
	return claims.Mean(xs)
}

// refWindow is the mean of xs over the first checkpoint where run r meets
// the study's success rule and the two after it (NaN if never met).
func (s studyRuns) refWindow(r GANRun, xs []float64) float64 {
	for k := range r.Iter {
		if s.succeeded(r, k) {
			return claims.Mean(xs[k:min(k+3, len(xs))])
		}
	}
	return math.NaN()
}

// summary lists describe(r) of the runs rs, comma-separated, and whether each succeeded.
func summary(rs []GANRun, describe func(GANRun) string) (string, []bool) {
	var s string
	var passes []bool
	for i, r := range rs {
		if i > 0 {
			s += ", "
		}
		s += describe(r)
		passes = append(passes, r.Success)
	}
	return s, passes
}

// pilotScores lists the validation score of every selection run; what names the score.
func pilotScores(what string, pilots []PilotResult) string {
	s := "validation scores (" + what + ")"
	for _, p := range pilots {
		s += fmt.Sprintf(" %s@%g=%.2f", p.Method, p.LR, float64(p.Score))
	}
	return s
}

// os3 is OS-3 on a study: success (the rule named by rule) in a majority of
// the Adam seeds, with plain GDA at its own chosen rate (the control) and
// the selection's scores reported; describe says how a run ended.
func (s studyRuns) os3(adamLR, gdaLR float64, describe func(GANRun) string, rule, scores, reason string) claims.Measurement {
	adam, passes := summary(s.of(MethodAdam, false), describe)
	gda, gdaPasses := summary(s.of(MethodGDA, false), describe)
	return claims.Measurement{
		Value:  float64(claims.CountTrue(passes)),
		Rule:   fmt.Sprintf("%s in ≥ %d of %d seeds", rule, s.need, len(passes)),
		Pass:   claims.Majority(passes, s.need),
		Detail: fmt.Sprintf("Adam lr %g: %s (%s); plain GDA lr %g (control, same grid and budget): %s (%s); %s", adamLR, adam, claims.Tally(passes), gdaLR, gda, claims.Tally(gdaPasses), scores),
		Reason: reason,
	}
}

func ganOS3(res *Results) claims.Measurement {
	modes := res.Config.Modes
	return ringRuns(res).os3(res.AdamLR, res.GDALR,
		func(r GANRun) string {
			return fmt.Sprintf("%d/%d modes %s", r.FinalCover, modes, claims.Pct(r.FinalGood))
		},
		fmt.Sprintf("success (≥ %d modes, ≥ %s good)", modes-1, claims.Pct(successGood)), pilotScores("good × covered share", res.Pilot),
		"Adam did not train the ring GAN in a majority of seeds")
}

// perSeed evaluates value on the successful Adam runs against th by majority
// (at least s.minSucc of them needed); the control runs (plain GDA, all
// seeds) and the nulls are reported in the detail.
func (s studyRuns) perSeed(th claims.Threshold, value func(GANRun) float64, higherIsBetter bool, what, reason string) claims.Measurement {
	succ := s.successfulAdam()
	var vals []float64
	var passes []bool
	for _, r := range succ {
		v := value(r)
		vals = append(vals, v)
		passes = append(passes, th.Holds(v))
	}
	var gda, null []float64
	for _, r := range s.of(MethodGDA, false) {
		gda = append(gda, value(r))
	}
	for _, r := range s.of(MethodAdam, true) {
		null = append(null, value(r))
	}
	need := (len(succ) + 2) / 2 // majority of the successful seeds
	m := claims.Measurement{
		Value: claims.MajorityValue(vals, need, higherIsBetter),
		Rule:  fmt.Sprintf("%s %s in ≥ %d of the %d successful Adam seeds (≥ %d needed)", what, th, need, len(succ), s.minSucc),
		Pass:  len(succ) >= s.minSucc && claims.Majority(passes, need),
		Detail: fmt.Sprintf("successful Adam seeds: %s (%s); plain GDA (all seeds): %s; perfect-G null: %s",
			claims.Each(vals, "%.3g"), claims.Tally(passes), claims.Each(gda, "%.3g"), claims.Each(null, "%.3g")),
		Reason: reason,
	}
	if len(succ) < s.minSucc {
		m.Value = math.NaN()
		m.Reason = fmt.Sprintf("only %d successful Adam seeds (≥ %d needed)", len(succ), s.minSucc)
	}
	return m
}

// os4 is OS-4 on a study: the generator's signal over the last 20% against
// its value just after the run first succeeds.
func (s studyRuns) os4() claims.Measurement {
	return s.perSeed(genConverged, func(r GANRun) float64 {
		// ratio = mean signal over the last 20% / mean signal just after success
		return window(r, r.SigG, 0.8, 1) / s.refWindow(r, r.SigG)
	}, false, "G signal last 20% / at first success", "the generator's gradient signal did not fall by 5× after training succeeded")
}

// os5a is OS-5a on a study: the discriminator's signal over the last 20% against 10–30% of training.
func (s studyRuns) os5a() claims.Measurement {
	return s.perSeed(discStays, func(r GANRun) float64 {
		return window(r, r.SigD, 0.8, 1) / window(r, r.SigD, 0.1, 0.3)
	}, true, "D signal last 20% / 10–30%", "the discriminator's gradient signal decayed")
}

// snr is a run's signal-to-noise ratio of a player over the last 20%.
func snr(r GANRun, sig, noise []float64) float64 {
	return window(r, sig, 0.8, 1) / window(r, noise, 0.8, 1)
}

// os5b is OS-5b on a study: the discriminator's SNR against the generator's over the last 20%.
func (s studyRuns) os5b() claims.Measurement {
	return s.perSeed(snrRatio, func(r GANRun) float64 {
		return snr(r, r.SigD, r.NoiseD) / snr(r, r.SigG, r.NoiseG)
	}, true, "SNR_D / SNR_G over the last 20%", "the discriminator's gradient is not markedly more significant than the generator's: no one-sided picture")
}

// os5c is OS-5c on a study: the discriminator's signal above its noise floor
// in the successful Adam runs and not in the nulls; genNote ends the detail.
func (s studyRuns) os5c(genNote string) claims.Measurement {
	m := s.perSeed(discAboveNF, func(r GANRun) float64 { return snr(r, r.SigD, r.NoiseD) }, true,
		"D signal / noise floor over the last 20%", "the discriminator's gradient is not above its noise floor")
	var null []float64
	var nullOK []bool
	for _, r := range s.of(MethodAdam, true) {
		v := snr(r, r.SigD, r.NoiseD)
		null = append(null, v)
		nullOK = append(nullOK, !discAboveNF.Holds(v))
	}
	var gen []float64
	for _, r := range s.successfulAdam() {
		gen = append(gen, snr(r, r.SigG, r.NoiseG))
	}
	nullPass := claims.Majority(nullOK, s.need)
	m.Parts = []claims.Part{{Name: "gan", Holds: m.Pass}, {Name: "null", Holds: nullPass}}
	m.Rule += fmt.Sprintf("; null below it in ≥ %d of %d", s.need, len(null))
	m.Detail += fmt.Sprintf("; null SNR_D: %s (%s below); generator's own SNR_G (successful Adam): %s%s",
		claims.Each(null, "%.3g"), claims.Tally(nullOK), claims.Each(gen, "%.3g"), genNote)
	if m.Pass && !nullPass {
		m.Reason = "the null's discriminator gradient is also above the floor: the measurement does not separate a game at equilibrium"
	}
	m.Pass = m.Pass && nullPass
	return m
}

// mviFraction is the share of checkpoints in [0.1T, 0.9T] with a value ≥ 0.
func mviFraction(r GANRun, s []float64) float64 {
	T := float64(r.Iter[len(r.Iter)-1])
	n, pos := 0, 0
	for k, it := range r.Iter {
		if f := float64(it); f >= 0.1*T && f <= 0.9*T && !math.IsNaN(s[k]) {
			n++
			if s[k] >= 0 {
				pos++
			}
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(pos) / float64(n)
}

// os6 is OS-6 on a study: the generator's one-sided MVI along the successful
// Adam runs, the discriminator's side reported.
func (s studyRuns) os6() claims.Measurement {
	m := s.perSeed(mviShare, func(r GANRun) float64 { return mviFraction(r, r.MVIG) }, true,
		"share of checkpoints with generator MVI ≥ 0", "the generator's one-sided MVI failed at more than 20% of checkpoints")
	var dside []float64
	for _, r := range s.successfulAdam() {
		dside = append(dside, mviFraction(r, r.MVID))
	}
	m.Detail += "; discriminator side (its own loss), successful Adam: " + claims.Each(dside, "%.2f") +
		" — the MVI is evidence of one-sidedness only if this side fails"
	return m
}
