package rl

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestNeedleLeaves: for every code of H ≤ 8, exactly one leaf pays (σ's,
// reward 1) and every other leaf pays 0: the bumps do not overlap.
func TestNeedleLeaves(t *testing.T) {
	for h := 1; h <= 8; h++ {
		for sigma := uint64(0); sigma < 1<<uint(h); sigma++ {
			n, err := NewNeedle(h, sigma, 0)
			if err != nil {
				t.Fatal(err)
			}
			paying := 0
			for leaf := uint64(0); leaf < 1<<uint(h); leaf++ {
				s := n.Start()
				total := 0.0
				for k := 1; k <= h; k++ {
					var r float64
					s, r = n.Step(s, int(leaf>>uint(k-1)&1))
					total += r
				}
				if s != n.Leaf(leaf) {
					t.Fatalf("H=%d leaf %b: reached %+v, want %+v", h, leaf, s, n.Leaf(leaf))
				}
				switch {
				case leaf == sigma && total != 1:
					t.Errorf("H=%d σ=%b pays %v, want 1", h, sigma, total)
				case leaf != sigma && total != 0:
					t.Errorf("H=%d σ=%b: leaf %b pays %v, want 0", h, sigma, leaf, total)
				}
				if total > 0 {
					paying++
				}
			}
			if paying != 1 {
				t.Errorf("H=%d σ=%b: %d paying leaves", h, sigma, paying)
			}
		}
	}
}

// TestNeedleEnumeration: random-order enumeration needs (2^H + 1)/2 queries
// on average (the position of σ in a uniform random order), within 3% over
// 2000 trials.
func TestNeedleEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	for _, h := range []int{4, 8, 10} {
		total := 0.0
		const trials = 2000
		for range trials {
			n, _ := NewNeedle(h, rng.Uint64()>>uint(64-h), 0)
			total += float64(n.Enumerate(rng))
		}
		want := (math.Ldexp(1, h) + 1) / 2
		if mean := total / trials; math.Abs(mean-want) > 0.03*want {
			t.Errorf("H=%d: mean %.1f queries, want %.1f ± 3%%", h, mean, want)
		}
	}
}

// TestNeedleWindow: the plain Needle's window is H (nothing pays before the
// last step); the shaped control's is 1.
func TestNeedleWindow(t *testing.T) {
	for _, h := range []int{2, 4, 6, 8} {
		for _, sigma := range []uint64{0, 1<<uint(h) - 1, 0b10110101 & (1<<uint(h) - 1)} {
			n, _ := NewNeedle(h, sigma, 0)
			c := MeasureEPW[NeedleState](n, []NeedleState{n.Start()}, h, h, TieRules(2, 1, 9))
			if c.Window != h {
				t.Errorf("H=%d σ=%b: window %d, want %d", h, sigma, c.Window, h)
			}
			s, _ := NewNeedle(h, sigma, 1/float64(2*h))
			cs := MeasureEPW[NeedleState](s, []NeedleState{s.Start()}, h, h, nil)
			if cs.Window != 1 {
				t.Errorf("shaped H=%d σ=%b: window %d, want 1", h, sigma, cs.Window)
			}
		}
	}
	if _, err := NewNeedle(0, 0, 0); err == nil {
		t.Error("H = 0 accepted")
	}
	if _, err := NewNeedle(3, 8, 0); err == nil {
		t.Error("a code longer than H accepted")
	}
}
