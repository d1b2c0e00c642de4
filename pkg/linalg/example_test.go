package linalg_test

import (
	"fmt"
	"math/rand/v2"

	"theorylab/pkg/linalg"
)

// The subspace similarity of LoRA's Section 7: the top right-singular
// direction of a rank-1 update compared with the top directions of a
// matrix that contains it.
func Example() {
	rng := rand.New(rand.NewPCG(1, 1))
	// W = 3·u vᵀ + small noise, a 20×30 matrix with one dominant direction v.
	u := linalg.RandomOrthonormal(20, 1, rng)
	v := linalg.RandomOrthonormal(30, 1, rng)
	w := linalg.Mul(u, v.T()).Scale(3)
	noise := linalg.Gaussian(20, 30, rng).Scale(0.01)
	for i := range w.Data {
		w.Data[i] += noise.Data[i]
	}
	d, _ := linalg.SVD(w)
	phi, _ := linalg.SubspaceSimilarity(d.V, v, 1, 1)
	fmt.Printf("σ₁ = %.2f, σ₂ < 0.1: %v\n", d.S[0], d.S[1] < 0.1)
	fmt.Printf("φ(1, 1) with the planted direction: %.3f (random baseline %.3f)\n", phi, linalg.RandomSimilarity(1, 1, 30))
	// Output:
	// σ₁ = 3.00, σ₂ < 0.1: true
	// φ(1, 1) with the planted direction: 1.000 (random baseline 0.033)
}
