package multiview

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"theorylab/pkg/claims"
)

// The thresholds of the claims, fixed from the spec (a prototype and an
// independent peer run, before any GoMLX run) and never loosened.
var (
	droppedPairs  = claims.AtLeast(3)              // MV-2: (model, class) pairs with exactly one learned view, pooled
	lotteryShare  = claims.AtLeast(0.8).Percent()  // MV-3: learned view = larger Λ(0) (chance 50%)
	singleErrMin  = claims.AtLeast(0.03).Percent() // MV-4: mean single-model single-view error
	droppedRatio  = claims.AtLeast(5).Times()      // MV-4: dropped-view error / learned-view error
	ensembleRatio = claims.AtMost(0.5).Times()     // MV-5: ensemble / mean single single-view error
	kdShare       = claims.AtLeast(0.3).Percent()  // MV-6: share of the ensemble gap a KD student recovers
	selfGain      = claims.AtLeast(0.01).Percent() // MV-7: self-distillation student − teacher, single-view accuracy
	avgWithin     = claims.AtMost(0.02).Percent()  // MV-8 / MV-9: train-the-average within 2 points of the ensemble
	rfGap         = claims.AtMost(0.03).Percent()  // MV-9: RF single-view error − multi-view error
	rfGainMin     = 0.02                           // MV-9: the RF ensemble gain that makes its conditional parts apply
	rfKDShare     = claims.Below(0.5).Percent()    // MV-9: KD into RF recovers < 50% of the RF ensemble gain

	// The MNIST sanity check (full preset), fixed before its first run from
	// the paper's direction (its CIFAR ensembles gain ≈ 1–3 points; unverified).
	mnistEnsGain  = claims.AtLeast(0.005).Percent() // MV-10: ensemble − mean single test accuracy
	mnistSelfGain = claims.AtLeast(0.002).Percent() // MV-12 (target): self-distillation student − teacher
)

// learnedView is the spec's rule: view ℓ of class j is learned when Λ_{j,ℓ} ≥ ϱ/2.
func learnedView(lam float64, rho float64) bool { return lam >= 0.5*rho }

// Claims are the paper's claims, as data; each rule is applied per data seed
// and must hold in the majority of data seeds (1 of 1 in quick, 2 of 3 in full).
var Claims = claims.Set[*Results]{
	{ID: "MV-1", PaperRef: "single-model theorem (unverified: check the paper)",
		Statement: "Every independently initialised single model reaches 100% training accuracy within the step budget (the theorem's precondition; reported, not evidence).",
		Measure: func(res *Results) claims.Measurement {
			return perSeed(res, claims.AtLeast(1).Percent(), true, "share of singles at 100% training accuracy", func(r Replicate) (float64, []claims.Part, string) {
				fit := 0.0
				steps := make([]float64, len(r.Singles))
				for i, m := range r.Singles {
					steps[i] = float64(m.Steps)
					if m.Fit {
						fit++
					}
				}
				return fit / float64(len(r.Singles)), nil, "stopping steps " + claims.Each(steps, "%.0f")
			})
		}},
	{ID: "MV-2", PaperRef: "the view lottery (unverified: check the paper)",
		Statement: "Single models drop views: pooled over the singles, some (model, class) pairs have learned exactly one of the class's two views (Λ ≥ ϱ/2).",
		Measure: func(res *Results) claims.Measurement {
			rho := res.Config.Rho
			return perSeed(res, droppedPairs, true, "pooled one-view (model, class) pairs", func(r Replicate) (float64, []claims.Part, string) {
				n := 0
				per := make([]float64, len(r.Singles))
				for i, m := range r.Singles {
					for _, l := range m.Lambda {
						if learnedView(l[0], rho) != learnedView(l[1], rho) {
							n++
							per[i]++
						}
					}
				}
				return float64(n), nil, "per single " + claims.Each(per, "%.0f")
			})
		}},
	{ID: "MV-3", PaperRef: "the view lottery (unverified: check the paper)",
		Statement: "The lottery: where a single learned only one view of a class, it is the view with the larger initial correlation Λ_{j,ℓ}(0) (chance: 50%).",
		Measure: func(res *Results) claims.Measurement {
			rho := res.Config.Rho
			return perSeed(res, lotteryShare, true, "share of one-view cases won by the larger Λ(0)", func(r Replicate) (float64, []claims.Part, string) {
				var won, all float64
				for _, m := range r.Singles {
					for j, l := range m.Lambda {
						a, b := learnedView(l[0], rho), learnedView(l[1], rho)
						if a == b {
							continue
						}
						all++
						if a == (m.Lambda0[j][0] > m.Lambda0[j][1]) {
							won++
						}
					}
				}
				return won / all, nil, fmt.Sprintf("%.0f of %.0f cases", won, all)
			})
		}},
	{ID: "MV-4", PaperRef: "single-model theorem (unverified: check the paper)",
		Statement: "Singles fail on single-view test data, and because of the dropped view: the error on single-view examples whose only strong view the model dropped is many times the error on those whose view it learned (the control).",
		Measure: func(res *Results) claims.Measurement {
			return perSeed(res, singleErrMin, true, "mean single-model single-view error", func(r Replicate) (float64, []claims.Part, string) {
				var sv, dropped, learned []float64
				for _, m := range r.Singles {
					sv = append(sv, 1-m.SingleAcc)
					if m.DroppedErr != nil && m.LearnedErr != nil {
						dropped = append(dropped, *m.DroppedErr)
						learned = append(learned, *m.LearnedErr)
					}
				}
				e := claims.Mean(sv)
				d, l := claims.Mean(dropped), claims.Mean(learned)
				ratioOK := len(dropped) > 0 && d >= droppedRatio.Lo()*l
				parts := []claims.Part{{Name: "single-view error " + singleErrMin.String(), Holds: singleErrMin.Holds(e)},
					{Name: "dropped-view error " + droppedRatio.String() + " learned-view error", Holds: ratioOK}}
				return e, parts, fmt.Sprintf("dropped-view error %s vs learned-view error %s (means over %d singles with both kinds)", claims.Pct(d), claims.Pct(l), len(dropped))
			})
		}},
	{ID: "MV-5", PaperRef: "ensemble theorem; blog Fig. 1 (unverified: check the paper)",
		Statement: "The ensemble (mean of the singles' logits) makes far fewer single-view errors than the mean single model.",
		Measure: func(res *Results) claims.Measurement {
			return perSeed(res, ensembleRatio, false, "ensemble / mean single single-view error", func(r Replicate) (float64, []claims.Part, string) {
				s := 1 - meanSingle(r.Singles)
				e := 1 - r.Ensemble.SingleAcc
				rf := 1 - meanSingle(r.RFSingles)
				return e / s, nil, fmt.Sprintf("single-view error: ensemble %s, mean single %s; random features (contrast): ensemble %s, mean single %s",
					claims.Pct(e), claims.Pct(s), claims.Pct(1-r.RFEnsemble.SingleAcc), claims.Pct(rf))
			})
		}},
	{ID: "MV-6", PaperRef: "KD theorem; blog Fig. 1 (unverified: check the paper)",
		Sweep:     &claims.Sweep{Passed: 6, Of: 10, Replicate0: true, Where: "docs/07-ensemble-distillation.md, 10-seed sweep"},
		Statement: "Knowledge distillation of the ensemble into one model transfers its gain: each student recovers a large share of the ensemble's single-view gap and beats the same-seed model trained without a teacher (the null).",
		Measure: func(res *Results) claims.Measurement {
			return perSeed(res, kdShare, true, "mean share of the ensemble gap recovered by the KD students", func(r Replicate) (float64, []claims.Part, string) {
				v, parts, shares, nulls := distilled(accs(r.KD), accs(r.KDNull), meanSingle(r.Singles), r.Ensemble.SingleAcc)
				return v, parts, "shares " + claims.Each(shares, "%.2f") + "; same-seed nulls " + claims.Each(nulls, "%.2f")
			})
		}},
	{ID: "MV-7", PaperRef: "self-distillation theorem; blog Fig. 1 (unverified: check the paper)",
		Sweep:     &claims.Sweep{Passed: 7, Of: 10, Replicate0: true, Where: "docs/07-ensemble-distillation.md, 10-seed sweep"},
		Statement: "Self-distillation helps: a fresh model distilled from one single beats its teacher on single-view data, and on average beats the same-seed models trained without a teacher (the null).",
		Measure: func(res *Results) claims.Measurement {
			return perSeed(res, selfGain, true, "mean (student − teacher) single-view accuracy", func(r Replicate) (float64, []claims.Part, string) {
				studs, nulls := accs(r.Self), accs(r.SelfNull)
				v, parts, gains := selfDistilled(studs, accs(r.Singles), nulls, selfGain)
				return v, parts, "gains " + claims.Each(gains, "%+.3f") + "; students " + claims.Each(studs, "%.3f") + " vs same-seed " + claims.Each(nulls, "%.3f")
			})
		}},
	{ID: "MV-8", PaperRef: "blog Fig. 1: training the average ≈ a single model (unverified: check the paper)", Target: true,
		When:      func(res *Results) bool { return res.Config.Average },
		Statement: "Target (report only): training the average of L networks jointly behaves like a single model, not like the ensemble (the peer found the opposite at this scale).",
		Measure: func(res *Results) claims.Measurement {
			return perSeed(res, avgWithin, false, "|average − mean single| single-view accuracy", func(r Replicate) (float64, []claims.Part, string) {
				v := math.Abs(r.Average.SingleAcc - meanSingle(r.Singles))
				return v, nil, fmt.Sprintf("train-the-average %s (lr %v), mean single %s, ensemble %s", claims.Pct(r.Average.SingleAcc), r.Average.LR, claims.Pct(meanSingle(r.Singles)), claims.Pct(r.Ensemble.SingleAcc))
			})
		}},
	{ID: "MV-9", PaperRef: "Fig. 1: random features / NTK (unverified: check the paper)", Target: true,
		Statement: "Target (report only): random-feature models do not drop views (single-view error close to multi-view error); where their ensemble gains, training the average matches it and KD into a random-feature model recovers little of it.",
		Measure: func(res *Results) claims.Measurement {
			return perSeed(res, rfGap, false, "RF single-view − multi-view error", func(r Replicate) (float64, []claims.Part, string) {
				sv, mv := 1-meanSingle(r.RFSingles), 0.0
				for _, m := range r.RFSingles {
					mv += (1 - m.MultiAcc) / float64(len(r.RFSingles))
				}
				v := sv - mv
				gain := r.RFEnsemble.SingleAcc - meanSingle(r.RFSingles)
				parts := []claims.Part{{Name: "RF single-view error " + rfGap.String() + " above multi-view", Holds: rfGap.Holds(v)}}
				var kd []float64
				for _, m := range r.RFKD {
					kd = append(kd, (m.SingleAcc-meanSingle(r.RFSingles))/gain)
				}
				if gain >= rfGainMin {
					parts = append(parts,
						claims.Part{Name: "RF train-the-average within 2 points of the RF ensemble", Holds: avgWithin.Holds(math.Abs(r.RFAverage.SingleAcc - r.RFEnsemble.SingleAcc))},
						claims.Part{Name: "KD into RF recovers " + rfKDShare.String() + " of the RF gain", Holds: rfKDShare.Holds(claims.Mean(kd))})
				}
				return v, parts, fmt.Sprintf("RF single-view accuracy: mean single %s, ensemble %s (gain %s; conditional parts apply at ≥ 2 points), train-the-average %s, KD students %s (shares %s)",
					claims.Pct(meanSingle(r.RFSingles)), claims.Pct(r.RFEnsemble.SingleAcc), claims.Pct(gain), claims.Pct(r.RFAverage.SingleAcc), claims.Each(accs(r.RFKD), "%.3f"), claims.Each(kd, "%.2f"))
			})
		}},
	{ID: "MV-10", PaperRef: "ensemble on real data; Table 1 direction (our MNIST construction; unverified)",
		When:      hasMNIST,
		Statement: "MNIST sanity check (full preset; not a test of the view mechanism): the ensemble of L independently seeded MLPs (mean of logits) beats the mean single and the best single on test accuracy.",
		Measure: func(res *Results) claims.Measurement {
			return perMNIST(res, mnistEnsGain, true, "ensemble − mean single test accuracy", func(r MNISTReplicate) (float64, []claims.Part, string) {
				single := mnistAccs(r.Singles)
				best := slices.Max(single)
				v := r.Ensemble.TestAcc - claims.Mean(single)
				parts := []claims.Part{{Name: "ensemble − mean single " + mnistEnsGain.String(), Holds: mnistEnsGain.Holds(v)},
					{Name: "ensemble beats the best single", Holds: r.Ensemble.TestAcc > best}}
				return v, parts, fmt.Sprintf("ensemble %s, singles %s (training accuracy %s)", claims.Pct(r.Ensemble.TestAcc), claims.Each(single, "%.4f"), claims.Each(mnistTrainAccs(r.Singles), "%.3f"))
			})
		}},
	{ID: "MV-11", PaperRef: "KD on real data; Table 1 direction (our MNIST construction; unverified)",
		When:      hasMNIST,
		Statement: "MNIST sanity check (full preset): KD of the ensemble into one MLP of the same architecture recovers a large share of the ensemble's gain, and each student beats the same-seed MLP trained without a teacher (same initialisation, same minibatch order: the null).",
		Measure: func(res *Results) claims.Measurement {
			return perMNIST(res, kdShare, true, "mean share of the ensemble gain recovered by the KD students", func(r MNISTReplicate) (float64, []claims.Part, string) {
				v, parts, shares, nulls := distilled(mnistAccs(r.KD), mnistAccs(r.KDNull), claims.Mean(mnistAccs(r.Singles)), r.Ensemble.TestAcc)
				return v, parts, fmt.Sprintf("students %s vs same-seed %s; shares %s, same-seed nulls %s",
					claims.Each(mnistAccs(r.KD), "%.4f"), claims.Each(mnistAccs(r.KDNull), "%.4f"), claims.Each(shares, "%.2f"), claims.Each(nulls, "%.2f"))
			})
		}},
	{ID: "MV-12", PaperRef: "self-distillation on real data; Table 1 direction (our MNIST construction; unverified)", Target: true,
		When:      hasMNIST,
		Statement: "Target (report only, declared before the first run): on MNIST a fresh MLP distilled from one single beats its teacher, and on average beats the same-seed MLPs trained without a teacher.",
		Measure: func(res *Results) claims.Measurement {
			return perMNIST(res, mnistSelfGain, true, "mean (student − teacher) test accuracy", func(r MNISTReplicate) (float64, []claims.Part, string) {
				studs, nulls := mnistAccs(r.Self), mnistAccs(r.SelfNull)
				v, parts, gains := selfDistilled(studs, mnistAccs(r.Singles), nulls, mnistSelfGain)
				return v, parts, "gains " + claims.Each(gains, "%+.4f") + "; students " + claims.Each(studs, "%.4f") + " vs same-seed " + claims.Each(nulls, "%.4f")
			})
		}},
}

func hasMNIST(res *Results) bool { return res.MNIST != nil }

// selfDistilled is the self-distillation rule of MV-7 (patch data) and MV-12
// (MNIST): student i's gain over its teacher, single i (gains), their mean
// against th, and whether the mean student beats the mean same-seed null.
func selfDistilled(students, teachers, nulls []float64, th claims.Threshold) (v float64, parts []claims.Part, gains []float64) {
	for i, s := range students {
		gains = append(gains, s-teachers[i])
	}
	v = claims.Mean(gains)
	parts = []claims.Part{{Name: "mean gain " + th.String(), Holds: th.Holds(v)},
		{Name: "mean student beats mean same-seed model", Holds: claims.Mean(students) > claims.Mean(nulls)}}
	return v, parts, gains
}

// distilled is the KD rule of MV-6 (patch data) and MV-11 (MNIST) on the
// students' accuracies: the mean share of the ensemble's gain over the mean
// single that they recover (NaN when the ensemble does not gain), and whether
// each beats its same-seed null; shares and nullShares per student.
func distilled(students, nulls []float64, base, ens float64) (v float64, parts []claims.Part, shares, nullShares []float64) {
	beats := true
	for i, s := range students {
		shares = append(shares, GapShare(s, base, ens))
		nullShares = append(nullShares, GapShare(nulls[i], base, ens))
		beats = beats && s > nulls[i]
	}
	v = claims.Mean(shares)
	if !(ens > base) {
		v = math.NaN()
	}
	parts = []claims.Part{{Name: "mean share " + kdShare.String(), Holds: kdShare.Holds(v)},
		{Name: "each student beats its same-seed model", Holds: beats}}
	return v, parts, shares, nullShares
}

// perMNIST applies a rule to every MNIST training subset, in the majority of them.
func perMNIST(res *Results, th claims.Threshold, higherIsBetter bool, what string,
	measure func(MNISTReplicate) (float64, []claims.Part, string)) claims.Measurement {
	return perReplicate(res, res.MNIST.Replicates, func(r MNISTReplicate) int { return r.SubsetSeed }, "MNIST subset", th, higherIsBetter, what, measure)
}

func mnistAccs(ms []MNISTModel) []float64 {
	out := make([]float64, len(ms))
	for i, m := range ms {
		out[i] = m.TestAcc
	}
	return out
}

func mnistTrainAccs(ms []MNISTModel) []float64 {
	out := make([]float64, len(ms))
	for i, m := range ms {
		out[i] = m.TrainAcc
	}
	return out
}

// GapShare is the share of the ensemble's gain that a model recovers:
//
//	(acc − mean single) / (ensemble − mean single)
func GapShare(acc, meanSingle, ensemble float64) float64 {
	return (acc - meanSingle) / (ensemble - meanSingle)
}

func meanSingle(ms []Model) float64 { return claims.Mean(accs(ms)) }

func accs(ms []Model) []float64 {
	out := make([]float64, len(ms))
	for i, m := range ms {
		out[i] = m.SingleAcc
	}
	return out
}

// perSeed applies a rule to every data seed (replicate) and asks for it in
// the majority of them. measure returns the headline value, the rule's parts
// (nil: the threshold on the value alone) and a detail line.
func perSeed(res *Results, th claims.Threshold, higherIsBetter bool, what string,
	measure func(Replicate) (float64, []claims.Part, string)) claims.Measurement {
	return perReplicate(res, res.Replicates, func(r Replicate) int { return r.DataSeed }, "data seed", th, higherIsBetter, what, measure)
}

// perReplicate is perSeed over any kind of replicate (noun: what a replicate is called in the rule).
func perReplicate[T any](res *Results, reps []T, seedOf func(T) int, noun string, th claims.Threshold, higherIsBetter bool, what string,
	measure func(T) (float64, []claims.Part, string)) claims.Measurement {
	need := res.Config.Majority()
	var vals []float64
	var passes []bool
	var details string
	partsHold := map[string]int{}
	var partNames []string
	for _, r := range reps {
		v, parts, detail := measure(r)
		ok := th.Holds(v)
		if parts != nil {
			ok = true
			for _, p := range parts {
				ok = ok && p.Holds
				if _, seen := partsHold[p.Name]; !seen {
					partNames = append(partNames, p.Name)
					partsHold[p.Name] = 0
				}
				if p.Holds {
					partsHold[p.Name]++
				}
			}
		}
		vals = append(vals, v)
		passes = append(passes, ok)
		details += fmt.Sprintf("%s %d: %s; ", noun, seedOf(r), detail)
	}
	var parts []claims.Part
	for _, n := range partNames {
		parts = append(parts, claims.Part{Name: n, Holds: partsHold[n] >= need})
	}
	rule := fmt.Sprintf("%s %s", what, th)
	if len(partNames) > 0 {
		rule = strings.Join(partNames, " and ")
	}
	return claims.Measurement{
		Value:  claims.MajorityValue(vals, need, higherIsBetter),
		Rule:   fmt.Sprintf("%s, in ≥ %d of %d %ss", rule, need, len(vals), noun),
		Pass:   claims.Majority(passes, need),
		Parts:  parts,
		Detail: details + "(" + claims.Tally(passes) + ")",
		Reason: "the rule does not hold in enough data seeds",
	}
}
