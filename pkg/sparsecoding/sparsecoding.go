package sparsecoding

import (
	"fmt"
	"math"
	"math/rand/v2"

	"theorylab/pkg/linalg"
)

// Model is one sparse-coding distribution x = Mz + σg, g ~ N(0, I).
type Model struct {
	D1, D int       // input dimension d₁, number of atoms d
	M     []float64 // the dictionary [d₁·d], row-major: column j is atom Mⱼ
	P     float64   // P(zⱼ ≠ 0)
	Sigma float64   // σ_ξ, the standard deviation of the dense noise
}

// Dense is the model with a dense orthonormal dictionary: the Q factor of a
// d₁×d Gaussian matrix drawn from rng.
func Dense(d1, d int, p, sigma float64, rng *rand.Rand) Model {
	return Model{D1: d1, D: d, M: linalg.RandomOrthonormal(d1, d, rng).Data, P: p, Sigma: sigma}
}

// Coordinate is the model with coordinate atoms, Mⱼ = eⱼ (M = I on the first
// d coordinates): the ablation where masking erases the sparse signal too.
func Coordinate(d1, d int, p, sigma float64) Model {
	m := make([]float64, d1*d)
	for j := range d {
		m[j*d+j] = 1
	}
	return Model{D1: d1, D: d, M: m, P: p, Sigma: sigma}
}

// Validate checks the sizes and probabilities.
func (m Model) Validate() error {
	switch {
	case m.D < 1 || m.D1 < m.D:
		return fmt.Errorf("sparsecoding: need 1 ≤ d ≤ d₁, got d = %d, d₁ = %d", m.D, m.D1)
	case len(m.M) != m.D1*m.D:
		return fmt.Errorf("sparsecoding: M has %d values, want d₁·d = %d", len(m.M), m.D1*m.D)
	case !(m.P > 0 && m.P <= 1):
		return fmt.Errorf("sparsecoding: p must be in (0, 1], got %v", m.P)
	case !(m.Sigma >= 0) || math.IsInf(m.Sigma, 0):
		return fmt.Errorf("sparsecoding: σ must be ≥ 0 and finite, got %v", m.Sigma)
	}
	return nil
}

// Atom returns column j of M.
func (m Model) Atom(j int) []float64 {
	a := make([]float64, m.D1)
	for i := range m.D1 {
		a[i] = m.M[i*m.D+j]
	}
	return a
}

// Draw is the randomness of n inputs, kept apart from the model so that
// several models (conditions) can share it: common random numbers.
type Draw struct {
	N int
	Z []float64 // the sparse codes, [n·d], entries in {−1, 0, +1}
	G []float64 // standard normal noise, [n·d₁]
}

// NewDraw draws n codes with P(zⱼ = ±1) = p/2 each and n standard normal
// vectors in ℝ^{d₁}.
func NewDraw(n, d1, d int, p float64, rng *rand.Rand) Draw {
	dr := Draw{N: n, Z: make([]float64, n*d), G: make([]float64, n*d1)}
	for i := range dr.Z {
		if u := rng.Float64(); u < p/2 {
			dr.Z[i] = 1
		} else if u < p {
			dr.Z[i] = -1
		}
	}
	for i := range dr.G {
		dr.G[i] = rng.NormFloat64()
	}
	return dr
}

// Parts returns the sparse part Mz and the dense part σg of the draw's
// inputs under the model, each [n·d₁]; x is their sum.
func (m Model) Parts(dr Draw) (sparse, noise []float64) {
	sparse = make([]float64, dr.N*m.D1)
	noise = make([]float64, dr.N*m.D1)
	for k := range dr.N {
		z := dr.Z[k*m.D : (k+1)*m.D]
		for i := range m.D1 {
			// (Mz)ᵢ = Σⱼ Mᵢⱼ zⱼ
			var s float64
			row := m.M[i*m.D : (i+1)*m.D]
			for j, zj := range z {
				if zj != 0 {
					s += row[j] * zj
				}
			}
			sparse[k*m.D1+i] = s
			// ξ = σ g
			noise[k*m.D1+i] = m.Sigma * dr.G[k*m.D1+i]
		}
	}
	return sparse, noise
}

// Inputs returns x = Mz + ξ for the draw, [n·d₁].
func (m Model) Inputs(dr Draw) []float64 {
	x, noise := m.Parts(dr)
	for i := range x {
		x[i] += noise[i]
	}
	return x
}

// SparseCov is the covariance of the sparse part, pMMᵀ [d₁·d₁].
func (m Model) SparseCov() []float64 {
	c := make([]float64, m.D1*m.D1)
	for i := range m.D1 {
		for k := range m.D1 {
			var s float64
			for j := range m.D {
				s += m.M[i*m.D+j] * m.M[k*m.D+j]
			}
			c[i*m.D1+k] = m.P * s
		}
	}
	return c
}

// NoiseCov is the covariance of the dense part, σ²I [d₁·d₁].
func (m Model) NoiseCov() []float64 {
	c := make([]float64, m.D1*m.D1)
	for i := range m.D1 {
		c[i*m.D1+i] = m.Sigma * m.Sigma
	}
	return c
}

// Kappa is κ_u = Σᵢ uᵢ²(MMᵀ)ᵢᵢ for a unit direction u.
func (m Model) Kappa(u []float64) float64 {
	var k float64
	for i := range m.D1 {
		var mm float64
		for j := range m.D {
			mm += m.M[i*m.D+j] * m.M[i*m.D+j]
		}
		k += u[i] * u[i] * mm
	}
	return k
}
