package rl

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// TestCatchDynamics: reflection keeps the ball in [0, 1] with |u| unchanged,
// Step is pure, the respawn is a deterministic function of the landed ball,
// and the paddle stays in [0, 1].
func TestCatchDynamics(t *testing.T) {
	for _, c := range []Catch{DefaultCatch(), LazyCatch()} {
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for _, s := range c.Starts(300, 7) {
			for range 40 {
				a := rng.IntN(3)
				n1, r1 := c.Step(s, a)
				n2, r2 := c.Step(s, a)
				if n1 != n2 || r1 != r2 {
					t.Fatalf("Step is not pure at %+v, action %d", s, a)
				}
				if n1.Dead {
					break
				}
				if n1.X < 0 || n1.X > 1 || math.Abs(n1.U) > c.MaxDrift+1e-15 {
					t.Fatalf("ball left the field: %+v", n1)
				}
				if p := c.Paddle(n1); p < 0 || p > 1 {
					t.Fatalf("paddle at %v", p)
				}
				s = n1
			}
		}
	}
	// Reflection at the right wall: x = 0.98, u = 0.05 → 1.03 → 0.97, u = −0.05.
	c := DefaultCatch()
	s, _ := c.Step(CatchState{Base: 0.5, X: 0.98, U: 0.05, Y: 5}, Stay)
	if math.Abs(s.X-0.97) > 1e-12 || s.U != -0.05 || s.Y != 4 {
		t.Errorf("reflection: got %+v", s)
	}
	// A ball landing on the paddle is caught and respawns at the top, the
	// same way every time; a ball landing far away ends the game.
	land := CatchState{Base: 0.5, X: 0.52, U: 0.01, Y: 1}
	a, ra := c.Step(land, Stay)
	b, rb := c.Step(land, Stay)
	if ra != 1 || a != b || a.Y != c.Heights || a.Dead {
		t.Errorf("catch: reward %v, state %+v vs %+v", ra, a, b)
	}
	if rb != 1 {
		t.Errorf("second catch reward %v", rb)
	}
	miss, rm := c.Step(CatchState{Base: 0.1, X: 0.8, U: 0, Y: 1}, Stay)
	if !miss.Dead || rm != 0 || !c.Absorbing(miss) {
		t.Errorf("miss: %+v reward %v", miss, rm)
	}
	if next, r := c.Step(miss, Right); !next.Dead || r != 0 {
		t.Errorf("the lost game is not absorbing: %+v %v", next, r)
	}
	// Lazy Catch re-draws the paddle with the ball and pays the Stay bonus.
	l := LazyCatch()
	n, r := l.Step(land, Stay)
	if r != 1+l.StayBonus || n.Moves != 0 || n.Base == 0.5 {
		t.Errorf("lazy catch: reward %v state %+v", r, n)
	}
	if _, r := l.Step(CatchState{Base: 0.5, X: 0.5, Y: 4}, Left); r != 0 {
		t.Errorf("lazy catch pays %v for a move", r)
	}
	// In Lazy Catch a miss costs the ball only: the next one comes.
	lost, rl := l.Step(CatchState{Base: 0.1, X: 0.8, U: 0, Y: 1}, Left)
	if lost.Dead || lost.Y != l.Heights || rl != 0 {
		t.Errorf("lazy miss: %+v reward %v", lost, rl)
	}
}

func TestCatchWindowEstimate(t *testing.T) {
	for _, tc := range []struct {
		v, w float64
		want int
	}{{0.15, 0.1, 6}, {0.2, 0.1, 5}, {0.1, 0.1, 9}, {0.3, 0.1, 3}} {
		c := DefaultCatch()
		c.Speed, c.Radius = tc.v, tc.w
		if got := c.WindowEstimate(); got != tc.want {
			t.Errorf("v=%v w=%v: ⌈(1−w)/v⌉ = %d, want %d", tc.v, tc.w, got, tc.want)
		}
	}
}

// TestCatchWindow measures the window of Catch and Lazy Catch on a few
// starts (the paper packages measure it on hundreds).
func TestCatchWindow(t *testing.T) {
	for _, c := range []Catch{DefaultCatch(), LazyCatch()} {
		start := time.Now()
		curve := MeasureEPW[CatchState](c, c.Starts(60, 11), 24, 8, TieRules(3, 2, 5))
		t.Logf("bonus %v: window %d, literal %v, worst rule %v (%v)", c.StayBonus, curve.Window, curve.Literal, curve.Worst, time.Since(start))
		if curve.Window < 1 || curve.Window > c.Heights {
			t.Errorf("bonus %v: window %d outside [1, F]", c.StayBonus, curve.Window)
		}
	}
}

func TestCatchValidate(t *testing.T) {
	c := DefaultCatch()
	c.Speed = 0
	c.Heights = 0
	err := c.Validate()
	if err == nil {
		t.Fatal("invalid game accepted")
	}
	for _, field := range []string{"speed", "heights"} {
		if !contains(err.Error(), field) {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
