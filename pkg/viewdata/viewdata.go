package viewdata

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Range is a closed interval [Lo, Hi] that weights are drawn from uniformly.
type Range struct{ Lo, Hi float64 }

func (r Range) draw(rng *rand.Rand) float64 { return r.Lo + (r.Hi-r.Lo)*rng.Float64() }

func (r Range) ok() bool { return r.Lo >= 0 && r.Hi >= r.Lo && !math.IsInf(r.Hi, 0) }

// Config describes the distribution (our construction, see the package doc).
type Config struct {
	K     int     `json:"k"`     // classes; views are the first 2K coordinates
	D     int     `json:"d"`     // patch dimension, > 2K (the noise lives on 2K … D−1)
	P     int     `json:"p"`     // patches per input, ≥ 2
	Mu    float64 `json:"mu"`    // probability of a single-view example
	Sigma float64 `json:"sigma"` // standard deviation of the per-patch noise off the view subspace

	Strong     Range   `json:"strong"`       // weight of an own view that is present ([1, 1.5])
	OtherProb  float64 `json:"other_prob"`   // probability that each other-class view is added (0.08)
	OtherMulti Range   `json:"other_multi"`  // its weight in a multi-view example ([0.1, 0.4])
	WeakOwn    Range   `json:"weak_own"`     // weight ρ of the faint own view of a single-view example ([0.05, 0.1])
	OtherSingl Range   `json:"other_single"` // other-class weight in a single-view example ([0.05, 0.15])
}

// Default is the quick preset's distribution: K = 10, D = 64, P = 8, μ = 0.2,
// σ = 0.12 (our construction).
func Default() Config {
	return Config{K: 10, D: 64, P: 8, Mu: 0.2, Sigma: 0.12,
		Strong: Range{1, 1.5}, OtherProb: 0.08, OtherMulti: Range{0.1, 0.4},
		WeakOwn: Range{0.05, 0.1}, OtherSingl: Range{0.05, 0.15}}
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	var errs []error
	bad := func(cond bool, format string, args ...any) {
		if cond {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	bad(c.K < 2, "k must be ≥ 2, got %d", c.K)
	bad(c.D <= 2*c.K, "d must be > 2k = %d, got %d", 2*c.K, c.D)
	bad(c.P < 2, "p must be ≥ 2, got %d", c.P)
	bad(!(c.Mu >= 0 && c.Mu <= 1), "mu must be in [0, 1], got %v", c.Mu)
	bad(!(c.Sigma >= 0) || math.IsInf(c.Sigma, 0), "sigma must be ≥ 0 and finite, got %v", c.Sigma)
	bad(!c.Strong.ok(), "strong must be a range 0 ≤ lo ≤ hi, got %v", c.Strong)
	bad(!(c.OtherProb >= 0 && c.OtherProb <= 1), "other_prob must be in [0, 1], got %v", c.OtherProb)
	bad(!c.OtherMulti.ok(), "other_multi must be a range 0 ≤ lo ≤ hi, got %v", c.OtherMulti)
	bad(!c.WeakOwn.ok(), "weak_own must be a range 0 ≤ lo ≤ hi, got %v", c.WeakOwn)
	bad(!c.OtherSingl.ok(), "other_single must be a range 0 ≤ lo ≤ hi, got %v", c.OtherSingl)
	return errors.Join(errs...)
}

// View returns the coordinate of view ℓ ∈ {0, 1} of class j: v_{j,ℓ} = e_{2j+ℓ}.
func View(j, l int) int { return 2*j + l }

// Set is a drawn data set.
type Set struct {
	N, P, D int
	X       []float64 // inputs, [N, P, D] row-major
	Y       []int     // labels, [N]
	Single  []bool    // single-view example
	Main    []int     // the strong view ℓ̂ of a single-view example; −1 for multi-view
}

// feature is a view placed with a weight.
type feature struct {
	coord int
	w     float64
}

// Generate draws n examples with its own random stream seeded by seed.
func Generate(c Config, n int, seed uint64) (*Set, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("viewdata.Generate: n must be ≥ 1, got %d", n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6d76))
	s := &Set{N: n, P: c.P, D: c.D, X: make([]float64, n*c.P*c.D),
		Y: make([]int, n), Single: make([]bool, n), Main: make([]int, n)}
	feats := make([]feature, 0, 2*c.K)
	for i := range n {
		y := rng.IntN(c.K)
		s.Y[i] = y
		s.Main[i] = -1
		feats = feats[:0]
		other := c.OtherMulti
		if rng.Float64() < c.Mu {
			// single-view: the main view ℓ̂ strong, the other own view faint (weight ρ)
			s.Single[i] = true
			l := rng.IntN(2)
			s.Main[i] = l
			feats = append(feats, feature{View(y, l), c.Strong.draw(rng)}, feature{View(y, 1-l), c.WeakOwn.draw(rng)})
			other = c.OtherSingl
		} else {
			// multi-view: both own views, each with weight in [1, 1.5]
			feats = append(feats, feature{View(y, 0), c.Strong.draw(rng)}, feature{View(y, 1), c.Strong.draw(rng)})
		}
		for j := range c.K {
			if j == y {
				continue
			}
			for l := range 2 {
				if rng.Float64() < c.OtherProb {
					feats = append(feats, feature{View(j, l), other.draw(rng)})
				}
			}
		}
		// Shuffle the patch order and fill slots in sequence; features beyond P are dropped.
		x := s.X[i*c.P*c.D : (i+1)*c.P*c.D]
		for slot, p := range rng.Perm(c.P) {
			if slot >= len(feats) {
				break
			}
			x[p*c.D+feats[slot].coord] = feats[slot].w
		}
		// Gaussian noise N(0, σ²) on the coordinates 2K … D−1 of every patch.
		for p := range c.P {
			for d := 2 * c.K; d < c.D; d++ {
				x[p*c.D+d] = c.Sigma * rng.NormFloat64()
			}
		}
	}
	return s, nil
}

// Subset returns the examples whose index satisfies keep (copies).
func (s *Set) Subset(keep func(i int) bool) *Set {
	out := &Set{P: s.P, D: s.D}
	row := s.P * s.D
	for i := range s.N {
		if keep(i) {
			out.N++
			out.X = append(out.X, s.X[i*row:(i+1)*row]...)
			out.Y = append(out.Y, s.Y[i])
			out.Single = append(out.Single, s.Single[i])
			out.Main = append(out.Main, s.Main[i])
		}
	}
	return out
}
