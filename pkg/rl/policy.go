package rl

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
)

// PolicyNet is the policy architecture: an MLP from an observation to one
// logit per action, ReLU hidden layers of the given widths (none: a
// linear-softmax policy), biases everywhere, PyTorch's default
// initialisation.
func PolicyNet(obs, actions int, hidden []int) mlp.Config {
	sizes := append(append([]int{obs}, hidden...), actions)
	return mlp.Config{Sizes: sizes, Activation: "relu", Bias: true, OutputBias: true, Init: mlp.TorchDefault}
}

// Policy is one run's network copied out of the graph, for fast action
// selection in plain Go: thousands of single-state calls through the graph
// engine would cost far more than the arithmetic.
type Policy struct {
	Sizes []int       `json:"sizes"`
	W     [][]float64 `json:"w"` // W[l] is [Sizes[l], Sizes[l+1]], row-major
	B     [][]float64 `json:"b"` // B[l] is [Sizes[l+1]]
	Tanh  bool        `json:"tanh,omitempty"`
}

// PoliciesFromParams splits a batch of networks (the parameters of net, each
// with a leading run axis, as mlp.Config.InitParams or train.Minibatch
// return them) into one Policy per run.
func PoliciesFromParams(net mlp.Config, params []*tensors.Tensor) ([]*Policy, error) {
	if !net.Bias || !net.OutputBias {
		return nil, fmt.Errorf("rl: a policy network needs biases on every layer")
	}
	layers := len(net.Sizes) - 1
	if len(params) != 2*layers {
		return nil, fmt.Errorf("rl: %d parameter tensors for %d layers", len(params), layers)
	}
	runs := params[0].Shape().Dimensions[0]
	out := make([]*Policy, runs)
	for r := range out {
		out[r] = &Policy{Sizes: append([]int(nil), net.Sizes...), Tanh: net.Activation != "relu"}
	}
	for l := range layers {
		w, err := flat64(params[2*l])
		if err != nil {
			return nil, err
		}
		b, err := flat64(params[2*l+1])
		if err != nil {
			return nil, err
		}
		nw, nb := net.Sizes[l]*net.Sizes[l+1], net.Sizes[l+1]
		if len(w) != runs*nw || len(b) != runs*nb {
			return nil, fmt.Errorf("rl: layer %d: %d weights and %d biases for %d runs of %d→%d", l, len(w), len(b), runs, net.Sizes[l], net.Sizes[l+1])
		}
		for r := range out {
			out[r].W = append(out[r].W, append([]float64(nil), w[r*nw:(r+1)*nw]...))
			out[r].B = append(out[r].B, append([]float64(nil), b[r*nb:(r+1)*nb]...))
		}
	}
	return out, nil
}

func flat64(t *tensors.Tensor) ([]float64, error) {
	switch t.DType() {
	case dtypes.Float64:
		return tensors.MustCopyFlatData[float64](t), nil
	case dtypes.Float32:
		v := tensors.MustCopyFlatData[float32](t)
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out, nil
	}
	return nil, fmt.Errorf("rl: want float32 or float64 parameters, got %s", t.Shape())
}

// Logits is the network's output for one observation: layer by layer
// h ← σ(h·W + b), no activation after the last layer (as mlp.Config.Forward).
func (p *Policy) Logits(x []float64) []float64 {
	return p.logits(x, nil)
}

// logits computes into out when it has room (a caller's stack buffer) and
// uses small fixed buffers for the hidden layers, so that a call allocates
// nothing for networks up to 64 units wide.
func (p *Policy) logits(x, out []float64) []float64 {
	var bufs [2][64]float64
	h := x
	for l := range p.W {
		in, width := p.Sizes[l], p.Sizes[l+1]
		var next []float64
		switch {
		case l == len(p.W)-1 && cap(out) >= width:
			next = out[:width]
		case l < len(p.W)-1 && width <= 64:
			next = bufs[l%2][:width]
		default:
			next = make([]float64, width)
		}
		copy(next, p.B[l])
		for i := range in {
			hi := h[i]
			if hi == 0 {
				continue
			}
			row := p.W[l][i*width : (i+1)*width]
			for j, w := range row {
				next[j] += hi * w
			}
		}
		if l < len(p.W)-1 {
			for j, v := range next {
				if p.Tanh {
					next[j] = tanh(v)
				} else if v < 0 {
					next[j] = 0
				}
			}
		}
		h = next
	}
	return h
}

// Act is the greedy action: the largest logit, the lowest index on ties.
func (p *Policy) Act(x []float64) int {
	var buf [16]float64
	z := p.logits(x, buf[:0])
	best := 0
	for a, v := range z {
		if v > z[best] {
			best = a
		}
	}
	return best
}

// SetLoss is the set-valued cross-entropy of a policy whose labels are sets
// of equally good actions, averaged over the batch, one value per run:
//
//	L_r = (1/B) Σₙ −log Σ_{a∈Yₙ} softmax(z_{r,n})_a
//
// logits and mask are [R, B, K], mask[r, n, a] = 1 when a ∈ Yₙ (every row
// must hold at least one 1); the result is [R]. With Y = A the loss is 0.
func SetLoss(logits, mask *graph.Node) *graph.Node {
	logp := graph.LogSoftmax(logits, -1)
	in := graph.GreaterThan(mask, graph.ZerosLike(mask))
	// log Σ_{a∈Y} p_a = m + log Σ_{a∈Y} exp(log p_a − m), m = max_{a∈Y} log p_a (for stability).
	m := graph.StopGradient(graph.MaskedReduceMax(logp, in, -1))
	sum := graph.ReduceSum(graph.Mul(mask, graph.Exp(graph.Sub(logp, graph.InsertAxes(m, -1)))), -1)
	return graph.MulScalar(graph.ReduceMean(graph.Add(m, graph.Log(sum)), -1), -1)
}

// PolicyGradientLoss is REINFORCE's surrogate loss, one value per run:
//
//	L_r = −(1/B) Σₙ Aₙ · log softmax(z_{r,n})_{aₙ}
//
// logits and onehot (the action taken) are [R, B, K]; adv (the advantage of
// each transition) is [R, B]. Its gradient is the policy-gradient estimate.
func PolicyGradientLoss(logits, onehot, adv *graph.Node) *graph.Node {
	logp := graph.ReduceSum(graph.Mul(onehot, graph.LogSoftmax(logits, -1)), -1) // [R, B]
	return graph.MulScalar(graph.ReduceMean(graph.Mul(adv, logp), -1), -1)
}

// Sample draws an action from softmax(logits).
func (p *Policy) Sample(x []float64, rng *rand.Rand) int {
	var buf [16]float64
	z := p.logits(x, buf[:0])
	m := z[0]
	for _, v := range z {
		m = math.Max(m, v)
	}
	total := 0.0
	for a, v := range z {
		z[a] = math.Exp(v - m)
		total += z[a]
	}
	u := rng.Float64() * total
	for a, w := range z {
		if u < w {
			return a
		}
		u -= w
	}
	return len(z) - 1
}
