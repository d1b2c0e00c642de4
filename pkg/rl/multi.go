package rl

import (
	"math/rand/v2"
	"slices"
)

// Scaled is an MDP whose rewards are those of M times Scale (the
// environments of Catch-m, paper 10, scale Catch's rewards by 1 + δᵢ).
type Scaled[S comparable] struct {
	M     MDP[S]
	Scale float64
}

// NumActions is M's.
func (s Scaled[S]) NumActions() int { return s.M.NumActions() }

// Absorbing is M's.
func (s Scaled[S]) Absorbing(x S) bool { return s.M.Absorbing(x) }

// Step is M's step with the reward scaled.
func (s Scaled[S]) Step(x S, a int) (S, float64) {
	next, r := s.M.Step(x, a)
	return next, s.Scale * r
}

// ConsensusLabels labels a state for several environments that share its
// transitions: Yᵢ(s) = argmax_a Q_L^{(i)}(s, a) by each environment's search
// (so each pays its queries), and Y(s) = ∩ᵢ Yᵢ(s), possibly empty.
func ConsensusLabels[S comparable](searches []*Search[S], s S, l, prefix int) (consensus []int, each [][]int) {
	for i, sr := range searches {
		y := ArgmaxSet(sr.QValues(s, l, prefix))
		each = append(each, y)
		if i == 0 {
			consensus = slices.Clone(y)
			continue
		}
		consensus = slices.DeleteFunc(consensus, func(a int) bool { return !slices.Contains(y, a) })
	}
	return consensus, each
}

// PlayConsensus plays consensus lookahead from s for up to H steps: at step
// h it takes an action of ∩ᵢ argmax_a Q^{(i)}_{min(L, H−h+1)}(s, a), ties (and
// an empty intersection, which falls back to every action) broken by rule
// with rng. The transitions are those of searches[0].M (shared). stop ends
// an episode whose outcome is decided. It returns the leaf-or-final state.
func PlayConsensus[S comparable](searches []*Search[S], s S, H, L int, rule TieRule, rng *rand.Rand, stop func(S) bool) S {
	m := searches[0].M
	for t := range H {
		if m.Absorbing(s) || stop != nil && stop(s) {
			break
		}
		y, _ := ConsensusLabels(searches, s, min(L, H-t), t)
		if len(y) == 0 {
			y = make([]int, m.NumActions())
			for a := range y {
				y[a] = a
			}
		}
		s, _ = m.Step(s, rule.Pick(y, rng))
	}
	return s
}
