package proximity_test

import (
	"fmt"

	"theorylab/pkg/papers/proximity"
	"theorylab/pkg/rl"
)

// Split-needle (our construction) with m = 2 environments and H = 3: the
// secret leaf σ pays 1 in both, every other leaf pays 1 in the environment
// its first action names and 1 − ε in the other. Random-order search pays
// m·(2^H + 1)/2 queries on average.
func Example() {
	envs, err := rl.NewSplitNeedles(3, 0b110, 2, 0.05, 0, false) // σ = actions 0, 1, 1
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, leaf := range []uint64{0b000, 0b111, 0b110} {
		fmt.Printf("leaf %03b: V₁ = %.2f, V₂ = %.2f\n", leaf, envs[0].Value(leaf), envs[1].Value(leaf))
	}
	for _, h := range []int{4, 8, 12} {
		fmt.Printf("H = %2d: expected search cost %.0f queries\n", h, proximity.TheoryQueries(2, h))
	}
	quick := proximity.Quick()
	fmt.Printf("presets %v; quick: Split-needle H = %v, Catch-m m = %v, %d seeds, claims hold in ≥ %d of them\n",
		proximity.Paper.Presets(), quick.Horizons, quick.Ms, quick.Seeds, quick.Majority())
	// Output:
	// leaf 000: V₁ = 1.00, V₂ = 0.95
	// leaf 111: V₁ = 0.95, V₂ = 1.00
	// leaf 110: V₁ = 1.00, V₂ = 1.00
	// H =  4: expected search cost 17 queries
	// H =  8: expected search cost 257 queries
	// H = 12: expected search cost 4097 queries
	// presets [quick full]; quick: Split-needle H = [4 6 8 10 12 14], Catch-m m = [1 2 4], 3 seeds, claims hold in ≥ 2 of them
}
