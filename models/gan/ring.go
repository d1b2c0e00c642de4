package gan

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Ring is a mixture of Modes Gaussians in the plane with equal weights,
// centred at Radius·(cos 2πk/Modes, sin 2πk/Modes) with standard deviation Sigma.
type Ring struct {
	Modes  int
	Radius float64
	Sigma  float64
}

// Validate reports a ring that cannot be sampled.
func (r Ring) Validate() error {
	switch {
	case r.Modes < 1:
		return fmt.Errorf("gan: ring modes must be ≥ 1, got %d", r.Modes)
	case !(r.Radius > 0) || math.IsInf(r.Radius, 0):
		return fmt.Errorf("gan: ring radius must be positive, got %v", r.Radius)
	case !(r.Sigma > 0) || math.IsInf(r.Sigma, 0):
		return fmt.Errorf("gan: ring sigma must be positive, got %v", r.Sigma)
	}
	return nil
}

// Centre is the centre of mode k.
func (r Ring) Centre(k int) (float64, float64) {
	a := 2 * math.Pi * float64(k) / float64(r.Modes)
	return r.Radius * math.Cos(a), r.Radius * math.Sin(a)
}

// Sample appends n points (x, y pairs, row-major [n, 2]) to dst: a mode k
// uniform in {0 … Modes−1}, then centre(k) + N(0, σ² I).
func (r Ring) Sample(rng *rand.Rand, n int, dst []float64) []float64 {
	for range n {
		cx, cy := r.Centre(rng.IntN(r.Modes))
		dst = append(dst, cx+r.Sigma*rng.NormFloat64(), cy+r.Sigma*rng.NormFloat64())
	}
	return dst
}

// Quality is how well a set of samples matches the ring.
type Quality struct {
	Good    float64 `json:"good"`    // share of samples within GoodRadius of a mode centre
	Covered int     `json:"covered"` // modes that receive at least MinShare of the samples as good samples
}

// GoodRadius is the distance to a centre (in σ) within which a sample is good: 3σ.
const GoodRadius = 3.0

// MinShare is the share of the samples a mode needs to count as covered: 1%.
const MinShare = 0.01

// Quality scores samples pts ([n, 2], row-major): the share within 3σ of
// the nearest centre, and the modes that hold ≥ 1% of the n samples.
func (r Ring) Quality(pts []float64) Quality {
	n := len(pts) / 2
	if n == 0 {
		return Quality{}
	}
	counts := make([]int, r.Modes)
	good := 0
	for i := range n {
		x, y := pts[2*i], pts[2*i+1]
		best, bestD := 0, math.Inf(1)
		for k := range r.Modes {
			cx, cy := r.Centre(k)
			if d := math.Hypot(x-cx, y-cy); d < bestD {
				best, bestD = k, d
			}
		}
		if bestD <= GoodRadius*r.Sigma {
			good++
			counts[best]++
		}
	}
	q := Quality{Good: float64(good) / float64(n)}
	for _, c := range counts {
		if float64(c) >= MinShare*float64(n) {
			q.Covered++
		}
	}
	return q
}
