package rl

import (
	"math/rand/v2"
	"slices"
	"strconv"
)

// TieRule resolves a tie between lookahead-greedy actions: the first action
// of Order that is tied, or (Order nil) one of the tied actions uniformly at
// random from a stream seeded by Seed and the start's index.
type TieRule struct {
	Name  string
	Order []int
	Seed  uint64
}

// Pick chooses one action of ties (non-empty, increasing).
func (t TieRule) Pick(ties []int, rng *rand.Rand) int {
	if t.Order == nil {
		return ties[rng.IntN(len(ties))]
	}
	for _, a := range t.Order {
		if slices.Contains(ties, a) {
			return a
		}
	}
	return ties[0]
}

// TieRules returns the named rules for k actions — left-first (lowest index),
// right-first (highest index) and, for k = 3, stay-first (the middle action:
// Catch's Stay) — and `random` rules that break every tie uniformly at random.
func TieRules(k, random int, seed uint64) []TieRule {
	left := make([]int, k)
	right := make([]int, k)
	for a := range k {
		left[a], right[a] = a, k-1-a
	}
	rules := []TieRule{{Name: "left-first", Order: left}, {Name: "right-first", Order: right}}
	if k == 3 {
		rules = append(rules, TieRule{Name: "stay-first", Order: []int{1, 0, 2}})
	}
	for i := range random {
		rules = append(rules, TieRule{Name: "random-" + strconv.Itoa(i+1), Seed: mix(seed, uint64(i))})
	}
	return rules
}

// EPWCurve is the result of MeasureEPW: for each lookahead W = 1 … Wmax, the
// fraction of start states from which W-lookahead-greedy play is optimal.
type EPWCurve struct {
	H       int   `json:"h"`
	Starts  int   `json:"starts"`
	Windows []int `json:"windows"` // 1 … Wmax
	// Literal[i] is the fraction of starts that pass the definition with
	// W = Windows[i]: at every (h, s) reachable by following any action of
	// argmax_a Q_W(h, s, a), every such action is optimal (ties adversarial).
	Literal []float64 `json:"literal"`
	// ByRule[r][i] is the fraction of starts whose single W-greedy
	// trajectory, ties broken by Rules[r], collects the optimal return.
	Rules  []string    `json:"rules"`
	ByRule [][]float64 `json:"by_rule"`
	// Worst[i] is the smallest ByRule[·][i]: the worst named tie rule.
	Worst []float64 `json:"worst"`
	// Window is the smallest W whose Literal fraction is 1 (0: none ≤ Wmax).
	Window int `json:"window"`
}

// MeasureEPW measures the effective planning window of m from the given
// start states with horizon H, trying W = 1 … Wmax. Lookahead values are
// truncated at the horizon: at step h (1-based) W-greedy play looks
// min(W, H − h + 1) steps ahead, and an action is optimal when its
// (H − h + 1)-step value is within Tol of the best. Exact values come from a
// cached, pruned search (the measurement is an oracle; its queries are not
// the learner's).
func MeasureEPW[S comparable](m MDP[S], starts []S, H, wmax int, rules []TieRule) EPWCurve {
	c := EPWCurve{H: H, Starts: len(starts)}
	for _, r := range rules {
		c.Rules = append(c.Rules, r.Name)
	}
	litPass := make([]int, wmax)
	rulePass := make([][]int, len(rules))
	for r := range rulePass {
		rulePass[r] = make([]int, wmax)
	}
	sr := NewSearch(m, true, true)
	for i, s1 := range starts {
		sr.Reset() // one start's states rarely recur in another's; keep memory small
		vstar := sr.Value(s1, H, 0)
		for w := 1; w <= wmax; w++ {
			if literalWindow(sr, s1, H, w) {
				litPass[w-1]++
			}
			for r, rule := range rules {
				rng := rand.New(rand.NewPCG(rule.Seed, uint64(i)))
				total, _ := Rollout(m, s1, H, func(t int, s S) int {
					return rule.Pick(ArgmaxSet(sr.QValues(s, min(w, H-t), 0)), rng)
				})
				if total >= vstar-Tol {
					rulePass[r][w-1]++
				}
			}
		}
	}
	n := float64(len(starts))
	for w := 1; w <= wmax; w++ {
		c.Windows = append(c.Windows, w)
		c.Literal = append(c.Literal, float64(litPass[w-1])/n)
		if c.Window == 0 && litPass[w-1] == len(starts) {
			c.Window = w
		}
	}
	worst := make([]float64, wmax)
	for i := range worst {
		worst[i] = 1
	}
	for r := range rules {
		row := make([]float64, wmax)
		for i := range row {
			row[i] = float64(rulePass[r][i]) / n
			worst[i] = min(worst[i], row[i])
		}
		c.ByRule = append(c.ByRule, row)
	}
	if len(rules) > 0 {
		c.Worst = worst
	}
	return c
}

// literalWindow checks the definition from one start: a depth-first walk over
// every (h, s) reachable by following any W-greedy action.
func literalWindow[S comparable](sr *Search[S], s1 S, H, w int) bool {
	type node struct {
		s S
		h int
	}
	seen := map[node]bool{}
	stack := []node{{s1, 1}}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.h > H || seen[n] || sr.M.Absorbing(n.s) {
			continue
		}
		seen[n] = true
		rest := H - n.h + 1
		qw := sr.QValues(n.s, min(w, rest), 0)
		qstar := sr.QValues(n.s, rest, 0)
		vstar := slices.Max(qstar)
		for _, a := range ArgmaxSet(qw) {
			if qstar[a] < vstar-Tol {
				return false
			}
			next, _ := sr.M.Step(n.s, a)
			stack = append(stack, node{next, n.h + 1})
		}
	}
	return true
}

// mix is the SplitMix64 finaliser of a seed combined with an index: nearby
// inputs give unrelated outputs.
func mix(seed, index uint64) uint64 {
	z := seed*0x9E3779B97F4A7C15 + index + 0x632BE59BD9B4E019
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Stream returns a seed for one purpose of one run: Stream(seed, purpose,
// index) differs for every (seed, purpose, index), and nearby seeds give
// unrelated streams (so seed 1's runs are not seed 0's shifted by one).
func Stream(seed int, purpose string, index int) uint64 {
	h := uint64(1469598103934665603) // FNV-1a of the purpose
	for i := 0; i < len(purpose); i++ {
		h = (h ^ uint64(purpose[i])) * 1099511628211
	}
	return mix(mix(uint64(seed), h), uint64(index))
}
