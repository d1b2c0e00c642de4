package lora

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers/config"
)

// The thresholds of the claims, fixed from the spec before any run. Each
// claim compares with these values and prints them from the same values.
// (LORA-8's allowance is the config's OnParGap, tighter in the full preset.)
var (
	adaptationGap     = claims.AtLeast(2).Points()     // LORA-7: full FT − head-only
	recoverShare      = claims.AtLeast(0.70).Percent() // LORA-9: (rank 1 − head-only)/(full FT − head-only)
	flatInRank        = claims.AtMost(1.5).Points()    // LORA-10: max − min over ranks ≥ flatFrom
	phi11OverChance   = claims.AtLeast(10).Times()     // LORA-11: φ(1, 1) / (1/k)
	seedsOverGaussian = claims.AtLeast(3).Times()      // LORA-12: seed-versus-seed / Gaussian-versus-Gaussian
	ampOverRandom     = claims.AtLeast(3).Times()      // LORA-13: ‖UᵀW₀V‖ ΔW-based / random
	amplifies         = claims.Above(1)                // LORA-13: the amplification factor
)

// flatFrom is LORA-10's smallest rank: beyond a few directions, the accuracy is flat in r.
const flatFrom = 4

// The conditions of LORA-13, by name (the finding names two of them).
var (
	ampEnough = "ΔW-based/random " + ampOverRandom.String()
	ampOrder  = "random < ΔW-based < W-based"
	ampFactor = "factor " + amplifies.String()
)

// documented is where the findings of the reproduction are written up.
const documented = "docs/04-lora.md, Findings"

// Claims are the paper's claims about its phenomenon, the spec's LORA-7 …
// LORA-13 (the spec's LORA-1 … LORA-6 are exact invariants of the method —
// zero update at init, frozen W₀, merge equality, rank of BA, parameter
// counts, no gradient at A = B = 0 — and are tests in lora_test.go).
// Accuracy claims compare medians over seeds; the Section-7 claims hold when
// they hold in the majority of seeds (or seed pairs), on every layer listed
// in ClaimLayers. LORA-10 is a claim of the full preset and a target in the
// quick one.
var Claims = claims.Set[*Results]{
	{ID: "LORA-7", PaperRef: "our construction (precondition of LORA-8 and LORA-9)",
		Statement: "The new task needs adaptation: fine-tuning the backbone beats training only a new head.",
		Measure:   needsAdaptation},
	{ID: "LORA-8", PaperRef: "Tables 2–4 (their numbers unverified: check the paper)",
		Statement: "LoRA is on par with full fine-tuning while training a small fraction of the parameters.",
		Finding:   &claims.Finding{Where: documented + ": with the spec's 5 epochs LoRA is still under-trained"},
		Measure:   onPar},
	{ID: "LORA-9", PaperRef: "Table 6",
		Statement: "A very low rank already suffices: rank 1 recovers most of what full fine-tuning gains over a new head.",
		Measure:   lowRankSuffices},
	{ID: "LORA-10", PaperRef: "Table 6",
		Statement: "Accuracy is flat in the rank: beyond a few directions, a larger r adds little.",
		Measure:   flatInR},
	{ID: "LORA-11", PaperRef: "§7.2, Fig. 3",
		Statement: "The top direction learned at a small rank is also the top direction learned at a large rank: φ(1, 1) is far above chance.",
		Measure:   sharedAcrossRanks},
	{ID: "LORA-12", PaperRef: "§7.2, Fig. 4",
		Statement: "Updates learned from different seeds at the large rank share their top directions far more than random matrices do.",
		Measure:   sharedAcrossSeeds},
	{ID: "LORA-13", PaperRef: "§7.3, Table 7",
		Statement: "ΔW amplifies directions that W₀ contains but does not emphasise: ‖UᵀW₀V‖ with ΔW's directions lies between the random and the W-based value, and the amplification ‖ΔW‖/‖UᵀW₀V‖ exceeds 1 and is larger at low rank.",
		Finding: &claims.Finding{Where: documented + ": pretraining moved W₀ little from its random start, so ΔW's directions look random against W₀",
			Parts: []string{ampEnough, ampOrder}},
		Measure: amplification},
}

// accuracies are the medians over seeds of the 5–9 test accuracy, in points.
type accuracies struct {
	head, full, lowest, onPar float64
	detail                    string
}

func medianAccuracies(res *Results) accuracies {
	med := func(v *Variant) float64 {
		if v == nil {
			return math.NaN()
		}
		return 100 * claims.Median(v.Acc)
	}
	a := accuracies{head: med(res.variant(KindHead, 0)), full: med(res.variant(KindFull, 0)),
		lowest: med(res.variant(KindLoRA, lowestRank)), onPar: med(res.variant(KindLoRA, onParRank))}
	a.detail = fmt.Sprintf("median 5–9 test accuracy: head-only %.2f, full FT %.2f, LoRA r=%d %.2f, r=%d %.2f (points)",
		a.head, a.full, lowestRank, a.lowest, onParRank, a.onPar)
	return a
}

// LORA-7: full fine-tuning beats a new head alone.
func needsAdaptation(res *Results) claims.Measurement {
	a := medianAccuracies(res)
	gap := a.full - a.head
	return claims.Measurement{Value: gap, Pass: adaptationGap.Holds(gap), Detail: a.detail,
		Rule:   "median full FT − median head-only " + adaptationGap.String(),
		Reason: "a new head alone does about as well as full fine-tuning: the task is too easy to show adaptation"}
}

// LORA-8: LoRA at rank 4 is on par with full fine-tuning.
func onPar(res *Results) claims.Measurement {
	a := medianAccuracies(res)
	allowance := claims.AtLeast(-res.Config.OnParGap).Points()
	d := a.onPar - a.full
	return claims.Measurement{Value: d, Pass: allowance.Holds(d),
		Detail: a.detail + fmt.Sprintf("; LoRA r=%d trains %d values, full FT %d",
			onParRank, trainable(res.variant(KindLoRA, onParRank)), trainable(res.variant(KindFull, 0))),
		Rule:   fmt.Sprintf("median LoRA r=%d − median full FT %s", onParRank, allowance),
		Reason: fmt.Sprintf("LoRA r=%d trails full fine-tuning by %.2f points after %d epochs", onParRank, -d, res.Config.AdaptEpochs)}
}

// LORA-9: rank 1 recovers most of the gap between a new head and full fine-tuning.
func lowRankSuffices(res *Results) claims.Measurement {
	a := medianAccuracies(res)
	share := math.NaN()
	if gap := a.full - a.head; gap > 0 {
		share = (a.lowest - a.head) / gap
	}
	return claims.Measurement{Value: share, Pass: recoverShare.Holds(share),
		Detail: a.detail + fmt.Sprintf("; share = (r=%d − head-only)/(full FT − head-only)", lowestRank),
		Rule:   fmt.Sprintf("share %s (medians over seeds)", recoverShare),
		Reason: fmt.Sprintf("rank %d recovers less than %s of the gap", lowestRank, recoverShare.Format(recoverShare.Lo()))}
}

// LORA-10: the accuracy is flat in the rank from flatFrom on.
func flatInR(res *Results) claims.Measurement {
	lo, hi := math.Inf(1), math.Inf(-1)
	var parts []string
	for _, v := range res.loraVariants() {
		if v.Rank < flatFrom {
			continue
		}
		m := 100 * claims.Median(v.Acc)
		lo, hi = math.Min(lo, m), math.Max(hi, m)
		parts = append(parts, fmt.Sprintf("r=%d: %.2f", v.Rank, m))
	}
	spread := hi - lo
	if len(parts) < 2 {
		spread = math.NaN()
	}
	full := res.Config.Preset == "full"
	rule := fmt.Sprintf("max − min of the medians over r ≥ %d %s", flatFrom, flatInRank)
	if !full {
		rule += " (a full-preset claim; a target here)"
	}
	return claims.Measurement{Value: spread, Pass: flatInRank.Holds(spread), Target: !full, Rule: rule,
		Detail: "median accuracy per rank — " + strings.Join(parts, ", "),
		Reason: "accuracy still changes with the rank"}
}

// seedRule is "in ≥ 2 of 3 seeds".
func seedRule(cfg Config) string {
	return fmt.Sprintf("in ≥ %d of %d seeds", cfg.Majority(), cfg.Seeds)
}

// claimLayerNames lists the layers the Section-7 claims must hold on: "W₁, W₂".
func claimLayerNames(res *Results) string {
	var n []string
	for _, l := range res.claimLayers() {
		n = append(n, LayerName(l.Layer))
	}
	return strings.Join(n, ", ")
}

// LORA-11: the top direction at the small rank is the top direction at the large rank.
func sharedAcrossRanks(res *Results) claims.Measurement {
	cfg := res.Config
	need := cfg.Majority()
	headline, ok := math.Inf(1), len(res.claimLayers()) > 0
	var parts []string
	for _, l := range res.Layers {
		chance := 1 / float64(l.K)
		passes := make([]bool, len(l.Phi11Delta))
		for i, v := range l.Phi11Delta {
			passes[i] = phi11OverChance.Holds(v / chance)
		}
		if l.claimed(cfg) {
			headline = math.Min(headline, claims.MajorityValue(l.Phi11Delta, need, true))
			ok = ok && claims.Majority(passes, need)
		}
		parts = append(parts, fmt.Sprintf("%s: ΔW-based %s (%s ≥ %.3f), A-based %s, chance 1/k = %.4f",
			LayerName(l.Layer), claims.Each(l.Phi11Delta, "%.3f"), claims.Tally(passes), phi11OverChance.Lo()*chance,
			claims.Each(l.Phi11A, "%.3f"), chance))
	}
	return claims.Measurement{Value: headline, Pass: ok,
		Detail: fmt.Sprintf("φ(1, 1) between rank %d and rank %d per seed — ", cfg.SmallRank, cfg.LargeRank) + strings.Join(parts, "; "),
		Rule: fmt.Sprintf("ΔW-based φ(1, 1) / chance (1/k) %s %s, on %s (measured: φ(1, 1))",
			phi11OverChance, seedRule(cfg), claimLayerNames(res)),
		Reason: "the top directions at the two ranks are not shared beyond chance"}
}

// LORA-12: different seeds share their top directions.
func sharedAcrossSeeds(res *Results) claims.Measurement {
	cfg := res.Config
	headline, ok := math.Inf(1), len(res.claimLayers()) > 0
	var parts []string
	for _, l := range res.Layers {
		passes := make([]bool, len(l.SeedMeanDelta))
		for i, v := range l.SeedMeanDelta {
			passes[i] = seedsOverGaussian.Holds(v / l.GaussianMean)
		}
		needPairs := config.Majority(len(passes))
		if l.claimed(cfg) {
			headline = math.Min(headline, claims.MajorityValue(l.SeedMeanDelta, needPairs, true)/l.GaussianMean)
			ok = ok && claims.Majority(passes, needPairs)
		}
		parts = append(parts, fmt.Sprintf("%s: ΔW-based %s (%s pairs), A-based %s, Gaussian %.4f",
			LayerName(l.Layer), claims.Each(l.SeedMeanDelta, "%.3f"), claims.Tally(passes), claims.Each(l.SeedMeanA, "%.3f"), l.GaussianMean))
	}
	return claims.Measurement{Value: headline, Pass: ok,
		Detail: fmt.Sprintf("mean φ(i, j) over i, j ≤ %d of rank-%d updates, per seed pair — ", cfg.SmallRank, cfg.LargeRank) +
			strings.Join(parts, "; "),
		Rule: fmt.Sprintf("seed-versus-seed / Gaussian-versus-Gaussian %s in a majority of seed pairs, on %s (measured: the ratio)",
			seedsOverGaussian, claimLayerNames(res)),
		Reason: "different seeds do not share directions beyond chance"}
}

// LORA-13: ΔW amplifies directions of W₀ (Table 7). Per seed, at AmpRank:
// random < ΔW-based < W-based with ΔW-based ≥ 3× random, factor > 1, and a
// factor larger than at LargeRank; the claim holds in the majority of seeds
// on every claimed layer. Each condition is also reported on its own.
func amplification(res *Results) claims.Measurement {
	cfg := res.Config
	ampFalls := fmt.Sprintf("factor falls from r=%d to r=%d", cfg.AmpRank, cfg.LargeRank)
	names := []string{ampEnough, ampOrder, ampFactor, ampFalls}
	partHolds := map[string]bool{ampEnough: true, ampOrder: true, ampFactor: true, ampFalls: true}
	headline, ok := math.Inf(1), len(res.claimLayers()) > 0
	var failing, parts []string
	for _, l := range res.Layers {
		small, large := l.amp(cfg.AmpRank), l.amp(cfg.LargeRank)
		if small == nil || large == nil {
			ok = false
			continue
		}
		n := len(small.DeltaBased)
		need := config.Majority(n)
		passes := make([]bool, n)
		ratios := make([]float64, n)
		conditions := map[string][]bool{}
		var why []string
		for i := range n {
			db := small.DeltaBased[i]
			ratios[i] = db / small.Random
			held := map[string]bool{
				ampEnough: ampOverRandom.Holds(ratios[i]),
				ampOrder:  small.Random < db && db < small.WBased,
				ampFactor: amplifies.Holds(small.Factor[i]),
				ampFalls:  i < len(large.Factor) && small.Factor[i] > large.Factor[i],
			}
			passes[i] = true
			for _, name := range names {
				conditions[name] = append(conditions[name], held[name])
				passes[i] = passes[i] && held[name]
				if !held[name] {
					why = append(why, name+" fails")
				}
			}
		}
		if l.claimed(cfg) {
			headline = math.Min(headline, claims.MajorityValue(ratios, need, true))
			ok = ok && claims.Majority(passes, need)
			for _, name := range names {
				partHolds[name] = partHolds[name] && claims.Majority(conditions[name], need)
			}
			if !claims.Majority(passes, need) {
				failing = append(failing, LayerName(l.Layer)+": "+strings.Join(dedupe(why), "; "))
			}
		}
		parts = append(parts, fmt.Sprintf("%s r=%d: ‖UᵀW₀V‖ ΔW-based %s, W-based %.3f, random %.3f, factor %s; r=%d: ΔW-based %s, W-based %.3f, random %.3f, factor %s (%s seeds); "+
			"learned part P = W₀ − W_init (‖P‖ = %.2f of ‖W₀‖ = %.2f) at r=%d: ΔW-based %s, P-based %.3f, random %.3f",
			LayerName(l.Layer), small.Rank, claims.Each(small.DeltaBased, "%.3f"), small.WBased, small.Random, claims.Each(small.Factor, "%.2f"),
			large.Rank, claims.Each(large.DeltaBased, "%.3f"), large.WBased, large.Random, claims.Each(large.Factor, "%.2f"), claims.Tally(passes),
			small.LearnedNorm, small.WNorm, small.Rank, claims.Each(small.LearnedDeltaBased, "%.3f"), small.LearnedPBased, small.LearnedRandom))
	}
	m := claims.Measurement{Value: headline, Pass: ok, Detail: strings.Join(parts, "; "),
		Rule: fmt.Sprintf("at r=%d: %s, %s, %s, %s, %s, on %s (measured: ΔW-based/random)",
			cfg.AmpRank, ampOrder, ampEnough, ampFactor, ampFalls, seedRule(cfg), claimLayerNames(res))}
	for _, name := range names {
		m.Parts = append(m.Parts, claims.Part{Name: name, Holds: partHolds[name]})
	}
	if !ok {
		m.Reason = "ΔW does not single out directions of W₀: " + strings.Join(failing, "; ")
	}
	return m
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
