package lipschitz_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/twolayer"
	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/linalg"
	"theorylab/pkg/lipschitz"
)

// gradNorms evaluates GradNorms for a bank of two-layer networks at z [R, Z, D].
func gradNorms(t *testing.T, nets []twolayer.Net, z []float64, nz int) []float64 {
	t.Helper()
	c := nets[0].Config()
	w, b, a, err := twolayer.ToTensors(nets, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	args := []any{tensors.FromFlatDataAndDimensions(z, len(nets), nz, c.D), w, a}
	if b != nil {
		args = append(args, b)
	}
	out := MustExecOnce(backend.MustGet(), func(in []*Node) *Node {
		p := twolayer.Params{W: in[1], A: in[2]}
		if len(in) > 3 {
			p.B = in[3]
		}
		return lipschitz.GradNorms(func(z *Node) *Node { return c.Forward(p, z) }, in[0])
	}, args...)
	return tensors.MustCopyFlatData[float64](out)
}

// TestGradNormsMatchClosedForm: autodiff norms equal ‖Wᵀ(a ⊙ 1[Wz + b > 0])‖.
func TestGradNormsMatchClosedForm(t *testing.T) {
	c := twolayer.Config{D: 8, K: 30, Bias: true}
	nets := []twolayer.Net{c.Init(1, 1), c.Init(2, 1)}
	for i := range nets[1].B {
		nets[1].B[i] = 0.1 * float64(i%5-2)
	}
	const nz = 50
	z := data.GaussianPoints(2*nz, c.D, rand.New(rand.NewPCG(3, 4)))
	got := gradNorms(t, nets, z, nz)
	for r := range nets {
		for i := range nz {
			want := nets[r].GradNorm(z[(r*nz+i)*c.D:(r*nz+i+1)*c.D], nil)
			if math.Abs(got[r*nz+i]-want) > 1e-12*math.Max(1, want) {
				t.Fatalf("run %d point %d: autodiff %v, closed form %v", r, i, got[r*nz+i], want)
			}
		}
	}
}

// TestSpectralNormMatchesSVD: power iteration on WᵀW agrees with the largest
// singular value of a host SVD to 1e-8, on the shapes the experiments use.
func TestSpectralNormMatchesSVD(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, shape := range [][2]int{{8, 16}, {12, 16}, {200, 16}, {100, 16}, {31, 100}, {16, 16}} {
		k, d := shape[0], shape[1]
		m := linalg.Gaussian(k, d, rng)
		svd, err := linalg.SVD(m)
		if err != nil {
			t.Fatal(err)
		}
		got, iters, err := lipschitz.SpectralNorm(m.Data, k, d, 1e-13, 100000)
		if err != nil {
			t.Fatal(err)
		}
		if rel := math.Abs(got-svd.S[0]) / svd.S[0]; rel > 1e-8 {
			t.Errorf("%d×%d: power iteration %v (%d iterations), SVD %v (relative %.2g)", k, d, got, iters, svd.S[0], rel)
		}
	}
	// diag(3, 2, 1): exactly 3.
	if got, _, _ := lipschitz.SpectralNorm([]float64{3, 0, 0, 0, 2, 0, 0, 0, 1}, 3, 3, 1e-14, 1000); math.Abs(got-3) > 1e-12 {
		t.Errorf("diag(3, 2, 1): got %v", got)
	}
	if _, _, err := lipschitz.SpectralNorm([]float64{1, 2}, 2, 2, 1e-10, 10); err == nil {
		t.Error("a matrix with the wrong number of values was accepted")
	}
}

// TestSingleNeuronEstimatesAgree: for f(x) = a·ReLU(w·x), Lip = |a|‖w‖ and the
// three estimates all find it: the random maximum (some z has w·z > 0), the
// hill climb, and ‖a‖‖W‖_op.
func TestSingleNeuronEstimatesAgree(t *testing.T) {
	c := twolayer.Config{D: 16, K: 1}
	net := c.Init(7, 1)
	net.A[0] = -1.7
	want := 1.7 * math.Sqrt(dot(net.W, net.W))
	const nz = 1000
	z := data.GaussianPoints(nz, c.D, rand.New(rand.NewPCG(8, 9)))
	norms := gradNorms(t, []twolayer.Net{net}, z, nz)
	proxy, at := lipschitz.Largest(norms)
	if math.Abs(proxy-want) > 1e-12*want {
		t.Errorf("random maximum %v, want |a|‖w‖ = %v", proxy, want)
	}
	climb, err := lipschitz.HillClimb(func(x []float64) float64 { return net.GradNorm(x, nil) },
		[][]float64{z[at*c.D : (at+1)*c.D]}, lipschitz.Climb{Steps: 50, Radius: 1.5, StepStart: 0.3, StepEnd: 0.01}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(climb.Value-want) > 1e-12*want {
		t.Errorf("hill climb %v, want %v", climb.Value, want)
	}
	upper, err := lipschitz.TwoLayerBound(net.A, net.W, c.K, c.D, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(upper-want) > 1e-12*want {
		t.Errorf("‖a‖‖W‖_op = %v, want %v", upper, want)
	}
}

// TestHillClimb: the climb never ends below its best start, stays in the ball,
// and climbs a function whose maximum is known (‖z‖ on the ball of radius 1.5).
func TestHillClimb(t *testing.T) {
	norm := func(z []float64) float64 { return math.Sqrt(dot(z, z)) }
	starts := [][]float64{{0.1, 0, 0}, {0, 0.2, 0}}
	res, err := lipschitz.HillClimb(norm, starts, lipschitz.Climb{Steps: 400, Radius: 1.5, StepStart: 0.3, StepEnd: 0.01}, rand.New(rand.NewPCG(2, 3)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Value > 1.5+1e-12 || res.Value < 1.49 {
		t.Errorf("climbing ‖z‖ in the ball of radius 1.5 reached %v", res.Value)
	}
	// A start outside the ball keeps its own radius and is never lost.
	far := [][]float64{{3, 0, 0}}
	res, _ = lipschitz.HillClimb(norm, far, lipschitz.Climb{Steps: 50, Radius: 1.5, StepStart: 0.3, StepEnd: 0.01}, rand.New(rand.NewPCG(2, 3)))
	if res.Value < 3-1e-12 || res.Value > 3+1e-12 {
		t.Errorf("a start at radius 3: climb ended at %v, want 3", res.Value)
	}
	// On two-layer nets: start ≤ climb ≤ ‖a‖‖W‖_op.
	c := twolayer.Config{D: 16, K: 25, Bias: true}
	for seed := range uint64(5) {
		net := c.Init(seed, 1)
		z := data.GaussianPoints(10, c.D, rand.New(rand.NewPCG(seed, 1)))
		var st [][]float64
		best := 0.0
		for i := range 10 {
			st = append(st, z[i*c.D:(i+1)*c.D])
			best = math.Max(best, net.GradNorm(st[i], nil))
		}
		res, err := lipschitz.HillClimb(func(x []float64) float64 { return net.GradNorm(x, nil) }, st,
			lipschitz.Climb{Steps: 200, Radius: 1.5, StepStart: 0.3, StepEnd: 0.01}, rand.New(rand.NewPCG(seed, 2)))
		if err != nil {
			t.Fatal(err)
		}
		upper, _ := lipschitz.TwoLayerBound(net.A, net.W, c.K, c.D, 1)
		if res.Value < best || res.Value > upper*(1+1e-9) {
			t.Errorf("seed %d: best start %v, climb %v, upper bound %v", seed, best, res.Value, upper)
		}
	}
	for want, bad := range map[string]lipschitz.Climb{
		"steps":  {Steps: 0, Radius: 1, StepStart: 1, StepEnd: 1},
		"radius": {Steps: 1, Radius: 0, StepStart: 1, StepEnd: 1},
		"step_":  {Steps: 1, Radius: 1, StepStart: 0.1, StepEnd: 1},
	} {
		if _, err := lipschitz.HillClimb(norm, starts, bad, rand.New(rand.NewPCG(1, 1))); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error naming %q, got %v", want, err)
		}
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
