package twolayer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"theorylab/pkg/tensorconv"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Config is the shape of a bank of two-layer ReLU networks: all of width K on
// inputs of dimension D, with or without hidden biases. The output layer never
// has a bias (f is a plain sum of weighted ReLUs, as in the paper's F_k(ψ)).
type Config struct {
	D    int  // input dimension d
	K    int  // width k: the number of neurons
	Bias bool // hidden biases b_ℓ; false gives the bias-free networks of Theorem 5
}

// Validate reports a configuration that cannot build a network.
func (c Config) Validate() error {
	if c.D < 1 {
		return fmt.Errorf("twolayer: input dimension D must be ≥ 1, got %d", c.D)
	}
	if c.K < 1 {
		return fmt.Errorf("twolayer: width K must be ≥ 1, got %d", c.K)
	}
	return nil
}

// NumParams is the number of parameters of one network: k·d + k (+ k biases).
func (c Config) NumParams() int {
	n := c.K*c.D + c.K
	if c.Bias {
		n += c.K
	}
	return n
}

// Params are the graph nodes of a bank of R networks: W [R, K, D] (row ℓ of
// run r is w_ℓ), B [R, K] (nil when the networks are bias-free) and A [R, K].
type Params struct {
	W, B, A *Node
	// Gamma and Beta [R, K], when set, put batch normalisation between the
	// linear layer and the ReLU (training mode: the statistics of the N points
	// of the batch; see FoldBatchNorm for the network it computes then).
	Gamma, Beta *Node
}

// preActivations returns w_ℓ·x_n + b_ℓ for every run, point and neuron:
// x [R, N, D] or [N, D] (shared by the runs) → [R, N, K].
func (c Config) preActivations(p Params, x *Node) *Node {
	var pre *Node
	if x.Rank() == 2 {
		pre = Einsum("nd,rkd->rnk", x, p.W) // [R, N, K]
	} else {
		pre = Einsum("rnd,rkd->rnk", x, p.W) // [R, N, K]
	}
	if p.B != nil {
		pre = Add(pre, InsertAxes(p.B, 1)) // + b [R, 1, K]
	}
	if p.Gamma != nil {
		// BN(u) = γ·(u − μ)/√(σ² + ε) + β, μ and σ² over the batch's N points.
		mu := ReduceAndKeep(pre, ReduceMean, 1)                           // [R, 1, K]
		centred := Sub(pre, mu)                                           // [R, N, K]
		variance := ReduceAndKeep(Square(centred), ReduceMean, 1)         // [R, 1, K]
		norm := Div(centred, Sqrt(AddScalar(variance, BatchNormEpsilon))) // [R, N, K]
		pre = Add(Mul(norm, InsertAxes(p.Gamma, 1)), InsertAxes(p.Beta, 1))
	}
	return pre
}

// BatchNormEpsilon is the ε of batch normalisation (PyTorch's default).
const BatchNormEpsilon = 1e-5

// FoldBatchNorm returns the plain network that a batch-normalised network
// computes in inference mode with the statistics of the points x ([N, D]
// row-major): with u_ℓ = w_ℓ·x + b_ℓ, μ_ℓ and σ²_ℓ its mean and variance over
// the points and s_ℓ = γ_ℓ/√(σ²_ℓ + ε),
//
//	γ_ℓ(u_ℓ − μ_ℓ)/√(σ²_ℓ + ε) + β_ℓ = (s_ℓ w_ℓ)·x + (s_ℓ(b_ℓ − μ_ℓ) + β_ℓ).
//
// On the points x themselves it gives the same outputs as the training-mode
// forward pass. The result always has biases.
func FoldBatchNorm(n Net, gamma, beta, x []float64) Net {
	pts := len(x) / n.D
	out := Net{D: n.D, K: n.K, W: make([]float64, len(n.W)), B: make([]float64, n.K), A: append([]float64(nil), n.A...)}
	for l := range n.K {
		mu := 0.0
		for i := range pts {
			mu += n.pre(l, x[i*n.D:(i+1)*n.D])
		}
		mu /= float64(pts)
		variance := 0.0
		for i := range pts {
			u := n.pre(l, x[i*n.D:(i+1)*n.D]) - mu
			variance += u * u
		}
		variance /= float64(pts)
		s := gamma[l] / math.Sqrt(variance+BatchNormEpsilon)
		for i := range n.D {
			out.W[l*n.D+i] = s * n.W[l*n.D+i]
		}
		b := 0.0
		if n.B != nil {
			b = n.B[l]
		}
		out.B[l] = s*(b-mu) + beta[l]
	}
	return out
}

// Forward maps inputs x [R, N, D] (or [N, D], shared) to f [R, N]:
//
//	f(x) = Σ_ℓ a_ℓ · ReLU(w_ℓ·x + b_ℓ)
func (c Config) Forward(p Params, x *Node) *Node {
	pre := c.preActivations(p, x)       // [R, N, K]
	h := Max(pre, ZerosLike(pre))       // ReLU, [R, N, K]
	return Einsum("rnk,rk->rn", h, p.A) // Σ_ℓ a_ℓ h_ℓ, [R, N]
}

// InputGrad is the gradient of f with respect to its input at the points z
// [R, Z, D] (or [Z, D]), in closed form: [R, Z, D].
//
//	∇ₓf(z) = Σ_ℓ a_ℓ · 1[w_ℓ·z + b_ℓ > 0] · w_ℓ
//
// The activation pattern 1[·] is piecewise constant in the parameters, so it
// carries no gradient (StopGradient): differentiating ‖∇ₓf‖² through this
// function gives the exact parameter gradient wherever no neuron sits on its
// kink, as double backpropagation through the ReLU would.
func (c Config) InputGrad(p Params, z *Node) *Node {
	return inputGrad(p, z)
}

// inputGrad computes Σ_ℓ 1[w_ℓ·z + b_ℓ > 0]·(a_ℓ w_ℓ): the products a_ℓ w_ℓ
// are formed once ([R, K, D], small), not per point.
func inputGrad(p Params, z *Node) *Node {
	if p.Gamma != nil {
		panic("twolayer: the input gradient of a batch-normalised network depends on the batch; fold it first (FoldBatchNorm)")
	}
	var pre *Node
	if z.Rank() == 2 {
		pre = Einsum("zd,rkd->rzk", z, p.W) // [R, Z, K]
	} else {
		pre = Einsum("rzd,rkd->rzk", z, p.W) // [R, Z, K]
	}
	if p.B != nil {
		pre = Add(pre, InsertAxes(p.B, 1))
	}
	on := StopGradient(Sign(Max(pre, ZerosLike(pre)))) // 1[w_ℓ·z + b_ℓ > 0], [R, Z, K]
	aw := Mul(InsertAxes(p.A, -1), p.W)                // a_ℓ w_ℓ, [R, K, D]
	return Einsum("rzk,rkd->rzd", on, aw)              // Σ_ℓ 1[·] a_ℓ w_ℓ, [R, Z, D]
}

// Net is one network on the host, in float64.
type Net struct {
	D, K int
	W    []float64 // [K, D] row-major: W[ℓ*D+i] is the i-th entry of w_ℓ
	B    []float64 // [K]; nil for a bias-free network
	A    []float64 // [K]
}

// Config returns the shape of n.
func (n *Net) Config() Config { return Config{D: n.D, K: n.K, Bias: n.B != nil} }

// Validate checks that the slices have the lengths D and K require.
func (n *Net) Validate() error {
	if err := n.Config().Validate(); err != nil {
		return err
	}
	if len(n.W) != n.K*n.D || len(n.A) != n.K || n.B != nil && len(n.B) != n.K {
		return fmt.Errorf("twolayer: net with D=%d K=%d has len(W)=%d, len(B)=%d, len(A)=%d", n.D, n.K, len(n.W), len(n.B), len(n.A))
	}
	return nil
}

// Clone returns a deep copy.
func (n *Net) Clone() Net {
	c := Net{D: n.D, K: n.K, W: append([]float64(nil), n.W...), A: append([]float64(nil), n.A...)}
	if n.B != nil {
		c.B = append([]float64(nil), n.B...)
	}
	return c
}

// pre is w_ℓ·x + b_ℓ.
func (n *Net) pre(l int, x []float64) float64 {
	w := n.W[l*n.D : (l+1)*n.D]
	s := 0.0
	for i, xi := range x {
		s += w[i] * xi
	}
	if n.B != nil {
		s += n.B[l]
	}
	return s
}

// Eval is f(x) = Σ_ℓ a_ℓ · ReLU(w_ℓ·x + b_ℓ), for x of length D.
func (n *Net) Eval(x []float64) float64 {
	f := 0.0
	for l := range n.K {
		if p := n.pre(l, x); p > 0 {
			f += n.A[l] * p
		}
	}
	return f
}

// Grad writes ∇ₓf(x) = Σ_ℓ a_ℓ · 1[w_ℓ·x + b_ℓ > 0] · w_ℓ into out (length D,
// allocated when nil) and returns it.
func (n *Net) Grad(x, out []float64) []float64 {
	if out == nil {
		out = make([]float64, n.D)
	}
	clear(out)
	for l := range n.K {
		if n.pre(l, x) > 0 {
			w := n.W[l*n.D : (l+1)*n.D]
			for i := range out {
				out[i] += n.A[l] * w[i]
			}
		}
	}
	return out
}

// GradNorm is ‖∇ₓf(x)‖₂; buf (length D, or nil) is scratch space.
func (n *Net) GradNorm(x, buf []float64) float64 {
	g := n.Grad(x, buf)
	s := 0.0
	for _, v := range g {
		s += v * v
	}
	return math.Sqrt(s)
}

// InitStream is the second PCG word of the initialisation stream: a network
// drawn with seed s uses PCG(s, InitStream), so its values depend on s alone.
const InitStream = 0x74776f6c61796572 // "twolayer"

// Init draws one network with the paper-spec's initialisation, every value
// multiplied by scale:
//
//	w_ℓ ~ N(0, scale²·I_d),  b_ℓ = 0,  a_ℓ ~ N(0, scale²/k)
func (c Config) Init(seed uint64, scale float64) Net {
	rng := rand.New(rand.NewPCG(seed, InitStream))
	n := Net{D: c.D, K: c.K, W: make([]float64, c.K*c.D), A: make([]float64, c.K)}
	for i := range n.W {
		n.W[i] = scale * rng.NormFloat64()
	}
	if c.Bias {
		n.B = make([]float64, c.K)
	}
	sa := scale / math.Sqrt(float64(c.K))
	for l := range n.A {
		n.A[l] = sa * rng.NormFloat64()
	}
	return n
}

// ToTensors puts R networks of one Config into tensors W [R, K, D], B [R, K]
// (nil when bias-free) and A [R, K] of the given dtype (Float32 or Float64).
func ToTensors(nets []Net, dtype dtypes.DType) (w, b, a *tensors.Tensor, err error) {
	if len(nets) == 0 {
		return nil, nil, nil, fmt.Errorf("twolayer.ToTensors: no networks")
	}
	c := nets[0].Config()
	var fw, fb, fa []float64
	for i := range nets {
		if err := nets[i].Validate(); err != nil {
			return nil, nil, nil, err
		}
		if nets[i].Config() != c {
			return nil, nil, nil, fmt.Errorf("twolayer.ToTensors: network %d has shape %+v, network 0 %+v", i, nets[i].Config(), c)
		}
		fw = append(fw, nets[i].W...)
		fb = append(fb, nets[i].B...)
		fa = append(fa, nets[i].A...)
	}
	r := len(nets)
	mk := func(data []float64, dims ...int) (*tensors.Tensor, error) {
		switch dtype {
		case dtypes.Float64:
			return tensors.FromFlatDataAndDimensions(data, dims...), nil
		case dtypes.Float32:
			f := make([]float32, len(data))
			for i, v := range data {
				f[i] = float32(v)
			}
			return tensors.FromFlatDataAndDimensions(f, dims...), nil
		}
		return nil, fmt.Errorf("twolayer.ToTensors: dtype must be Float32 or Float64, got %s", dtype)
	}
	if w, err = mk(fw, r, c.K, c.D); err != nil {
		return nil, nil, nil, err
	}
	if c.Bias {
		if b, err = mk(fb, r, c.K); err != nil {
			return nil, nil, nil, err
		}
	}
	if a, err = mk(fa, r, c.K); err != nil {
		return nil, nil, nil, err
	}
	return w, b, a, nil
}

// FromTensors is the inverse of ToTensors: it copies run r of W [R, K, D], B [R, K]
// (nil for bias-free networks) and A [R, K] into R host networks, in float64.
func FromTensors(w, b, a *tensors.Tensor) ([]Net, error) {
	dims := w.Shape().Dimensions
	if len(dims) != 3 {
		return nil, fmt.Errorf("twolayer.FromTensors: W must be [R, K, D], got %s", w.Shape())
	}
	r, k, d := dims[0], dims[1], dims[2]
	fw, err := tensorconv.Floats(w)
	if err != nil {
		return nil, err
	}
	fa, err := tensorconv.Floats(a)
	if err != nil {
		return nil, err
	}
	if len(fa) != r*k {
		return nil, fmt.Errorf("twolayer.FromTensors: A must be [%d, %d], got %s", r, k, a.Shape())
	}
	var fb []float64
	if b != nil {
		if fb, err = tensorconv.Floats(b); err != nil {
			return nil, err
		}
		if len(fb) != r*k {
			return nil, fmt.Errorf("twolayer.FromTensors: B must be [%d, %d], got %s", r, k, b.Shape())
		}
	}
	nets := make([]Net, r)
	for i := range nets {
		nets[i] = Net{D: d, K: k,
			W: append([]float64(nil), fw[i*k*d:(i+1)*k*d]...),
			A: append([]float64(nil), fa[i*k:(i+1)*k]...)}
		if fb != nil {
			nets[i].B = append([]float64(nil), fb[i*k:(i+1)*k]...)
		}
	}
	return nets, nil
}

// A bank may also hold several networks of different widths side by side
// along the neuron axis: with widths k₀, k₁, …, neurons [0, k₀) belong to
// network 0, [k₀, k₀+k₁) to network 1, and so on, and Config.K is Σⱼ kⱼ. One
// tensor per parameter then serves all widths (fewer, larger operations, one
// optimizer state), while each network still sees only its own neurons.

// SegmentMatrix is the [Σkⱼ, J] indicator S with S[ℓ, j] = 1 when neuron ℓ
// belongs to network j, as a float64 or float32 tensor.
func SegmentMatrix(widths []int, dtype dtypes.DType) (*tensors.Tensor, error) {
	total := 0
	for _, k := range widths {
		total += k
	}
	s := make([]float64, total*len(widths))
	l := 0
	for j, k := range widths {
		for range k {
			s[l*len(widths)+j] = 1
			l++
		}
	}
	switch dtype {
	case dtypes.Float64:
		return tensors.FromFlatDataAndDimensions(s, total, len(widths)), nil
	case dtypes.Float32:
		f := make([]float32, len(s))
		for i, v := range s {
			f[i] = float32(v)
		}
		return tensors.FromFlatDataAndDimensions(f, total, len(widths)), nil
	}
	return nil, fmt.Errorf("twolayer.SegmentMatrix: dtype must be Float32 or Float64, got %s", dtype)
}

// ForwardSegments evaluates the J networks of a concatenated bank (see
// SegmentMatrix) at x [R, N, D] (or [N, D]): [R, N, J], with
//
//	f_j(x) = Σ_{ℓ ∈ segment j} a_ℓ · ReLU(w_ℓ·x + b_ℓ)
//
// seg is the constant segment indicator S [K, J].
func (c Config) ForwardSegments(p Params, x, seg *Node) *Node {
	pre := c.preActivations(p, x)                      // [R, N, K]
	h := Max(pre, ZerosLike(pre))                      // ReLU, [R, N, K]
	as := Mul(InsertAxes(p.A, -1), InsertAxes(seg, 0)) // a_ℓ·S[ℓ, j], [R, K, J] (small)
	return Einsum("rnk,rkj->rnj", h, as)               // Σ_{ℓ ∈ j} a_ℓ h_ℓ, [R, N, J]
}

// InputGradSegments returns ∇ₓf_j(z) for each network j of a concatenated
// bank with the given widths, at the points z [R, Z, D]: J nodes [R, Z, D].
// Each network's parameters are sliced out (small tensors) and its gradient
// computed as in InputGrad, so no large tensor is sliced or broadcast.
func (c Config) InputGradSegments(p Params, z *Node, widths []int) []*Node {
	out := make([]*Node, len(widths))
	off := 0
	for j, k := range widths {
		pj := Params{
			W: Slice(p.W, AxisRange(), AxisRange(off, off+k)), // [R, k_j, D]
			A: Slice(p.A, AxisRange(), AxisRange(off, off+k)), // [R, k_j]
		}
		if p.B != nil {
			pj.B = Slice(p.B, AxisRange(), AxisRange(off, off+k)) // [R, k_j]
		}
		pj.Gamma = p.Gamma        // inputGrad refuses batch normalisation
		out[j] = inputGrad(pj, z) // [R, Z, D]
		off += k
	}
	return out
}

// Concat joins networks of one input dimension and bias setting into one
// concatenated network (neurons in order); Split undoes it.
func Concat(nets []Net) (Net, error) {
	if len(nets) == 0 {
		return Net{}, fmt.Errorf("twolayer.Concat: no networks")
	}
	out := Net{D: nets[0].D}
	bias := nets[0].B != nil
	if bias {
		out.B = []float64{}
	}
	for i := range nets {
		if err := nets[i].Validate(); err != nil {
			return Net{}, err
		}
		if nets[i].D != out.D || (nets[i].B != nil) != bias {
			return Net{}, fmt.Errorf("twolayer.Concat: network %d has D=%d, bias %v; network 0 D=%d, bias %v", i, nets[i].D, nets[i].B != nil, out.D, bias)
		}
		out.K += nets[i].K
		out.W = append(out.W, nets[i].W...)
		out.A = append(out.A, nets[i].A...)
		if bias {
			out.B = append(out.B, nets[i].B...)
		}
	}
	return out, nil
}

// Split cuts a concatenated network into networks of the given widths.
func (n *Net) Split(widths []int) ([]Net, error) {
	total := 0
	for _, k := range widths {
		total += k
	}
	if total != n.K {
		return nil, fmt.Errorf("twolayer.Split: widths %v add up to %d, the network has %d neurons", widths, total, n.K)
	}
	out := make([]Net, len(widths))
	off := 0
	for j, k := range widths {
		out[j] = Net{D: n.D, K: k, W: append([]float64(nil), n.W[off*n.D:(off+k)*n.D]...), A: append([]float64(nil), n.A[off:off+k]...)}
		if n.B != nil {
			out[j].B = append([]float64(nil), n.B[off:off+k]...)
		}
		off += k
	}
	return out, nil
}
