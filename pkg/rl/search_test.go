package rl

import (
	"math"
	"slices"
	"testing"
)

// TestLookaheadByHand: Q_L at the root of the hand-built tree, against values
// computed by hand (see treeRewards):
//
//	Q₁ = (0, 0.5)
//	Q₂ = (0 + max(1, 0), 0.5 + max(0, 0.2)) = (1, 0.7)
//	Q₃ = (0 + max(1 + 2, 0 + 0), 0.5 + max(0 + 0.1, 0.2 + 0)) = (3, 0.7)
func TestLookaheadByHand(t *testing.T) {
	want := map[int][]float64{1: {0, 0.5}, 2: {1, 0.7}, 3: {3, 0.7}}
	for _, cache := range []bool{false, true} {
		for d, w := range want {
			sr := NewSearch[string](treeMDP{}, cache, true)
			got := sr.QValues("", d, 0)
			for a := range w {
				if math.Abs(got[a]-w[a]) > 1e-12 {
					t.Errorf("cache=%v Q_%d(root) = %v, want %v", cache, d, got, w)
				}
			}
		}
	}
}

// TestTreeQueryCount: without pruning, a depth-L search queries Σ_{k≤L} K^k
// transitions; a cache changes nothing on a tree whose states never recur,
// and the replay count is Σ_k K^k·(prefix + k).
func TestTreeQueryCount(t *testing.T) {
	for _, k := range []int{2, 3} {
		for l := 1; l <= 6; l++ {
			for _, cache := range []bool{false, true} {
				sr := NewSearch[string](fullTree{K: k}, cache, false)
				sr.QValues("", l, 5)
				if want := TreeQueries(k, l); float64(sr.Queries.Generative) != want {
					t.Errorf("K=%d L=%d cache=%v: %d queries, want %v", k, l, cache, sr.Queries.Generative, want)
				}
				replay, pow := 0.0, 1.0
				for d := 1; d <= l; d++ {
					pow *= float64(k)
					replay += pow * float64(5+d)
				}
				if float64(sr.Queries.Replay) != replay || sr.Queries.Resets != sr.Queries.Generative {
					t.Errorf("K=%d L=%d: replay %d resets %d, want %v and %d", k, l, sr.Queries.Replay, sr.Queries.Resets, replay, sr.Queries.Generative)
				}
			}
		}
	}
	if got := TreeQueries(3, 6); got != 1092 {
		t.Errorf("Σ_{k≤6} 3^k = %v, want 1092", got)
	}
}

// TestCacheMergesStates: on Catch, left-then-right and right-then-left reach
// the same state, so the cached search queries far fewer transitions than
// the tree, and both give the same values.
func TestCacheMergesStates(t *testing.T) {
	c := DefaultCatch()
	s := CatchState{Base: 0.5, X: 0.3, U: 0.01, Y: 8}
	a, _ := c.Step(s, Left)
	a, _ = c.Step(a, Right)
	b, _ := c.Step(s, Right)
	b, _ = c.Step(b, Left)
	if a != b {
		t.Fatalf("left-right %+v differs from right-left %+v", a, b)
	}
	tree := NewSearch[CatchState](c, false, true)
	memo := NewSearch[CatchState](c, true, true)
	for _, s := range c.Starts(20, 3) {
		qt, qm := tree.QValues(s, 7, 0), memo.QValues(s, 7, 0)
		if !slices.Equal(qt, qm) {
			t.Errorf("tree %v and cached %v values differ at %+v", qt, qm, s)
		}
	}
	if memo.Queries.Generative*5 > tree.Queries.Generative {
		t.Errorf("cached search made %d queries, the tree %d: the cache should save most", memo.Queries.Generative, tree.Queries.Generative)
	}
}

func TestArgmaxSet(t *testing.T) {
	if got := ArgmaxSet([]float64{1, 1 + 1e-12, 0.5}); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("ties within Tol: got %v", got)
	}
	if got := ArgmaxSet([]float64{0, 0.1, 0.2}); !slices.Equal(got, []int{2}) {
		t.Errorf("strict max: got %v", got)
	}
}
