package rl

import "math"

// Search computes reward-only lookahead values on an MDP and counts the
// queries it makes (see the package documentation for the query model):
//
//	Q₁(s, a) = r(s, a),   Q_{k+1}(s, a) = r(s, a) + max_{a′} Q_k(T(s, a), a′).
//
// With Cache false it is a plain tree search: every node of A^k is queried.
// With Cache true it memoizes transitions by (state, action) and values by
// (state, depth), so that a state reached by several action sequences is
// expanded once: exhaustive dynamic programming over the reachable states.
// With Prune true it never expands an absorbing state.
//
// A Search is not safe for concurrent use; its caches grow without bound
// (make a new Search to drop them).
type Search[S comparable] struct {
	M     MDP[S]
	Cache bool
	Prune bool
	// Queries made so far (reset it by assigning Queries{}).
	Queries Queries

	k     int
	trans map[stateAction[S]]transition[S]
	vals  map[stateDepth[S]]float64
}

type stateAction[S comparable] struct {
	s S
	a int
}

type stateDepth[S comparable] struct {
	s S
	d int
}

type transition[S comparable] struct {
	next S
	r    float64
}

// NewSearch returns a search on m.
func NewSearch[S comparable](m MDP[S], cache, prune bool) *Search[S] {
	s := &Search[S]{M: m, Cache: cache, Prune: prune, k: m.NumActions()}
	if cache {
		s.trans = map[stateAction[S]]transition[S]{}
		s.vals = map[stateDepth[S]]float64{}
	}
	return s
}

// QValues returns Q_d(s, a) for every action a (d ≥ 1). prefix is the number
// of environment steps from a reset to s, used only for the replay count.
func (sr *Search[S]) QValues(s S, d, prefix int) []float64 {
	q := make([]float64, sr.k)
	for a := range sr.k {
		next, r := sr.step(s, a, prefix, 1)
		// Q_d(s, a) = r(s, a) + max_{a′} Q_{d−1}(s′, a′) = r(s, a) + V_{d−1}(s′).
		q[a] = r + searchValue(sr, next, d-1, prefix, 1)
	}
	return q
}

// Value returns V_d(s) = max_a Q_d(s, a), with V₀ = 0.
func (sr *Search[S]) Value(s S, d, prefix int) float64 {
	return searchValue(sr, s, d, prefix, 0)
}

// searchValue is the lookahead recursion: V_d(s) for a state at depth
// `depth` below the search's root (see Search).
func searchValue[S comparable](sr *Search[S], s S, d, prefix, depth int) float64 {
	if d <= 0 || sr.Prune && sr.M.Absorbing(s) {
		return 0
	}
	if sr.Cache {
		if v, ok := sr.vals[stateDepth[S]{s, d}]; ok {
			return v
		}
	}
	best := math.Inf(-1)
	for a := range sr.k {
		next, r := sr.step(s, a, prefix, depth+1)
		// V_d(s) = max_a [ r(s, a) + V_{d−1}(T(s, a)) ].
		best = math.Max(best, r+searchValue(sr, next, d-1, prefix, depth+1))
	}
	if sr.Cache {
		sr.vals[stateDepth[S]{s, d}] = best
	}
	return best
}

// step makes (or, cached, looks up) one query at depth `depth` below the root.
func (sr *Search[S]) step(s S, a, prefix, depth int) (S, float64) {
	if sr.Cache {
		if t, ok := sr.trans[stateAction[S]{s, a}]; ok {
			sr.Queries.CacheHits++
			return t.next, t.r
		}
	}
	sr.Queries.Generative++
	sr.Queries.Resets++
	sr.Queries.Replay += int64(prefix + depth)
	next, r := sr.M.Step(s, a)
	if sr.Cache {
		sr.trans[stateAction[S]{s, a}] = transition[S]{next, r}
	}
	return next, r
}

// TreeQueries is the number of queries of a plain tree search of depth d
// with K actions and no pruning: Σ_{k=1}^{d} K^k.
func TreeQueries(k, d int) float64 {
	total, pow := 0.0, 1.0
	for range d {
		pow *= float64(k)
		total += pow
	}
	return total
}

// Reset drops the search's caches (the query counts are kept).
func (sr *Search[S]) Reset() {
	if sr.Cache {
		clear(sr.trans)
		clear(sr.vals)
	}
}
