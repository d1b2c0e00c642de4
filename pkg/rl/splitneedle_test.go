package rl

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSplitNeedleFacts brute-forces facts (a)–(f) of the Split-needle family
// for every code σ of every H ≤ 8 (m = 2) and a sample of codes for m = 4.
func TestSplitNeedleFacts(t *testing.T) {
	const eps = 0.05
	for _, m := range []int{2, 4} {
		for h := max(2, SplitBits(m)+1); h <= 8; h++ {
			step := uint64(1)
			if m == 4 {
				step = 37
			}
			for code := uint64(0); code < 1<<uint(h); code += step {
				envs, err := NewSplitNeedles(h, code, m, eps, 0, false)
				if err != nil {
					t.Fatal(err)
				}
				checkSplitFacts(t, envs, eps)
			}
		}
	}
}

func checkSplitFacts(t *testing.T, envs []SplitNeedle, eps float64) {
	t.Helper()
	h, code := envs[0].H, envs[0].Code
	// (a) identical transitions, and rewards that differ by at most ε (exactly ε somewhere).
	gap := 0.0
	for depth := range h {
		for path := uint64(0); path < 1<<uint(depth); path++ {
			s := TreeState{T: depth, Path: path}
			for a := range 2 {
				n0, r0 := envs[0].Step(s, a)
				for _, e := range envs[1:] {
					n, r := e.Step(s, a)
					if n != n0 {
						t.Fatalf("H=%d σ=%b: transitions differ at %+v", h, code, s)
					}
					gap = math.Max(gap, math.Abs(r-r0))
				}
			}
		}
	}
	if math.Abs(gap-eps) > 1e-12 {
		t.Errorf("H=%d σ=%b: max reward gap %v, want ε", h, code, gap)
	}
	stars := make([]float64, len(envs))
	for i, e := range envs {
		stars[i] = NewSearch[TreeState](e, false, true).Value(TreeState{}, h, 0)
	}
	// (b) σ is optimal in every environment; (c) it is the only leaf that is.
	for leaf := uint64(0); leaf < 1<<uint(h); leaf++ {
		all := true
		for i, e := range envs {
			all = all && e.Value(leaf) >= stars[i]-1e-12
		}
		if all != (leaf == code) {
			t.Errorf("H=%d σ=%b: leaf %b optimal everywhere: %v", h, code, leaf, all)
		}
	}
	// (d) each environment alone is solved by an open-loop policy: for m = 2
	// a constant one (all-0 or all-1); for larger m, the environment's name
	// (its ⌈log₂ m⌉ bits, first action most significant), then anything.
	k := SplitBits(len(envs))
	for i, e := range envs {
		best := math.Max(e.Value(0), e.Value(1<<uint(h)-1))
		if len(envs) > 2 {
			var name uint64
			for j := range k {
				name |= uint64(i>>uint(k-1-j)&1) << uint(j)
			}
			best = e.Value(name)
		}
		if best < stars[i]-1e-12 {
			t.Errorf("H=%d σ=%b env %d of %d: best open-loop policy %v < V* %v", h, code, i, len(envs), best, stars[i])
		}
	}
	// (f) SP-lite fails: on σ's path the optimal-action sets differ somewhere.
	differ := false
	for depth := range h {
		s := TreeState{T: depth, Path: code & (1<<uint(depth) - 1)}
		var first []int
		for i, e := range envs {
			y := ArgmaxSet(NewSearch[TreeState](e, false, true).QValues(s, h-depth, 0))
			if i == 0 {
				first = y
			} else if !slices.Equal(first, y) {
				differ = true
			}
		}
	}
	if !differ {
		t.Errorf("H=%d σ=%b: the optimal-action sets agree all along σ's path", h, code)
	}
}

// TestSplitEnumeration: fact (e) — random-order search needs m·(2^H + 1)/2
// queries on average (m per leaf), within 3% over 2000 trials.
func TestSplitEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, m := range []int{2, 4} {
		const h, trials = 8, 2000
		total := 0.0
		for range trials {
			envs, _ := NewSplitNeedles(h, rng.Uint64()>>(64-h), m, 0.05, 0, false)
			total += float64(EnumerateSplit(envs, rng))
		}
		want := float64(m) * (math.Ldexp(1, h) + 1) / 2
		if mean := total / trials; math.Abs(mean-want) > 0.03*want {
			t.Errorf("m=%d: mean %.1f queries, want %.1f ± 3%%", m, mean, want)
		}
	}
}

// TestConsensusLabels: on Split-needle a lookahead that cannot reach the
// leaves labels every action (Y = A) and costs m·Σ_{k≤L} 2^k queries; near
// the leaves, on σ's path, the consensus is σ's action; shaped, it is σ's
// action everywhere on the path with lookahead 1.
func TestConsensusLabels(t *testing.T) {
	const h, l = 10, 4
	code := uint64(0b1011001110)
	for _, shaping := range []float64{0, 1.0 / (2 * h)} {
		envs, _ := NewSplitNeedles(h, code, 2, 0.05, shaping, false)
		searches := []*Search[TreeState]{NewSearch[TreeState](envs[0], false, true), NewSearch[TreeState](envs[1], false, true)}
		for depth := range h {
			s := TreeState{T: depth, Path: code & (1<<uint(depth) - 1)}
			before := searches[0].Queries.Generative + searches[1].Queries.Generative
			look := l
			if shaping > 0 {
				look = 1
			}
			y, _ := ConsensusLabels(searches, s, min(look, h-depth), depth)
			spent := searches[0].Queries.Generative + searches[1].Queries.Generative - before
			if want := 2 * TreeQueries(2, min(look, h-depth)); float64(spent) != want {
				t.Errorf("shaping %v depth %d: %d queries, want %v", shaping, depth, spent, want)
			}
			sigma := int(code >> uint(depth) & 1)
			switch {
			case shaping > 0 || h-depth <= l:
				if !slices.Equal(y, []int{sigma}) {
					t.Errorf("shaping %v depth %d: consensus %v, want σ's action %d", shaping, depth, y, sigma)
				}
			default:
				if !slices.Equal(y, []int{0, 1}) {
					t.Errorf("depth %d: consensus %v, want every action", depth, y)
				}
			}
		}
	}
}

// TestScaledCatchArgmax: positive reward scaling leaves every lookahead
// argmax set of Catch unchanged (exact cached lookahead, 10,000 random
// states), so the consensus label is never empty (SP-lite holds on Catch-m).
func TestScaledCatchArgmax(t *testing.T) {
	c := DefaultCatch()
	envs := []*Search[CatchState]{
		NewSearch[CatchState](Scaled[CatchState]{M: c, Scale: 1}, true, true),
		NewSearch[CatchState](Scaled[CatchState]{M: c, Scale: 1.03}, true, true),
		NewSearch[CatchState](Scaled[CatchState]{M: c, Scale: 1.05}, true, true),
	}
	for i, s := range c.Starts(10000, 12) {
		if i%500 == 0 {
			for _, sr := range envs {
				sr.Reset()
			}
		}
		y, each := ConsensusLabels(envs, s, 6, 0)
		for j := 1; j < len(each); j++ {
			if !slices.Equal(each[0], each[j]) {
				t.Fatalf("state %+v: argmax sets %v differ across scales", s, each)
			}
		}
		if len(y) == 0 {
			t.Fatalf("state %+v: empty consensus", s)
		}
	}
}

// TestIdenticalNeedle: every environment shares the one paying leaf, so the
// optimal-action sets agree everywhere (SP-lite holds).
func TestIdenticalNeedle(t *testing.T) {
	envs, _ := NewSplitNeedles(6, 0b101101, 2, 0.05, 0, true)
	for depth := range 6 {
		for path := uint64(0); path < 1<<uint(depth); path++ {
			s := TreeState{T: depth, Path: path}
			a := ArgmaxSet(NewSearch[TreeState](envs[0], false, true).QValues(s, 6-depth, 0))
			b := ArgmaxSet(NewSearch[TreeState](envs[1], false, true).QValues(s, 6-depth, 0))
			if !slices.Equal(a, b) {
				t.Fatalf("%+v: %v vs %v", s, a, b)
			}
		}
	}
}
