package superres

import (
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/tensorconv"
)

// The parameters of R GANs trained at once, each with a leading run axis.
// Images are row vectors (level ℓ: Pixels(ℓ) = 16, 64, 256 pixels, row-major).
//
// Generator (multi-scale, L levels):
//
//	h₁ = ReLU(z W₁ + c₁),      h_ℓ = ReLU(h_ℓ₋₁ W_ℓ + c_ℓ)
//	X̂₁ = h₁ M₁,                X̂_ℓ = Up₂(X̂_ℓ₋₁) + h_ℓ M_ℓ
//
// Discriminator on the finest image X = X̂_L, a sum of one MLP per level (one
// hidden layer, LeakyReLU(0.2)), level ℓ's branch switched by gate_ℓ:
//
//	D(X) = Σ_ℓ gate_ℓ · v_ℓ·σ((X P_ℓ) A_ℓ + a_ℓ) + e
//
// with fixed per-run input maps P_ℓ [Pixels(L), Pixels(ℓ)]. Multi-scale D:
// P₁ = AvgPool₂^(L−1) (the level-1 image) and P_ℓ = R_ℓ ∘ AvgPool₂^(L−ℓ) (the
// detail residual of level ℓ). Single-scale D (the baseline): P_L = I and,
// for ℓ < L, P_ℓ a fixed random orthonormal Pixels(ℓ)-dimensional projection
// of X — the same parameter count, no level split.
//
// Layout is the models' levels — L of them, level 1 of side Base (4 for the
// teacher's images, 7 for MNIST's 7×7 → 14×14 → 28×28) — and the order of the
// parameters: the generator's (W_ℓ, c_ℓ per level, then every M_ℓ), then
// the discriminator's (A_ℓ, a_ℓ, v_ℓ per level, then e). For L = 2:
// W₁ c₁ W₂ c₂ M₁ M₂ A₁ a₁ v₁ A₂ a₂ v₂ e.
type Layout struct{ L, Base int }

// Side is the side of the level-ℓ image (ℓ = 1 … L): Base·2^(ℓ−1).
func (o Layout) Side(level int) int { return o.Base << (level - 1) }

// Pixels is the number of pixels of the level-ℓ image.
func (o Layout) Pixels(level int) int { return o.Side(level) * o.Side(level) }

// The parameters of level ℓ = l + 1 (l = 0 … L−1) and their shapes.
func (o Layout) W(l int) int  { return 2 * l }           // [R, H_ℓ₋₁, H_ℓ] (H₀ = Z)
func (o Layout) C(l int) int  { return 2*l + 1 }         // [R, H_ℓ]
func (o Layout) M(l int) int  { return 2*o.L + l }       // [R, H_ℓ, Pixels(ℓ)]
func (o Layout) A(l int) int  { return 3*o.L + 3*l }     // [R, Pixels(ℓ), DW]
func (o Layout) Ab(l int) int { return 3*o.L + 3*l + 1 } // [R, DW]
func (o Layout) V(l int) int  { return 3*o.L + 3*l + 2 } // [R, DW]
func (o Layout) E() int       { return 6 * o.L }         // [R]

// NumG is the number of generator parameters (the first ones); Num all of them.
func (o Layout) NumG() int { return 3 * o.L }
func (o Layout) Num() int  { return 6*o.L + 1 }

// Level is the level − 1 a parameter belongs to (e belongs to level 1): the
// coarse-first baseline freezes a level's parameters until it joins.
func (o Layout) Level(i int) int {
	switch {
	case i < 2*o.L:
		return i / 2
	case i < 3*o.L:
		return i - 2*o.L
	case i < o.E():
		return (i - 3*o.L) / 3
	}
	return 0
}

// Arch is the size of the models.
type Arch struct {
	Z  int   `json:"z"`  // latent size
	H  []int `json:"h"`  // generator hidden width of each level
	DW int   `json:"dw"` // discriminator hidden width per level
}

// Layout is the levels and parameter order of the models of a on the
// teacher's images.
func (a Arch) Layout() Layout { return Layout{L: len(a.H), Base: coarse} }

// shapes are the parameter shapes of one run of the models of a (without the
// run axis) and the fan-in of each weight (0: a bias, initialised at 0).
func (o Layout) shapes(a Arch) (shapes [][]int, fanIn []int) {
	shapes, fanIn = make([][]int, o.Num()), make([]int, o.Num())
	shapes[o.E()] = []int{}
	for l := range o.L {
		in := a.Z
		if l > 0 {
			in = a.H[l-1]
		}
		px := o.Pixels(l + 1)
		shapes[o.W(l)], fanIn[o.W(l)] = []int{in, a.H[l]}, in
		shapes[o.C(l)] = []int{a.H[l]}
		shapes[o.M(l)], fanIn[o.M(l)] = []int{a.H[l], px}, a.H[l]
		shapes[o.A(l)], fanIn[o.A(l)] = []int{px, a.DW}, px
		shapes[o.Ab(l)] = []int{a.DW}
		shapes[o.V(l)], fanIn[o.V(l)] = []int{a.DW}, a.DW
	}
	return shapes, fanIn
}

// initParams appends one run's initial parameters, drawn from rng, to params
// [parameter][…]: every weight Gaussian, fan-in scaled, N(0, 1/fan_in) (our
// choice, as the spec asks to state), every bias 0.
func (o Layout) initParams(a Arch, params [][]float64, rng *rand.Rand) {
	shapes, fan := o.shapes(a)
	for i := range o.Num() {
		n := 1
		for _, d := range shapes[i] {
			n *= d
		}
		for range n {
			w := 0.0
			if fan[i] > 0 {
				w = rng.NormFloat64() / math.Sqrt(float64(fan[i]))
			}
			params[i] = append(params[i], w)
		}
	}
}

// newState is the trainer's initial state for R runs (float32) from their
// parameters: Adam's moments and the step counts at 0.
func (o Layout) newState(a Arch, params [][]float64, R int) ([]*tensors.Tensor, error) {
	shapes, _ := o.shapes(a)
	state := make([]*tensors.Tensor, o.NumState())
	for i := range o.Num() {
		dims := append([]int{R}, shapes[i]...)
		var err error
		if state[i], err = tensorconv.FromFloats(dtypes.Float32, params[i], dims...); err != nil {
			return nil, err
		}
		zeros := make([]float64, len(params[i]))
		state[o.Num()+i], _ = tensorconv.FromFloats(dtypes.Float32, zeros, dims...)
		state[2*o.Num()+i], _ = tensorconv.FromFloats(dtypes.Float32, zeros, dims...)
	}
	for l := range o.L {
		state[3*o.Num()+l], _ = tensorconv.FromFloats(dtypes.Float32, make([]float64, R), R)
	}
	return state, nil
}

// upMatrix is Up₂ from level ℓ−1 to level ℓ as a [Pixels(ℓ−1), Pixels(ℓ)]
// matrix acting on row vectors.
func (o Layout) upMatrix(level int) []float64 {
	nIn, nOut := o.Pixels(level-1), o.Pixels(level)
	u := make([]float64, nIn*nOut)
	for p := range nIn {
		e := make([]float64, nIn)
		e[p] = 1
		for q, v := range Up2(e, o.Side(level-1)) {
			u[p*nOut+q] = v
		}
	}
	return u
}

// relu is max(x, 0); leaky is LeakyReLU(0.2) = max(x, 0.2x).
func relu(x *Node) *Node  { return MaxScalar(x, 0.0) }
func leaky(x *Node) *Node { return Max(x, MulScalar(x, 0.2)) }

// Generate is the generator: z [R, B, Z] → the finest image X̂_L [R, B,
// Pixels(L)] and the hidden layers h_ℓ [R, B, H_ℓ]; p holds (at least) the
// generator's parameters in the order of o.
func (o Layout) Generate(p []*Node, z *Node) (x *Node, h []*Node) {
	g := z.Graph()
	in := z
	for l := range o.L {
		// h_ℓ = ReLU(h_ℓ₋₁ W_ℓ + c_ℓ)   (h₀ = z)
		in = relu(Add(Einsum("rbz,rzh->rbh", in, p[o.W(l)]), InsertAxes(p[o.C(l)], 1)))
		h = append(h, in)
	}
	// X̂₁ = h₁ M₁ [R, B, 16]
	x = Einsum("rbh,rhp->rbp", h[0], p[o.M(0)])
	for l := 1; l < o.L; l++ {
		// X̂_ℓ = Up₂(X̂_ℓ₋₁) + h_ℓ M_ℓ [R, B, Pixels(ℓ)]
		up := Const(g, tensors.FromFlatDataAndDimensions(o.upMatrix(l+1), o.Pixels(l), o.Pixels(l+1)))
		up = ConvertDType(up, z.DType())
		x = Add(Einsum("rbp,pq->rbq", x, up), Einsum("rbk,rkq->rbq", h[l], p[o.M(l)]))
	}
	return x, h
}

// Discriminate is D(X) [R, B] for finest images x [R, B, Pixels(L)]; maps[l]
// [R, Pixels(L), Pixels(l+1)] are the input maps P_ℓ, gates [R, L] switch the
// branches.
func (o Layout) Discriminate(p []*Node, x *Node, maps []*Node, gates *Node) *Node {
	var d *Node
	for l := range o.L {
		// gate_ℓ · v_ℓ·σ((X P_ℓ) A_ℓ + a_ℓ)
		in := Einsum("rbq,rqi->rbi", x, maps[l])
		h := leaky(Add(Einsum("rbi,riw->rbw", in, p[o.A(l)]), InsertAxes(p[o.Ab(l)], 1)))
		b := Mul(Einsum("rbw,rw->rb", h, p[o.V(l)]), gate(gates, l))
		if d == nil {
			d = b
		} else {
			d = Add(d, b)
		}
	}
	return Add(d, InsertAxes(p[o.E()], 1))
}

// gate is column l of gates [R, L], as [R, 1].
func gate(gates *Node, l int) *Node { return Slice(gates, AxisRange(), AxisElem(l)) }

// InputGradient is ∇ₓD(X) [R, B, Pixels(L)], written out for the
// one-hidden-layer branches (σ = LeakyReLU(0.2), σ' ∈ {1, 0.2}):
//
//	∇ₓD = Σ_ℓ gate_ℓ · ((v_ℓ ⊙ σ'(X P_ℓ A_ℓ + a_ℓ)) A_ℓᵀ) P_ℓᵀ
//
// Written out rather than by a second autodiff pass so that the R1 penalty
// built on it is an ordinary expression of D's parameters (σ' is piecewise
// constant, so its own derivative is zero almost everywhere).
func (o Layout) InputGradient(p []*Node, x *Node, maps []*Node, gates *Node) *Node {
	var sum *Node
	for l := range o.L {
		pk := maps[l]
		pre := Add(Einsum("rbi,riw->rbw", Einsum("rbq,rqi->rbi", x, pk), p[o.A(l)]), InsertAxes(p[o.Ab(l)], 1))
		slope := Where(GreaterOrEqual(pre, ZerosLike(pre)), OnesLike(pre), MulScalar(OnesLike(pre), 0.2))
		s := Mul(slope, InsertAxes(p[o.V(l)], 1))                             // [R, B, W]
		g := Einsum("rbi,rqi->rbq", Einsum("rbw,riw->rbi", s, p[o.A(l)]), pk) // [R, B, Pixels(L)]
		g = Mul(g, InsertAxes(gate(gates, l), 2))
		if sum == nil {
			sum = g
		} else {
			sum = Add(sum, g)
		}
	}
	return sum
}

// R1 is the R1 penalty on real images, one per run [R]:
//
//	R1 = ½ E_x ‖∇ₓD(x)‖²
//
// added to L_D with weight γ (Config.R1) — it keeps D flat on the data.
func (o Layout) R1(p []*Node, real *Node, maps []*Node, gates *Node) *Node {
	g := o.InputGradient(p, real, maps, gates)
	return MulScalar(ReduceMean(ReduceSum(Square(g), 2), 1), 0.5)
}

// LossD and LossG are the non-saturating logistic GAN losses, one per run [R]:
//
//	L_D = E softplus(−D(x)) + E softplus(D(G(z_d)))
//	L_G = E softplus(−D(G(z_g)))
func (o Layout) LossD(p []*Node, real, zd *Node, maps []*Node, gates *Node) *Node {
	fake, _ := o.Generate(p, zd)
	fake = StopGradient(fake)
	lr := Softplus(Neg(o.Discriminate(p, real, maps, gates)))
	lf := Softplus(o.Discriminate(p, fake, maps, gates))
	return Add(ReduceMean(lr, 1), ReduceMean(lf, 1))
}

// LossG is the generator's loss (see LossD).
func (o Layout) LossG(p []*Node, zg *Node, maps []*Node, gates *Node) *Node {
	fake, _ := o.Generate(p, zg)
	return ReduceMean(Softplus(Neg(o.Discriminate(p, fake, maps, gates))), 1)
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
	Layout Layout
	exec   *Exec
}

// NumState is the size of the trainer's state: the parameters, their first
// and second moments, and one step count [R] per level.
func (o Layout) NumState() int { return 3*o.Num() + o.L }

// NewTrainer compiles (on first use) the training graph. Inputs: the state,
// then real [U, R, B, Pixels(L)], zd and zg [U, R, B, Z], gates [R, L], the
// input maps P_ℓ [R, Pixels(L), Pixels(ℓ)] (L of them), lrG [R], lrD [R].
// Outputs: the state, then the losses [U, R, 2] (L_D, L_G; L_D without the
// penalty). A level whose gate is 0 is frozen (parameters, moments and step
// count). gamma > 0 adds γ·R1 to D's objective.
func NewTrainer(be compute.Backend, o Layout, opt Adam, unroll int, gamma float64) (*Trainer, error) {
	n, nG := o.Num(), o.NumG()
	exec, err := NewExec(be, func(in []*Node) []*Node {
		p := append([]*Node{}, in[:n]...)
		m := append([]*Node{}, in[n:2*n]...)
		v := append([]*Node{}, in[2*n:3*n]...)
		ts := append([]*Node{}, in[3*n:3*n+o.L]...) // step counts per level
		rest := in[o.NumState():]
		real, zd, zg, gates := rest[0], rest[1], rest[2], rest[3]
		maps := rest[4 : 4+o.L]
		lrG, lrD := rest[4+o.L], rest[5+o.L]
		on := make([]*Node, o.L) // gate_ℓ [R]
		for l := range on {
			on[l] = Reshape(gate(gates, l), -1)
		}
		var losses []*Node
		for u := range unroll {
			for l := range ts {
				ts[l] = Add(ts[l], on[l])
			}
			mult := make([]*Node, n)
			steps := make([]*Node, n)
			for i := range mult {
				mult[i], steps[i] = on[o.Level(i)], ts[o.Level(i)]
			}
			// D step: descend L_D in D's parameters.
			ru := Squeeze(Slice(real, AxisElem(u)), 0)
			ld := o.LossD(p, ru, Squeeze(Slice(zd, AxisElem(u)), 0), maps, gates)
			obj := ld
			if gamma > 0 {
				// L_D + γ·R1
				obj = Add(ld, MulScalar(o.R1(p, ru, maps, gates), gamma))
			}
			gd := Gradient(ReduceAllSum(obj), p[nG:]...)
			grads := make([]*Node, n)
			copy(grads[nG:], gd)
			opt.adamStep(p, m, v, grads, seq(nG, n), lrD, mult, steps)
			// G step against the updated D: descend L_G in G's parameters.
			lg := o.LossG(p, Squeeze(Slice(zg, AxisElem(u)), 0), maps, gates)
			gg := Gradient(ReduceAllSum(lg), p[:nG]...)
			copy(grads, gg)
			opt.adamStep(p, m, v, grads, seq(0, nG), lrG, mult, steps)
			losses = append(losses, Stack([]*Node{ld, lg}, 1))
		}
		out := append(append(append(p, m...), v...), ts...)
		return append(out, Stack(losses, 0))
	})
	if err != nil {
		return nil, err
	}
	return &Trainer{Unroll: unroll, Layout: o, exec: exec}, nil
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
	k := tr.Layout.NumState()
	losses, err := tensorconv.Floats(outs[k])
	if err != nil {
		return nil, nil, err
	}
	return outs[:k], losses, nil
}

// Finalize releases the compiled graph.
func (tr *Trainer) Finalize() { tr.exec.Finalize() }
