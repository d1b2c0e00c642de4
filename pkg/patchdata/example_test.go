package patchdata_test

import (
	"fmt"

	"theorylab/pkg/patchdata"
)

// Two examples of the spec's quick data: 3 patches of dimension 400, one of
// them the feature y·e₁, the others 20-sparse Gaussian noise with σ_p = 0.5.
func ExampleGenerate() {
	cfg := patchdata.Config{D: 400, Patches: 3, Sparsity: 20, SigmaP: 0.5}
	set, err := patchdata.Generate(cfg, 2, 0, 1) // seed 0, stream 1
	if err != nil {
		panic(err)
	}
	for i := range set.N() {
		for p, patch := range set.Patches[i] {
			if patch.Kind == patchdata.Feature {
				fmt.Printf("example %d: y = %+g, feature in patch %d = %+g·e₁, %d noise patches with %d non-zeros each\n",
					i, set.Y[i], p, patch.Value[0], len(set.NoiseOf(i)), len(set.NoiseOf(i)[0].Index))
			}
		}
	}
	// Output:
	// example 0: y = +1, feature in patch 0 = +1·e₁, 2 noise patches with 20 non-zeros each
	// example 1: y = +1, feature in patch 2 = +1·e₁, 2 noise patches with 20 non-zeros each
}
