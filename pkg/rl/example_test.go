package rl_test

import (
	"fmt"
	"math/rand/v2"

	"theorylab/pkg/rl"
)

// Lookahead values of a Catch state whose ball lands in two steps, two
// paddle moves to the right of the paddle: only moving right now can catch
// it, and a plain tree search of depth 2 pays 3 + 9 queries.
func ExampleSearch_QValues() {
	c := rl.DefaultCatch()
	s := rl.CatchState{Base: 0.3, X: 0.6, U: 0, Y: 2}
	sr := rl.NewSearch[rl.CatchState](c, false, false)
	q := sr.QValues(s, 2, 0)
	fmt.Printf("Q₂(left, stay, right) = %v, argmax %v, %d queries\n", q, rl.ArgmaxSet(q), sr.Queries.Generative)
	// Output:
	// Q₂(left, stay, right) = [0 0 1], argmax [2], 12 queries
}

// The planning window of Catch, measured on a few starts: W-step lookahead
// is optimal from every start only once W reaches ⌈(1 − w)/v⌉ = 6.
func ExampleMeasureEPW() {
	c := rl.DefaultCatch()
	curve := rl.MeasureEPW[rl.CatchState](c, c.Starts(40, 1), 24, 8, rl.TieRules(3, 1, 2))
	fmt.Printf("window %d (estimate %d); W = 5 passes from %.0f%% of the starts\n", curve.Window, c.WindowEstimate(), 100*curve.Literal[4])
	// Output:
	// window 6 (estimate 6); W = 5 passes from 75% of the starts
}

// Needle-H hides one paying leaf among 2^H: random-order search pays about
// (2^H + 1)/2 queries, and no short lookahead sees the reward.
func ExampleNeedle_Enumerate() {
	rng := rand.New(rand.NewPCG(1, 2))
	total := 0
	for range 1000 {
		n, err := rl.NewNeedle(8, rng.Uint64()>>56, 0)
		if err != nil {
			panic(err)
		}
		total += n.Enumerate(rng)
	}
	n, _ := rl.NewNeedle(8, 0b10110011, 0)
	window := rl.MeasureEPW[rl.NeedleState](n, []rl.NeedleState{n.Start()}, 8, 8, nil).Window
	fmt.Printf("mean queries %.0f (theory 128.5); window %d\n", float64(total)/1000, window)
	// Output:
	// mean queries 126 (theory 128.5); window 8
}

// A Study draws every random stream from the run's seed and builds each
// held-out evaluation set once: here Catch's validation starts at H = 8,
// from each of which the optimal play catches one ball.
func ExampleStudy_EvalSet() {
	s := rl.NewStudy(nil, 0, nil) // no learner here: no backend needed
	g := rl.DefaultCatch()
	val := s.EvalSet(g, "val-starts", 20, 8)
	again := s.EvalSet(g, "val-starts", 20, 8)
	fmt.Printf("%d starts, Σ V* = %g, reused: %v\n", len(val.Starts), val.Optimal, &again.Starts[0] == &val.Starts[0])
	// Output:
	// 20 starts, Σ V* = 20, reused: true
}
