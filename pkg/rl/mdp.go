package rl

import (
	"math"
	"math/rand/v2"
)

// Tol is the tolerance within which two lookahead values count as tied, and
// an action counts as optimal (rewards are sums of a few numbers of order 1).
const Tol = 1e-9

// MDP is a deterministic episodic Markov decision process with K = NumActions
// actions 0 … K−1 and comparable states.
type MDP[S comparable] interface {
	// NumActions is |A|.
	NumActions() int
	// Step is the generative model: the next state and the reward of action
	// a in state s. It must be pure (no hidden state; the same input gives
	// the same output).
	Step(s S, a int) (S, float64)
	// Absorbing reports a state whose every action gives reward 0 and leads
	// to an absorbing state (a lost game). Searches may prune below it.
	Absorbing(s S) bool
}

// Queries counts accesses to an MDP under the query model of the package
// documentation.
type Queries struct {
	Generative int64 `json:"generative"` // Step calls
	Replay     int64 `json:"replay"`     // environment steps the same calls cost with reset-and-replay access
	Resets     int64 `json:"resets"`     // resets the same calls cost with reset-and-replay access
	CacheHits  int64 `json:"cache_hits"` // Step calls a cached search did not need to make
}

// Add accumulates o into q.
func (q *Queries) Add(o Queries) {
	q.Generative += o.Generative
	q.Replay += o.Replay
	q.Resets += o.Resets
	q.CacheHits += o.CacheHits
}

// Rollout plays the policy act from s for h steps (or fewer if the state
// becomes absorbing) and returns the total reward and the visited states
// s₁ … s_h (the state in which each action was taken).
func Rollout[S comparable](m MDP[S], s S, h int, act func(step int, s S) int) (total float64, visited []S) {
	for t := range h {
		if m.Absorbing(s) {
			break
		}
		visited = append(visited, s)
		var r float64
		s, r = m.Step(s, act(t, s))
		total += r
	}
	return total, visited
}

// ArgmaxSet returns the actions whose value is within Tol of the largest.
func ArgmaxSet(q []float64) []int {
	best := math.Inf(-1)
	for _, v := range q {
		best = math.Max(best, v)
	}
	var out []int
	for a, v := range q {
		if v >= best-Tol {
			out = append(out, a)
		}
	}
	return out
}

func tanh(x float64) float64 { return math.Tanh(x) }

func nan() float64 { return math.NaN() }

// PlayLookahead plays L-step lookahead-greedy from s for up to H steps: at
// step h it takes an action of argmax_a Q_{min(L, H−h+1)}(s, a) computed by
// sr (whose queries it therefore counts), ties broken by rule with rng. stop,
// if not nil, ends the episode early when the caller knows its outcome is
// decided. It returns the total reward.
func PlayLookahead[S comparable](sr *Search[S], s S, H, L int, rule TieRule, rng *rand.Rand, stop func(S) bool) float64 {
	total := 0.0
	for t := range H {
		if sr.M.Absorbing(s) || stop != nil && stop(s) {
			break
		}
		a := rule.Pick(ArgmaxSet(sr.QValues(s, min(L, H-t), t)), rng)
		var r float64
		s, r = sr.M.Step(s, a)
		total += r
	}
	return total
}
