package rl

import "testing"

// TestEPWChain: a chain whose only reward is D steps away has window D; with
// a reward for every step toward the goal, window 1.
func TestEPWChain(t *testing.T) {
	for _, d := range []int{1, 3, 5, 8} {
		c := MeasureEPW[int](chainMDP{Goal: d}, []int{0}, d+2, 10, TieRules(2, 2, 1))
		if c.Window != d {
			t.Errorf("goal at depth %d: window %d (literal %v)", d, c.Window, c.Literal)
		}
		// Below the window the adversarial definition fails, and so does the
		// right-first rule (it falls off the chain at the first tie).
		for i, w := range c.Windows {
			if (c.Literal[i] == 1) != (w >= d) {
				t.Errorf("goal %d, W=%d: literal fraction %v", d, w, c.Literal[i])
			}
			if w < d && c.Worst[i] != 0 {
				t.Errorf("goal %d, W=%d: worst rule fraction %v, want 0", d, w, c.Worst[i])
			}
		}
		s := MeasureEPW[int](chainMDP{Goal: d, Shaped: true}, []int{0}, d+2, 10, TieRules(2, 2, 1))
		if s.Window != 1 {
			t.Errorf("shaped chain, goal %d: window %d, want 1", d, s.Window)
		}
	}
}

// TestEPWTree: on the hand-built tree (H = 3) one-step lookahead takes the
// 0.5 bait at the root; two steps see the better branch.
func TestEPWTree(t *testing.T) {
	c := MeasureEPW[string](treeMDP{}, []string{""}, 3, 3, TieRules(2, 0, 0))
	if c.Window != 2 || c.Literal[0] != 0 {
		t.Errorf("window %d, literal %v; want 2 and a failure at W=1", c.Window, c.Literal)
	}
}
