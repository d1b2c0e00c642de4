package robustness_test

import (
	"fmt"
	"math"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers/robustness"
)

// The two ends of the law, computed exactly and without training: the
// minimum-norm linear interpolant (one neuron) of n random labels has
// Lipschitz constant ‖w‖ ≈ √(nd/(d − n − 1)) ≤ √(2n), and the k = n
// construction fits every label with Lipschitz constant 10. In between, the
// law says that k neurons need a Lipschitz constant of order √(n/k).
func Example() {
	lin, err := robustness.RunLinear(robustness.LinearConfig{N: 64, D: 256, Draws: 20}, 0)
	if err != nil {
		panic(err)
	}
	var norms []float64
	for _, d := range lin.Draws {
		norms = append(norms, d.Norm)
	}
	fmt.Printf("linear interpolant, n = %d, d = %d: median ‖w‖ = %.1f (√(nd/(d − n − 1)) = %.1f, bound √(2n) = %.1f)\n",
		lin.N, lin.D, claims.Median(norms), math.Sqrt(lin.Mean), math.Sqrt(2*float64(lin.N)))

	con, err := robustness.RunConstruction(robustness.ConstructionConfig{N: 50, D: 64, Points: 2000, CapNoise: 0.3, MaxRedraws: 20}, 0)
	if err != nil {
		panic(err)
	}
	fmt.Printf("construction, k = n = %d in d = %d: fits every label (error < 1e-12: %v), ‖∇f‖ = %.0f at the data\n",
		con.N, con.D, con.FitError < 1e-12, con.GradAtData)

	// The presets the lab runs, and the claims checked on them.
	quick := robustness.Quick()
	var ids []string
	for _, c := range robustness.Claims {
		ids = append(ids, c.ID)
	}
	fmt.Printf("presets %v; quick: n = %d, d = %d, widths %v, %d draws; claims %v\n",
		robustness.Paper.Presets(), quick.N, quick.D, quick.Widths, quick.Seeds, ids)
	// Output:
	// linear interpolant, n = 64, d = 256: median ‖w‖ = 9.1 (√(nd/(d − n − 1)) = 9.3, bound √(2n) = 11.3)
	// construction, k = n = 50 in d = 64: fits every label (error < 1e-12: true), ‖∇f‖ = 10 at the data
	// presets [quick full]; quick: n = 100, d = 16, widths [8 12 25 50 100 200], 3 draws; claims [LR-2 LR-3 LR-3s LR-3-BN LR-3-E1 LR-6]
}
