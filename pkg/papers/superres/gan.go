package superres

import (
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/tensorconv"
)

// The parameters of R GANs trained at once, each with a leading run axis.
// Images are row vectors (4×4 → 16, 8×8 → 64 pixels, row-major).
//
// Generator (multi-scale, two levels):
//
//	h₁ = ReLU(z W₁ + c₁), h₂ = ReLU(h₁ W₂ + c₂)
//	X̂₁ = h₁ M₁,           X̂₂ = Up₂(X̂₁) + h₂ M₂
//
// Discriminator, a sum of one MLP per level (one hidden layer, LeakyReLU(0.2)):
//
//	D(X) = v₁·σ((X P₁) A₁ + a₁) + gate · v₂·σ((X P₂) A₂ + a₂) + e
//
// with fixed per-run input maps P₁ [64,16], P₂ [64,64]. Multi-scale D:
// P₁ = AvgPool₂ and P₂ = I − Up₂∘AvgPool₂ (the detail residual R₂).
// Single-scale D (the baseline): P₂ = I and P₁ a fixed random orthonormal
// 16-dimensional projection of X — the same parameter count, no level split.
const (
	gW1 = iota // [R, Z, H1]
	gC1        // [R, H1]
	gW2        // [R, H1, H2]
	gC2        // [R, H2]
	gM1        // [R, H1, 16]
	gM2        // [R, H2, 64]
	dA1        // [R, 16, W]
	dB1        // [R, W]
	dV1        // [R, W]
	dA2        // [R, 64, W]
	dB2        // [R, W]
	dV2        // [R, W]
	dE         // [R]
	numParams
)

// numG is the number of generator parameters (the first ones).
const numG = dA1

// level2 says which parameters belong to level 2 (the coarse-first baseline
// freezes them during its first stage).
var level2 = [numParams]bool{gW2: true, gC2: true, gM2: true, dA2: true, dB2: true, dV2: true}

// Arch is the size of the models.
type Arch struct {
	Z, H1, H2, DW int // latent, generator hidden widths, discriminator hidden width per level
}

// shapes are the parameter shapes of one run (without the run axis).
func (a Arch) shapes() [numParams][]int {
	return [numParams][]int{
		gW1: {a.Z, a.H1}, gC1: {a.H1}, gW2: {a.H1, a.H2}, gC2: {a.H2}, gM1: {a.H1, n1}, gM2: {a.H2, n2},
		dA1: {n1, a.DW}, dB1: {a.DW}, dV1: {a.DW}, dA2: {n2, a.DW}, dB2: {a.DW}, dV2: {a.DW}, dE: {},
	}
}

// fanIn of each weight (0: a bias, initialised at 0).
func (a Arch) fanIn() [numParams]int {
	return [numParams]int{gW1: a.Z, gW2: a.H1, gM1: a.H1, gM2: a.H2, dA1: n1, dV1: a.DW, dA2: n2, dV2: a.DW}
}

// upMatrix is Up₂ as a [16, 64] matrix acting on row vectors.
func upMatrix() []float64 {
	u := make([]float64, n1*n2)
	for p := range n1 {
		e := make([]float64, n1)
		e[p] = 1
		for q, v := range Up2(e, coarse) {
			u[p*n2+q] = v
		}
	}
	return u
}

// relu is max(x, 0); leaky is LeakyReLU(0.2) = max(x, 0.2x).
func relu(x *Node) *Node  { return MaxScalar(x, 0.0) }
func leaky(x *Node) *Node { return Max(x, MulScalar(x, 0.2)) }

// Generate is the generator: z [R, B, Z] → X̂₂ [R, B, 64], h₁ [R, B, H1], h₂ [R, B, H2].
func Generate(p []*Node, z *Node) (x2, h1, h2 *Node) {
	g := z.Graph()
	// h₁ = ReLU(z W₁ + c₁)
	h1 = relu(Add(Einsum("rbz,rzh->rbh", z, p[gW1]), InsertAxes(p[gC1], 1)))
	// h₂ = ReLU(h₁ W₂ + c₂)
	h2 = relu(Add(Einsum("rbh,rhk->rbk", h1, p[gW2]), InsertAxes(p[gC2], 1)))
	// X̂₁ = h₁ M₁ [R, B, 16]; X̂₂ = Up₂(X̂₁) + h₂ M₂ [R, B, 64]
	x1 := Einsum("rbh,rhp->rbp", h1, p[gM1])
	up := Const(g, tensors.FromFlatDataAndDimensions(upMatrix(), n1, n2))
	up = ConvertDType(up, z.DType())
	x2 = Add(Einsum("rbp,pq->rbq", x1, up), Einsum("rbk,rkq->rbq", h2, p[gM2]))
	return x2, h1, h2
}

// Discriminate is D(X) [R, B] for images x [R, B, 64]; p1 [R, 64, 16] and
// p2 [R, 64, 64] are the input maps, gate [R] switches the level-2 branch.
func Discriminate(p []*Node, x, p1, p2, gate *Node) *Node {
	branch := func(in, a, b, v *Node) *Node {
		// v·σ(in A + a)
		h := leaky(Add(Einsum("rbi,riw->rbw", in, a), InsertAxes(b, 1)))
		return Einsum("rbw,rw->rb", h, v)
	}
	d1 := branch(Einsum("rbq,rqi->rbi", x, p1), p[dA1], p[dB1], p[dV1])
	d2 := branch(Einsum("rbq,rqi->rbi", x, p2), p[dA2], p[dB2], p[dV2])
	return Add(Add(d1, Mul(d2, InsertAxes(gate, 1))), InsertAxes(p[dE], 1))
}

// InputGradient is ∇ₓD(X) [R, B, 64], written out for the one-hidden-layer
// branches (σ = LeakyReLU(0.2), σ' ∈ {1, 0.2}):
//
//	∇ₓD = Σₖ gateₖ · ((vₖ ⊙ σ'(X Pₖ Aₖ + aₖ)) Aₖᵀ) Pₖᵀ
//
// Written out rather than by a second autodiff pass so that the R1 penalty
// built on it is an ordinary expression of D's parameters (σ' is piecewise
// constant, so its own derivative is zero almost everywhere).
func InputGradient(p []*Node, x, p1, p2, gate *Node) *Node {
	branch := func(pk, a, b, v *Node) *Node {
		pre := Add(Einsum("rbi,riw->rbw", Einsum("rbq,rqi->rbi", x, pk), a), InsertAxes(b, 1))
		slope := Where(GreaterOrEqual(pre, ZerosLike(pre)), OnesLike(pre), MulScalar(OnesLike(pre), 0.2))
		s := Mul(slope, InsertAxes(v, 1))                               // [R, B, W]
		return Einsum("rbi,rqi->rbq", Einsum("rbw,riw->rbi", s, a), pk) // [R, B, 64]
	}
	g1 := branch(p1, p[dA1], p[dB1], p[dV1])
	g2 := branch(p2, p[dA2], p[dB2], p[dV2])
	return Add(g1, Mul(g2, InsertAxes(gate, 1, 2)))
}

// R1 is the R1 penalty on real images, one per run [R]:
//
//	R1 = ½ E_x ‖∇ₓD(x)‖²
//
// added to L_D with weight γ (Config.R1) — it keeps D flat on the data.
func R1(p []*Node, real, p1, p2, gate *Node) *Node {
	g := InputGradient(p, real, p1, p2, gate)
	return MulScalar(ReduceMean(ReduceSum(Square(g), 2), 1), 0.5)
}

// Losses are the non-saturating logistic GAN losses, one per run [R]:
//
//	L_D = E softplus(−D(x)) + E softplus(D(G(z_d)))
//	L_G = E softplus(−D(G(z_g)))
func LossD(p []*Node, real, zd, p1, p2, gate *Node) *Node {
	fake, _, _ := Generate(p, zd)
	fake = StopGradient(fake)
	lr := Softplus(Neg(Discriminate(p, real, p1, p2, gate)))
	lf := Softplus(Discriminate(p, fake, p1, p2, gate))
	return Add(ReduceMean(lr, 1), ReduceMean(lf, 1))
}

// LossG is the generator's loss (see LossD).
func LossG(p []*Node, zg, p1, p2, gate *Node) *Node {
	fake, _, _ := Generate(p, zg)
	return ReduceMean(Softplus(Neg(Discriminate(p, fake, p1, p2, gate))), 1)
}

// Adam holds the optimiser's settings.
type Adam struct {
	Beta1, Beta2, Eps, Clip float64
}

// perRun reshapes v [R] to broadcast against x [R, …].
func perRun(v, x *Node) *Node {
	dims := make([]int, x.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[0] = x.Shape().Dimensions[0]
	return BroadcastToDims(Reshape(v, dims...), x.Shape().Dimensions...)
}

// sqNorm is the squared norm of x [R, …] per run, [R].
func sqNorm(x *Node) *Node {
	if x.Rank() == 1 {
		return Square(x)
	}
	axes := make([]int, x.Rank()-1)
	for i := range axes {
		axes[i] = i + 1
	}
	return ReduceSum(Square(x), axes...)
}

// adamStep updates the parameters idx of one player from their gradients:
// the gradient is clipped to global norm Clip per run, then
//
//	m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − η m̂/(√v̂ + ε)
//
// with bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). mult[i] [R] scales
// every change (0 freezes the parameter, its moments and its step count).
func (o Adam) adamStep(p, m, v, grads []*Node, idx []int, lr *Node, mult []*Node, t []*Node) {
	var total *Node
	for _, i := range idx {
		s := sqNorm(grads[i])
		if total == nil {
			total = s
		} else {
			total = Add(total, s)
		}
	}
	// scale = min(1, Clip/‖g‖)
	clip := MinScalar(Div(ConstAs(total, o.Clip), Sqrt(AddScalar(total, 1e-12))), 1.0)
	for _, i := range idx {
		g := Mul(grads[i], perRun(clip, grads[i]))
		k := perRun(mult[i], g)
		mNew := Add(MulScalar(m[i], o.Beta1), MulScalar(g, 1-o.Beta1))
		vNew := Add(MulScalar(v[i], o.Beta2), MulScalar(Square(g), 1-o.Beta2))
		m[i] = Add(m[i], Mul(k, Sub(mNew, m[i])))
		v[i] = Add(v[i], Mul(k, Sub(vNew, v[i])))
		tt := MaxScalar(t[i], 1.0)
		c1 := OneMinus(Pow(ConstAs(tt, o.Beta1), tt)) // 1 − β₁ᵗ [R]
		c2 := OneMinus(Pow(ConstAs(tt, o.Beta2), tt)) // 1 − β₂ᵗ [R]
		mHat := Div(m[i], perRun(c1, g))
		vHat := Div(v[i], perRun(c2, g))
		step := Div(mHat, AddScalar(Sqrt(vHat), o.Eps))
		p[i] = Sub(p[i], Mul(Mul(k, perRun(lr, g)), step))
	}
}

// Trainer runs Unroll alternating GDA iterations (one D step, then one G
// step against the updated D) per executed graph, for R runs at once.
type Trainer struct {
	Unroll int
	exec   *Exec
}

// The trainer's state: params, first and second moments, and the step
// counts of level-1 and level-2 parameters.
const numState = 3*numParams + 2

// NewTrainer compiles (on first use) the training graph. Inputs: the state,
// then real [U, R, B, 64], zd and zg [U, R, B, Z], gate [R], p1, p2, lrG [R],
// lrD [R]. Outputs: the state, then the losses [U, R, 2] (L_D, L_G; L_D
// without the penalty). gamma > 0 adds γ·R1 to D's objective.
func NewTrainer(be compute.Backend, opt Adam, unroll int, gamma float64) (*Trainer, error) {
	exec, err := NewExec(be, func(in []*Node) []*Node {
		p := append([]*Node{}, in[:numParams]...)
		m := append([]*Node{}, in[numParams:2*numParams]...)
		v := append([]*Node{}, in[2*numParams:3*numParams]...)
		t1, t2 := in[3*numParams], in[3*numParams+1]
		rest := in[numState:]
		real, zd, zg, gate, p1, p2, lrG, lrD := rest[0], rest[1], rest[2], rest[3], rest[4], rest[5], rest[6], rest[7]
		ones := OnesLike(gate)
		var losses []*Node
		for u := range unroll {
			t1 = Add(t1, ones)
			t2 = Add(t2, gate)
			mult := make([]*Node, numParams)
			ts := make([]*Node, numParams)
			for i := range mult {
				mult[i], ts[i] = ones, t1
				if level2[i] {
					mult[i], ts[i] = gate, t2
				}
			}
			// D step: descend L_D in D's parameters.
			ru := Squeeze(Slice(real, AxisElem(u)), 0)
			ld := LossD(p, ru, Squeeze(Slice(zd, AxisElem(u)), 0), p1, p2, gate)
			obj := ld
			if gamma > 0 {
				// L_D + γ·R1
				obj = Add(ld, MulScalar(R1(p, ru, p1, p2, gate), gamma))
			}
			gd := Gradient(ReduceAllSum(obj), p[numG:]...)
			grads := make([]*Node, numParams)
			copy(grads[numG:], gd)
			opt.adamStep(p, m, v, grads, seq(numG, numParams), lrD, mult, ts)
			// G step against the updated D: descend L_G in G's parameters.
			lg := LossG(p, Squeeze(Slice(zg, AxisElem(u)), 0), p1, p2, gate)
			gg := Gradient(ReduceAllSum(lg), p[:numG]...)
			copy(grads, gg)
			opt.adamStep(p, m, v, grads, seq(0, numG), lrG, mult, ts)
			losses = append(losses, Stack([]*Node{ld, lg}, 1))
		}
		out := append(append(append(p, m...), v...), t1, t2)
		return append(out, Stack(losses, 0))
	})
	if err != nil {
		return nil, err
	}
	return &Trainer{Unroll: unroll, exec: exec}, nil
}

func seq(a, b int) []int {
	s := make([]int, 0, b-a)
	for i := a; i < b; i++ {
		s = append(s, i)
	}
	return s
}

// Step runs Unroll iterations; it returns the new state and the losses
// [U][R][2], or an error naming a run whose loss is not finite.
func (tr *Trainer) Step(state []*tensors.Tensor, data ...*tensors.Tensor) ([]*tensors.Tensor, []float64, error) {
	args := make([]any, 0, len(state)+len(data))
	for _, s := range state {
		args = append(args, s)
	}
	for _, d := range data {
		args = append(args, d)
	}
	outs, err := tr.exec.Call(args...)
	if err != nil {
		return nil, nil, err
	}
	losses, err := tensorconv.Floats(outs[numState])
	if err != nil {
		return nil, nil, err
	}
	return outs[:numState], losses, nil
}

// Finalize releases the compiled graph.
func (tr *Trainer) Finalize() { tr.exec.Finalize() }
