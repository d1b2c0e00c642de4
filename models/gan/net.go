package gan

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
)

// Activation names a hidden or output non-linearity.
type Activation string

const (
	None      Activation = ""           // identity
	ReLU      Activation = "relu"       // max(x, 0)
	LeakyReLU Activation = "leaky-relu" // max(x, 0.2·x)
	TanhAct   Activation = "tanh"       // tanh x
)

// LeakySlope is the negative-side slope of LeakyReLU.
const LeakySlope = 0.2

// Net is a fully connected network: Sizes {in, h₁, …, out}, Hidden after
// every layer but the last, Output after the last. Every layer has a bias.
type Net struct {
	Sizes  []int
	Hidden Activation
	Output Activation
}

// Generator is the usual toy generator: noise → ReLU MLP → linear output.
func Generator(noise int, hidden []int, out int) Net {
	return Net{Sizes: append(append([]int{noise}, hidden...), out), Hidden: ReLU}
}

// Discriminator is the usual toy discriminator: input → LeakyReLU(0.2) MLP → one logit.
func Discriminator(in int, hidden []int) Net {
	return Net{Sizes: append(append([]int{in}, hidden...), 1), Hidden: LeakyReLU}
}

// Validate reports a network that cannot be built.
func (n Net) Validate() error {
	if len(n.Sizes) < 2 {
		return fmt.Errorf("gan: need at least an input and an output size, got %v", n.Sizes)
	}
	for _, s := range n.Sizes {
		if s < 1 {
			return fmt.Errorf("gan: layer sizes must be positive, got %v", n.Sizes)
		}
	}
	for _, a := range []Activation{n.Hidden, n.Output} {
		switch a {
		case None, ReLU, LeakyReLU, TanhAct:
		default:
			return fmt.Errorf("gan: unknown activation %q", a)
		}
	}
	return nil
}

// NumParams is the number of parameters of one run.
func (n Net) NumParams() int { return n.mlp().NumParams() }

func (n Net) mlp() mlp.Config {
	return mlp.Config{Sizes: n.Sizes, Activation: "relu", Bias: true, OutputBias: true, Init: mlp.TorchDefault}
}

// InitParams draws one run per seed (PyTorch's nn.Linear default, as
// models/mlp's TorchDefault) and stacks them: W₀ [R, in, h₁], b₀ [R, h₁], W₁, ….
// Give the generator and the discriminator different seeds.
func (n Net) InitParams(seeds []uint64, dtype dtypes.DType) ([]*tensors.Tensor, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return n.mlp().InitParams(seeds, dtype)
}

// Forward maps x [R, N, in] (or [N, in], shared by every run) to [R, N, out].
func (n Net) Forward(params []*Node, x *Node) *Node {
	h := x
	layers := len(n.Sizes) - 1
	for l := range layers {
		w, b := params[2*l], params[2*l+1] // [R, in, out], [R, out]
		if h.Rank() == 2 {
			h = Einsum("nk,rko->rno", h, w) // h[r,n,o] = Σ_k x[n,k] W[r,k,o]
		} else {
			h = Einsum("rnk,rko->rno", h, w)
		}
		h = Add(h, InsertAxes(b, 1))
		if l < layers-1 {
			h = activate(n.Hidden, h)
		} else {
			h = activate(n.Output, h)
		}
	}
	return h
}

func activate(a Activation, x *Node) *Node {
	switch a {
	case ReLU:
		return Max(x, ZerosLike(x))
	case LeakyReLU:
		return Max(x, MulScalar(x, LeakySlope))
	case TanhAct:
		return Tanh(x)
	}
	return x
}

// DiscriminatorLoss is the discriminator's loss of the standard GAN, per run:
//
//	L_D = −E log σ(D(x)) − E log(1 − σ(D(G(z)))) = E softplus(−D(x)) + E softplus(D(G(z)))
//
// from the logits on real data dReal [R, N, 1] and on generated data dFake [R, M, 1]. Returns [R].
func DiscriminatorLoss(dReal, dFake *Node) *Node {
	return Add(ReduceMean(Softplus(Neg(dReal)), 1, 2), ReduceMean(Softplus(dFake), 1, 2))
}

// GeneratorLoss is the non-saturating generator loss, per run:
//
//	L_G = −E log σ(D(G(z))) = E softplus(−D(G(z)))
//
// from the logits on generated data dFake [R, M, 1]. Returns [R]. Note L_G ≠ −L_D:
// the game is not zero-sum, and each player's gradient is that of its own loss.
func GeneratorLoss(dFake *Node) *Node {
	return ReduceMean(Softplus(Neg(dFake)), 1, 2)
}
