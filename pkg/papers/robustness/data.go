package robustness

import (
	"math"
	"math/rand/v2"

	"theorylab/pkg/data"
)

// Seed streams: every random quantity of a run with seed s is drawn from
// PCG(s, stream) with its own stream word, so that data, initialisation,
// probe points, penalty points and hill climbs are independent of each other
// and each is reproduced by s alone.
const (
	streamData    = 0x646174610000 // "data": the points xᵢ, then the random labels yᵢ
	streamTeacher = 0x746561636800 // "teach": the teacher direction v of the null labels
	streamProbe   = 0x70726f626500 // "probe": the T fresh points z of the proxy (i)
	streamPenalty = 0x70656e616c00 // "penal": the fresh points z of the smoothness penalty
	streamClimb   = 0x636c696d6200 // "climb": the hill climb's proposals (ii)
	streamMoments = 0x6d6f6d656e74 // "moment": the data generator's check
)

// DataPoints is the number of fresh points of the generator's check
// (Results.GeneratorNorm2: E‖x‖² = 1 for x ~ N(0, I/d)).
const DataPoints = 20000

// meanSquaredNorm is the mean of ‖xᵢ‖² over the n rows of x.
func meanSquaredNorm(x []float64, n int) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return s / float64(n)
}

// SeedStride separates the draws of different seeds: draw r (0 ≤ r <
// SeedStride − 1) of a run whose first seed is s has data seed
// SeedStride·s + r, and its validation draw SeedStride·s + SeedStride − 1.
// So the draws of seeds 0–9 in a sweep are 30 distinct, independent draws
// (with consecutive seeds, seed s and seed s+1 would share draws).
const SeedStride = 1000

// DrawSeed is the data seed of draw r of the run with first seed s.
func DrawSeed(s, r int) uint64 { return uint64(SeedStride*s + r) }

// ValidationSeed is the data seed of the validation draw of the run with first seed s.
func ValidationSeed(s int) uint64 { return DrawSeed(s, SeedStride-1) }

// draw is one data set: n points x ~ N(0, I_d/d) with random labels
// y ∈ {−1, +1} and the teacher labels of the null.
type draw struct {
	Seed uint64
	X    []float64 // [n, d] row-major
	Y    []float64 // [n] random ±1 labels, independent of X
	T    []float64 // [n] teacher labels √d·(v·xᵢ)
	V    []float64 // [d] the teacher's unit direction v
}

// drawData draws the data of seed s: the paper's generic data (Gaussian
// model) and, for the null, the labels of a linear teacher.
func drawData(seed uint64, n, d int) draw {
	rng := rand.New(rand.NewPCG(seed, streamData))
	x := data.GaussianPoints(n, d, rng)
	y := data.RandomSigns(n, rng)
	v := data.SpherePoints(1, d, rand.New(rand.NewPCG(seed, streamTeacher)))
	t := make([]float64, n)
	sd := math.Sqrt(float64(d))
	for i := range n {
		s := 0.0
		for j := range d {
			s += v[j] * x[i*d+j]
		}
		// t = √d·(v·x): N(0, 1) for x ~ N(0, I/d), a linear function with Lipschitz constant √d.
		t[i] = sd * s
	}
	return draw{Seed: seed, X: x, Y: y, T: t, V: v}
}

// initSeed is the initialisation seed of the width-k network of a run: the
// same for every method and label kind (the groups of a run start from the
// same weights, a paired comparison) and for both init scales.
func initSeed(seed uint64, k int, bias bool) uint64 {
	b := uint64(0)
	if bias {
		b = 1
	}
	return mix64(seed, uint64(k)<<1|b)
}

// mix64 combines two words into one seed (SplitMix64 finaliser), so that
// nearby inputs give unrelated seeds.
func mix64(a, b uint64) uint64 {
	z := a*0x9E3779B97F4A7C15 + b + 0x632BE59BD9B4E019
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}
