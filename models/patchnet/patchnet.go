package patchnet

import (
	"fmt"
	"math"
	"math/rand/v2"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Config is the shape of a bank of patch networks.
type Config struct {
	K      int     // classes k
	M      int     // channels per class m
	D      int     // patch dimension d
	Q      int     // power q of the smoothed ReLU (≥ 2)
	Rho    float64 // threshold ϱ > 0
	Sigma0 float64 // initial weights w ~ N(0, σ₀² I)
}

// Validate reports a configuration that cannot build a network.
func (c Config) Validate() error {
	switch {
	case c.K < 1 || c.M < 1 || c.D < 1:
		return fmt.Errorf("patchnet: k, m and d must be ≥ 1, got %d, %d, %d", c.K, c.M, c.D)
	case c.Q < 2:
		return fmt.Errorf("patchnet: q must be ≥ 2, got %d", c.Q)
	case !(c.Rho > 0) || math.IsInf(c.Rho, 0):
		return fmt.Errorf("patchnet: rho must be positive, got %v", c.Rho)
	case !(c.Sigma0 >= 0) || math.IsInf(c.Sigma0, 0):
		return fmt.Errorf("patchnet: sigma0 must be ≥ 0, got %v", c.Sigma0)
	}
	return nil
}

// Init draws W [R, k·m, d] float64 for the given seeds, w ~ N(0, σ₀² I), each
// run from its own stream PCG(seed, 0x7077).
func (c Config) Init(seeds []uint64) *tensors.Tensor {
	n := c.K * c.M * c.D
	w := make([]float64, len(seeds)*n)
	for r, s := range seeds {
		rng := rand.New(rand.NewPCG(s, 0x7077))
		for i := range n {
			w[r*n+i] = c.Sigma0 * rng.NormFloat64()
		}
	}
	return tensors.FromFlatDataAndDimensions(w, len(seeds), c.K*c.M, c.D)
}

// SmoothReLU is ReLU~ on a graph node, written without branches:
//
//	ReLU~(z) = min(max(z,0), ϱ)^q / (q ϱ^{q−1}) + max(z − ϱ, 0)
//
// which equals the three-piece definition (above ϱ: ϱ/q + z − ϱ).
func SmoothReLU(z *Node, q int, rho float64) *Node {
	zc := Min(Max(z, ScalarZero(z.Graph(), z.DType())), Scalar(z.Graph(), z.DType(), rho))
	poly := MulScalar(PowScalar(zc, float64(q)), 1/(float64(q)*math.Pow(rho, float64(q-1))))
	return Add(poly, Max(AddScalar(z, -rho), ScalarZero(z.Graph(), z.DType())))
}

// SmoothReLUHost is ReLU~ on the host, the three-piece definition.
func SmoothReLUHost(z float64, q int, rho float64) float64 {
	switch {
	case z <= 0:
		return 0
	case z <= rho:
		return math.Pow(z, float64(q)) / (float64(q) * math.Pow(rho, float64(q-1)))
	default:
		return z - (1-1/float64(q))*rho
	}
}

// Logits is F(X) for every run: W [R, k·m, d], X [n, P, d] → [R, n, k].
func (c Config) Logits(w, x *Node) *Node {
	R := w.Shape().Dimensions[0]
	n, P := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	flat := Reshape(x, n*P, c.D) // [n·P, d]
	// ⟨w_{j,r}, x_p⟩ for every run, example, patch and channel: [R, n·P, k·m]
	z := Einsum("qd,rcd->rqc", flat, w)
	a := SmoothReLU(z, c.Q, c.Rho)
	// F_j = Σ_p Σ_r ReLU~(⟨w_{j,r}, x_p⟩)
	a = Reshape(a, R, n, P, c.K, c.M)
	return ReduceSum(a, 2, 4) // [R, n, k]
}

// Lambda returns Λ_{j,ℓ} = max_r ⟨w_{j,r}, v_{j,ℓ}⟩ for run r of w (flat
// [R, k·m, d]) with the views v_{j,ℓ} = e_{2j+ℓ}: the result is [k][2].
func (c Config) Lambda(w []float64, run int) [][2]float64 {
	out := make([][2]float64, c.K)
	base := run * c.K * c.M * c.D
	for j := range c.K {
		for l := range 2 {
			best := math.Inf(-1)
			for r := range c.M {
				best = math.Max(best, w[base+(j*c.M+r)*c.D+2*j+l])
			}
			out[j][l] = best
		}
	}
	return out
}
