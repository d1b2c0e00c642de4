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
	adaptationGap = claims.AtLeast(2).Points()     // LORA-7: full FT − head-only
	recoverShare  = claims.AtLeast(0.70).Percent() // LORA-9: (rank 1 − head-only)/(full FT − head-only)
	flatInRank    = claims.AtMost(1.5).Points()    // LORA-10: max − min over ranks ≥ flatFrom
	kappaRanks    = claims.AtLeast(0.5)            // LORA-11: κ = (φ(1, 1) − φ₀)/(1 − φ₀) against the data-shaped null
	kappaSeeds    = claims.AtLeast(0.25)           // LORA-12: κ of the seed-versus-seed mean φ against the data-shaped null
	ampOverRandom = claims.AtLeast(3).Times()      // LORA-13: ‖UᵀW₀V‖ ΔW-based / data-shaped random
	amplifies     = claims.Above(1)                // LORA-13: the amplification factor
)

// documented is where the findings of the reproduction are written up.
const documented = "docs/04-lora.md, Findings"

// swept is where the quick preset's 10-replicate sweep is recorded.
const swept = "docs/04-lora.md, Over ten replicates"

// flatFrom is LORA-10's smallest rank: beyond a few directions, the accuracy is flat in r.
const flatFrom = 4

// The conditions of LORA-13, by name (the finding names two of them).
var (
	ampEnough = "ΔW-based/data-random " + ampOverRandom.String()
	ampOrder  = "data-random < ΔW-based < W-based"
	ampFactor = "factor " + amplifies.String()
)

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
		Sweep:     &claims.Sweep{Passed: 6, Of: 10, Replicate0: true, Where: swept},
		Measure:   onPar},
	{ID: "LORA-9", PaperRef: "Table 6",
		Statement: "A very low rank already suffices: rank 1 recovers most of what full fine-tuning gains over a new head.",
		Sweep:     &claims.Sweep{Passed: 3, Of: 10, Replicate0: false, Where: swept},
		Measure:   lowRankSuffices},
	{ID: "LORA-10", PaperRef: "Table 6",
		Statement: "Accuracy is flat in the rank: beyond a few directions, a larger r adds little.",
		Measure:   flatInR},
	{ID: "LORA-11", PaperRef: "§7.2, Fig. 3",
		Statement: "The top direction learned at a small rank is also the top direction learned at a large rank: φ(1, 1) is far above what two updates acting on the same inputs share anyway.",
		Finding:   &claims.Finding{Where: documented + ": with independent runs per rank, φ(1, 1) is at the level of the data-shaped null (10 of 10 replicates)"},
		Sweep:     &claims.Sweep{Passed: 0, Of: 10, Where: swept},
		Measure:   sharedAcrossRanks},
	{ID: "LORA-12", PaperRef: "§7.2, Fig. 4",
		Statement: "Updates of W₁ learned from different seeds at the large rank share their top directions more than random updates acting on the same inputs do.",
		Finding:   &claims.Finding{Where: documented + ": seed-versus-seed φ is ≈ 23× the isotropic Gaussian value but equal to the data-shaped null (10 of 10 replicates)"},
		Sweep:     &claims.Sweep{Passed: 0, Of: 10, Where: swept},
		Measure:   sharedAcrossSeeds},
	{ID: "LORA-13", PaperRef: "§7.3, Table 7",
		Statement: "ΔW amplifies directions that W₀ contains but does not emphasise: ‖UᵀW₀V‖ with ΔW's directions lies between a data-shaped random and the W-based value, and the amplification ‖ΔW‖/‖UᵀW₀V‖ exceeds 1 and is larger at low rank.",
		Finding: &claims.Finding{Where: documented + ": ΔW's directions see ≈ 3.5× what isotropic random ones see of W₀ but only ≈ 1.3× the data-shaped random (9 of 10 replicates)",
			Parts: []string{ampEnough}},
		Sweep:   &claims.Sweep{Passed: 0, Of: 10, Where: swept},
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
	lr := func(v *Variant) float64 {
		if v == nil {
			return math.NaN()
		}
		return v.LR
	}
	a.detail = fmt.Sprintf("median 5–9 test accuracy: head-only %.2f (lr %g), full FT %.2f (lr %g), LoRA r=%d %.2f (lr %g), r=%d %.2f (lr %g) (points; each lr chosen from %v on the validation split)",
		a.head, lr(res.variant(KindHead, 0)), a.full, lr(res.variant(KindFull, 0)), lowestRank, a.lowest, lr(res.variant(KindLoRA, lowestRank)),
		onParRank, a.onPar, lr(res.variant(KindLoRA, onParRank)), res.Config.LRGrid)
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

// LORA-11: the top direction at the small rank is the top direction at the
// large rank, beyond the data-shaped null.
func sharedAcrossRanks(res *Results) claims.Measurement {
	cfg := res.Config
	need := cfg.Majority()
	headline, ok := math.Inf(1), len(res.claimLayers()) > 0
	var parts []string
	for _, l := range res.Layers {
		passes := make([]bool, len(l.Kappa11))
		for i, v := range l.Kappa11 {
			passes[i] = kappaRanks.Holds(v)
		}
		if l.claimed(cfg) {
			headline = math.Min(headline, claims.MajorityValue(l.Kappa11, need, true))
			ok = ok && claims.Majority(passes, need)
		}
		parts = append(parts, fmt.Sprintf("%s: ΔW-based φ(1, 1) %s, data-shaped null φ₀ %s, κ %s (%s), A-based %s, φ with the inputs' top principal direction %s, chance 1/k = %.4f",
			LayerName(l.Layer), claims.Each(l.Phi11Delta, "%.3f"), claims.Each(l.Phi11Null, "%.3f"), claims.Each(l.Kappa11, "%.2f"), claims.Tally(passes),
			claims.Each(l.Phi11A, "%.3f"), claims.Each(l.Phi11PC, "%.3f"), 1/float64(l.K)))
	}
	return claims.Measurement{Value: headline, Pass: ok,
		Detail: fmt.Sprintf("rank %d and rank %d trained from independent adapters, heads and batch orders, per seed — ", cfg.SmallRank, cfg.LargeRank) + strings.Join(parts, "; "),
		Rule: fmt.Sprintf("κ = (φ(1, 1) − φ₀)/(1 − φ₀) %s %s, on %s (measured: κ)",
			kappaRanks, seedRule(cfg), claimLayerNames(res)),
		Reason: "the top directions at the two ranks are not shared beyond what the inputs impose"}
}

// seedLayer is the layer of LORA-12: seeds pretrain their own backbones, so
// only W₁'s input space (the pixels) is common to them.
const seedLayer = 0

// LORA-12: different seeds share their top directions, beyond the data-shaped null.
func sharedAcrossSeeds(res *Results) claims.Measurement {
	headline, ok := math.NaN(), false
	var parts []string
	for _, l := range res.Layers {
		passes := make([]bool, len(l.SeedKappa))
		for i, v := range l.SeedKappa {
			passes[i] = kappaSeeds.Holds(v)
		}
		needPairs := config.Majority(len(passes))
		if l.Layer == seedLayer {
			headline = claims.MajorityValue(l.SeedKappa, needPairs, true)
			ok = claims.Majority(passes, needPairs)
		}
		parts = append(parts, fmt.Sprintf("%s: ΔW-based %s, data-shaped null %s, κ %s (%s pairs), A-based %s, isotropic Gaussian %.4f, LoRA against full FT's ΔW (same seed) %s",
			LayerName(l.Layer), claims.Each(l.SeedMeanDelta, "%.3f"), claims.Each(l.SeedMeanNull, "%.3f"), claims.Each(l.SeedKappa, "%.2f"), claims.Tally(passes),
			claims.Each(l.SeedMeanA, "%.3f"), l.GaussianMean, claims.Each(l.FullMean, "%.3f")))
	}
	cfg := res.Config
	return claims.Measurement{Value: headline, Pass: ok,
		Detail: fmt.Sprintf("mean φ(i, j) over i, j ≤ %d of rank-%d updates, per seed pair (each seed its own backbone; W₂'s hidden units are not comparable across backbones, shown only) — ", cfg.SmallRank, cfg.LargeRank) +
			strings.Join(parts, "; "),
		Rule:   fmt.Sprintf("κ = (φ − φ₀)/(1 − φ₀) %s in a majority of seed pairs, on %s (measured: κ)", kappaSeeds, LayerName(seedLayer)),
		Reason: "different seeds do not share directions beyond what the inputs impose"}
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
			ratios[i] = db / small.DataRandom[i]
			held := map[string]bool{
				ampEnough: ampOverRandom.Holds(ratios[i]),
				ampOrder:  small.DataRandom[i] < db && db < small.WBased[i],
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
		parts = append(parts, fmt.Sprintf("%s r=%d: ‖UᵀW₀V‖ ΔW-based %s, W-based %s, data-random %s, isotropic random %s, factor %s, full FT's ΔW-based %s (factor %s); "+
			"r=%d: ΔW-based %s, factor %s (%s seeds); learned part P = W₀ − W_init (‖P‖ %s of ‖W₀‖ %s) at r=%d: ΔW-based %s, P-based %s, random %s",
			LayerName(l.Layer), small.Rank, claims.Each(small.DeltaBased, "%.3f"), claims.Each(small.WBased, "%.2f"), claims.Each(small.DataRandom, "%.3f"),
			claims.Each(small.Random, "%.3f"), claims.Each(small.Factor, "%.2f"), claims.Each(small.FullBased, "%.3f"), claims.Each(small.FullFactor, "%.2f"),
			large.Rank, claims.Each(large.DeltaBased, "%.3f"), claims.Each(large.Factor, "%.2f"), claims.Tally(passes),
			claims.Each(small.LearnedNorm, "%.2f"), claims.Each(small.WNorm, "%.2f"), small.Rank, claims.Each(small.LearnedDeltaBased, "%.3f"),
			claims.Each(small.LearnedPBased, "%.3f"), claims.Each(small.LearnedRandom, "%.3f")))
	}
	m := claims.Measurement{Value: headline, Pass: ok, Detail: strings.Join(parts, "; "),
		Rule: fmt.Sprintf("at r=%d: %s, %s, %s, %s, %s, on %s (measured: ΔW-based/data-random)",
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
