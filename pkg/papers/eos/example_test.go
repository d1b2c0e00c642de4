package eos_test

import (
	"fmt"
	"math"

	"theorylab/pkg/papers/eos"
)

// The picture behind the paper: gradient descent on a quadratic converges
// when its sharpness a is below 2/η, and flips sign and grows above it.
func Example() {
	q := eos.QuadraticDemo(0.2) // η = 0.2: 2/η = 10
	for _, run := range []eos.QuadRun{q.Below, q.Above} {
		fmt.Printf("a = %.1f: |x| after %d steps = %.1e\n", run.A, eos.QuadSteps, math.Abs(run.X2[eos.QuadSteps]))
	}
	// The presets the lab runs, and the majority rule their claims use.
	quick := eos.Quick()
	fmt.Printf("presets %v; quick: η ∈ %v and the control %g, %d seeds, claims hold in ≥ %d of them\n",
		eos.Paper.Presets(), quick.EdgeEtas, quick.ControlEta, quick.Seeds, quick.Majority())
	// Output:
	// a = 9.9: |x| after 400 steps = 3.1e-04
	// a = 10.1: |x| after 400 steps = 2.8e+03
	// presets [quick full]; quick: η ∈ [0.2 0.3 0.4] and the control 0.05, 3 seeds, claims hold in ≥ 2 of them
}
