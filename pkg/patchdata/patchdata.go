package patchdata

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Config describes the distribution.
type Config struct {
	D        int     `json:"d"`        // patch dimension d (coordinates 0 … d−1; the feature is coordinate 0)
	Patches  int     `json:"patches"`  // P ≥ 2: one feature patch and P−1 noise patches
	Sparsity int     `json:"sparsity"` // s: non-zeros per noise patch, 1 ≤ s ≤ d−1
	SigmaP   float64 `json:"sigma_p"`  // σ_p: standard deviation of each non-zero noise entry
	// FeatureNoise α > 0 (our variant): one noise patch, chosen uniformly, is −α·y·e₁ instead.
	FeatureNoise float64 `json:"feature_noise,omitempty"`
	// NoFeature (our null): the feature patch is the zero vector; the label is then independent of x.
	NoFeature bool `json:"no_feature,omitempty"`
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("patchdata: "+format, args...)) }
	if c.D < 2 {
		bad("d must be ≥ 2, got %d", c.D)
	}
	if c.Patches < 2 {
		bad("patches must be ≥ 2 (a feature patch and a noise patch), got %d", c.Patches)
	}
	if c.FeatureNoise > 0 && c.Patches < 3 {
		bad("feature_noise needs patches ≥ 3 (it replaces one of the noise patches), got %d", c.Patches)
	}
	if c.Sparsity < 1 || c.D >= 2 && c.Sparsity > c.D-1 {
		bad("sparsity must be in [1, d−1 = %d], got %d", c.D-1, c.Sparsity)
	}
	if !(c.SigmaP > 0) || math.IsInf(c.SigmaP, 0) {
		bad("sigma_p must be positive and finite, got %v", c.SigmaP)
	}
	if !(c.FeatureNoise >= 0) || math.IsInf(c.FeatureNoise, 0) {
		bad("feature_noise must be ≥ 0 and finite, got %v", c.FeatureNoise)
	}
	return errors.Join(errs...)
}

// Kind says what a patch holds.
type Kind int8

const (
	Noise        Kind = iota // sparse Gaussian noise ξ
	Feature                  // y·v (zero under NoFeature)
	FeatureNoise             // −α·y·v
)

// Patch is one sparse patch: Value[k] at coordinate Index[k]. Indices are
// distinct and increasing; a zero patch has none.
type Patch struct {
	Kind  Kind      `json:"kind"`
	Index []int     `json:"index"`
	Value []float64 `json:"value"`
}

// Dot is ⟨w, x_p⟩ for a dense w of length d.
func (p Patch) Dot(w []float64) float64 {
	s := 0.0
	for k, i := range p.Index {
		s += p.Value[k] * w[i]
	}
	return s
}

// SquaredNorm is ‖x_p‖².
func (p Patch) SquaredNorm() float64 {
	s := 0.0
	for _, v := range p.Value {
		s += v * v
	}
	return s
}

// Set is N examples of one distribution.
type Set struct {
	Config  Config    `json:"config"`
	Seed    uint64    `json:"seed"`
	Stream  uint64    `json:"stream"`
	Y       []float64 `json:"y"`       // labels ±1, [N]
	Patches [][]Patch `json:"patches"` // Patches[i][p], [N][P]
}

// N is the number of examples.
func (s *Set) N() int { return len(s.Y) }

// Generate draws n examples from PCG(seed, stream). Per example, in this
// order: the label, the feature patch's position, the position of the
// feature-noise patch (only when FeatureNoise > 0), then each noise patch's
// support (a partial Fisher–Yates shuffle of {1, …, d−1}) and values.
// NoFeature changes no draw: the null set has the same labels and noise as
// the set without it.
func Generate(cfg Config, n int, seed, stream uint64) (*Set, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("patchdata: n must be ≥ 1, got %d", n)
	}
	rng := rand.New(rand.NewPCG(seed, stream))
	s := &Set{Config: cfg, Seed: seed, Stream: stream, Y: make([]float64, n), Patches: make([][]Patch, n)}
	pool := make([]int, cfg.D-1) // the noise coordinates 1 … d−1
	for i := range n {
		y := 1.0
		if rng.IntN(2) == 1 {
			y = -1
		}
		s.Y[i] = y
		feat := rng.IntN(cfg.Patches)
		fnoise := -1
		if cfg.FeatureNoise > 0 {
			// One of the other P−1 positions, uniformly.
			fnoise = rng.IntN(cfg.Patches - 1)
			if fnoise >= feat {
				fnoise++
			}
		}
		ps := make([]Patch, cfg.Patches)
		for p := range ps {
			switch {
			case p == feat && cfg.NoFeature:
				ps[p] = Patch{Kind: Feature, Index: []int{}, Value: []float64{}}
			case p == feat:
				ps[p] = Patch{Kind: Feature, Index: []int{0}, Value: []float64{y}} // y·e₁
			case p == fnoise:
				ps[p] = Patch{Kind: FeatureNoise, Index: []int{0}, Value: []float64{-cfg.FeatureNoise * y}} // −α·y·e₁
			default:
				ps[p] = noisePatch(rng, cfg, pool)
			}
		}
		s.Patches[i] = ps
	}
	return s, nil
}

// noisePatch draws s distinct coordinates of {1, …, d−1} (partial
// Fisher–Yates on a fresh pool) and a N(0, σ_p²) value for each.
func noisePatch(rng *rand.Rand, cfg Config, pool []int) Patch {
	for k := range pool {
		pool[k] = k + 1
	}
	for k := range cfg.Sparsity {
		j := k + rng.IntN(len(pool)-k)
		pool[k], pool[j] = pool[j], pool[k]
	}
	idx := append([]int(nil), pool[:cfg.Sparsity]...)
	sortInts(idx)
	val := make([]float64, len(idx))
	for k := range val {
		val[k] = cfg.SigmaP * rng.NormFloat64()
	}
	return Patch{Kind: Noise, Index: idx, Value: val}
}

// sortInts is an insertion sort (s is small).
func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// Dense returns the examples as a row-major [N, P, d] array.
func (s *Set) Dense() []float64 {
	d, P := s.Config.D, s.Config.Patches
	out := make([]float64, s.N()*P*d)
	for i, ps := range s.Patches {
		for p, patch := range ps {
			base := (i*P + p) * d
			for k, j := range patch.Index {
				out[base+j] = patch.Value[k]
			}
		}
	}
	return out
}

// PatchSum returns Σ_p x_p of every example as a row-major [N, d] array (the
// input of a linear model that ignores the patch structure).
func (s *Set) PatchSum() []float64 {
	d := s.Config.D
	out := make([]float64, s.N()*d)
	for i, ps := range s.Patches {
		for _, patch := range ps {
			for k, j := range patch.Index {
				out[i*d+j] += patch.Value[k]
			}
		}
	}
	return out
}

// NoiseOf returns the noise patches of example i (the ξ's), in patch order.
func (s *Set) NoiseOf(i int) []Patch {
	var out []Patch
	for _, p := range s.Patches[i] {
		if p.Kind == Noise {
			out = append(out, p)
		}
	}
	return out
}

// WithoutFeature returns a copy of s whose feature patches are zero: the
// same labels and noise, nothing to learn but noise (the null of a claim).
func (s *Set) WithoutFeature() *Set {
	out := &Set{Config: s.Config, Seed: s.Seed, Stream: s.Stream, Y: append([]float64(nil), s.Y...), Patches: make([][]Patch, s.N())}
	out.Config.NoFeature = true
	for i, ps := range s.Patches {
		cp := append([]Patch(nil), ps...)
		for p := range cp {
			if cp[p].Kind == Feature {
				cp[p] = Patch{Kind: Feature, Index: []int{}, Value: []float64{}}
			}
		}
		out.Patches[i] = cp
	}
	return out
}
