package rl

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// TreeState is a node of a binary tree of depth H: the number of actions
// taken and the actions themselves (bit h−1 is a_h).
type TreeState struct {
	T    int
	Path uint64
}

// SplitNeedle is one environment of the Split-needle family of paper 10 (our
// construction): a binary tree of depth H with the same deterministic
// transitions in every environment, a secret leaf σ, and a terminal reward
//
//	r_i(leaf) = 1 if leaf ∈ O_i, else 1 − Eps,
//
// where O_i holds σ and every leaf whose first ⌈log₂ M⌉ actions spell i (in
// binary, first action most significant). No other reward, except
// Shaping > 0 (the shaped control): a reward Shaping, the same in every
// environment, for each step that follows σ while on σ's path. With
// Identical set, O_i = {σ} in every environment (the identical-needle
// control).
type SplitNeedle struct {
	H         int     `json:"h"`
	Code      uint64  `json:"code"` // σ: bit h−1 is σ_h
	M         int     `json:"m"`    // number of environments
	Env       int     `json:"env"`  // this environment, 0 … M−1
	Eps       float64 `json:"eps"`
	Shaping   float64 `json:"shaping"`
	Identical bool    `json:"identical"`
}

// NewSplitNeedles returns the M environments of one family member.
func NewSplitNeedles(h int, code uint64, m int, eps, shaping float64, identical bool) ([]SplitNeedle, error) {
	if h < 1 || h > 40 {
		return nil, fmt.Errorf("splitneedle: h must be in [1, 40], got %d", h)
	}
	if m < 1 || SplitBits(m) > h {
		return nil, fmt.Errorf("splitneedle: m must be ≥ 1 with ⌈log₂ m⌉ ≤ h, got m = %d, h = %d", m, h)
	}
	if code>>uint(h) != 0 {
		return nil, fmt.Errorf("splitneedle: code %#x has bits beyond h = %d", code, h)
	}
	if !(eps > 0 && eps < 1) {
		return nil, fmt.Errorf("splitneedle: eps must be in (0, 1), got %v", eps)
	}
	out := make([]SplitNeedle, m)
	for i := range out {
		out[i] = SplitNeedle{H: h, Code: code, M: m, Env: i, Eps: eps, Shaping: shaping, Identical: identical}
	}
	return out, nil
}

// SplitBits is ⌈log₂ m⌉, the number of leading actions that name an environment.
func SplitBits(m int) int {
	if m <= 1 {
		return 0
	}
	return bits.Len(uint(m - 1))
}

// NumActions is 2.
func (n SplitNeedle) NumActions() int { return 2 }

// Absorbing reports the end of the episode.
func (n SplitNeedle) Absorbing(s TreeState) bool { return s.T >= n.H }

// InO reports whether a leaf (its H actions) is in O_Env.
func (n SplitNeedle) InO(leaf uint64) bool {
	if leaf == n.Code {
		return true
	}
	if n.Identical {
		return false
	}
	k := SplitBits(n.M)
	if k == 0 {
		return true // one environment: O = every leaf
	}
	// The environment named by the first k actions, first action most significant.
	name := 0
	for j := range k {
		name = name<<1 | int(leaf>>uint(j)&1)
	}
	return name == n.Env
}

// Step is the generative model.
func (n SplitNeedle) Step(s TreeState, a int) (TreeState, float64) {
	if s.T >= n.H {
		return s, 0
	}
	next := TreeState{T: s.T + 1, Path: s.Path | uint64(a&1)<<uint(s.T)}
	r := 0.0
	if n.Shaping > 0 && n.OnPath(s) && a == int(n.Code>>uint(s.T)&1) {
		r += n.Shaping
	}
	if next.T == n.H {
		if n.InO(next.Path) {
			r += 1
		} else {
			r += 1 - n.Eps
		}
	}
	return next, r
}

// OnPath reports whether s lies on σ's path.
func (n SplitNeedle) OnPath(s TreeState) bool {
	mask := uint64(1)<<uint(s.T) - 1
	return s.Path == n.Code&mask
}

// Leaf is the state after all H actions of a code.
func (n SplitNeedle) Leaf(code uint64) TreeState { return TreeState{T: n.H, Path: code} }

// Value returns the total reward of playing the fixed action sequence code.
func (n SplitNeedle) Value(code uint64) float64 {
	s, total := TreeState{}, 0.0
	for h := range n.H {
		var r float64
		s, r = n.Step(s, int(code>>uint(h)&1))
		total += r
	}
	return total
}

// EnumerateSplit is the generic search of the lower bound on a family: it
// tries the leaves in a uniformly random order (from rng) until one pays 1
// (the top reward) in every environment. A leaf costs one generative query
// per environment — its last action, taken at its parent. It returns the
// number of queries.
func EnumerateSplit(envs []SplitNeedle, rng *rand.Rand) int {
	h := envs[0].H
	queries := 0
	for _, code := range rng.Perm(1 << uint(h)) {
		c := uint64(code)
		parent := TreeState{T: h - 1, Path: c &^ (1 << uint(h-1))}
		a := int(c >> uint(h-1) & 1)
		all := true
		for _, e := range envs {
			queries++
			if _, r := e.Step(parent, a); r < 1 {
				all = false
			}
		}
		if all {
			return queries
		}
	}
	return queries
}
