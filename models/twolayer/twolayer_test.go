package twolayer_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/twolayer"
	"theorylab/pkg/backend"
)

// bank draws R networks with non-zero biases (so that the bias path is tested too).
func bank(c twolayer.Config, r int, seed uint64) []twolayer.Net {
	nets := make([]twolayer.Net, r)
	rng := rand.New(rand.NewPCG(seed, 99))
	for i := range nets {
		nets[i] = c.Init(seed+uint64(i), 1)
		for l := range nets[i].B {
			nets[i].B[l] = 0.5 * rng.NormFloat64()
		}
	}
	return nets
}

func points(r, n, d int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, r*n*d)
	for i := range x {
		x[i] = rng.NormFloat64() / math.Sqrt(float64(d))
	}
	return x
}

// exec runs fn on the bank's parameters and the points x [R, N, D].
func exec(t *testing.T, nets []twolayer.Net, x []float64, n int, fn func(c twolayer.Config, p twolayer.Params, x *Node) []*Node) []*tensors.Tensor {
	t.Helper()
	c := nets[0].Config()
	w, b, a, err := twolayer.ToTensors(nets, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	args := []any{tensors.FromFlatDataAndDimensions(x, len(nets), n, c.D), w, a}
	if b != nil {
		args = append(args, b)
	}
	e, err := NewExec(backend.MustGet(), func(in []*Node) []*Node {
		p := twolayer.Params{W: in[1], A: in[2]}
		if len(in) > 3 {
			p.B = in[3]
		}
		return fn(c, p, in[0])
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	out, err := e.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestForwardMatchesHost(t *testing.T) {
	for _, bias := range []bool{true, false} {
		c := twolayer.Config{D: 5, K: 7, Bias: bias}
		nets := bank(c, 3, 1)
		const n = 11
		x := points(3, n, c.D, 2)
		out := exec(t, nets, x, n, func(c twolayer.Config, p twolayer.Params, x *Node) []*Node {
			return []*Node{c.Forward(p, x)}
		})
		f := tensors.MustCopyFlatData[float64](out[0])
		if dims := out[0].Shape().Dimensions; !reflect.DeepEqual(dims, []int{3, n}) {
			t.Fatalf("output shape %v, want [3 %d]", dims, n)
		}
		for r := range nets {
			for i := range n {
				want := nets[r].Eval(x[(r*n+i)*c.D : (r*n+i+1)*c.D])
				if got := f[r*n+i]; math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
					t.Errorf("bias=%v run %d point %d: graph %v, host %v", bias, r, i, got, want)
				}
			}
		}
	}
}

// TestInputGradient: the closed form ∇ₓf = Wᵀ(a ⊙ 1[Wx + b > 0]), in the graph
// and on the host, equals GoMLX's autodiff of Forward with respect to x, and
// central finite differences away from kinks.
func TestInputGradient(t *testing.T) {
	for _, bias := range []bool{true, false} {
		c := twolayer.Config{D: 6, K: 9, Bias: bias}
		nets := bank(c, 2, 3)
		const n = 20
		x := points(2, n, c.D, 4)
		out := exec(t, nets, x, n, func(c twolayer.Config, p twolayer.Params, x *Node) []*Node {
			auto := Gradient(ReduceAllSum(c.Forward(p, x)), x)[0] // [R, N, D]: f[r, i] depends on x[r, i] alone
			return []*Node{c.InputGrad(p, x), auto}
		})
		closed := tensors.MustCopyFlatData[float64](out[0])
		auto := tensors.MustCopyFlatData[float64](out[1])
		checked := 0
		for r := range nets {
			for i := range n {
				xi := x[(r*n+i)*c.D : (r*n+i+1)*c.D]
				host := nets[r].Grad(xi, nil)
				for j := range c.D {
					k := (r*n+i)*c.D + j
					if math.Abs(closed[k]-host[j]) > 1e-12 || math.Abs(auto[k]-host[j]) > 1e-12 {
						t.Fatalf("bias=%v run %d point %d coord %d: graph closed form %v, autodiff %v, host %v", bias, r, i, j, closed[k], auto[k], host[j])
					}
				}
				// Finite differences, only where every neuron is ≥ 1e-3 away from its kink.
				if minAbsPre(&nets[r], xi) < 1e-3 {
					continue
				}
				const h = 1e-6
				for j := range c.D {
					xp := append([]float64(nil), xi...)
					xm := append([]float64(nil), xi...)
					xp[j] += h
					xm[j] -= h
					fd := (nets[r].Eval(xp) - nets[r].Eval(xm)) / (2 * h)
					if math.Abs(fd-host[j]) > 1e-7 {
						t.Errorf("bias=%v run %d point %d coord %d: finite difference %v, closed form %v", bias, r, i, j, fd, host[j])
					}
				}
				checked++
			}
		}
		if checked < n {
			t.Errorf("bias=%v: only %d points away from kinks were checked by finite differences", bias, checked)
		}
	}
}

func minAbsPre(n *twolayer.Net, x []float64) float64 {
	m := math.Inf(1)
	for l := range n.K {
		s := 0.0
		for i := range x {
			s += n.W[l*n.D+i] * x[i]
		}
		if n.B != nil {
			s += n.B[l]
		}
		m = math.Min(m, math.Abs(s))
	}
	return m
}

// TestPenaltyGradient: the parameter gradient of P = mean_z ‖∇ₓf(z)‖², which the
// smooth-fit variant trains through InputGrad, matches finite differences of P
// computed on the host.
func TestPenaltyGradient(t *testing.T) {
	c := twolayer.Config{D: 4, K: 6, Bias: true}
	nets := bank(c, 1, 5)
	const n = 15
	z := points(1, n, c.D, 6)
	out := exec(t, nets, z, n, func(c twolayer.Config, p twolayer.Params, z *Node) []*Node {
		g := c.InputGrad(p, z)                           // [1, Z, D]
		pen := MulScalar(ReduceAllSum(Square(g)), 1.0/n) // mean over z of ‖∇f‖²
		grads := Gradient(pen, p.W, p.A)
		return []*Node{grads[0], grads[1]}
	})
	gw := tensors.MustCopyFlatData[float64](out[0])
	ga := tensors.MustCopyFlatData[float64](out[1])
	pen := func(net twolayer.Net) float64 {
		s := 0.0
		for i := range n {
			g := net.GradNorm(z[i*c.D:(i+1)*c.D], nil)
			s += g * g
		}
		return s / n
	}
	const h = 1e-6
	for _, which := range []struct {
		name string
		vals func(*twolayer.Net) []float64
		grad []float64
	}{{"W", func(n *twolayer.Net) []float64 { return n.W }, gw}, {"a", func(n *twolayer.Net) []float64 { return n.A }, ga}} {
		for i := range which.grad {
			p, m := nets[0].Clone(), nets[0].Clone()
			which.vals(&p)[i] += h
			which.vals(&m)[i] -= h
			fd := (pen(p) - pen(m)) / (2 * h)
			if math.Abs(fd-which.grad[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Errorf("∂P/∂%s[%d]: autodiff %v, finite difference %v", which.name, i, which.grad[i], fd)
			}
		}
	}
}

func TestInitStatisticsAndRoundTrip(t *testing.T) {
	c := twolayer.Config{D: 16, K: 400, Bias: true}
	net := c.Init(11, 0.5)
	var sw, sa float64
	for _, w := range net.W {
		sw += w * w
	}
	for _, a := range net.A {
		sa += a * a
	}
	// Var(w) = scale², Var(a) = scale²/k.
	if v := sw / float64(len(net.W)); math.Abs(v-0.25) > 0.02 {
		t.Errorf("Var(w) = %.4f, want 0.25", v)
	}
	if v := sa / float64(len(net.A)); math.Abs(v-0.25/400)/(0.25/400) > 0.2 {
		t.Errorf("Var(a) = %.3g, want %.3g", v, 0.25/400)
	}
	for _, b := range net.B {
		if b != 0 {
			t.Fatal("biases must start at 0")
		}
	}
	if again := c.Init(11, 0.5); !reflect.DeepEqual(net, again) {
		t.Error("the same seed gave a different network")
	}
	if other := c.Init(12, 0.5); other.W[0] == net.W[0] {
		t.Error("a different seed gave the same first weight")
	}
	free := twolayer.Config{D: 3, K: 2}.Init(1, 1)
	if free.B != nil {
		t.Error("a bias-free network has biases")
	}
	for _, dt := range []dtypes.DType{dtypes.Float64, dtypes.Float32} {
		nets := bank(twolayer.Config{D: 3, K: 4, Bias: true}, 2, 8)
		w, b, a, err := twolayer.ToTensors(nets, dt)
		if err != nil {
			t.Fatal(err)
		}
		back, err := twolayer.FromTensors(w, b, a)
		if err != nil {
			t.Fatal(err)
		}
		tol := 0.0
		if dt == dtypes.Float32 {
			tol = 1e-6
		}
		for r := range nets {
			for i := range nets[r].W {
				if math.Abs(back[r].W[i]-nets[r].W[i]) > tol*math.Max(1, math.Abs(nets[r].W[i])) {
					t.Fatalf("%s round trip changed W", dt)
				}
			}
		}
	}
	if _, _, _, err := twolayer.ToTensors([]twolayer.Net{free, net}, dtypes.Float64); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("mixed shapes: want an error naming the shape, got %v", err)
	}
	if err := (twolayer.Config{D: 0, K: 1}).Validate(); err == nil || !strings.Contains(err.Error(), "D must be") {
		t.Errorf("D = 0: got %v", err)
	}
}

// TestSegments: a bank of networks of different widths concatenated along the
// neuron axis evaluates, and differentiates in its input, each network as if
// it were alone; Split undoes Concat.
func TestSegments(t *testing.T) {
	widths := []int{3, 5, 2}
	const r, n, d = 2, 7, 4
	per := make([][]twolayer.Net, r) // per[run][j]
	cat := make([]twolayer.Net, r)
	for run := range r {
		for j, k := range widths {
			per[run] = append(per[run], bank(twolayer.Config{D: d, K: k, Bias: true}, 1, uint64(10*run+j))[0])
		}
		var err error
		if cat[run], err = twolayer.Concat(per[run]); err != nil {
			t.Fatal(err)
		}
		back, err := cat[run].Split(widths)
		if err != nil || !reflect.DeepEqual(back, per[run]) {
			t.Fatalf("Split(Concat(nets)) differs: %v", err)
		}
	}
	x := points(r, n, d, 3)
	seg, err := twolayer.SegmentMatrix(widths, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	out := exec(t, cat, x, n, func(c twolayer.Config, p twolayer.Params, x *Node) []*Node {
		s := Const(x.Graph(), seg)
		return append([]*Node{c.ForwardSegments(p, x, s)}, c.InputGradSegments(p, x, widths)...)
	})
	f := tensors.MustCopyFlatData[float64](out[0]) // [R, N, J]
	for run := range r {
		for i := range n {
			xi := x[(run*n+i)*d : (run*n+i+1)*d]
			for j := range widths {
				want := per[run][j].Eval(xi)
				if got := f[(run*n+i)*len(widths)+j]; math.Abs(got-want) > 1e-12 {
					t.Fatalf("run %d point %d network %d: segment forward %v, alone %v", run, i, j, got, want)
				}
				g := tensors.MustCopyFlatData[float64](out[1+j])[(run*n+i)*d : (run*n+i+1)*d]
				wantG := per[run][j].Grad(xi, nil)
				for q := range d {
					if math.Abs(g[q]-wantG[q]) > 1e-12 {
						t.Fatalf("run %d point %d network %d: segment input gradient %v, alone %v", run, i, j, g, wantG)
					}
				}
			}
		}
	}
	if _, err := cat[0].Split([]int{3, 3}); err == nil {
		t.Error("Split accepted widths that do not add up")
	}
}

// TestFoldBatchNorm: on its training points, the batch-normalised forward pass
// (training mode) equals the folded plain network's, for shared and per-run data.
func TestFoldBatchNorm(t *testing.T) {
	c := twolayer.Config{D: 5, K: 6, Bias: false}
	nets := bank(c, 2, 4)
	const n = 30
	x := points(2, n, c.D, 5)
	rng := rand.New(rand.NewPCG(6, 7))
	gamma, beta := make([]float64, 2*c.K), make([]float64, 2*c.K)
	for i := range gamma {
		gamma[i], beta[i] = 1+0.3*rng.NormFloat64(), 0.2*rng.NormFloat64()
	}
	w, _, a, err := twolayer.ToTensors(nets, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	out := MustExecOnce(backend.MustGet(), func(x, w, a, g, b *Node) *Node {
		return c.Forward(twolayer.Params{W: w, A: a, Gamma: g, Beta: b}, x)
	}, tensors.FromFlatDataAndDimensions(x, 2, n, c.D), w, a,
		tensors.FromFlatDataAndDimensions(gamma, 2, c.K), tensors.FromFlatDataAndDimensions(beta, 2, c.K))
	f := tensors.MustCopyFlatData[float64](out)
	for r := range nets {
		xr := x[r*n*c.D : (r+1)*n*c.D]
		folded := twolayer.FoldBatchNorm(nets[r], gamma[r*c.K:(r+1)*c.K], beta[r*c.K:(r+1)*c.K], xr)
		if folded.B == nil {
			t.Fatal("a folded network has biases")
		}
		for i := range n {
			want := folded.Eval(xr[i*c.D : (i+1)*c.D])
			if got := f[r*n+i]; math.Abs(got-want) > 1e-12 {
				t.Fatalf("run %d point %d: batch-normalised %v, folded %v", r, i, got, want)
			}
		}
	}
}
