package epw_test

import (
	"fmt"

	"theorylab/pkg/papers/epw"
	"theorylab/pkg/rl"
)

// The cost the window avoids: planning H steps by exhaustive tree search over
// Catch's three actions asks Σ_{k≤H} 3^k queries, while a W-step lookahead
// asks the same sum only up to W for each label.
func Example() {
	for _, h := range []int{4, 8, 16} {
		fmt.Printf("H = %2d: tree search %.0f queries\n", h, rl.TreeQueries(3, h))
	}
	// The presets the lab runs, and the majority rule their claims use.
	quick := epw.Quick()
	fmt.Printf("presets %v; quick: horizons %v, %d seeds, claims hold in ≥ %d of them\n",
		epw.Paper.Presets(), quick.Horizons, quick.Seeds, quick.Majority())
	// Output:
	// H =  4: tree search 120 queries
	// H =  8: tree search 9840 queries
	// H = 16: tree search 64570080 queries
	// presets [quick full]; quick: horizons [8 16 32 64], 3 seeds, claims hold in ≥ 2 of them
}
