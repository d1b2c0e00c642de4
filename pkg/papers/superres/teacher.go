package superres

import (
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

// Side is the side of the teacher's level-ℓ image (ℓ = 1, 2, …): 4, 8, 16, …
func Side(level int) int { return coarse << (level - 1) }

// Pixels is the number of pixels of the teacher's level-ℓ image.
func Pixels(level int) int { return Side(level) * Side(level) }

// coarse is the side of the level-1 image.
const coarse = 4

// Teacher is the forward super-resolution target (our construction): L
// levels of one-channel images, 4×4 → 8×8 (quick preset, L = 2) → 16×16
// (full preset, L = 3):
//
//	S₁ = ReLU(W₁*z − b₁),     X₁ = M₁*S₁                z ~ N(0, I_Z)
//	S_ℓ = ReLU(W_ℓ*S_ℓ₋₁ − b_ℓ), X_ℓ = Up₂(X_ℓ₋₁) + D_ℓ*S_ℓ   (ℓ = 2 … L)
//
// Every column of D_ℓ* has zero mean in each 2×2 block, so AvgPool₂(X_ℓ) =
// X_ℓ₋₁ exactly and the detail residual R(X_ℓ) = D_ℓ*S_ℓ. Slices are indexed
// by level − 1.
type Teacher struct {
	Z int   // latent size
	K []int // hidden width of each level
	// W[ℓ−1] [K_ℓ][K_ℓ₋₁] (W[0] [K₁][Z]) and B[ℓ−1] [K_ℓ]: the layers.
	W [][][]float64
	B [][]float64
	// Atoms[0] [K₁][16]: M₁*, unit-norm 4×4 images. Atoms[ℓ−1] [K_ℓ][Pixels(ℓ)]
	// for ℓ ≥ 2: the detail atoms D_ℓ*, zero block means, norm DetailScale.
	Atoms [][][]float64
	// Independent makes the no-structure control (our construction): the
	// details of every level ℓ ≥ 2 are driven by their own independent
	// latent, so each level on its own is distributed as before but the
	// finer levels no longer depend on the coarser ones.
	Independent bool
	// Noise, when positive, makes the spec's noise variant (full preset; the
	// form is our reading of the spec): every unit of the levels ℓ ≥ 2 also
	// receives ReLU noise, S_ℓ ← S_ℓ + ReLU(ξ), ξ ~ N(0, Noise² I), so the
	// details are no longer fully determined by the coarse image.
	// AvgPool₂(X_ℓ) = X_ℓ₋₁ still holds.
	Noise float64
}

// Levels is the number of levels L.
func (t *Teacher) Levels() int { return len(t.K) }

// M1 is the level-1 atoms M₁* [K₁][16].
func (t *Teacher) M1() [][]float64 { return t.Atoms[0] }

// TeacherConfig sets the teacher's sizes and sparsity; K and Active have one
// entry per level.
type TeacherConfig struct {
	Z                  int       `json:"z"`                   // latent size
	K                  []int     `json:"k"`                   // hidden width of each level
	Active             []float64 `json:"active"`              // target fraction of active units of each S_ℓ
	DetailScale        float64   `json:"detail_scale"`        // norm of every detail atom
	CalibrationSamples int       `json:"calibration_samples"` // draws used to set the biases by quantiles
}

// NewTeacher draws a teacher from rng.
func NewTeacher(tc TeacherConfig, rng *rand.Rand) *Teacher {
	L := len(tc.K)
	t := &Teacher{Z: tc.Z, K: slices.Clone(tc.K), W: make([][][]float64, L), B: make([][]float64, L), Atoms: make([][][]float64, L)}
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
	t.W[0] = gauss(tc.K[0], tc.Z, 1/math.Sqrt(float64(tc.Z)))
	t.Atoms[0] = gauss(tc.K[0], Pixels(1), 1)
	for _, a := range t.Atoms[0] {
		scale(a, 1/norm(a))
	}
	for l := 1; l < L; l++ {
		// W_ℓ* entries N(0, 1/K_ℓ₋₁).
		t.W[l] = gauss(tc.K[l], tc.K[l-1], 1/math.Sqrt(float64(tc.K[l-1])))
		// D_ℓ* columns: a Gaussian image minus its 2×2 block means, unit norm, × DetailScale.
		t.Atoms[l] = gauss(tc.K[l], Pixels(l+1), 1)
		for _, a := range t.Atoms[l] {
			copy(a, Residual(a, Side(l+1)))
			scale(a, tc.DetailScale/norm(a))
		}
	}
	// b_ℓ,i is the (1 − Active_ℓ) quantile of (W_ℓ* S_ℓ₋₁)ᵢ over calibration
	// draws (S₀ = z), so unit i is active a fraction Active_ℓ of the time.
	crng := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
	in := make([][]float64, tc.CalibrationSamples) // S_ℓ₋₁ of every draw
	for n := range in {
		in[n] = make([]float64, tc.Z)
		for j := range in[n] {
			in[n][j] = crng.NormFloat64()
		}
	}
	for l := range L {
		pre := make([][]float64, tc.K[l])
		for _, x := range in {
			for i, w := range t.W[l] {
				pre[i] = append(pre[i], dot(w, x))
			}
		}
		t.B[l] = make([]float64, tc.K[l])
		for i := range pre {
			t.B[l][i] = quantile(pre[i], 1-tc.Active[l])
		}
		for n, x := range in {
			in[n] = t.hidden(l, x)
		}
	}
	return t
}

// hidden is level ℓ's layer (l = ℓ − 1): S_ℓ = ReLU(W_ℓ* x − b_ℓ).
func (t *Teacher) hidden(l int, x []float64) []float64 {
	s := make([]float64, t.K[l])
	for i, w := range t.W[l] {
		s[i] = max(0, dot(w, x)-t.B[l][i])
	}
	return s
}

// Sample is n draws of the teacher, per level (index ℓ − 1): the images
// X[ℓ−1] [n][Pixels(ℓ)] and the hidden features S[ℓ−1] [n][K_ℓ].
type Sample struct {
	X, S [][][]float64
}

// Finest is the images of the finest level, X_L [n][Pixels(L)].
func (s Sample) Finest() [][]float64 { return s.X[len(s.X)-1] }

// Draw samples n images from the teacher.
func (t *Teacher) Draw(n int, rng *rand.Rand) Sample {
	L := t.Levels()
	s := Sample{X: make([][][]float64, L), S: make([][][]float64, L)}
	latent := func() []float64 {
		z := make([]float64, t.Z)
		for j := range z {
			z[j] = rng.NormFloat64()
		}
		return z
	}
	for range n {
		hs := make([][]float64, L)
		hs[0] = t.hidden(0, latent())
		for l := 1; l < L; l++ {
			src := hs[l-1]
			if t.Independent {
				// level ℓ's own, independent chain z′ → S₁′ → … → S′_ℓ₋₁
				src = t.hidden(0, latent())
				for k := 1; k < l; k++ {
					src = t.hidden(k, src)
				}
			}
			hs[l] = t.hidden(l, src)
			if t.Noise > 0 {
				for i := range hs[l] {
					// S_ℓ + ReLU(ξ), ξ ~ N(0, Noise²)
					hs[l][i] += max(0, t.Noise*rng.NormFloat64())
				}
			}
		}
		// X₁ = M₁*S₁; X_ℓ = Up₂(X_ℓ₋₁) + D_ℓ*S_ℓ
		x := make([]float64, Pixels(1))
		for l := range L {
			if l > 0 {
				x = Up2(x, Side(l))
			}
			for i, a := range t.Atoms[l] {
				axpy(x, hs[l][i], a)
			}
			s.X[l] = append(s.X[l], x)
			s.S[l] = append(s.S[l], hs[l])
		}
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
