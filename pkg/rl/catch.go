package rl

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Catch is our construction (not the paper's): a paddle at the bottom of a
// field catches falling balls. The state is continuous: the paddle position
// p ∈ [0, 1], the ball's position x ∈ [0, 1] and drift u ∈ [−MaxDrift,
// MaxDrift], and the ball's height y ∈ {1 … Heights}. The actions are Left,
// Stay and Right. One step, in this order:
//
//  1. the paddle moves: p ← clip(p + (a − 1)·Speed, 0, 1);
//  2. the ball drifts, reflecting at the walls (x ← x + u; a ball past a
//     wall is mirrored back and u changes sign), and falls: y ← y − 1;
//  3. when y reaches 0 the ball lands: with |x − p| ≤ Radius it is caught
//     (reward 1) and a new ball appears at height Heights, its (x, u) — and,
//     with NewPaddle, the paddle's position — drawn from a fixed hash of the
//     landed ball's (x, u), so the new ball does not depend on how the agent
//     played; otherwise the ball is missed and the game is over (an
//     absorbing state, reward 0 for ever).
//
// Stay also earns StayBonus while the game is on (0 in Catch). Lazy Catch
// (LazyCatch) sets a bonus, NewPaddle and MissGoesOn: the bonus is an
// immediate incentive that short lookahead over-weighs (waiting is right
// until the last moment at which the paddle can still make it), re-drawing
// the paddle with each ball makes every ball a round of its own, and a
// missed ball costs that ball only.
//
// The paddle is stored as an anchor and a number of moves (p = Base +
// Moves·Speed; a move past a wall re-anchors at the wall), so two action
// sequences that bring the paddle to the same place give bit-identical
// states, which a cached search recognises.
type Catch struct {
	Heights   int     `json:"heights"`    // F: rows a new ball falls before it lands
	Speed     float64 `json:"speed"`      // v: paddle move per step
	Radius    float64 `json:"radius"`     // w: catch radius
	MaxDrift  float64 `json:"max_drift"`  // drift bound: u ∈ [−MaxDrift, MaxDrift]
	StayBonus float64 `json:"stay_bonus"` // reward for Stay while the game is on
	NewPaddle bool    `json:"new_paddle"` // a new ball also re-draws the paddle
	// MissGoesOn: a missed ball is lost (reward 0) and the next one comes as
	// after a catch, instead of ending the game.
	MissGoesOn bool `json:"miss_goes_on"`
}

// Catch's actions.
const (
	Left  = 0
	Stay  = 1
	Right = 2
)

// CatchState is one state of Catch (see Catch). The zero value with Dead set
// is the absorbing state.
type CatchState struct {
	Base  float64 // paddle anchor: 0, 1 or a start/re-drawn position
	Moves int     // paddle moves since the anchor: p = Base + Moves·Speed
	X, U  float64 // ball position and drift
	Y     int     // ball height (rows above the paddle)
	Dead  bool    // a ball was missed
}

// DefaultCatch is the spec's E1: F = 8, v = 0.15, w = 0.10, drift ≤ 0.06.
func DefaultCatch() Catch {
	return Catch{Heights: 8, Speed: 0.15, Radius: 0.10, MaxDrift: 0.06}
}

// LazyCatch is DefaultCatch with a Stay bonus of 0.05, a paddle re-drawn
// with every new ball, and misses that do not end the game (our construction).
func LazyCatch() Catch {
	c := DefaultCatch()
	c.StayBonus = 0.05
	c.NewPaddle = true
	c.MissGoesOn = true
	return c
}

// Validate reports every problem with the game's parameters, naming the field.
func (c Catch) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("catch: "+format, args...)) }
	if c.Heights < 1 {
		bad("heights must be ≥ 1, got %d", c.Heights)
	}
	if !(c.Speed > 0 && c.Speed <= 1) {
		bad("speed must be in (0, 1], got %v", c.Speed)
	}
	if !(c.Radius >= 0 && c.Radius < 1) {
		bad("radius must be in [0, 1), got %v", c.Radius)
	}
	if !(c.MaxDrift >= 0 && c.MaxDrift <= 0.5) {
		bad("max_drift must be in [0, 0.5], got %v", c.MaxDrift)
	}
	if !(c.StayBonus >= 0 && c.StayBonus < 1) {
		bad("stay_bonus must be in [0, 1), got %v", c.StayBonus)
	}
	return errors.Join(errs...)
}

// NumActions is 3: Left, Stay, Right.
func (c Catch) NumActions() int { return 3 }

// Absorbing reports a lost game.
func (c Catch) Absorbing(s CatchState) bool { return s.Dead }

// Paddle is the paddle's position p.
func (c Catch) Paddle(s CatchState) float64 { return s.Base + float64(s.Moves)*c.Speed }

// Step is the generative model (see Catch for the order of events).
func (c Catch) Step(s CatchState, a int) (CatchState, float64) {
	if s.Dead {
		return CatchState{Dead: true}, 0
	}
	r := 0.0
	if a == Stay {
		r += c.StayBonus
	}
	// 1. p ← clip(p + (a − 1)·v, 0, 1), re-anchoring at a wall.
	d := a - 1
	switch p := s.Base + float64(s.Moves+d)*c.Speed; {
	case p > 1:
		s.Base, s.Moves = 1, 0
	case p < 0:
		s.Base, s.Moves = 0, 0
	default:
		s.Moves += d
	}
	// 2. x ← x + u, mirrored at the walls; y ← y − 1.
	s.X, s.U = mirror(s.X+s.U, s.U)
	s.Y--
	if s.Y > 0 {
		return s, r
	}
	// 3. Landing: caught iff |x − p| ≤ w.
	if math.Abs(s.X-c.Paddle(s)) > c.Radius {
		if c.MissGoesOn {
			return c.respawn(s), r
		}
		return CatchState{Dead: true}, r
	}
	return c.respawn(s), r + 1
}

// mirror mirrors a ball that crossed a wall back into [0, 1] and reverses its drift.
func mirror(x, u float64) (float64, float64) {
	if x > 1 {
		return 2 - x, -u
	}
	if x < 0 {
		return -x, -u
	}
	return x, u
}

// respawn draws the next ball (and, with NewPaddle, the paddle) from a hash
// of the landed ball's (x, u).
func (c Catch) respawn(s CatchState) CatchState {
	h := mix(math.Float64bits(s.X), math.Float64bits(s.U))
	s.X = unit(mix(h, 1))
	s.U = (2*unit(mix(h, 2)) - 1) * c.MaxDrift
	s.Y = c.Heights
	if c.NewPaddle {
		s.Base, s.Moves = unit(mix(h, 3)), 0
	}
	return s
}

// unit maps 64 random bits to [0, 1).
func unit(bits uint64) float64 { return float64(bits>>11) / (1 << 53) }

// Start draws a start state: p, x ~ U[0, 1], u ~ U[−MaxDrift, MaxDrift], y ~ U{1 … Heights}.
func (c Catch) Start(rng *rand.Rand) CatchState {
	return CatchState{
		Base: rng.Float64(),
		X:    rng.Float64(),
		U:    (2*rng.Float64() - 1) * c.MaxDrift,
		Y:    1 + rng.IntN(c.Heights),
	}
}

// Starts draws n start states from a PCG stream seeded by seed.
func (c Catch) Starts(n int, seed uint64) []CatchState {
	rng := rand.New(rand.NewPCG(seed, 0))
	out := make([]CatchState, n)
	for i := range out {
		out[i] = c.Start(rng)
	}
	return out
}

// ObsDim is the length of Observe's vector.
const ObsDim = 4

// Observe is the policy's input: (p, x, y/F, u/MaxDrift) — the drift scaled
// to [−1, 1] so that every input has the same range.
func (c Catch) Observe(s CatchState) []float64 {
	u := 0.0
	if c.MaxDrift > 0 {
		u = s.U / c.MaxDrift
	}
	return []float64{c.Paddle(s), s.X, float64(s.Y) / float64(c.Heights), u}
}

// WindowEstimate is our analytic estimate of Catch's planning window,
// ⌈(1 − w)/v⌉: the most moves the paddle can need to come within the catch
// radius of a landing point. It ignores the drift and the respawn geometry.
func (c Catch) WindowEstimate() int {
	// ⌈(1 − w)/v⌉, with a little slack so that 0.9/0.15 = 6 is not 6.000000000000001.
	return int(math.Ceil((1-c.Radius)/c.Speed - 1e-9))
}
