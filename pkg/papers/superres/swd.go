package superres

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Directions draws k random unit vectors in ℝᵈ (uniform on the sphere).
func Directions(k, d int, rng *rand.Rand) [][]float64 {
	out := make([][]float64, k)
	for i := range out {
		v := make([]float64, d)
		for j := range v {
			v[j] = rng.NormFloat64()
		}
		scale(v, 1/norm(v))
		out[i] = v
	}
	return out
}

// SWD is the sliced Wasserstein-1 distance between two samples of equal
// size, over the given unit directions θ (float64, on the host):
//
//	SWD(A, B) = (1/K) Σₖ W₁(⟨θₖ, A⟩, ⟨θₖ, B⟩),  W₁(a, b) = (1/N) Σᵢ |a₍ᵢ₎ − b₍ᵢ₎|
//
// where a₍ᵢ₎ are the sorted projections (the 1-D optimal coupling).
func SWD(a, b [][]float64, dirs [][]float64) float64 { return NewSliced(b, dirs).SWD(a) }

// Sliced is one sample's sorted projections on fixed directions: the
// reference side of SWD, computed once when many samples are compared with
// the same one (the training curves compare every run, at every evaluation,
// with the same held-out teacher sample).
type Sliced struct {
	dirs [][]float64
	proj [][]float64 // [direction][sample], sorted
}

// NewSliced projects and sorts the sample b on the directions.
func NewSliced(b [][]float64, dirs [][]float64) *Sliced {
	s := &Sliced{dirs: dirs, proj: make([][]float64, len(dirs))}
	for k, th := range dirs {
		p := make([]float64, len(b))
		for i := range b {
			p[i] = dot(th, b[i])
		}
		slices.Sort(p)
		s.proj[k] = p
	}
	return s
}

// SWD is the sliced Wasserstein-1 distance between a and the reference
// sample (of the same size).
func (s *Sliced) SWD(a [][]float64) float64 {
	n := len(a)
	if len(s.proj) > 0 && len(s.proj[0]) != n {
		panic("superres.SWD: the two samples must have the same size")
	}
	pa := make([]float64, n)
	total := 0.0
	for k, th := range s.dirs {
		for i := range n {
			pa[i] = dot(th, a[i])
		}
		slices.Sort(pa)
		w := 0.0
		for i, b := range s.proj[k] {
			w += math.Abs(pa[i] - b)
		}
		total += w / float64(n)
	}
	return total / float64(len(s.dirs))
}

// joint concatenates the levels of each image: parts [level][n][…] → [n][…],
// (X₁, R₂, …, R_L) for the joint distance.
func joint(parts [][][]float64) [][]float64 {
	out := make([][]float64, len(parts[0]))
	for i := range out {
		for _, p := range parts {
			out[i] = append(out[i], p[i]...)
		}
	}
	return out
}
