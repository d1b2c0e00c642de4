package superres

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Up2 is nearest-neighbour upsampling of a side×side image (row-major) to
// 2side×2side: Up₂(X)[i][j] = X[⌊i/2⌋][⌊j/2⌋].
func Up2(x []float64, side int) []float64 {
	out := make([]float64, 4*side*side)
	for i := range 2 * side {
		for j := range 2 * side {
			out[i*2*side+j] = x[(i/2)*side+j/2]
		}
	}
	return out
}

// AvgPool2 averages the 2×2 blocks of a side×side image (side even):
// AvgPool₂(X)[i][j] = ¼ Σ_{a,b∈{0,1}} X[2i+a][2j+b].
func AvgPool2(x []float64, side int) []float64 {
	h := side / 2
	out := make([]float64, h*h)
	for i := range side {
		for j := range side {
			out[(i/2)*h+j/2] += 0.25 * x[i*side+j]
		}
	}
	return out
}

// Residual is the detail residual R(X) = X − Up₂(AvgPool₂ X): what a
// side×side image adds to its coarse version.
func Residual(x []float64, side int) []float64 {
	up := Up2(AvgPool2(x, side), side/2)
	out := make([]float64, len(x))
	for i := range x {
		out[i] = x[i] - up[i]
	}
	return out
}

// Teacher is the forward super-resolution target of the quick preset (our
// construction, L = 2 levels, 4×4 → 8×8, one channel):
//
//	S₁ = ReLU(W₁*z − b₁),  X₁ = M₁*S₁                 z ~ N(0, I_Z)
//	S₂ = ReLU(W₂*S₁ − b₂), X₂ = Up₂(X₁) + D₂*S₂
//
// Every column of D₂* has zero mean in each 2×2 block, so AvgPool₂(X₂) = X₁
// exactly and the detail residual R(X₂) = D₂*S₂.
type Teacher struct {
	Z, K1, K2 int         // latent size, hidden widths of levels 1 and 2
	W1        [][]float64 // [K1][Z]
	B1        []float64   // [K1]
	M1        [][]float64 // [K1][16]: atom i is M1[i], a unit-norm 4×4 image
	W2        [][]float64 // [K2][K1]
	B2        []float64   // [K2]
	D2        [][]float64 // [K2][64]: detail atoms, zero block means, norm DetailScale
	// Independent makes the no-structure control (our construction): the
	// details are drawn from an independent latent z′, so each level on its
	// own is distributed as before but the fine level no longer depends on
	// the coarse one.
	Independent bool
	// Noise, when positive, makes the spec's noise variant (full preset; the
	// form is our reading of the spec): every level-2 unit also receives
	// ReLU noise, S₂ ← S₂ + ReLU(ξ), ξ ~ N(0, Noise² I), so the details are no
	// longer fully determined by the coarse image. AvgPool₂(X₂) = X₁ still holds.
	Noise float64
}

// TeacherConfig sets the teacher's sizes and sparsity.
type TeacherConfig struct {
	Z, K1, K2          int     // latent size, hidden widths
	Active1, Active2   float64 // target fraction of active units of S₁, S₂
	DetailScale        float64 // norm of every detail atom
	CalibrationSamples int     // draws used to set the biases by quantiles
}

// coarse is the side of the level-1 image and fine the side of level 2.
const (
	coarse = 4
	fine   = 8
	n1     = coarse * coarse // 16 pixels
	n2     = fine * fine     // 64 pixels
)

// NewTeacher draws a teacher from rng.
func NewTeacher(tc TeacherConfig, rng *rand.Rand) *Teacher {
	t := &Teacher{Z: tc.Z, K1: tc.K1, K2: tc.K2}
	gauss := func(rows, cols int, std float64) [][]float64 {
		m := make([][]float64, rows)
		for i := range m {
			m[i] = make([]float64, cols)
			for j := range m[i] {
				m[i][j] = std * rng.NormFloat64()
			}
		}
		return m
	}
	// W₁* entries N(0, 1/Z), M₁* columns N(0, I) normalised to unit norm.
	t.W1 = gauss(tc.K1, tc.Z, 1/math.Sqrt(float64(tc.Z)))
	t.M1 = gauss(tc.K1, n1, 1)
	for _, a := range t.M1 {
		scale(a, 1/norm(a))
	}
	// W₂* entries N(0, 1/K1).
	t.W2 = gauss(tc.K2, tc.K1, 1/math.Sqrt(float64(tc.K1)))
	// D₂* columns: a Gaussian 8×8 image minus its 2×2 block means, unit norm, × DetailScale.
	t.D2 = gauss(tc.K2, n2, 1)
	for _, a := range t.D2 {
		copy(a, Residual(a, fine))
		scale(a, tc.DetailScale/norm(a))
	}
	// b₁ᵢ is the (1 − Active1) quantile of (W₁*z)ᵢ, so unit i is active a
	// fraction Active1 of the time; b₂ likewise from S₁.
	crng := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
	pre1 := make([][]float64, tc.K1)
	pre2 := make([][]float64, tc.K2)
	t.B1 = make([]float64, tc.K1)
	t.B2 = make([]float64, tc.K2)
	zs := make([][]float64, tc.CalibrationSamples)
	for n := range zs {
		zs[n] = make([]float64, tc.Z)
		for j := range zs[n] {
			zs[n][j] = crng.NormFloat64()
		}
		for i, w := range t.W1 {
			pre1[i] = append(pre1[i], dot(w, zs[n]))
		}
	}
	for i := range pre1 {
		t.B1[i] = quantile(pre1[i], 1-tc.Active1)
	}
	for _, z := range zs {
		s1 := t.hidden1(z)
		for i, w := range t.W2 {
			pre2[i] = append(pre2[i], dot(w, s1))
		}
	}
	for i := range pre2 {
		t.B2[i] = quantile(pre2[i], 1-tc.Active2)
	}
	return t
}

// hidden1 is S₁ = ReLU(W₁*z − b₁).
func (t *Teacher) hidden1(z []float64) []float64 {
	s := make([]float64, t.K1)
	for i, w := range t.W1 {
		s[i] = max(0, dot(w, z)-t.B1[i])
	}
	return s
}

// hidden2 is S₂ = ReLU(W₂*S₁ − b₂).
func (t *Teacher) hidden2(s1 []float64) []float64 {
	s := make([]float64, t.K2)
	for i, w := range t.W2 {
		s[i] = max(0, dot(w, s1)-t.B2[i])
	}
	return s
}

// Sample is n draws of the teacher: X1 [n][16], X2 [n][64] and the hidden
// features S1 [n][K1], S2 [n][K2].
type Sample struct {
	X1, X2, S1, S2 [][]float64
}

// Draw samples n images from the teacher.
func (t *Teacher) Draw(n int, rng *rand.Rand) Sample {
	var s Sample
	latent := func() []float64 {
		z := make([]float64, t.Z)
		for j := range z {
			z[j] = rng.NormFloat64()
		}
		return z
	}
	for range n {
		s1 := t.hidden1(latent())
		// X₁ = M₁*S₁
		x1 := make([]float64, n1)
		for i, a := range t.M1 {
			axpy(x1, s1[i], a)
		}
		src := s1
		if t.Independent {
			src = t.hidden1(latent()) // the details' own, independent coarse features
		}
		s2 := t.hidden2(src)
		if t.Noise > 0 {
			for i := range s2 {
				// S₂ + ReLU(ξ), ξ ~ N(0, Noise²)
				s2[i] += max(0, t.Noise*rng.NormFloat64())
			}
		}
		// X₂ = Up₂(X₁) + D₂*S₂
		x2 := Up2(x1, coarse)
		for i, a := range t.D2 {
			axpy(x2, s2[i], a)
		}
		s.X1, s.X2 = append(s.X1, x1), append(s.X2, x2)
		s.S1, s.S2 = append(s.S1, s1), append(s.S2, s2)
	}
	return s
}

// ActiveRate is the fraction of (sample, unit) pairs with a positive value.
func ActiveRate(h [][]float64) float64 {
	var on, all float64
	for _, row := range h {
		for _, v := range row {
			if v > 0 {
				on++
			}
			all++
		}
	}
	return on / all
}

func (tc TeacherConfig) validate() error {
	switch {
	case tc.Z < 1 || tc.K1 < 1 || tc.K2 < 1:
		return fmt.Errorf("teacher sizes must be ≥ 1, got z=%d k1=%d k2=%d", tc.Z, tc.K1, tc.K2)
	case !(tc.Active1 > 0 && tc.Active1 < 1) || !(tc.Active2 > 0 && tc.Active2 < 1):
		return fmt.Errorf("teacher activities must be in (0, 1), got %v, %v", tc.Active1, tc.Active2)
	}
	return nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

func scale(a []float64, c float64) {
	for i := range a {
		a[i] *= c
	}
}

func axpy(y []float64, a float64, x []float64) {
	for i := range y {
		y[i] += a * x[i]
	}
}

// quantile is the q-quantile of xs (nearest rank; xs is sorted in place).
func quantile(xs []float64, q float64) float64 {
	slices.Sort(xs)
	i := int(q * float64(len(xs)))
	return xs[min(max(i, 0), len(xs)-1)]
}
