package patchcnn_test

import (
	"fmt"

	"theorylab/models/patchcnn"
	"theorylab/pkg/patchdata"
)

// The spec's network at initialisation on the spec's data: γ is the largest
// of 20 draws of N(0, σ₀²); ρ is larger already, because ⟨w, ξ⟩ has standard
// deviation σ₀‖ξ‖ ≈ σ₀√5; the output f is near 0.
func ExampleConfig_Output() {
	data := patchdata.Config{D: 400, Patches: 3, Sparsity: 20, SigmaP: 0.5}
	set, err := patchdata.Generate(data, 50, 0, 1)
	if err != nil {
		panic(err)
	}
	net := patchcnn.Config{D: 400, Filters: 10, Power: 3, Sigma0: 0.05}
	w := net.Init(1000, 2) // [2, m, d]
	rho, _ := net.NoiseMemorization(w, set)
	fmt.Printf("γ = %.3f, ρ = %.3f, |f(x₀)| < 0.01: %v\n", net.Feature(w), rho, abs(net.Output(w, set.Patches[0])) < 0.01)
	// Output:
	// γ = 0.094, ρ = 0.227, |f(x₀)| < 0.01: true
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
