package superres

import (
	"fmt"
	"math"

	"theorylab/pkg/claims"
)

// The thresholds of the claims, fixed from the spec before any run (never
// loosened to make a run pass). The spec calls every FSR threshold a target
// to calibrate on ≥ 5 seeds before asserting; the 10-replicate sweep in
// docs/06 is that calibration, so FSR-1…FSR-5 are claims with the sweep
// recorded beside them (none of the paper's is reproduced; they read FAIL
// where they fail, and the test pins seed 0's outcome). FSR-6 is the spec's
// report-only baseline.
var (
	nearFloor   = claims.AtMost(3).Times()         // final distance / noise floor (FSR-1 quick, FSR-4)
	nearFloorF  = claims.AtMost(2).Times()         // FSR-1 in the full preset (spec: ≤ 2×)
	belowInit   = claims.AtMost(0.2).Times()       // final distance / distance at initialisation (FSR-1)
	atomCos     = 0.9                              // |cos| of a recovered atom (FSR-3)
	atomsShare  = claims.AtLeast(0.5).Percent()    // share of teacher atoms recovered (FSR-3 quick)
	atomsShareF = claims.AtLeast(0.7).Percent()    // FSR-3 in the full preset (spec: ≥ 70%)
	notWorse    = claims.AtMost(1).Times()         // multi-scale / single-scale detail distance (FSR-6)
	activityFit = claims.Between(0.5, 1.5).Times() // learner activity / teacher activity (FSR-5)
	controlFar  = claims.Above(3).Times()          // control GAN's joint distance / its floor (FSR-4c)
)

// sweep is where the quick preset's 10-replicate sweep is recorded.
const sweep = "docs/06-forward-super-resolution.md, 10-replicate sweep"

// full reports whether res is the full preset's (whose FSR-1 and FSR-3 thresholds are stricter).
func full(res *Results) bool { return res.Config.Preset == "full" }

// Claims are the paper's claims, as data.
var Claims = claims.Set[*Results]{
	{ID: "FSR-1", Sweep: &claims.Sweep{Passed: 0, Of: 10, Replicate0: false, Where: sweep},
		PaperRef:  "main theorem (exact statement unverified: check the paper)",
		Statement: "Gradient descent–ascent learns each resolution: at the end the level-1 image and the level-2 detail residual of the multi-scale GAN are both within 3× (full preset: 2×) of the real-vs-real noise floor and below 0.2× their distance at initialisation.",
		Measure:   levelsLearned},
	{ID: "FSR-2", Sweep: &claims.Sweep{Passed: 4, Of: 10, Replicate0: false, Where: sweep},
		PaperRef:  "abstract; the paper's empirical section (figure unverified)",
		Statement: "Coarse before fine: the level-1 image reaches 80% of its possible progress no later than the detail residual, t₁ ≤ t₂.",
		Measure:   orderClaim(false)},
	{ID: "FSR-2s", Target: true, PaperRef: "our stricter reading of FSR-2 (report only)",
		Statement: "Report: strictly coarse before fine, t₁ < t₂. FSR-2's ≤ also counts ties — both levels crossing 80% between the same two evaluations — which say nothing about the order.",
		Measure:   orderClaim(true)},
	{ID: "FSR-3", Sweep: &claims.Sweep{Passed: 0, Of: 10, Replicate0: false, Where: sweep},
		PaperRef:  "the sparse-feature mechanism (unverified: check the paper)",
		Statement: "The generator's level-1 units recover the teacher's sparse atoms: at least half (full preset: 70%) of the atoms of M₁* have a learned column with |cos| ≥ 0.9 (chance ≈ 0.55).",
		Measure:   atomsRecovered},
	{ID: "FSR-4", Sweep: &claims.Sweep{Passed: 0, Of: 10, Replicate0: false, Where: sweep},
		PaperRef:  "forward super-resolution structure (our measurement)",
		Statement: "The hierarchy is learned jointly: the joint distance on (level-1 image, detail residual) is within 3× of its floor and closer to it than half-way from the no-structure null (right levels, no coupling).",
		Measure:   jointLearned},
	{ID: "FSR-4c", When: func(res *Results) bool { return res.Config.Control },
		PaperRef:  "our construction (the control of FSR-4)",
		Statement: "Control: on the no-structure teacher, whose details do not depend on the coarse image, the same generator (details driven by coarse features) stays above 3× its joint floor.",
		Measure:   controlJoint},
	{ID: "FSR-5", Sweep: &claims.Sweep{Passed: 3, Of: 10, Replicate0: false, Where: sweep},
		PaperRef:  "the sparse-feature mechanism (unverified: check the paper)",
		Statement: "Hidden features are sparse: the learner's mean activity at each level is within ±50% of the teacher's (units active on ≥ 1% of samples; dead units reported).",
		Measure:   sparsity},
	{ID: "FSR-6", Target: true, PaperRef: "report only (our baseline)",
		Statement: "Report: the multi-scale discriminator (coarse image and residual seen apart) ends with a detail residual at most as far as the single-scale one's.",
		When:      func(res *Results) bool { return res.Config.SingleScale },
		Measure:   singleScale},
}

// byVariant returns the runs of one variant, in seed order, with their seed results.
func byVariant(res *Results, v string) ([]RunResult, []SeedResult) {
	var rs []RunResult
	var ss []SeedResult
	for _, r := range res.Runs {
		if r.Variant == v {
			rs = append(rs, r)
			for _, s := range res.Seeds {
				if s.Seed == r.Seed {
					ss = append(ss, s)
				}
			}
		}
	}
	return rs, ss
}

func levelsLearned(res *Results) claims.Measurement {
	rs, ss := byVariant(res, VariantMulti)
	need := res.Config.Majority()
	floor := nearFloor
	if full(res) {
		floor = nearFloorF
	}
	var worst []float64
	var passes, partFloor, partInit []bool
	var d []string
	for i, r := range rs {
		// ratios to the floor and to initialisation, per level
		f1, fr := float64(r.Final1)/ss[i].Floor1, float64(r.FinalR2)/ss[i].FloorR2
		i1, ir := float64(r.Final1/r.Init1), float64(r.FinalR2/r.InitR2)
		okF := floor.Holds(f1) && floor.Holds(fr)
		okI := belowInit.Holds(i1) && belowInit.Holds(ir)
		worst = append(worst, math.Max(f1, fr))
		passes = append(passes, okF && okI)
		partFloor, partInit = append(partFloor, okF), append(partInit, okI)
		d = append(d, fmt.Sprintf("seed %d: SWD₁ %.2f× floor (%.2f× init), SWDᴿ₂ %.2f× floor (%.2f× init)", r.Seed, f1, i1, fr, ir))
	}
	return claims.Measurement{
		Value: claims.MajorityValue(worst, need, false),
		Rule:  fmt.Sprintf("both levels %s floor and %s init in ≥ %d of %d seeds", floor, belowInit, need, len(rs)),
		Pass:  claims.Majority(passes, need),
		Parts: []claims.Part{{Name: "near floor", Holds: claims.Majority(partFloor, need)},
			{Name: "below init", Holds: claims.Majority(partInit, need)}},
		Detail: joinDetail(d) + "; value: the worse level's distance / floor. " + controlLevels(res) + chosenLRs(res),
		Reason: "a level stays far from its noise floor",
	}
}

// controlLevels describes the baselines' final per-level distances.
func controlLevels(res *Results) string {
	s := ""
	for _, v := range []string{VariantControl, VariantSingle, VariantCoarseFirst, VariantNoisy} {
		rs, ss := byVariant(res, v)
		if len(rs) == 0 {
			continue
		}
		var a, b []float64
		for i, r := range rs {
			f := ss[i].FloorsOf(v) // against the variant's own teacher
			a = append(a, float64(r.Final1)/f.Level1)
			b = append(b, float64(r.FinalR2)/f.R2)
		}
		s += fmt.Sprintf("%s: SWD₁/floor %s, SWDᴿ₂/floor %s. ", v, claims.Each(a, "%.2f"), claims.Each(b, "%.2f"))
	}
	return s
}

// chosenLRs lists, per variant, the learning rate each seed chose on the
// validation split.
func chosenLRs(res *Results) string {
	s := fmt.Sprintf("Learning rates chosen on validation from %v, per seed: ", res.Config.LRs)
	for i, v := range res.Config.variants() {
		rs, _ := byVariant(res, v)
		var lrs []float64
		for _, r := range rs {
			lrs = append(lrs, r.LR)
		}
		if i > 0 {
			s += "; "
		}
		s += v + " " + claims.Each(lrs, "%g")
	}
	return s + "."
}

func joinDetail(d []string) string {
	s := ""
	for i, x := range d {
		if i > 0 {
			s += "; "
		}
		s += x
	}
	return s
}

// order compares, per seed of the multi-scale GAN, t₁ and t₂: both reached
// and t₁ < t₂ (coarse first), t₁ = t₂ (a tie: both crossed 80% between the
// same two evaluations) or t₁ > t₂; the value is t₂ − t₁ (NaN: never).
func order(res *Results) (before, tie []bool, gaps []float64) {
	rs, _ := byVariant(res, VariantMulti)
	for _, r := range rs {
		both := r.T1 >= 0 && r.T2 >= 0
		before, tie = append(before, both && r.T1 < r.T2), append(tie, both && r.T1 == r.T2)
		gap := math.NaN()
		if both {
			gap = float64(r.T2 - r.T1)
		}
		gaps = append(gaps, gap)
	}
	return before, tie, gaps
}

// orderDetail lists (t₁, t₂) per seed for every variant, and the tally of
// strict orders and ties of the multi-scale GAN.
func orderDetail(res *Results) string {
	ts := func(v string) string {
		rs, _ := byVariant(res, v)
		s := ""
		for i, r := range rs {
			if i > 0 {
				s += ", "
			}
			s += fmt.Sprintf("(%s, %s)", tstr(r.T1), tstr(r.T2))
		}
		return s
	}
	before, tie, _ := order(res)
	nb, nt := claims.CountTrue(before), claims.CountTrue(tie)
	d := fmt.Sprintf("(t₁, t₂) per seed: %s — coarse strictly first in %d, ties in %d, fine first or never in %d of %d",
		ts(VariantMulti), nb, nt, len(before)-nb-nt, len(before))
	for _, v := range []string{VariantCoarseFirst, VariantControl, VariantSingle, VariantNoisy} {
		if rs, _ := byVariant(res, v); len(rs) > 0 {
			d += fmt.Sprintf("; %s: %s", v, ts(v))
		}
	}
	return d + fmt.Sprintf("; value: t₂ − t₁ (iterations; evaluations every %d). '—': never reached.", res.Config.EvalEvery)
}

// orderClaim measures the order of learning: t₁ ≤ t₂ (FSR-2, the spec's
// rule, ties counted as coarse first) or, strict, t₁ < t₂ (FSR-2s).
func orderClaim(strict bool) func(*Results) claims.Measurement {
	return func(res *Results) claims.Measurement {
		need := res.Config.Majority()
		before, tie, gaps := order(res)
		passes := make([]bool, len(before))
		for i := range passes {
			passes[i] = before[i] || (tie[i] && !strict)
		}
		rule, reason := "t₁ ≤ t₂", "the details reach 80% progress before the coarse image, or a level never does"
		if strict {
			rule, reason = "t₁ < t₂", "the coarse image does not cross 80% progress strictly before the details (ties, or fine first)"
		}
		rule = fmt.Sprintf("%s (progress ≥ %.0f%%, both reached) in ≥ %d of %d seeds", rule, 100*progressAt, need, len(passes))
		if strict {
			rule += " (report only)"
		}
		return claims.Measurement{
			Value:  claims.MajorityValue(gaps, need, true),
			Rule:   rule,
			Pass:   claims.Majority(passes, need),
			Detail: orderDetail(res),
			Reason: reason,
		}
	}
}

func tstr(t int) string {
	if t < 0 {
		return "—"
	}
	return fmt.Sprint(t)
}

func atomsRecovered(res *Results) claims.Measurement {
	rs, ss := byVariant(res, VariantMulti)
	need := res.Config.Majority()
	var shares, chance []float64
	for i, r := range rs {
		shares = append(shares, shareAbove(r.AtomCos, atomCos))
		chance = append(chance, shareAbove(ss[i].ChanceCos, atomCos))
	}
	share := atomsShare
	if full(res) {
		share = atomsShareF
	}
	var med []float64
	for _, s := range ss {
		med = append(med, claims.Median(s.ChanceCos))
	}
	return claims.Measurement{
		Value: claims.MajorityValue(shares, need, true),
		Rule:  fmt.Sprintf("share of atoms with |cos| ≥ %.1f %s in ≥ %d of %d seeds", atomCos, share, need, len(rs)),
		Pass:  claims.Majority(holdsEach(share, shares), need),
		Detail: fmt.Sprintf("share per seed: %s; chance (random unit columns): %s, median best |cos| %s",
			claims.Each(shares, "%.2f"), claims.Each(chance, "%.2f"), claims.Each(med, "%.2f")),
		Reason: "too few of the teacher's atoms have a close learned column",
	}
}

func shareAbove(xs []float64, c float64) float64 {
	n := 0.0
	for _, x := range xs {
		if x >= c {
			n++
		}
	}
	return n / float64(max(len(xs), 1))
}

func jointLearned(res *Results) claims.Measurement {
	rs, ss := byVariant(res, VariantMulti)
	need := res.Config.Majority()
	var ratios []float64
	var passes, pFloor, pNull []bool
	var d []string
	for i, r := range rs {
		s := ss[i]
		ratio := float64(r.FinalJoint) / s.FloorJoint
		// below the null by at least half its gap to the floor
		mid := s.NullJoint - (s.NullJoint-s.FloorJoint)/2
		a, b := nearFloor.Holds(ratio), float64(r.FinalJoint) <= mid
		ratios = append(ratios, ratio)
		passes, pFloor, pNull = append(passes, a && b), append(pFloor, a), append(pNull, b)
		d = append(d, fmt.Sprintf("seed %d: joint %.4f, floor %.4f, null %.4f", r.Seed, float64(r.FinalJoint), s.FloorJoint, s.NullJoint))
	}
	return claims.Measurement{
		Value: claims.MajorityValue(ratios, need, false),
		Rule:  fmt.Sprintf("joint / floor %s and ≤ midpoint of null and floor, in ≥ %d of %d seeds", nearFloor, need, len(rs)),
		Pass:  claims.Majority(passes, need),
		Parts: []claims.Part{{Name: "near floor", Holds: claims.Majority(pFloor, need)},
			{Name: "below null midpoint", Holds: claims.Majority(pNull, need)}},
		Detail: joinDetail(d) + "; value: joint / floor.",
		Reason: "the joint distribution of coarse image and details is not learned",
	}
}

func controlJoint(res *Results) claims.Measurement {
	rs, ss := byVariant(res, VariantControl)
	need := res.Config.Majority()
	var ratios []float64
	for i, r := range rs {
		ratios = append(ratios, float64(r.FinalJoint)/ss[i].FloorsOf(VariantControl).Joint)
	}
	return claims.Measurement{
		Value:  claims.MajorityValue(ratios, need, true),
		Rule:   fmt.Sprintf("joint / floor %s in ≥ %d of %d seeds", controlFar, need, len(rs)),
		Pass:   claims.Majority(holdsEach(controlFar, ratios), need),
		Detail: "joint / floor per seed on the no-structure teacher: " + claims.Each(ratios, "%.2f"),
		Reason: "the generator also fits a target whose details are independent of the coarse image",
	}
}

func sparsity(res *Results) claims.Measurement {
	rs, ss := byVariant(res, VariantMulti)
	need := res.Config.Majority()
	var worst []float64
	var passes []bool
	var d []string
	for i, r := range rs {
		a1, a2 := r.Active1/ss[i].Teacher1, r.Active2/ss[i].Teacher2
		passes = append(passes, activityFit.Holds(a1) && activityFit.Holds(a2))
		// the level farther from 1×
		w := a1
		if math.Abs(math.Log(a2)) > math.Abs(math.Log(a1)) {
			w = a2
		}
		worst = append(worst, w)
		d = append(d, fmt.Sprintf("seed %d: level 1 %.2f vs %.2f (%d dead), level 2 %.2f vs %.2f (%d dead)",
			r.Seed, r.Active1, ss[i].Teacher1, r.Dead1, r.Active2, ss[i].Teacher2, r.Dead2))
	}
	return claims.Measurement{
		Value:  claims.MajorityValue(worst, need, false),
		Rule:   fmt.Sprintf("learner / teacher activity %s at both levels in ≥ %d of %d seeds", activityFit, need, len(rs)),
		Pass:   claims.Majority(passes, need),
		Detail: joinDetail(d) + "; value: the level farther from 1×.",
		Reason: "the learner's hidden units are much denser (or sparser) than the teacher's",
	}
}

func singleScale(res *Results) claims.Measurement {
	ms, _ := byVariant(res, VariantMulti)
	sc, _ := byVariant(res, VariantSingle)
	need := res.Config.Majority()
	var ratios []float64
	var passes []bool
	for i := range ms {
		q := float64(ms[i].FinalR2 / sc[i].FinalR2)
		ratios = append(ratios, q)
		passes = append(passes, notWorse.Holds(q))
	}
	return claims.Measurement{
		Value:  claims.MajorityValue(ratios, need, false),
		Rule:   fmt.Sprintf("multi-scale SWDᴿ₂ / single-scale SWDᴿ₂ %s in ≥ %d of %d seeds (report only)", notWorse, need, len(ms)),
		Pass:   claims.Majority(passes, need),
		Detail: "ratio per seed: " + claims.Each(ratios, "%.2f") + ". " + chosenLRs(res),
		Reason: "the single-scale discriminator leads to details as close or closer",
	}
}

// holdsEach is th.Holds of every value.
func holdsEach(th claims.Threshold, xs []float64) []bool {
	out := make([]bool, len(xs))
	for i, x := range xs {
		out[i] = th.Holds(x)
	}
	return out
}
