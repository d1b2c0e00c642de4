package patchnet_test

import (
	"fmt"

	"theorylab/models/patchnet"
)

// The smoothed ReLU: polynomial below the threshold ϱ, linear above it.
func Example() {
	q, rho := 6, 0.3
	for _, z := range []float64{-1, 0.15, 0.3, 1} {
		fmt.Printf("ReLU~(%.2f) = %.6f\n", z, patchnet.SmoothReLUHost(z, q, rho))
	}
	c := patchnet.Config{K: 10, M: 4, D: 64, Q: q, Rho: rho, Sigma0: 0.04}
	fmt.Println(c.Init([]uint64{1, 2, 3}).Shape().Dimensions)
	// Output:
	// ReLU~(-1.00) = 0.000000
	// ReLU~(0.15) = 0.000781
	// ReLU~(0.30) = 0.050000
	// ReLU~(1.00) = 0.750000
	// [3 40 64]
}
