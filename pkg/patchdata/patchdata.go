package patchdata

import (
	"fmt"
	"math/rand/v2"
)

// Config describes the data distribution.
type Config struct {
	D      int     // patch dimension d (the feature is e₁)
	P      int     // patches per example, one of them the feature
	S      int     // non-zeros per noise patch
	SigmaP float64 // standard deviation σ_p of each noise coordinate
	Alpha  float64 // feature-noise strength α (0: no feature-noise patch)
}

// Validate reports the first bad field by name.
func (c Config) Validate() error {
	switch {
	case c.P < 2:
		return fmt.Errorf("patchdata: P must be ≥ 2, got %d", c.P)
	case c.S < 1 || c.S > c.D-1:
		return fmt.Errorf("patchdata: S must be in [1, D−1] = [1, %d], got %d", c.D-1, c.S)
	case !(c.SigmaP > 0):
		return fmt.Errorf("patchdata: SigmaP must be > 0, got %v", c.SigmaP)
	case !(c.Alpha >= 0):
		return fmt.Errorf("patchdata: Alpha must be ≥ 0, got %v", c.Alpha)
	case c.Alpha > 0 && c.P < 3:
		return fmt.Errorf("patchdata: P must be ≥ 3 with a feature-noise patch, got %d", c.P)
	}
	return nil
}

// Set is n examples.
type Set struct {
	N, P, D int
	X       []float64 // [N, P, D] row-major: X[(i*P+p)*D+k]
	Y       []float64 // [N], ±1
	Feature []int     // [N], index of the feature patch of each example
}

// Generate draws n examples from rng.
func Generate(c Config, n int, rng *rand.Rand) (*Set, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("patchdata: n must be ≥ 1, got %d", n)
	}
	s := &Set{N: n, P: c.P, D: c.D, X: make([]float64, n*c.P*c.D), Y: make([]float64, n), Feature: make([]int, n)}
	perm := make([]int, c.D-1)
	for i := range n {
		y := 1.0
		if rng.IntN(2) == 0 {
			y = -1
		}
		s.Y[i] = y
		f := rng.IntN(c.P)
		s.Feature[i] = f
		for p := range c.P {
			patch := s.X[(i*c.P+p)*c.D : (i*c.P+p+1)*c.D]
			if p == f {
				// x_f = y·v, v = e₁
				patch[0] = y
				continue
			}
			if c.Alpha > 0 && p == lastNoise(f, c.P) {
				// feature noise: x_p = −α·y·v
				patch[0] = -c.Alpha * y
				continue
			}
			// ξ: s coordinates of {2, …, d} (0-based 1 … d−1), each N(0, σ_p²)
			for k := range perm {
				perm[k] = k + 1
			}
			for k := range c.S { // partial Fisher–Yates: the first s of a uniform permutation
				j := k + rng.IntN(len(perm)-k)
				perm[k], perm[j] = perm[j], perm[k]
				patch[perm[k]] = c.SigmaP * rng.NormFloat64()
			}
		}
	}
	return s, nil
}

// lastNoise is the index of the last patch that is not the feature patch f.
func lastNoise(f, p int) int {
	if f == p-1 {
		return p - 2
	}
	return p - 1
}

// ZeroFeature returns a copy of s with the feature coordinate (the first
// coordinate of every patch) set to 0: the same noise, no feature — the null
// data of the mechanism claims.
func (s *Set) ZeroFeature() *Set {
	c := *s
	c.X = append([]float64(nil), s.X...)
	for q := range s.N * s.P {
		c.X[q*s.D] = 0
	}
	return &c
}

// Patch returns patch p of example i (a view, not a copy).
func (s *Set) Patch(i, p int) []float64 { return s.X[(i*s.P+p)*s.D : (i*s.P+p+1)*s.D] }
