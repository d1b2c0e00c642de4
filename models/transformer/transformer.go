package transformer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/lowrank"
	"theorylab/pkg/tensorconv"
)

// Config describes the network.
type Config struct {
	Vocab  int `json:"vocab"`   // V
	SeqLen int `json:"seq_len"` // T
	DModel int `json:"d_model"` // D
	Heads  int `json:"heads"`   // H; D must be a multiple of H
	MLP    int `json:"mlp"`     // F, hidden width of the MLP
	Layers int `json:"layers"`  // L
}

// Validate reports a configuration that cannot build a network, naming the field.
func (c Config) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"vocab", c.Vocab}, {"seq_len", c.SeqLen}, {"d_model", c.DModel}, {"heads", c.Heads}, {"mlp", c.MLP}, {"layers", c.Layers}} {
		if f.v < 1 {
			return fmt.Errorf("transformer: %s must be ≥ 1, got %d", f.name, f.v)
		}
	}
	if c.DModel%c.Heads != 0 {
		return fmt.Errorf("transformer: d_model (%d) must be a multiple of heads (%d)", c.DModel, c.Heads)
	}
	return nil
}

// Projections are the attention matrices that may carry an adapter, in parameter order.
var Projections = []string{"q", "k", "v", "o"}

// param is one parameter: its name and shape (without the run axis).
type param struct {
	name string
	dims []int
}

// params lists every parameter in order.
func (c Config) params() []param {
	D, F := c.DModel, c.MLP
	ps := []param{{"tok", []int{c.Vocab, D}}, {"pos", []int{c.SeqLen, D}}}
	for l := range c.Layers {
		p := func(name string, dims ...int) { ps = append(ps, param{fmt.Sprintf("l%d.%s", l, name), dims}) }
		p("ln1.g", D)
		p("ln1.b", D)
		for _, m := range Projections {
			p("w"+m, D, D)
		}
		p("ln2.g", D)
		p("ln2.b", D)
		p("w1", D, F)
		p("b1", F)
		p("w2", F, D)
		p("b2", D)
	}
	return append(ps, param{"lnf.g", []int{D}}, param{"lnf.b", []int{D}}, param{"out", []int{D, c.Vocab}}, param{"out.b", []int{c.Vocab}})
}

// ParamNames lists the parameter names in the order of InitParams and Forward:
// "tok", "pos", then per layer "l0.ln1.g", "l0.ln1.b", "l0.wq", "l0.wk",
// "l0.wv", "l0.wo", "l0.ln2.g", "l0.ln2.b", "l0.w1", "l0.b1", "l0.w2",
// "l0.b2", …, and "lnf.g", "lnf.b", "out", "out.b".
func (c Config) ParamNames() []string {
	var out []string
	for _, p := range c.params() {
		out = append(out, p.name)
	}
	return out
}

// NumParams is the number of parameters of one run.
func (c Config) NumParams() int {
	n := 0
	for _, p := range c.params() {
		size := 1
		for _, d := range p.dims {
			size *= d
		}
		n += size
	}
	return n
}

// InitParams draws one run per seed, in dtype (Float32 or Float64), each
// tensor [R, …]. Run i uses PCG(seeds[i], 0) alone.
func (c Config) InitParams(seeds []uint64, dtype dtypes.DType) ([]*tensors.Tensor, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("transformer: no seeds given")
	}
	ps := c.params()
	flat := make([][]float64, len(ps))
	resid := 0.02 / math.Sqrt(2*float64(c.Layers))
	for _, seed := range seeds {
		rng := rand.New(rand.NewPCG(seed, 0))
		for i, p := range ps {
			size := 1
			for _, d := range p.dims {
				size *= d
			}
			for range size {
				var v float64
				switch {
				case strings.HasSuffix(p.name, ".g"):
					v = 1 // LayerNorm gain
				case strings.HasSuffix(p.name, ".b") || strings.HasSuffix(p.name, "b1") || strings.HasSuffix(p.name, "b2"):
					v = 0 // biases
				case strings.HasSuffix(p.name, "wo") || strings.HasSuffix(p.name, "w2"):
					v = resid * rng.NormFloat64() // residual projections
				default:
					v = 0.02 * rng.NormFloat64()
				}
				flat[i] = append(flat[i], v)
			}
		}
	}
	out := make([]*tensors.Tensor, len(ps))
	for i, p := range ps {
		dims := append([]int{len(seeds)}, p.dims...)
		var err error
		if out[i], err = tensorconv.FromFloats(dtype, flat[i], dims...); err != nil {
			return nil, fmt.Errorf("transformer: %w", err)
		}
	}
	return out, nil
}

// Adapters says which attention projections carry LoRA adapters, with
// which rank and α. The zero value adapts nothing.
type Adapters struct {
	Matrices []string `json:"matrices"` // a subset of Projections, e.g. {"q", "v"}
	Rank     int      `json:"rank"`
	Alpha    float64  `json:"alpha"`
}

// Validate checks the adapted matrices against Projections and the LoRA config.
func (a Adapters) Validate(c Config) error {
	if len(a.Matrices) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, m := range a.Matrices {
		if !slices.Contains(Projections, m) || seen[m] {
			return fmt.Errorf("transformer: adapted matrices must be distinct members of %v, got %v", Projections, a.Matrices)
		}
		seen[m] = true
	}
	return a.lora(c).Validate()
}

func (a Adapters) lora(c Config) lowrank.Config {
	return lowrank.Config{In: c.DModel, Out: c.DModel, Rank: a.Rank, Alpha: a.Alpha}
}

func (a Adapters) has(m string) bool { return slices.Contains(a.Matrices, m) }

// ordered returns the adapted matrices in the order of Projections.
func (a Adapters) ordered() []string {
	var out []string
	for _, m := range Projections {
		if a.has(m) {
			out = append(out, m)
		}
	}
	return out
}

// NumParams is the number of adapter values of one run: Layers·|Matrices|·r·2D.
func (a Adapters) NumParams(c Config) int {
	if len(a.Matrices) == 0 {
		return 0
	}
	return c.Layers * len(a.Matrices) * a.lora(c).NumParams()
}

// Init draws the adapters: per layer, per adapted matrix in the order q, k,
// v, o, the pair A [R, r, D], B = 0 [R, D, r]. Adapter j (counting over
// layers and matrices) of run i uses the seed seeds[i]·1000 + j.
func (a Adapters) Init(c Config, seeds []uint64, dtype dtypes.DType) ([]*tensors.Tensor, error) {
	if err := a.Validate(c); err != nil {
		return nil, err
	}
	var out []*tensors.Tensor
	j := 0
	for range c.Layers {
		for range a.ordered() {
			s := make([]uint64, len(seeds))
			for i, seed := range seeds {
				s[i] = seed*1000 + uint64(j)
			}
			am, bm, err := a.lora(c).Init(s, dtype)
			if err != nil {
				return nil, err
			}
			out = append(out, am, bm)
			j++
		}
	}
	return out, nil
}

// Forward maps one-hot tokens x [B, T, V] (shared by the runs) or
// [R, B, T, V] to logits [R, B, T, V]. adapters holds the tensors of
// Adapters.Init for ad (nil when nothing is adapted).
func (c Config) Forward(params, adapters []*Node, ad Adapters, x *Node) *Node {
	D, H := c.DModel, c.Heads
	E := D / H
	g := x.Graph()
	p := map[string]*Node{}
	for i, name := range c.ParamNames() {
		p[name] = params[i]
	}
	R := params[0].Shape().Dimensions[0]
	if x.DType() != params[0].DType() {
		x = ConvertDType(x, params[0].DType()) // one-hot values are exact in any float type
	}
	var h *Node
	if x.Rank() == 3 {
		h = Einsum("btv,rvd->rbtd", x, p["tok"]) // [R, B, T, D]
	} else {
		h = Einsum("rbtv,rvd->rbtd", x, p["tok"])
	}
	B, T := h.Shape().Dimensions[1], h.Shape().Dimensions[2]
	h = Add(h, InsertAxes(p["pos"], 1)) // + P [R, 1, T, D]
	// Causal mask M[t, s] = 0 for s ≤ t, −1e9 for s > t.
	mask := make([]float32, T*T)
	for t := range T {
		for s := t + 1; s < T; s++ {
			mask[t*T+s] = -1e9
		}
	}
	maskN := ConvertDType(Const(g, tensors.FromFlatDataAndDimensions(mask, 1, 1, 1, T, T)), h.DType())
	scale := 1 / math.Sqrt(float64(E))
	aj := 0 // next adapter pair
	for l := range c.Layers {
		q := func(name string) *Node { return p[fmt.Sprintf("l%d.%s", l, name)] }
		a := Reshape(layerNorm(h, q("ln1.g"), q("ln1.b")), R, B*T, D) // [R, N, D]
		proj := map[string]*Node{}
		for _, m := range Projections {
			w := q("w" + m)
			if m == "o" {
				continue
			}
			if ad.has(m) {
				proj[m] = ad.lora(c).Apply(a, w, adapters[2*aj], adapters[2*aj+1])
				aj++
			} else {
				proj[m] = Einsum("rnk,rkd->rnd", a, w)
			}
		}
		heads := func(z *Node) *Node { return Reshape(z, R, B, T, H, E) }
		// Scores S[r,b,h,t,s] = Q·K / √E + M.
		s := MulScalar(Einsum("rbthe,rbshe->rbhts", heads(proj["q"]), heads(proj["k"])), scale)
		s = Add(s, maskN)
		att := Softmax(s, -1)
		o := Reshape(Einsum("rbhts,rbshe->rbthe", att, heads(proj["v"])), R, B*T, D)
		if ad.has("o") {
			o = ad.lora(c).Apply(o, q("wo"), adapters[2*aj], adapters[2*aj+1])
			aj++
		} else {
			o = Einsum("rnk,rkd->rnd", o, q("wo"))
		}
		h = Add(h, Reshape(o, R, B, T, D))
		m := Reshape(layerNorm(h, q("ln2.g"), q("ln2.b")), R, B*T, D)
		f := Add(Einsum("rnk,rkd->rnd", m, q("w1")), InsertAxes(q("b1"), 1))
		f = Max(f, ZerosLike(f))
		f = Add(Einsum("rnk,rkd->rnd", f, q("w2")), InsertAxes(q("b2"), 1))
		h = Add(h, Reshape(f, R, B, T, D))
	}
	a := Reshape(layerNorm(h, p["lnf.g"], p["lnf.b"]), R, B*T, D)
	logits := Add(Einsum("rnk,rkv->rnv", a, p["out"]), InsertAxes(p["out.b"], 1))
	return Reshape(logits, R, B, T, c.Vocab)
}

// layerNorm normalises the last axis of h [R, …, D] with gain and bias [R, D].
func layerNorm(h, gain, bias *Node) *Node {
	mean := ReduceAndKeep(h, ReduceMean, -1)
	centred := Sub(h, mean)
	variance := ReduceAndKeep(Square(centred), ReduceMean, -1)
	// (h − mean)/√(var + 1e-5)
	// (Rsqrt has no gradient in GoMLX v0.26.0; Sqrt and Div have.)
	norm := Div(centred, Sqrt(AddScalar(variance, 1e-5)))
	dims := make([]int, h.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[0], dims[len(dims)-1] = h.Shape().Dimensions[0], h.Shape().Dimensions[h.Rank()-1]
	return Add(Mul(norm, Reshape(gain, dims...)), Reshape(bias, dims...))
}
