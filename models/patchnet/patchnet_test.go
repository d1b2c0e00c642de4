package patchnet

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/tensorconv"
)

func TestSmoothReLUPieces(t *testing.T) {
	q, rho := 6, 0.3
	// continuous with continuous derivative at 0 and ϱ
	h := 1e-7
	for _, z0 := range []float64{0, rho} {
		l, r := SmoothReLUHost(z0-h, q, rho), SmoothReLUHost(z0+h, q, rho)
		if math.Abs(l-r) > 1e-6 {
			t.Errorf("jump at %v: %v vs %v", z0, l, r)
		}
		dl := (SmoothReLUHost(z0, q, rho) - SmoothReLUHost(z0-h, q, rho)) / h
		dr := (SmoothReLUHost(z0+h, q, rho) - SmoothReLUHost(z0, q, rho)) / h
		if math.Abs(dl-dr) > 1e-5 {
			t.Errorf("derivative jumps at %v: %v vs %v", z0, dl, dr)
		}
	}
	// hand values: ϱ/q at ϱ, 0.5 − (5/6)·0.3 = 0.25 at 0.5
	if v := SmoothReLUHost(rho, q, rho); math.Abs(v-rho/6) > 1e-15 {
		t.Errorf("ReLU~(ϱ) = %v, want ϱ/q", v)
	}
	if v := SmoothReLUHost(0.5, q, rho); math.Abs(v-0.25) > 1e-15 {
		t.Errorf("ReLU~(0.5) = %v, want 0.25", v)
	}
}

func TestGraphMatchesHostAndFiniteDifferences(t *testing.T) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	c := Config{K: 2, M: 2, D: 5, Q: 4, Rho: 0.3, Sigma0: 0.3}
	w := c.Init([]uint64{1, 2}) // [2, 4, 5]
	rng := rand.New(rand.NewPCG(3, 3))
	xs := make([]float64, 3*2*5)
	for i := range xs {
		xs[i] = rng.NormFloat64()
	}
	x := tensors.FromFlatDataAndDimensions(xs, 3, 2, 5)
	// loss = Σ logits ⊙ fixed weights, and its gradient
	exec, err := NewExec(be, func(w, x *Node) (*Node, *Node) {
		f := c.Logits(w, x)
		l := ReduceAllSum(Mul(f, Iota(w.Graph(), f.Shape(), 2)))
		return f, Gradient(l, w)[0]
	})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Call(w, x)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := tensorconv.Floats(outs[0])
	g, _ := tensorconv.Floats(outs[1])
	wf, _ := tensorconv.Floats(w)
	host := func(wf []float64) (logits []float64, loss float64) {
		logits = make([]float64, 2*3*2)
		for r := range 2 {
			for n := range 3 {
				for j := range 2 {
					s := 0.0
					for p := range 2 {
						for m := range 2 {
							dot := 0.0
							for d := range 5 {
								dot += wf[((r*4)+j*2+m)*5+d] * xs[(n*2+p)*5+d]
							}
							s += SmoothReLUHost(dot, c.Q, c.Rho)
						}
					}
					logits[(r*3+n)*2+j] = s
					loss += s * float64(j)
				}
			}
		}
		return
	}
	hf, _ := host(wf)
	for i := range hf {
		if math.Abs(hf[i]-f[i]) > 1e-12 {
			t.Fatalf("logit %d: graph %v, host %v", i, f[i], hf[i])
		}
	}
	eps := 1e-6
	for i := range wf {
		wp := append([]float64(nil), wf...)
		wm := append([]float64(nil), wf...)
		wp[i] += eps
		wm[i] -= eps
		_, lp := host(wp)
		_, lm := host(wm)
		if fd := (lp - lm) / (2 * eps); math.Abs(fd-g[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Fatalf("gradient %d: autodiff %v, finite differences %v", i, g[i], fd)
		}
	}
}

func TestLambda(t *testing.T) {
	c := Config{K: 3, M: 2, D: 8, Q: 6, Rho: 0.3}
	w := make([]float64, 2*3*2*8)
	// run 1, class 2: the only non-zero row is w_{2,0} = 3 v_{2,1}
	w[((1*6)+2*2+0)*8+2*2+1] = 3
	lam := c.Lambda(w, 1)
	if lam[2] != [2]float64{0, 3} {
		t.Fatalf("Λ of class 2 = %v, want (0, 3)", lam[2])
	}
	if lam0 := c.Lambda(w, 0); lam0[2] != [2]float64{0, 0} {
		t.Fatalf("run 0 sees run 1's weights: %v", lam0[2])
	}
}
