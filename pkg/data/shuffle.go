package data

import (
	"math/bits"
	"math/rand/v2"
)

// pcgStream is the second PCG seed word used by Permutation. It is fixed so
// that a run is reproduced by its single seed.
const pcgStream = 0x5468656f72794c62 // "TheoryLb"

// Permutation returns a uniformly random permutation of 0 … n−1 determined by
// seed alone. It draws from math/rand/v2's PCG generator (seeded with seed and
// a fixed stream word) and performs the Fisher–Yates shuffle and the bounded
// draws itself, so the result depends only on PCG's specified output and not
// on how a Go release implements rand.Perm or rand.Shuffle.
func Permutation(n int, seed uint64) []int {
	if n < 0 {
		n = 0
	}
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	src := rand.NewPCG(seed, pcgStream)
	for i := n - 1; i > 0; i-- {
		j := int(uniformBelow(src, uint64(i+1)))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// uniformBelow returns a uniform integer in [0, n), n > 0, by Lemire's
// multiply-and-reject method: the high word of x·n for a uniform 64-bit x,
// rejecting the few x that would bias the result.
func uniformBelow(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		// Reject lo < 2⁶⁴ mod n, so that every result has the same number of x.
		threshold := -n % n
		for lo < threshold {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}
