package rl

// treeMDP is a hand-built binary tree of depth 3; a state is the path taken
// so far ("", "0", "01", …) and rewards are read from a table.
type treeMDP struct{}

var treeRewards = map[string][2]float64{
	"":  {0, 0.5},
	"0": {1, 0}, "1": {0, 0.2},
	"00": {0, 2}, "01": {0, 0}, "10": {0.1, 0}, "11": {0, 0},
}

func (treeMDP) NumActions() int { return 2 }
func (treeMDP) Absorbing(s string) bool {
	_, ok := treeRewards[s]
	return !ok
}
func (treeMDP) Step(s string, a int) (string, float64) {
	r, ok := treeRewards[s]
	if !ok {
		return s, 0
	}
	return s + string(rune('0'+a)), r[a]
}

// chainMDP: positions 0, 1, …; action 0 advances, action 1 falls off (−1,
// absorbing). Reaching position Goal pays 1; with Shaped, every advance also
// pays 0.1 (rewards toward the goal).
type chainMDP struct {
	Goal   int
	Shaped bool
}

func (c chainMDP) NumActions() int      { return 2 }
func (c chainMDP) Absorbing(s int) bool { return s < 0 }
func (c chainMDP) Step(s, a int) (int, float64) {
	if s < 0 || a == 1 {
		return -1, 0
	}
	r := 0.0
	if c.Shaped {
		r = 0.1
	}
	if s+1 == c.Goal {
		r += 1
	}
	return s + 1, r
}

// fullTree is a K-ary tree of unbounded depth whose every state is new (the
// path), with reward 0 everywhere: for counting queries.
type fullTree struct{ K int }

func (f fullTree) NumActions() int         { return f.K }
func (f fullTree) Absorbing(s string) bool { return false }
func (f fullTree) Step(s string, a int) (string, float64) {
	return s + string(rune('a'+a)), 0
}
