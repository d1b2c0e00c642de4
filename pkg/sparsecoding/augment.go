package sparsecoding

import (
	"fmt"
	"math/rand/v2"
)

// Kind is an augmentation's family.
type Kind string

// The augmentations.
const (
	None        Kind = "none"        // x⁺ = x⁺⁺ = x
	Masking     Kind = "masking"     // x⁺ = 2Dx, x⁺⁺ = 2(I − D)x, Dᵢᵢ ~ Bernoulli(½)
	Independent Kind = "independent" // x⁺ = 2D₁x, x⁺⁺ = 2D₂x, independent masks
	Gaussian    Kind = "gaussian"    // x⁺ = x + ε₁, x⁺⁺ = x + ε₂, ε ~ N(0, s²I)
)

// Aug is an augmentation: its kind and, for Gaussian, the noise's standard
// deviation s.
type Aug struct {
	Kind Kind    `json:"kind"`
	Std  float64 `json:"std,omitempty"`
}

// Validate checks the kind and the standard deviation.
func (a Aug) Validate() error {
	switch a.Kind {
	case None, Masking, Independent:
		return nil
	case Gaussian:
		if !(a.Std > 0) {
			return fmt.Errorf("sparsecoding: Gaussian augmentation needs std > 0, got %v", a.Std)
		}
		return nil
	}
	return fmt.Errorf("sparsecoding: unknown augmentation %q", a.Kind)
}

// AugDraw is the randomness of the augmentation of n inputs, shared by
// every augmentation (common random numbers): two 0/1 masks and two
// standard normal vectors per input, each [n·d₁].
type AugDraw struct {
	Mask1, Mask2 []float64
	E1, E2       []float64
}

// NewAugDraw draws the masks (keep probability ½) and, when gaussian is
// true, the normal vectors.
func NewAugDraw(n, d1 int, gaussian bool, rng *rand.Rand) AugDraw {
	a := AugDraw{Mask1: bits(n*d1, rng), Mask2: bits(n*d1, rng)}
	if gaussian {
		a.E1, a.E2 = make([]float64, n*d1), make([]float64, n*d1)
		for i := range a.E1 {
			a.E1[i], a.E2[i] = rng.NormFloat64(), rng.NormFloat64()
		}
	}
	return a
}

func bits(n int, rng *rand.Rand) []float64 {
	out := make([]float64, n)
	var word uint64
	for i := range out {
		if i%64 == 0 {
			word = rng.Uint64()
		}
		out[i] = float64(word & 1)
		word >>= 1
	}
	return out
}

// Views returns the two views of x [n·d₁] under the augmentation with the
// randomness ad.
func (a Aug) Views(x []float64, ad AugDraw) (v1, v2 []float64) {
	v1, v2 = make([]float64, len(x)), make([]float64, len(x))
	for i, xi := range x {
		switch a.Kind {
		case None:
			v1[i], v2[i] = xi, xi
		case Masking:
			// x⁺ = 2Dx, x⁺⁺ = 2(I − D)x
			v1[i], v2[i] = 2*ad.Mask1[i]*xi, 2*(1-ad.Mask1[i])*xi
		case Independent:
			// x⁺ = 2D₁x, x⁺⁺ = 2D₂x
			v1[i], v2[i] = 2*ad.Mask1[i]*xi, 2*ad.Mask2[i]*xi
		case Gaussian:
			// x⁺ = x + sε₁, x⁺⁺ = x + sε₂
			v1[i], v2[i] = xi+a.Std*ad.E1[i], xi+a.Std*ad.E2[i]
		}
	}
	return v1, v2
}

// PairCorrelation is the exact positive-pair correlation
// Corr(⟨u, x⁺⟩, ⟨u, x⁺⁺⟩) for a zero-mean input part with covariance
// cov [d₁·d₁] (see the package documentation for the formulas).
func (a Aug) PairCorrelation(u, cov []float64) float64 {
	d1 := len(u)
	var uCu, diag, uu float64
	for i := range d1 {
		for k := range d1 {
			uCu += u[i] * cov[i*d1+k] * u[k]
		}
		// Σᵢ uᵢ² Cᵢᵢ
		diag += u[i] * u[i] * cov[i*d1+i]
		uu += u[i] * u[i]
	}
	switch a.Kind {
	case Masking:
		// ρ = (uᵀCu − Σuᵢ²Cᵢᵢ)/(uᵀCu + Σuᵢ²Cᵢᵢ)
		return (uCu - diag) / (uCu + diag)
	case Independent:
		// ρ = uᵀCu/(uᵀCu + Σuᵢ²Cᵢᵢ)
		return uCu / (uCu + diag)
	case Gaussian:
		// ρ = uᵀCu/(uᵀCu + s²‖u‖²)
		return uCu / (uCu + a.Std*a.Std*uu)
	}
	return 1
}

// EmpiricalCorrelation is the Pearson correlation over the n pairs of
// ⟨u, v1ₖ⟩ and ⟨u, v2ₖ⟩ (v1, v2 [n·d₁]).
func EmpiricalCorrelation(u, v1, v2 []float64) float64 {
	d1 := len(u)
	n := len(v1) / d1
	var s1, s2, s11, s22, s12 float64
	for k := range n {
		var a, b float64
		for i := range d1 {
			a += u[i] * v1[k*d1+i]
			b += u[i] * v2[k*d1+i]
		}
		s1 += a
		s2 += b
		s11 += a * a
		s22 += b * b
		s12 += a * b
	}
	fn := float64(n)
	cov := s12/fn - s1*s2/fn/fn
	return cov / sqrtPos((s11/fn-s1*s1/fn/fn)*(s22/fn-s2*s2/fn/fn))
}
