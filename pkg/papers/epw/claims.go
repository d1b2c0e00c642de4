package epw

import (
	"fmt"
	"math"
	"strings"

	"theorylab/pkg/claims"
	"theorylab/pkg/rl"
)

// The thresholds of the claims, fixed from the spec (and its prototype notes)
// before any run. Each claim compares with these values and prints them from
// the same values, so no number is typed twice.
var (
	// EPW-1: |W − ⌈(1 − w)/v⌉| within windowSlack.
	windowSlack = claims.AtMost(1)
	// EPW-2, EPW-6: "near-optimal" = test return ≥ nearOptimal × optimal (ratio of sums).
	nearOptimal = claims.AtLeast(0.95)
	// EPW-2: Q₀.₉₅ ∝ H^b with b within queryExponent.
	queryExponent = claims.AtMost(1.5)
	// EPW-3: log₂(tree-search queries) grows by at least treeSlope per unit of H (pruned).
	treeSlope = claims.AtLeast(1.15)
	// EPW-4: log₂(enumeration queries) grows by a slope within needleSlope per
	// unit of H, and the short-lookahead agent finds σ for at most needleSuccess of codes.
	needleSlope   = claims.Between(0.9, 1.1)
	needleSuccess = claims.AtMost(0.03).Percent()
	// EPW-5: MLP label accuracy on informative test states, and MLP − linear-softmax.
	mlpAccuracy = claims.AtLeast(0.98)
	accuracyGap = claims.AtLeast(0.05)
	// EPW-6: the L = ShortL learner on Lazy Catch stays within shortRatio × optimal.
	shortRatio = claims.AtMost(0.80)
)

// ShortL is the short lookahead that EPW-6 compares with W.
const ShortL = 1

// Claims are the paper's claims EPW-1 … EPW-6. The learner claims hold in the
// majority of the seeds (config.Majority: 2 of 3, 4 of 5).
var Claims = claims.Set[*Results]{
	{ID: "EPW-1",
		Statement: "Catch satisfies the Effective Planning Window condition with a short, measurable window: " +
			"W-step lookahead-greedy play is optimal from every start (ties resolved adversarially), W − 1 steps are not enough, " +
			"and the window is a property of the game, not of the start set.",
		PaperRef: "EPW definition (operational form: Laidlaw et al.'s calculate_minimum_k; agreement with the paper unverified)",
		Measure:  epw1},
	{ID: "EPW-2",
		Statement: "Under the window condition a learner is sample-efficient: the lookahead-labelled learner (L = W) with a small neural policy " +
			"reaches near-optimal return at every horizon, and the queries it needs grow polynomially in H — " +
			"against Σ 3^k for planning H by exhaustive tree search.",
		PaperRef: "abstract; main upper bound (its exponents unverified: check the paper)",
		Measure:  epw2},
	{ID: "EPW-3",
		Statement: "Planning over the full horizon by exhaustive (tree) search costs a number of queries exponential in H — the cost the window avoids.",
		PaperRef:  "motivation for EPW (§1)",
		Measure:   epw3},
	{ID: "EPW-4",
		Statement: "Without a short window, slight nonlinearity makes learning exponentially hard: on Needle-H (linear dynamics, one ReLU-bump reward) " +
			"the window is the whole horizon, generic search needs about 2^(H−1) queries, and a fixed-lookahead learner almost never finds the needle — " +
			"while the same MDP with a small reward along the needle's path has window 1 and is solved with 2H queries.",
		PaperRef: "lower bound (abstract: slight nonlinearities); Needle-H is our construction",
		Measure:  epw4},
	{ID: "EPW-5",
		Statement: "Beyond linearity: on the states the learner visits, the optimal lookahead labels of Catch are a nonlinear function of the state, " +
			"which a small MLP policy fits and a linear-softmax policy on the same labels cannot.",
		PaperRef: "abstract (\"neural network policy class\"); the comparison is our illustration",
		Measure:  epw5},
	{ID: "EPW-6",
		Sweep: &claims.Sweep{Passed: 7, Of: 10, Replicate0: true, Where: "docs/09-effective-planning-window.md, The 10-seed sweep"},
		Statement: "The window matters to the learner when short lookahead is misleading: on Lazy Catch (a reward for waiting) the learner with L = W " +
			"is near-optimal and the learner with a one-step lookahead is not; on Catch, where short lookahead only ties, one step is enough (the control).",
		PaperRef: "EPW condition (why a window, not just any lookahead); Lazy Catch is our construction",
		Measure:  epw6},
}

// seedRule is the majority rule in words: "in ≥ 2 of 3 seeds".
func seedRule(c Config) string {
	return fmt.Sprintf("in ≥ %d of %d seeds", c.Majority(), c.Seeds)
}

func epw1(res *Results) claims.Measurement {
	w, cfg := res.Window, res.Config
	W := w.A.Window
	below := math.NaN() // fraction of starts that pass the definition at W − 1
	if W >= 2 {
		below = w.A.Literal[W-2]
	}
	inRange := W >= 1 && W <= cfg.Catch.Heights
	same := w.B.Window == W
	near := windowSlack.Holds(float64(abs(W - w.Estimate)))
	short := below < 1
	pass := inRange && same && near && short
	var reasons []string
	switch {
	case W == 0:
		reasons = append(reasons, fmt.Sprintf("no window up to %d", cfg.WindowMax))
	case W > cfg.Catch.Heights:
		reasons = append(reasons, "window longer than the fall height F")
	}
	if !same {
		reasons = append(reasons, fmt.Sprintf("the second start set gave W = %d", w.B.Window))
	}
	if !near {
		reasons = append(reasons, fmt.Sprintf("|W − estimate| = |%d − %d| is not %s", W, w.Estimate, windowSlack))
	}
	if !short {
		reasons = append(reasons, "W − 1 steps already suffice (or W < 2)")
	}
	return claims.Measurement{
		Value: float64(W),
		Rule: fmt.Sprintf("on %d starts with H = %d: 1 ≤ W ≤ F = %d; the same W on a second independent set of %d starts; |W − ⌈(1 − w)/v⌉| %s; "+
			"with W − 1 at least one start fails", cfg.WindowStarts, cfg.WindowH, cfg.Catch.Heights, cfg.WindowStarts, windowSlack),
		Pass: pass,
		Parts: []claims.Part{{Name: "window in [1, F]", Holds: inRange}, {Name: "same W on set B", Holds: same},
			{Name: "near the estimate", Holds: near}, {Name: "W − 1 not enough", Holds: short}},
		Detail: fmt.Sprintf("W = %d (start set A), %d (independent set B), estimate ⌈(1 − w)/v⌉ = %d; at W − 1: %s (A) and %s (B) of starts pass, worst named tie rule %s; "+
			"null: Needle-H's window equals H (%s); Lazy Catch W = %d",
			W, w.B.Window, w.Estimate, pctAt(w.A.Literal, W-1), pctAt(w.B.Literal, W-1), pctAt(w.A.Worst, W-1),
			needleWindows(res.Needle), w.Lazy.Window),
		Reason: strings.Join(reasons, "; "),
	}
}

// Q95 is the number of queries (label-search queries plus roll-in
// transitions, cumulative) after the first round whose test return ratio is
// near-optimal (nearOptimal); +Inf when no round reaches it.
func Q95(r rl.LearnerRun) float64 {
	for _, rd := range r.Rounds {
		if nearOptimal.Holds(rd.Test) {
			return float64(rd.Queries)
		}
	}
	return math.Inf(1)
}

// HorizonFit is one seed's fit of log Q₀.₉₅ = α + b·log H over the horizons.
type HorizonFit struct {
	Seed   int       `json:"seed"`
	H      []int     `json:"h"`
	Q      []float64 `json:"q"`     // Q₀.₉₅ per horizon
	Final  []float64 `json:"final"` // final test return ratio per horizon
	B, R2  float64   // slope and R² (NaN when some Q is infinite)
	Locals []float64 // local slopes between consecutive horizons
}

// HorizonFits fits every seed's learner runs on Catch at L = W.
func HorizonFits(res *Results) []HorizonFit {
	var out []HorizonFit
	for s := range res.Config.Seeds {
		f := HorizonFit{Seed: s}
		for _, h := range res.Config.Horizons {
			r, ok := res.Learner.find("catch", h, res.Learner.CatchL, s)
			if !ok {
				continue
			}
			f.H = append(f.H, h)
			f.Q = append(f.Q, Q95(r.LearnerRun))
			f.Final = append(f.Final, r.Rounds[len(r.Rounds)-1].Test)
		}
		xs := make([]float64, len(f.H))
		ys := make([]float64, len(f.H))
		for i := range f.H {
			xs[i], ys[i] = math.Log(float64(f.H[i])), math.Log(f.Q[i])
		}
		f.B, _, f.R2 = rl.FitLine(xs, ys)
		f.Locals = rl.LocalSlopes(xs, ys)
		out = append(out, f)
	}
	return out
}

func epw2(res *Results) claims.Measurement {
	cfg := res.Config
	fits := HorizonFits(res)
	var bs []float64
	var passes []bool
	var parts []string
	minFinal := math.Inf(1)
	for _, f := range fits {
		ok := len(f.H) == len(cfg.Horizons)
		for _, r := range f.Final {
			ok = ok && nearOptimal.Holds(r)
			minFinal = math.Min(minFinal, r)
		}
		ok = ok && queryExponent.Holds(f.B) // NaN fails
		bs = append(bs, f.B)
		passes = append(passes, ok)
		parts = append(parts, fmt.Sprintf("seed %d: final %s, Q₀.₉₅ %s, b = %.2f (R² %.2f, local %s)",
			f.Seed, claims.Each(f.Final, "%.3f"), qs(f.Q), f.B, f.R2, claims.Each(f.Locals, "%.2f")))
	}
	need := cfg.Majority()
	pass := claims.Majority(passes, need)
	hmax := cfg.Horizons[len(cfg.Horizons)-1]
	return claims.Measurement{
		Value: claims.MajorityValue(bs, need, false),
		Rule: fmt.Sprintf("learner with L = W = %d: final test return %s × optimal at every H in %v, and the fit log Q₀.₉₅ = α + b·log H (Q₀.₉₅: queries until a round reaches %s) has b %s, %s",
			res.Learner.CatchL, nearOptimal, cfg.Horizons, nearOptimal.Format(nearOptimal.Lo()), queryExponent, seedRule(cfg)),
		Pass: pass,
		Detail: fmt.Sprintf("lr = %g (chosen on validation); exhaustive tree search at H = %d: Σ 3^k ≈ %.2g queries; %s (%s seeds pass)",
			res.Learner.LR, hmax, rl.TreeQueries(3, hmax), strings.Join(parts, "; "), claims.Tally(passes)),
		Reason: fmt.Sprintf("lowest final ratio %.3f; exponents %s", minFinal, claims.Each(bs, "%.2f")),
	}
}

func epw3(res *Results) claims.Measurement {
	s := res.Search
	xs := make([]float64, len(s.Horizons))
	tree := make([]float64, len(s.Horizons))
	unpruned := make([]float64, len(s.Horizons))
	logH := make([]float64, len(s.Horizons))
	logCached := make([]float64, len(s.Horizons))
	for i, h := range s.Horizons {
		xs[i] = float64(h)
		tree[i] = math.Log2(s.Tree[i])
		unpruned[i] = math.Log2(s.Unpruned[i])
		logH[i] = math.Log(float64(h))
		logCached[i] = math.Log(s.Cached[i])
	}
	slope, _, r2 := rl.FitLine(xs, tree)
	slopeU, _, _ := rl.FitLine(xs, unpruned)
	cachedExp, _, _ := rl.FitLine(logH, logCached)
	pass := treeSlope.Holds(slope)
	return claims.Measurement{
		Value: slope,
		Detail: fmt.Sprintf("mean queries per start (%d starts), H = %v: %s; fit R² %.3f, local slopes %s; without pruning Σ 3^k, slope %.3f (theory → log₂ 3 ≈ %.3f); "+
			"a state-cached search on Catch's paddle lattice needs only %s queries (polynomial, ∝ H^%.2f) — Catch's states recur, a generic continuous MDP's do not (Needle: caching saves nothing)",
			s.Starts, s.Horizons, claims.Each(s.Tree, "%.0f"), r2, claims.Each(rl.LocalSlopes(xs, tree), "%.2f"), slopeU, math.Log2(3),
			claims.Each(s.Cached, "%.0f"), cachedExp),
		Rule:   fmt.Sprintf("slope of log₂(mean queries) against H over H = %d…%d, with terminal pruning, %s", s.Horizons[0], s.Horizons[len(s.Horizons)-1], treeSlope),
		Pass:   pass,
		Reason: fmt.Sprintf("tree search grew more slowly than 2^(%s·H)", claims.Num(treeSlope.Lo())),
	}
}

func epw4(res *Results) claims.Measurement {
	n, cfg := res.Needle, res.Config
	xs := make([]float64, len(n.Horizons))
	ys := make([]float64, len(n.Horizons))
	for i, h := range n.Horizons {
		xs[i], ys[i] = float64(h), math.Log2(n.MeanQueries[i])
	}
	slope, _, _ := rl.FitLine(xs, ys)
	rate := float64(n.AgentSuccess) / float64(n.Codes)
	windowsOK, shapedOK := len(n.WindowHs) > 0, len(n.WindowHs) > 0
	for i, h := range n.WindowHs {
		for j := range n.Windows[i] {
			windowsOK = windowsOK && n.Windows[i][j] == h
			shapedOK = shapedOK && n.ShapedWindows[i][j] == 1
		}
	}
	controlOK := shapedOK && n.ShapedSuccess == n.Codes
	slopeOK, rateOK := needleSlope.Holds(slope), needleSuccess.Holds(rate)
	pass := slopeOK && rateOK && windowsOK && controlOK
	var reasons []string
	if !slopeOK {
		reasons = append(reasons, fmt.Sprintf("slope %.3f", slope))
	}
	if !rateOK {
		reasons = append(reasons, fmt.Sprintf("the lookahead agent found %s of codes", claims.Pct(rate)))
	}
	if !windowsOK {
		reasons = append(reasons, "a measured window differs from H")
	}
	if !controlOK {
		reasons = append(reasons, "the shaped control did not have window 1 or missed a code")
	}
	theory := make([]float64, len(n.Horizons))
	for i, h := range n.Horizons {
		theory[i] = (math.Ldexp(1, h) + 1) / 2
	}
	return claims.Measurement{
		Value: slope,
		Detail: fmt.Sprintf("mean enumeration queries, H = %v: %s (theory (2^H + 1)/2: %s); windows (%d codes per H) %s; lookahead-%d agent at H = %d: %d/%d codes (theory 2^−%d = %s); "+
			"control (shaped, lookahead 1): windows %s, %d/%d codes, %.0f queries per code (2H = %d)",
			n.Horizons, claims.Each(n.MeanQueries, "%.1f"), claims.Each(theory, "%.1f"), cfg.NeedleWindowsN, needleWindows(n), n.AgentL, n.AgentH,
			n.AgentSuccess, n.Codes, n.AgentH-n.AgentL, claims.Pct(math.Ldexp(1, n.AgentL-n.AgentH)), shapedWindows(n), n.ShapedSuccess, n.Codes, n.ShapedQueries, 2*n.AgentH),
		Rule: fmt.Sprintf("slope of log₂(mean queries to find σ) against H %s; lookahead-%d success at H = %d %s of %d codes; measured window = H for H ≤ %d; "+
			"control: window 1 and every code found", needleSlope, cfg.NeedleAgentL, cfg.NeedleAgentH, needleSuccess, cfg.NeedleCodes, cfg.NeedleWindowH),
		Pass: pass,
		Parts: []claims.Part{{Name: "enumeration slope", Holds: slopeOK}, {Name: "lookahead success", Holds: rateOK},
			{Name: "window = H", Holds: windowsOK}, {Name: "shaped control", Holds: controlOK}},
		Reason: strings.Join(reasons, "; "),
	}
}

func epw5(res *Results) claims.Measurement {
	p, cfg := res.Probe, res.Config
	mlp, lin := p.model("mlp"), p.model("linear")
	var gaps []float64
	var passes []bool
	for i := range mlp.Test {
		gap := mlp.Test[i] - lin.Test[i]
		gaps = append(gaps, gap)
		passes = append(passes, mlpAccuracy.Holds(mlp.Test[i]) && accuracyGap.Holds(gap))
	}
	need := cfg.Majority()
	pass := claims.Majority(passes, need)
	return claims.Measurement{
		Value: claims.MajorityValue(gaps, need, true),
		Detail: fmt.Sprintf("learner states per seed %v, informative test states (label set ≠ A) %v; MLP %v: lr %g, accuracy %s; linear: lr %g, accuracy %s; "+
			"both from lr grid %v, %d steps, chosen on validation; on uniformly random states (%v informative): MLP %s, linear %s; "+
			"return ratio at H = %d: MLP %s, linear %s",
			p.Examples, p.Informative, mlp.Hidden, mlp.LR, claims.Each(mlp.Test, "%.3f"), lin.LR, claims.Each(lin.Test, "%.3f"), cfg.LRGrid, cfg.ProbeSteps,
			p.RandomInformative, claims.Each(mlp.Random, "%.3f"), claims.Each(lin.Random, "%.3f"),
			cfg.Horizons[len(cfg.Horizons)-1], claims.Each(lastRow(mlp.Return), "%.3f"), claims.Each(lastRow(lin.Return), "%.3f")),
		Rule: fmt.Sprintf("on the learner's W-lookahead labels (Catch, H = %d; held-out %.0f%%), informative states only: MLP accuracy %s and MLP − linear %s, %s",
			cfg.SweepH, 100*(1-cfg.ProbeTrain-cfg.ProbeVal), mlpAccuracy, accuracyGap, seedRule(cfg)),
		Pass:   pass,
		Reason: fmt.Sprintf("gaps %s, MLP %s", claims.Each(gaps, "%.3f"), claims.Each(mlp.Test, "%.3f")),
	}
}

func lastRow(rows [][]float64) []float64 {
	if len(rows) == 0 {
		return nil
	}
	return rows[len(rows)-1]
}

func (p ProbeResult) model(name string) ProbeModel {
	for _, m := range p.Models {
		if m.Name == name {
			return m
		}
	}
	return ProbeModel{Name: name}
}

func epw6(res *Results) claims.Measurement {
	cfg, l := res.Config, res.Learner
	finalOf := func(game string, lk, seed int) float64 {
		r, ok := l.find(game, cfg.SweepH, lk, seed)
		if !ok || len(r.Rounds) == 0 {
			return math.NaN()
		}
		return r.Rounds[len(r.Rounds)-1].Test
	}
	var lazyW, lazyShort, catchShort, gaps []float64
	var okW, okShort, okCatch []bool
	for s := range cfg.Seeds {
		a, b, c := finalOf("lazy", l.LazyL, s), finalOf("lazy", ShortL, s), finalOf("catch", ShortL, s)
		lazyW, lazyShort, catchShort = append(lazyW, a), append(lazyShort, b), append(catchShort, c)
		gaps = append(gaps, a-b)
		okW, okShort, okCatch = append(okW, nearOptimal.Holds(a)), append(okShort, shortRatio.Holds(b)), append(okCatch, nearOptimal.Holds(c))
	}
	need := cfg.Majority()
	lazyOK, shortOK, catchOK := claims.Majority(okW, need), claims.Majority(okShort, need), claims.Majority(okCatch, need)
	pass := lazyOK && shortOK && catchOK
	var reasons []string
	if !lazyOK {
		reasons = append(reasons, fmt.Sprintf("the L = W learner on Lazy Catch was %s in only %s seeds (%s)", nearOptimal, claims.Tally(okW), claims.Each(lazyW, "%.3f")))
	}
	if !shortOK {
		reasons = append(reasons, fmt.Sprintf("the L = %d learner on Lazy Catch stayed %s in only %s seeds", ShortL, shortRatio, claims.Tally(okShort)))
	}
	if !catchOK {
		reasons = append(reasons, fmt.Sprintf("the L = %d control on Catch was %s in only %s seeds", ShortL, nearOptimal, claims.Tally(okCatch)))
	}
	return claims.Measurement{
		Value: claims.MajorityValue(gaps, need, true),
		Detail: fmt.Sprintf("H = %d, lr %g; Lazy Catch L = %d: %s (%s); L = %d: %s (%s); Catch L = %d: %s (%s); the full lookahead sweep is in the figure",
			cfg.SweepH, l.LR, l.LazyL, claims.Each(lazyW, "%.3f"), claims.Tally(okW), ShortL, claims.Each(lazyShort, "%.3f"), claims.Tally(okShort),
			ShortL, claims.Each(catchShort, "%.3f"), claims.Tally(okCatch)),
		Rule: fmt.Sprintf("final test return ratio, each %s: Lazy Catch L = W = %d %s; Lazy Catch L = %d %s; Catch L = %d %s",
			seedRule(cfg), l.LazyL, nearOptimal, ShortL, shortRatio, ShortL, nearOptimal),
		Pass: pass,
		Parts: []claims.Part{{Name: "Lazy Catch L = W near-optimal", Holds: lazyOK}, {Name: "Lazy Catch short L not", Holds: shortOK},
			{Name: "Catch short L near-optimal (control)", Holds: catchOK}},
		Reason: strings.Join(reasons, "; "),
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func pctAt(xs []float64, w int) string {
	if w < 1 || w > len(xs) {
		return "—"
	}
	return claims.Pct(xs[w-1])
}

func qs(q []float64) string {
	var parts []string
	for _, v := range q {
		if math.IsInf(v, 1) {
			parts = append(parts, "not reached")
		} else {
			parts = append(parts, fmt.Sprintf("%.0fk", v/1000))
		}
	}
	return strings.Join(parts, ", ")
}

func needleWindows(n NeedleResult) string {
	var parts []string
	for i, h := range n.WindowHs {
		parts = append(parts, fmt.Sprintf("H=%d: %v", h, n.Windows[i]))
	}
	return strings.Join(parts, ", ")
}

func shapedWindows(n NeedleResult) string {
	var parts []string
	for i, h := range n.WindowHs {
		parts = append(parts, fmt.Sprintf("H=%d: %v", h, n.ShapedWindows[i]))
	}
	return strings.Join(parts, ", ")
}
