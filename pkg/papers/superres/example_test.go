package superres_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"theorylab/pkg/papers/superres"
)

// The teacher is coarse-to-fine by construction: the 8×8 image pooled to
// 4×4 is exactly the 4×4 image, and the sliced Wasserstein distance of a
// sample with itself is 0 while two independent samples sit at the floor.
func Example() {
	cfg := superres.Quick().Teacher
	cfg.CalibrationSamples = 20_000
	te := superres.NewTeacher(cfg, rand.New(rand.NewPCG(0, 1)))
	rng := rand.New(rand.NewPCG(0, 2))
	s := te.Draw(500, rng)
	x1, x2 := s.X[0], s.X[1] // [500][16], [500][64]
	worst := 0.0
	for n := range x2 {
		for p, v := range superres.AvgPool2(x2[n], 8) {
			worst = math.Max(worst, math.Abs(v-x1[n][p]))
		}
	}
	fmt.Printf("max |AvgPool₂(X₂) − X₁| < 1e-12: %v\n", worst < 1e-12)
	fmt.Printf("level-1 activity ≈ %.1f, level-2 activity ≈ %.1f\n", superres.ActiveRate(s.S[0]), superres.ActiveRate(s.S[1]))
	dirs := superres.Directions(64, 16, rng)
	other := te.Draw(500, rng)
	fmt.Printf("SWD(A, A) = %g; SWD(A, B) > 0: %v\n", superres.SWD(x1, x1, dirs), superres.SWD(x1, other.X[0], dirs) > 0)
	// Output:
	// max |AvgPool₂(X₂) − X₁| < 1e-12: true
	// level-1 activity ≈ 0.2, level-2 activity ≈ 0.1
	// SWD(A, A) = 0; SWD(A, B) > 0: true
}

// A Sliced reference holds one sample's sorted projections, so comparing many
// samples with it costs one side each; it gives the same distance as SWD.
func ExampleSliced() {
	rng := rand.New(rand.NewPCG(0, 3))
	dirs := superres.Directions(32, 4, rng)
	sample := func(shift float64) [][]float64 {
		out := make([][]float64, 200)
		for i := range out {
			out[i] = []float64{rng.NormFloat64() + shift, rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		}
		return out
	}
	r := sample(0)
	ref := superres.NewSliced(r, dirs)
	a, b := sample(0), sample(2)
	fmt.Printf("same as SWD: %v; near: %v, far: %v\n", ref.SWD(a) == superres.SWD(a, r, dirs), ref.SWD(a) < 0.2, ref.SWD(b) > 0.5)
	// Output:
	// same as SWD: true; near: true, far: true
}
