package rl

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Needle is Needle-H, our construction of an MDP that violates the
// planning-window condition although its dynamics are linear. The state is
// a real number s with s₁ = 0; the two actions move it by ∓2^{−h} at step h:
//
//	s_{h+1} = s_h + (2a_h − 1)·2^{−h},
//
// so after H steps the 2^H action sequences end at 2^H distinct points,
// 2^{1−H} apart. The only reward comes with the last step, a narrow bump at
// the end point c_σ of a secret code σ ∈ {0, 1}^H:
//
//	r = ReLU(1 − 2^H·|s_{H+1} − c_σ|),
//
// whose support (radius 2^{−H}) contains no other end point. Shaping > 0
// gives the shaped control: a reward Shaping for each step that follows σ
// while still on σ's path (same dynamics, same final reward).
type Needle struct {
	H       int     `json:"h"`
	Code    uint64  `json:"code"`    // σ: bit h−1 is σ_h
	Shaping float64 `json:"shaping"` // 0: the plain Needle
}

// NeedleState is (steps taken, position).
type NeedleState struct {
	T int
	S float64
}

// NewNeedle validates H (1 … 52, so that every position is exact in float64).
func NewNeedle(h int, code uint64, shaping float64) (Needle, error) {
	if h < 1 || h > 52 {
		return Needle{}, fmt.Errorf("needle: h must be in [1, 52], got %d", h)
	}
	if code>>uint(h) != 0 {
		return Needle{}, fmt.Errorf("needle: code %#x has bits beyond h = %d", code, h)
	}
	return Needle{H: h, Code: code, Shaping: shaping}, nil
}

// NumActions is 2.
func (n Needle) NumActions() int { return 2 }

// Absorbing reports the end of the episode (after H steps).
func (n Needle) Absorbing(s NeedleState) bool { return s.T >= n.H }

// Bit is σ_h (h = 1 … H).
func (n Needle) Bit(h int) int { return int(n.Code>>uint(h-1)) & 1 }

// Position is the point reached by the first k actions of code:
// Σ_{h=1}^{k} (2a_h − 1)·2^{−h}.
func (n Needle) Position(code uint64, k int) float64 {
	s := 0.0
	for h := 1; h <= k; h++ {
		s += float64(2*int(code>>uint(h-1)&1)-1) * math.Ldexp(1, -h)
	}
	return s
}

// Step is the generative model.
func (n Needle) Step(s NeedleState, a int) (NeedleState, float64) {
	if s.T >= n.H {
		return s, 0
	}
	h := s.T + 1
	// s_{h+1} = s_h + (2a − 1)·2^{−h}
	next := NeedleState{T: h, S: s.S + float64(2*a-1)*math.Ldexp(1, -h)}
	r := 0.0
	if n.Shaping > 0 && a == n.Bit(h) && s.S == n.Position(n.Code, h-1) {
		r += n.Shaping
	}
	if h == n.H {
		// r = ReLU(1 − 2^H·|s_{H+1} − c_σ|)
		r += math.Max(0, 1-math.Ldexp(math.Abs(next.S-n.Position(n.Code, n.H)), n.H))
	}
	return next, r
}

// Start is s₁ = 0 at step 0.
func (n Needle) Start() NeedleState { return NeedleState{} }

// Leaf is the state after all H actions of code.
func (n Needle) Leaf(code uint64) NeedleState { return NeedleState{T: n.H, S: n.Position(code, n.H)} }

// Enumerate is the generic search of the lower bound: it tries the 2^H leaves
// in a uniformly random order (from rng) until one pays. The dynamics are
// known (linear) and only the reward is unknown, so a leaf costs one
// generative query — its last action, taken at its parent. It returns the
// number of queries (between 1 and 2^H).
func (n Needle) Enumerate(rng *rand.Rand) int {
	leaves := 1 << uint(n.H)
	order := rng.Perm(leaves)
	for q, code := range order {
		c := uint64(code)
		parent := NeedleState{T: n.H - 1, S: n.Position(c, n.H-1)}
		if _, r := n.Step(parent, int(c>>uint(n.H-1)&1)); r > 0 {
			return q + 1
		}
	}
	return leaves // unreachable: σ is one of the leaves
}

// OnPath reports whether s lies on σ's path (the first s.T actions of σ):
// only then can the episode still pay.
func (n Needle) OnPath(s NeedleState) bool { return s.S == n.Position(n.Code, s.T) }

// RandomCodes draws n codes σ of h bits (h ≤ 64), uniformly, from the
// stream seed: the secret codes of Needle-H and of Split-needle.
func RandomCodes(seed uint64, h, n int) []uint64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	out := make([]uint64, n)
	for i := range out {
		out[i] = rng.Uint64() >> uint(64-h)
	}
	return out
}
