package mlp

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/tensorconv"
)

// Init names an initialisation scheme.
type Init string

const (
	// XavierNormal draws W ~ N(0, gain²·2/(fan_in+fan_out)) with Config.Gains[ℓ] (default 1); biases start at 0.
	XavierNormal Init = "xavier-normal"
	// TorchDefault draws W and b ~ U(−1/√fan_in, 1/√fan_in), as PyTorch's nn.Linear does.
	TorchDefault Init = "torch-default"
)

// Config describes the network.
type Config struct {
	Sizes      []int     // layer widths, input first: {196, 64, 64, 10}
	Activation string    // "tanh" or "relu", applied after every layer but the last
	Bias       bool      // hidden layers have biases
	OutputBias bool      // the last layer has a bias
	Init       Init      // initialisation scheme
	Gains      []float64 // XavierNormal gain per layer (nil: all 1)
}

// Validate reports a configuration that cannot build a network.
func (c Config) Validate() error {
	if len(c.Sizes) < 2 {
		return fmt.Errorf("mlp: need at least an input and an output size, got %v", c.Sizes)
	}
	for _, s := range c.Sizes {
		if s < 1 {
			return fmt.Errorf("mlp: layer sizes must be positive, got %v", c.Sizes)
		}
	}
	switch c.Activation {
	case "tanh", "relu":
	default:
		return fmt.Errorf("mlp: unknown activation %q (want tanh or relu)", c.Activation)
	}
	switch c.Init {
	case XavierNormal, TorchDefault:
	default:
		return fmt.Errorf("mlp: unknown init %q (want %q or %q)", c.Init, XavierNormal, TorchDefault)
	}
	if c.Gains != nil && len(c.Gains) != len(c.Sizes)-1 {
		return fmt.Errorf("mlp: %d gains for %d layers", len(c.Gains), len(c.Sizes)-1)
	}
	return nil
}

func (c Config) layers() int { return len(c.Sizes) - 1 }

func (c Config) hasBias(layer int) bool {
	if layer == c.layers()-1 {
		return c.OutputBias
	}
	return c.Bias
}

// NumParams is the number of parameters of one run.
func (c Config) NumParams() int {
	n := 0
	for l := range c.layers() {
		n += c.Sizes[l] * c.Sizes[l+1]
		if c.hasBias(l) {
			n += c.Sizes[l+1]
		}
	}
	return n
}

// InitParams draws one run per seed and stacks them: W₀ [R, in, h₁], b₀ [R, h₁], W₁, … (biases only where
// the config has them), as tensors of dtype (Float32 or Float64). The values are drawn in float64, so a
// Float32 network starts from the Float64 one rounded. Each run's stream is PCG(seed, 0): a run's initial
// values do not depend on which other runs share the batch.
func (c Config) InitParams(seeds []uint64, dtype dtypes.DType) ([]*tensors.Tensor, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("mlp: no seeds given")
	}
	var shapes [][]int
	for l := range c.layers() {
		shapes = append(shapes, []int{c.Sizes[l], c.Sizes[l+1]})
		if c.hasBias(l) {
			shapes = append(shapes, []int{c.Sizes[l+1]})
		}
	}
	flat := make([][]float64, len(shapes))
	for _, seed := range seeds {
		rng := rand.New(rand.NewPCG(seed, 0))
		i := 0
		for l := range c.layers() {
			fanIn, fanOut := float64(c.Sizes[l]), float64(c.Sizes[l+1])
			weights := c.Sizes[l] * c.Sizes[l+1]
			switch c.Init {
			case XavierNormal:
				gain := 1.0
				if c.Gains != nil {
					gain = c.Gains[l]
				}
				std := gain * math.Sqrt(2/(fanIn+fanOut))
				for range weights {
					flat[i] = append(flat[i], std*rng.NormFloat64())
				}
				i++
				if c.hasBias(l) {
					flat[i] = append(flat[i], make([]float64, c.Sizes[l+1])...)
					i++
				}
			case TorchDefault:
				bound := 1 / math.Sqrt(fanIn)
				for range weights {
					flat[i] = append(flat[i], bound*(2*rng.Float64()-1))
				}
				i++
				if c.hasBias(l) {
					for range c.Sizes[l+1] {
						flat[i] = append(flat[i], bound*(2*rng.Float64()-1))
					}
					i++
				}
			}
		}
	}
	params := make([]*tensors.Tensor, len(shapes))
	for i, s := range shapes {
		var err error
		if params[i], err = tensorconv.FromFloats(dtype, flat[i], append([]int{len(seeds)}, s...)...); err != nil {
			return nil, fmt.Errorf("mlp: %w", err)
		}
	}
	return params, nil
}

// Forward maps shared inputs x [N, in] to outputs [R, N, out].
func (c Config) Forward(params []*Node, x *Node) *Node {
	h := x
	i := 0
	for l := range c.layers() {
		w := params[i] // [R, in, out]
		i++
		if l == 0 && h.Rank() == 2 {
			// x [N, in] shared by all runs: h[r,n,o] = Σ_k x[n,k] W[r,k,o].
			h = Einsum("nk,rko->rno", h, w)
		} else {
			// h [R, N, in]: one product per run.
			h = Einsum("rnk,rko->rno", h, w)
		}
		if c.hasBias(l) {
			b := params[i] // [R, out]
			i++
			h = Add(h, InsertAxes(b, 1))
		}
		if l < c.layers()-1 {
			h = c.activate(h)
		}
	}
	return h
}

func (c Config) activate(x *Node) *Node {
	if c.Activation == "relu" {
		return Max(x, ZerosLike(x))
	}
	return Tanh(x)
}
