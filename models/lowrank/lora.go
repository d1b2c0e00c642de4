package lowrank

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/tensorconv"
)

// InitA names how A is initialised (B always starts at 0).
type InitA string

const (
	// KaimingUniform draws A ~ U(−1/√k, 1/√k): loralib's kaiming_uniform_(A, a=√5).
	KaimingUniform InitA = "kaiming-uniform"
	// ZeroA sets A = 0 too: the "both factors zero" pitfall, in which no gradient reaches A or B.
	ZeroA InitA = "zero"
)

// StreamA is the second PCG word of the stream that draws A: run i uses PCG(seeds[i], StreamA).
const StreamA = 0x4c6f5241 // "LoRA"

// Config is one adapter on a dense weight with In = k inputs and Out = d outputs.
type Config struct {
	In    int     `json:"in"`     // k: inputs of the adapted weight
	Out   int     `json:"out"`    // d: outputs of the adapted weight
	Rank  int     `json:"rank"`   // r
	Alpha float64 `json:"alpha"`  // α; the update is scaled by α/r
	InitA InitA   `json:"init_a"` // "" means KaimingUniform
}

// Validate reports a configuration that cannot make an adapter, naming the field.
func (c Config) Validate() error {
	switch {
	case c.In < 1 || c.Out < 1:
		return fmt.Errorf("lowrank: in and out must be ≥ 1, got in=%d out=%d", c.In, c.Out)
	case c.Rank < 1:
		return fmt.Errorf("lowrank: rank must be ≥ 1, got %d", c.Rank)
	case c.Rank > min(c.In, c.Out):
		return fmt.Errorf("lowrank: rank %d exceeds min(in, out) = %d: the update would not be low-rank", c.Rank, min(c.In, c.Out))
	case !(c.Alpha > 0) || math.IsInf(c.Alpha, 0):
		return fmt.Errorf("lowrank: alpha must be positive and finite, got %v", c.Alpha)
	}
	switch c.InitA {
	case "", KaimingUniform, ZeroA:
	default:
		return fmt.Errorf("lowrank: unknown init_a %q (want %q or %q)", c.InitA, KaimingUniform, ZeroA)
	}
	return nil
}

// Scale is α/r, the factor that multiplies B·A (loralib's `scaling`).
func (c Config) Scale() float64 { return c.Alpha / float64(c.Rank) }

// NumParams is the number of trainable values of one run's adapter: r(d + k).
func (c Config) NumParams() int { return c.Rank * (c.In + c.Out) }

// Init draws the initial factors of one adapter per seed: A [R, r, k] (see
// InitA) and B = 0 [R, d, r], in dtype (Float32 or Float64).
func (c Config) Init(seeds []uint64, dtype dtypes.DType) (a, b *tensors.Tensor, err error) {
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	if len(seeds) == 0 {
		return nil, nil, fmt.Errorf("lowrank: no seeds given")
	}
	k, r := c.In, c.Rank
	av := make([]float64, 0, len(seeds)*r*k)
	for _, seed := range seeds {
		rng := rand.New(rand.NewPCG(seed, StreamA))
		bound := 1 / math.Sqrt(float64(k))
		for range r * k {
			if c.InitA == ZeroA {
				av = append(av, 0)
				continue
			}
			// A ~ U(−1/√k, 1/√k).
			av = append(av, bound*(2*rng.Float64()-1))
		}
	}
	bv := make([]float64, len(seeds)*c.Out*r)
	if a, err = tensorconv.FromFloats(dtype, av, len(seeds), r, k); err != nil {
		return nil, nil, err
	}
	b, err = tensorconv.FromFloats(dtype, bv, len(seeds), c.Out, r)
	return a, b, err
}

// Branch is the adapter's contribution (α/r)·B·A·x for every example:
// x [N, k] (shared by the runs) or [R, N, k], A [R, r, k], B [R, d, r] → [R, N, d].
func (c Config) Branch(x, a, b *Node) *Node {
	var ax *Node
	if x.Rank() == 2 {
		// (A·x)[r,n,j] = Σ_k x[n,k] A[r,j,k]   (j indexes the rank)
		ax = Einsum("nk,rjk->rnj", x, a)
	} else {
		ax = Einsum("rnk,rjk->rnj", x, a)
	}
	// (B·A·x)[r,n,d] = Σ_j (A·x)[r,n,j] B[r,d,j], scaled by α/r.
	return MulScalar(Einsum("rnj,rdj->rnd", ax, b), c.Scale())
}

// Apply is the adapted layer without bias, in the unmerged form the paper
// trains: h = W₀x + (α/r)·B·A·x, with W₀ [R, k, d] (input-major) and x
// [N, k] or [R, N, k]; the result is [R, N, d]. W₀x uses the same product
// as models/mlp, so with B = 0 the output equals the base layer's bit for bit.
func (c Config) Apply(x, w0, a, b *Node) *Node {
	return Add(baseProduct(x, w0), c.Branch(x, a, b))
}

// baseProduct is x·W₀ exactly as models/mlp computes it.
func baseProduct(x, w *Node) *Node {
	if x.Rank() == 2 {
		return Einsum("nk,rko->rno", x, w)
	}
	return Einsum("rnk,rko->rno", x, w)
}

// Delta is the update in the weight's layout, ΔWᵀ = (α/r)·Aᵀ·Bᵀ [R, k, d],
// for A [R, r, k] and B [R, d, r]; W₀ + Delta is the merged weight.
func (c Config) Delta(a, b *Node) *Node {
	// ΔWᵀ[r,k,d] = (α/r) Σ_j A[r,j,k] B[r,d,j]
	return MulScalar(Einsum("rjk,rdj->rkd", a, b), c.Scale())
}
