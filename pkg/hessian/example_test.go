package hessian_test

import (
	"fmt"
	"math"

	"theorylab/pkg/hessian"
)

// Lanczos on diag(1, 2, 3, 4, 5). In TheoryLab the operator is a
// Hessian-vector product of the training loss; here it is an explicit matrix.
func ExampleLanczos() {
	diag := []float64{1, 2, 3, 4, 5}
	op := func(v []float64) ([]float64, error) {
		out := make([]float64, len(v))
		for i := range v {
			out[i] = diag[i] * v[i]
		}
		return out, nil
	}
	// 20 iterations requested; the space has dimension 5, so k = 5 and the
	// Ritz values are the whole spectrum.
	e, err := hessian.Lanczos(op, len(diag), 20, 0)
	if err != nil {
		panic(err)
	}
	fmt.Printf("λ_max ≈ %.6f\n", e.Values[0])
	fmt.Printf("Ritz values: %.6f\n", e.Values)
	fmt.Println("iterations:", e.Iterations)
	fmt.Println("residual below 1e-10:", e.Residual < 1e-10)
	// Output:
	// λ_max ≈ 5.000000
	// Ritz values: [5.000000 4.000000 3.000000 2.000000 1.000000]
	// iterations: 5
	// residual below 1e-10: true
}

// Power iteration warm-started from a previous eigenvector estimate: when
// the operator changed little (nearby training steps), a few products suffice.
func ExamplePowerIteration() {
	h := []float64{ // symmetric 3×3, row-major
		4, 1, 0,
		1, 3, 0,
		0, 0, 1,
	}
	op := func(v []float64) ([]float64, error) {
		out := make([]float64, 3)
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				out[i] += h[i*3+j] * v[j]
			}
		}
		return out, nil
	}
	cold, err := hessian.PowerIteration(op, 3, nil, 40)
	if err != nil {
		panic(err)
	}
	warm, err := hessian.PowerIteration(op, 3, cold.Vector, 2)
	if err != nil {
		panic(err)
	}
	values, _, err := hessian.SymEig(h, 3) // dense check
	if err != nil {
		panic(err)
	}
	fmt.Printf("power: %.10f (residual < 1e-8: %v)\n", warm.Values[0], warm.Residual < 1e-8)
	fmt.Printf("dense: %.10f\n", values[0])
	// Output:
	// power: 4.6180339887 (residual < 1e-8: true)
	// dense: 4.6180339887
}

// SymEig on a 2×2 symmetric matrix: eigenvalues in descending order, unit
// eigenvectors in the columns of a row-major n×n slice.
func ExampleSymEig() {
	// A = [[2, 1], [1, 2]] = 3·uuᵀ + 1·wwᵀ with u = (1, 1)/√2, w = (1, −1)/√2.
	values, vectors, err := hessian.SymEig([]float64{2, 1, 1, 2}, 2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("eigenvalues: %.3f\n", values)
	// Eigenvectors are unique up to sign: print |v| and the sign of v₁·v₂.
	fmt.Printf("top eigenvector: |v| = (%.3f, %.3f), same signs: %v\n",
		math.Abs(vectors[0]), math.Abs(vectors[2]), vectors[0]*vectors[2] > 0)
	// Output:
	// eigenvalues: [3.000 1.000]
	// top eigenvector: |v| = (0.707, 0.707), same signs: true
}
