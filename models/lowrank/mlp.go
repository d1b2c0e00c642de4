package lowrank

import (
	"fmt"
	"slices"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
)

// MLP is a models/mlp network with a LoRA adapter on each of the layers
// listed in Layers (0 = the first layer), all with the same rank and α.
type MLP struct {
	Base   mlp.Config
	Layers []int   // adapted layers, increasing
	Rank   int     // r
	Alpha  float64 // α
	InitA  InitA   // "" means KaimingUniform
}

// Validate checks the base network and the adapted layer list.
func (m MLP) Validate() error {
	if err := m.Base.Validate(); err != nil {
		return err
	}
	if len(m.Layers) == 0 {
		return fmt.Errorf("lowrank: no adapted layers")
	}
	n := len(m.Base.Sizes) - 1
	for i, l := range m.Layers {
		if l < 0 || l >= n {
			return fmt.Errorf("lowrank: adapted layer %d outside [0, %d)", l, n)
		}
		if i > 0 && l <= m.Layers[i-1] {
			return fmt.Errorf("lowrank: adapted layers must be increasing, got %v", m.Layers)
		}
	}
	for _, c := range m.Adapters() {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Adapters returns the Config of each adapter, in the order of Layers.
func (m MLP) Adapters() []Config {
	out := make([]Config, len(m.Layers))
	for i, l := range m.Layers {
		out[i] = Config{In: m.Base.Sizes[l], Out: m.Base.Sizes[l+1], Rank: m.Rank, Alpha: m.Alpha, InitA: m.InitA}
	}
	return out
}

// NumParams is the number of adapter values of one run: Σ r(dₗ + kₗ).
func (m MLP) NumParams() int {
	n := 0
	for _, c := range m.Adapters() {
		n += c.NumParams()
	}
	return n
}

// Init draws every adapter's factors, in the order A₀, B₀, A₁, B₁, … (see
// Config.Init). Adapter j of run i uses the seed seeds[i]·1000 + j, so
// adapters on different layers differ.
func (m MLP) Init(seeds []uint64, dtype dtypes.DType) ([]*tensors.Tensor, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	var out []*tensors.Tensor
	for j, c := range m.Adapters() {
		s := make([]uint64, len(seeds))
		for i, seed := range seeds {
			s[i] = seed*1000 + uint64(j)
		}
		a, b, err := c.Init(s, dtype)
		if err != nil {
			return nil, err
		}
		out = append(out, a, b)
	}
	return out, nil
}

// weightIndex returns the position of layer l's weight in the parameter
// list of models/mlp (W₀, b₀, W₁, b₁, …, biases only where the config has them).
func weightIndex(c mlp.Config, layer int) int {
	i := 0
	for l := range layer {
		i++
		if hasBias(c, l) {
			i++
		}
	}
	return i
}

func hasBias(c mlp.Config, layer int) bool {
	if layer == len(c.Sizes)-2 {
		return c.OutputBias
	}
	return c.Bias
}

// Forward is the adapted network in the unmerged form: every layer ℓ maps
// h ↦ σ(h·Wℓ + (α/r)·h·Aℓᵀ·Bℓᵀ + bℓ) where it has an adapter, and as in
// models/mlp where it has not. base holds the mlp parameters (frozen or not:
// that is up to the training loop), adapters holds A, B per adapted layer;
// x is [N, in] or [R, N, in] and the result is [R, N, out].
func (m MLP) Forward(base, adapters []*Node, x *Node) *Node {
	c := m.Base
	h := x
	i := 0
	cfgs := m.Adapters()
	for l := range len(c.Sizes) - 1 {
		w := base[i] // [R, in, out]
		i++
		if j := slices.Index(m.Layers, l); j >= 0 {
			h = cfgs[j].Apply(h, w, adapters[2*j], adapters[2*j+1])
		} else {
			h = baseProduct(h, w)
		}
		if hasBias(c, l) {
			h = Add(h, InsertAxes(base[i], 1)) // + b [R, 1, out]
			i++
		}
		if l < len(c.Sizes)-2 {
			if c.Activation == "relu" {
				h = Max(h, ZerosLike(h))
			} else {
				h = Tanh(h)
			}
		}
	}
	return h
}

// Merged returns a copy of base with every adapted weight replaced by
// W₀ + ΔWᵀ (through Layer.Merge, rounded once to the dtype), ready for the
// plain models/mlp forward pass: the deployed model, with no extra latency.
func (m MLP) Merged(base, adapters []*tensors.Tensor) ([]*tensors.Tensor, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if len(adapters) != 2*len(m.Layers) {
		return nil, fmt.Errorf("lowrank: %d adapter tensors for %d adapted layers (want A, B each)", len(adapters), len(m.Layers))
	}
	out := slices.Clone(base)
	for j, c := range m.Adapters() {
		wi := weightIndex(m.Base, m.Layers[j])
		if wi >= len(base) {
			return nil, fmt.Errorf("lowrank: %d base tensors, but layer %d's weight is number %d", len(base), m.Layers[j], wi)
		}
		layer, err := NewLayer(c, base[wi], adapters[2*j], adapters[2*j+1])
		if err != nil {
			return nil, fmt.Errorf("lowrank: layer %d: %w", m.Layers[j], err)
		}
		if err := layer.Merge(); err != nil {
			return nil, err
		}
		if out[wi], _, _, err = layer.Tensors(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// WeightIndex returns the position of layer's weight in the models/mlp parameter list.
func (m MLP) WeightIndex(layer int) int { return weightIndex(m.Base, layer) }
