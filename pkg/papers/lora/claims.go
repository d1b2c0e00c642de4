package lora

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"theorylab/pkg/claims"
)

// Thresholds of the spec, fixed before any run.
const (
	MergeTol       = 1e-5 // LORA-3: ‖f_merged − f_unmerged‖∞ ≤ 1e-5·max(1, ‖f‖∞) in float32
	UnmergeTol     = 1e-6 // LORA-3: unmerging restores W₀ to 1e-6 relative
	RankTol        = 1e-5 // LORA-4: σ_{r+1…} ≤ 1e-5·σ₁
	AdaptNeedPts   = 2.0  // LORA-7: full FT − head-only ≥ 2 points
	RecoverShare   = 0.70 // LORA-9: rank 1 recovers ≥ 70% of the gap
	FlatPts        = 1.5  // LORA-10: max − min over r ≥ 4 ≤ 1.5 points
	Phi11Factor    = 10.0 // LORA-11: φ(1, 1) ≥ 10 × the random baseline 1/k
	SeedFactor     = 3.0  // LORA-12: seed-versus-seed φ ≥ 3 × Gaussian-versus-Gaussian
	AmpRandomRatio = 3.0  // LORA-13: ΔW-based ≥ 3 × random
)

// Claims checks the paper's claims on the results (the spec's LORA-1 … 13).
// Accuracy claims use the median over seeds; the Section-7 claims hold when
// they hold in the majority of seeds (or seed pairs), on every layer listed
// in ClaimLayers. LORA-10 is a claim of the full preset; the quick preset
// reports it as a target.
func Claims(res *Results) claims.List {
	cfg := res.Config
	loraVs := res.loraVariants()
	var list claims.List

	// LORA-1: before any step the adapted network equals the base network.
	worst, parts := 0.0, []string{}
	for _, v := range loraVs {
		worst = math.Max(worst, v.InitMaxDiff)
		parts = append(parts, fmt.Sprintf("r=%d: %g", v.Rank, v.InitMaxDiff))
	}
	ok := len(loraVs) > 0 && worst == 0
	list = append(list, claims.Claim{ID: "LORA-1",
		Statement: "With B = 0 at initialisation, the adapted network computes exactly the pretrained network: training starts from it.",
		PaperRef:  "§4.1 (section number unverified: check the paper)", Measured: worst,
		Detail:    fmt.Sprintf("max |f_LoRA − f_base| on %d test inputs before any step — %s", cfg.MergeCheckN, strings.Join(parts, ", ")),
		Threshold: "max |Δ| = 0 exactly, every rank and seed", Pass: ok,
		Reason: claims.ReasonIf(!ok, "the zero-initialised adapter changed the output")})

	// LORA-2: frozen weights are untouched.
	changed, parts := 0, []string{}
	for _, v := range res.Variants {
		if v.Kind == KindFull {
			continue
		}
		changed += v.FrozenChanged
		parts = append(parts, fmt.Sprintf("%s: %d", v.Name, v.FrozenChanged))
	}
	ok = changed == 0 && len(parts) > 0
	list = append(list, claims.Claim{ID: "LORA-2",
		Statement: "Training updates only A, B and the head: the pretrained W₀ and biases stay bit-identical.",
		PaperRef:  "§4.1", Measured: float64(changed),
		Detail:    "frozen values that changed — " + strings.Join(parts, ", "),
		Threshold: "0 changed values (bit for bit), every LoRA and head-only run", Pass: ok,
		Reason: claims.ReasonIf(!ok, "a frozen value changed during adaptation")})

	// LORA-3: merged equals unmerged; unmerge restores W₀; merging twice is refused.
	var mergeWorst, unmergeWorst float64
	refused := len(loraVs) > 0
	parts = nil
	for _, v := range loraVs {
		rel := v.MergeDiff / v.MergeScale
		mergeWorst = math.Max(mergeWorst, rel)
		unmergeWorst = math.Max(unmergeWorst, v.UnmergeErr)
		refused = refused && v.MergeTwiceError != ""
		parts = append(parts, fmt.Sprintf("r=%d: %.2g (‖f‖∞ = %.3g)", v.Rank, rel, v.MergeScale))
	}
	ok = len(loraVs) > 0 && mergeWorst <= MergeTol && unmergeWorst <= UnmergeTol && refused
	list = append(list, claims.Claim{ID: "LORA-3",
		Statement: "Merging W = W₀ + (α/r)BA gives the same outputs as the unmerged adapter (no extra inference latency); unmerging restores W₀.",
		PaperRef:  "§4.1; microsoft/LoRA issues #34, #61", Measured: mergeWorst,
		Detail: fmt.Sprintf("‖f_merged − f_unmerged‖∞ / max(1, ‖f‖∞) on %d test inputs — %s; unmerge error %.2g relative; second merge refused: %v",
			cfg.MergeCheckN, strings.Join(parts, ", "), unmergeWorst, refused),
		Threshold: "≤ 1e-5 (float32), unmerge ≤ 1e-6 relative, a second merge refused", Pass: ok,
		Reason: claims.ReasonIf(!ok, "merged and unmerged outputs differ, unmerge did not restore W₀, or a double merge was accepted")})

	// LORA-4: ΔW has rank r.
	var rankWorst float64
	parts = nil
	for _, v := range loraVs {
		rankWorst = math.Max(rankWorst, v.RankRatio)
		parts = append(parts, fmt.Sprintf("r=%d: %.2g", v.Rank, v.RankRatio))
	}
	ok = len(loraVs) > 0 && rankWorst <= RankTol
	list = append(list, claims.Claim{ID: "LORA-4",
		Statement: "The learned update ΔW = (α/r)BA has rank at most r.",
		PaperRef:  "§4.1", Measured: rankWorst,
		Detail:    "max σ_{r+1}/σ₁ of ΔW over seeds and layers — " + strings.Join(parts, ", "),
		Threshold: "σ_{r+1…} ≤ 1e-5·σ₁", Pass: ok,
		Reason: claims.ReasonIf(!ok, "ΔW has more than r significant singular values")})

	// LORA-5: trainable parameter count.
	mismatch := 0
	parts = nil
	for _, v := range res.Variants {
		if v.Trainable != v.Expected {
			mismatch++
		}
		parts = append(parts, fmt.Sprintf("%s: %d", v.Name, v.Trainable))
	}
	ok = mismatch == 0 && len(res.Variants) > 0
	list = append(list, claims.Claim{ID: "LORA-5",
		Statement: "LoRA trains r(d + k) values per adapted d×k matrix (plus the head) instead of d·k.",
		PaperRef:  "§4.1", Measured: float64(mismatch),
		Detail:    "trainable values per run — " + strings.Join(parts, ", ") + fmt.Sprintf(" (backbone weights: %d)", cfg.Inputs()*cfg.Hidden+cfg.Hidden*cfg.Hidden),
		Threshold: "counted = Σ r(d + k) + head, for every variant (0 mismatches)", Pass: ok,
		Reason: claims.ReasonIf(!ok, "the training loop trains a different number of values than the formula")})

	// LORA-6: both factors zero → nothing moves.
	p := res.Pitfall
	m6 := math.Max(p.GradMax, p.AdapterMax)
	ok = m6 == 0 && p.NormalGradB > 0 && p.Steps > 0
	list = append(list, claims.Claim{ID: "LORA-6",
		Statement: "Exactly one factor may start at zero: with A = B = 0 the gradients of A and B vanish and the adapter never moves.",
		PaperRef:  "§4.1 initialisation (our check)", Measured: m6,
		Detail: fmt.Sprintf("rank %d, A = B = 0: max gradient %g, max |A|, |B| after %d Adam steps %g; with A random, B = 0: max |∂L/∂B| = %.3g",
			p.Rank, p.GradMax, p.Steps, p.AdapterMax, p.NormalGradB),
		Threshold: fmt.Sprintf("gradients exactly 0 and adapters exactly 0 after %d steps (and B's gradient non-zero with the normal init)", p.Steps), Pass: ok,
		Reason: claims.ReasonIf(!ok, "an all-zero adapter received a gradient, or the normal init did not")})

	// Accuracy claims: medians over seeds, in points.
	head, full := res.variant(KindHead, 0), res.variant(KindFull, 0)
	r1, r4 := res.variant(KindLoRA, 1), res.variant(KindLoRA, 4)
	med := func(v *Variant) float64 {
		if v == nil {
			return math.NaN()
		}
		return 100 * claims.Median(v.Acc)
	}
	mh, mf, m1, m4 := med(head), med(full), med(r1), med(r4)
	accDetail := fmt.Sprintf("median 5–9 test accuracy: head-only %.2f, full FT %.2f, LoRA r=1 %.2f, r=4 %.2f (points)", mh, mf, m1, m4)

	gap := mf - mh
	ok = gap >= AdaptNeedPts
	list = append(list, claims.Claim{ID: "LORA-7",
		Statement: "The new task needs adaptation: fine-tuning the backbone beats training only a new head.",
		PaperRef:  "our construction (precondition of LORA-8 and LORA-9)", Measured: gap,
		Detail: accDetail, Threshold: "median full FT − median head-only ≥ 2 points", Pass: ok,
		Reason: claims.ReasonIf(!ok, "a new head alone does about as well as full fine-tuning: the task is too easy to show adaptation")})

	d8 := m4 - mf
	ok = d8 >= -cfg.OnParGap
	list = append(list, claims.Claim{ID: "LORA-8",
		Statement: "LoRA is on par with full fine-tuning while training a small fraction of the parameters.",
		PaperRef:  "Tables 2–4 (their numbers unverified: check the paper)", Measured: d8,
		Detail:    accDetail + fmt.Sprintf("; LoRA r=4 trains %d values, full FT %d", trainable(r4), trainable(full)),
		Threshold: fmt.Sprintf("median LoRA r=4 ≥ median full FT − %.1f points", cfg.OnParGap), Pass: ok,
		Reason: claims.ReasonIf(!ok, fmt.Sprintf("LoRA r=4 trails full fine-tuning by %.2f points after %d epochs (see the docs: finding)", -d8, cfg.AdaptEpochs))})

	share := math.NaN()
	if gap > 0 {
		share = (m1 - mh) / gap
	}
	ok = share >= RecoverShare
	list = append(list, claims.Claim{ID: "LORA-9",
		Statement: "A very low rank already suffices: rank 1 recovers most of what full fine-tuning gains over a new head.",
		PaperRef:  "Table 6", Measured: share,
		Detail:    accDetail + "; share = (r=1 − head-only)/(full FT − head-only)",
		Threshold: "share ≥ 70% (medians over seeds)", Pass: ok,
		Reason: claims.ReasonIf(!ok, "rank 1 recovers less than 70% of the gap")})

	// LORA-10: flat in r over r ≥ 4.
	lo, hi := math.Inf(1), math.Inf(-1)
	parts = nil
	for _, v := range loraVs {
		if v.Rank < 4 {
			continue
		}
		m := med(&v)
		lo, hi = math.Min(lo, m), math.Max(hi, m)
		parts = append(parts, fmt.Sprintf("r=%d: %.2f", v.Rank, m))
	}
	spread := hi - lo
	if len(parts) < 2 {
		spread = math.NaN()
	}
	ok = spread <= FlatPts
	list = append(list, claims.Claim{ID: "LORA-10",
		Statement: "Accuracy is flat in the rank: beyond a few directions, a larger r adds little.",
		PaperRef:  "Table 6", Measured: spread,
		Detail:    "median accuracy per rank — " + strings.Join(parts, ", "),
		Threshold: "max − min of the medians over r ≥ 4 ≤ 1.5 points" + map[bool]string{true: "", false: " (a full-preset claim; a target here)"}[cfg.Preset == "full"],
		Pass:      ok, Target: cfg.Preset != "full",
		Reason: claims.ReasonIf(!ok, "accuracy still changes with the rank")})

	list = append(list, res.subspaceClaims()...)
	for i := range list {
		if where, ok := documentedFindings[list[i].ID]; ok && !list[i].Passed() {
			list[i].Finding = where
		}
	}
	return list
}

// documentedFindings are the claims whose failure in our reproduction is a
// finding, documented where each entry says. They still read FAIL; the
// quick-preset test asserts the documented behaviour, so a change is noticed.
var documentedFindings = map[string]string{
	"LORA-8":  "docs/04-lora.md, Findings: after the spec's 5 epochs LoRA is still under-trained",
	"LORA-13": "docs/04-lora.md, Findings: pretraining moved W₀ little from its random start, so ΔW's directions look random against W₀",
}

// subspaceClaims are LORA-11, 12, 13 (Section 7), over the claim layers.
func (res *Results) subspaceClaims() claims.List {
	cfg := res.Config
	need := needed(cfg.Seeds)
	rule := fmt.Sprintf("in ≥ %d of %d seeds", need, cfg.Seeds)
	var list claims.List
	layers := res.claimLayers()
	nameList := func() string {
		var n []string
		for _, l := range layers {
			n = append(n, LayerName(l.Layer))
		}
		return strings.Join(n, ", ")
	}

	// LORA-11: the top direction of ΔW_small is shared with ΔW_large.
	h11, ok11 := math.Inf(1), len(layers) > 0
	var parts []string
	for _, l := range res.Layers {
		base := 1 / float64(l.K)
		passes := make([]bool, len(l.Phi11Delta))
		for i, v := range l.Phi11Delta {
			passes[i] = v >= Phi11Factor*base
		}
		v := claims.MajorityValue(l.Phi11Delta, need, true)
		if l.claimed(cfg) {
			h11 = math.Min(h11, v)
			ok11 = ok11 && claims.Majority(passes, need)
		}
		parts = append(parts, fmt.Sprintf("%s: ΔW-based %s (%s ≥ %.3f), A-based %s, random 1/k = %.4f",
			LayerName(l.Layer), claims.Each(l.Phi11Delta, "%.3f"), claims.Tally(passes), Phi11Factor*base, claims.Each(l.Phi11A, "%.3f"), base))
	}
	list = append(list, claims.Claim{ID: "LORA-11",
		Statement: fmt.Sprintf("The top direction learned at rank %d is also the top direction learned at rank %d: φ(1, 1) is far above chance.", cfg.SmallRank, cfg.LargeRank),
		PaperRef:  "§7.2, Fig. 3", Measured: h11,
		Detail:    "φ(1, 1) per seed — " + strings.Join(parts, "; "),
		Threshold: fmt.Sprintf("ΔW-based φ(1, 1) ≥ 10 × 1/k %s, on %s", rule, nameList()), Pass: ok11,
		Reason: claims.ReasonIf(!ok11, "the top directions at the two ranks are not shared beyond chance")})

	// LORA-12: seeds share their top directions.
	h12, ok12 := math.Inf(1), len(layers) > 0
	parts = nil
	for _, l := range res.Layers {
		passes := make([]bool, len(l.SeedMeanDelta))
		for i, v := range l.SeedMeanDelta {
			passes[i] = v >= SeedFactor*l.GaussianMean
		}
		npairs := needed(len(passes))
		v := claims.MajorityValue(l.SeedMeanDelta, npairs, true) / l.GaussianMean
		if l.claimed(cfg) {
			h12 = math.Min(h12, v)
			ok12 = ok12 && claims.Majority(passes, npairs)
		}
		parts = append(parts, fmt.Sprintf("%s: ΔW-based %s (%s pairs), A-based %s, Gaussian %.4f",
			LayerName(l.Layer), claims.Each(l.SeedMeanDelta, "%.3f"), claims.Tally(passes), claims.Each(l.SeedMeanA, "%.3f"), l.GaussianMean))
	}
	list = append(list, claims.Claim{ID: "LORA-12",
		Statement: fmt.Sprintf("Updates learned from different seeds at rank %d share their top directions far more than random matrices do.", cfg.LargeRank),
		PaperRef:  "§7.2, Fig. 4", Measured: h12,
		Detail:    fmt.Sprintf("mean φ(i, j) over i, j ≤ %d per seed pair — ", cfg.SmallRank) + strings.Join(parts, "; "),
		Threshold: fmt.Sprintf("seed-versus-seed ≥ 3 × Gaussian-versus-Gaussian in a majority of seed pairs, on %s (measured: the ratio)", nameList()), Pass: ok12,
		Reason: claims.ReasonIf(!ok12, "different seeds do not share directions beyond chance")})

	// LORA-13: amplification.
	h13, ok13 := math.Inf(1), len(layers) > 0
	var failing []string
	parts = nil
	for _, l := range res.Layers {
		small, large := l.amp(cfg.AmpRank), l.amp(cfg.LargeRank)
		if small == nil || large == nil {
			ok13 = false
			continue
		}
		n := len(small.DeltaBased)
		passes := make([]bool, n)
		ratios := make([]float64, n)
		var why []string
		for i := range n {
			db := small.DeltaBased[i]
			ratios[i] = db / small.Random
			order := small.Random < db && db < small.WBased
			enough := db >= AmpRandomRatio*small.Random
			amplifies := small.Factor[i] > 1
			shrinks := i < len(large.Factor) && small.Factor[i] > large.Factor[i]
			passes[i] = order && enough && amplifies && shrinks
			if !enough {
				why = append(why, fmt.Sprintf("ΔW-based only %.2f× random", ratios[i]))
			}
			if !order {
				why = append(why, "order random < ΔW-based < W-based broken")
			}
			if !amplifies {
				why = append(why, fmt.Sprintf("factor %.2f ≤ 1", small.Factor[i]))
			}
			if !shrinks {
				why = append(why, "factor does not fall from r=4 to r=64")
			}
		}
		v := claims.MajorityValue(ratios, needed(n), true)
		if l.claimed(cfg) {
			h13 = math.Min(h13, v)
			ok13 = ok13 && claims.Majority(passes, needed(n))
			if !claims.Majority(passes, needed(n)) {
				failing = append(failing, LayerName(l.Layer)+": "+strings.Join(dedupe(why), "; "))
			}
		}
		parts = append(parts, fmt.Sprintf("%s r=%d: ‖UᵀW₀V‖ ΔW-based %s, W-based %.3f, random %.3f, factor %s; r=%d: ΔW-based %s, W-based %.3f, random %.3f, factor %s (%s seeds); "+
			"learned part P = W₀ − W_init (‖P‖ = %.2f of ‖W₀‖ = %.2f) at r=%d: ΔW-based %s, P-based %.3f, random %.3f",
			LayerName(l.Layer), small.Rank, claims.Each(small.DeltaBased, "%.3f"), small.WBased, small.Random, claims.Each(small.Factor, "%.2f"),
			large.Rank, claims.Each(large.DeltaBased, "%.3f"), large.WBased, large.Random, claims.Each(large.Factor, "%.2f"), claims.Tally(passes),
			small.LearnedNorm, small.WNorm, small.Rank, claims.Each(small.LearnedDeltaBased, "%.3f"), small.LearnedPBased, small.LearnedRandom))
	}
	reason := ""
	if !ok13 {
		reason = "ΔW does not single out directions of W₀: " + strings.Join(failing, "; ") + " (see the docs: finding)"
	}
	list = append(list, claims.Claim{ID: "LORA-13",
		Statement: "ΔW amplifies directions that W₀ contains but does not emphasise: ‖UᵀW₀V‖ with ΔW's directions lies between the random and the W-based value, and the amplification ‖ΔW‖/‖UᵀW₀V‖ exceeds 1 and is larger at low rank.",
		PaperRef:  "§7.3, Table 7", Measured: h13,
		Detail:    strings.Join(parts, "; "),
		Threshold: fmt.Sprintf("at r=%d: random < ΔW-based < W-based with ΔW-based ≥ 3 × random, factor > 1, factor(r=%d) > factor(r=%d), %s, on %s (measured: ΔW-based/random)", cfg.AmpRank, cfg.AmpRank, cfg.LargeRank, rule, nameList()),
		Pass:      ok13, Reason: reason})
	return list
}

func (res *Results) loraVariants() []Variant {
	var out []Variant
	for _, v := range res.Variants {
		if v.Kind == KindLoRA {
			out = append(out, v)
		}
	}
	return out
}

func (res *Results) variant(kind string, rank int) *Variant {
	for i, v := range res.Variants {
		if v.Kind == kind && (kind != KindLoRA || v.Rank == rank) {
			return &res.Variants[i]
		}
	}
	return nil
}

func (res *Results) claimLayers() []LayerAnalysis {
	var out []LayerAnalysis
	for _, l := range res.Layers {
		if l.claimed(res.Config) {
			out = append(out, l)
		}
	}
	return out
}

func (l LayerAnalysis) claimed(cfg Config) bool { return slices.Contains(cfg.ClaimLayers, l.Layer) }

func (l LayerAnalysis) amp(rank int) *Amplification {
	for i, a := range l.Amp {
		if a.Rank == rank {
			return &l.Amp[i]
		}
	}
	return nil
}

func trainable(v *Variant) int {
	if v == nil {
		return 0
	}
	return v.Trainable
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
