package multiview

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/patchnet"
	"theorylab/pkg/backend"
	"theorylab/pkg/papers/papertest"
	"theorylab/pkg/tensorconv"
	"theorylab/pkg/viewdata"
)

// tiny is a small configuration for the method checks: seconds, not minutes.
func tiny() Config {
	c := Quick()
	c.Preset = "custom"
	c.Train, c.Val, c.Test = 100, 100, 100
	c.Singles, c.KD, c.Self, c.Features = 2, 1, 1, 16
	c.LRs, c.Cap = []float64{8}, 40
	return c
}

// TestQuickPreset runs the quick preset through the results cache (the
// notebook then loads the same results) and asserts every claim.
func TestQuickPreset(t *testing.T) { papertest.Quick(t, Paper) }

// TestDeterministic: the same seed gives the same results, another seed
// other claims, and the figures render.
func TestDeterministic(t *testing.T) { papertest.Deterministic(t, Paper, tiny()) }

// TestBadConfigs: every broken field is refused with its name, and nothing is cached.
func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"data":     func(c *Config) { c.Data.Mu = 2 },
		"train":    func(c *Config) { c.Train = 1 },
		"val":      func(c *Config) { c.Val = 150 },
		"test":     func(c *Config) { c.Test = 0 },
		"m":        func(c *Config) { c.M = 0 },
		"q":        func(c *Config) { c.Q = 1 },
		"rho":      func(c *Config) { c.Rho = 0 },
		"sigma0":   func(c *Config) { c.Sigma0 = -1 },
		"lrs":      func(c *Config) { c.LRs = nil },
		"cap":      func(c *Config) { c.Cap = 15 },
		"tau":      func(c *Config) { c.Tau = 0 },
		"kdmix":    func(c *Config) { c.KDMix = 2 },
		"singles":  func(c *Config) { c.Singles = 1 },
		"kd":       func(c *Config) { c.KD = 5 },
		"self":     func(c *Config) { c.Self = 6 },
		"features": func(c *Config) { c.Features = 0 },
		// the MNIST check (full preset): each field broken on its own
		"mnist.train":   func(c *Config) { c.MNIST = FullMNIST(); c.MNIST.Train = 5 },
		"mnist.val":     func(c *Config) { c.MNIST = FullMNIST(); c.MNIST.Val = 0 },
		"mnist.test":    func(c *Config) { c.MNIST = FullMNIST(); c.MNIST.Test = 20000 },
		"mnist.hidden":  func(c *Config) { c.MNIST = FullMNIST(); c.MNIST.Hidden = 0 },
		"mnist.lrs":     func(c *Config) { c.MNIST = FullMNIST(); c.MNIST.LRs = []float64{1e-3, -1} },
		"mnist.epochs":  func(c *Config) { c.MNIST = FullMNIST(); c.MNIST.Epochs = 0 },
		"mnist.batch":   func(c *Config) { c.MNIST = FullMNIST(); c.MNIST.Batch = 300 },
		"mnist.singles": func(c *Config) { c.MNIST = FullMNIST(); c.MNIST.Singles = 1 },
		"mnist.kd":      func(c *Config) { c.MNIST = FullMNIST(); c.MNIST.KD = 5 },
		"mnist.self":    func(c *Config) { c.MNIST = FullMNIST(); c.MNIST.Self = 6 },
	})
}

// lossAndGrad evaluates an objective's loss and its gradient at w.
func lossAndGrad(t *testing.T, net patchnet.Config, o objective, x *tensors.Tensor, onehot *tensors.Tensor, w *tensors.Tensor) ([]float64, []float64) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	exec, err := NewExec(be, func(w *Node) (*Node, *Node) {
		l := o.lossFn(func(w *Node) *Node { return net.Logits(w, Const(w.Graph(), x)) }, onehot)([]*Node{w})
		return l, Gradient(ReduceAllSum(l), w)[0]
	})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Call(w)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := tensorconv.Floats(outs[0])
	g, _ := tensorconv.Floats(outs[1])
	return l, g
}

// TestKDLoss: with λ = 1 and the teacher equal to the student, the KD loss
// and its gradient are zero; with λ = 0 it is the cross-entropy; and the KL
// part carries the τ² factor.
func TestKDLoss(t *testing.T) {
	c := tiny()
	ds, _ := viewdata.Generate(c.Data, 20, 5)
	net := patchnet.Config{K: c.Data.K, M: c.M, D: c.Data.D, Q: c.Q, Rho: c.Rho, Sigma0: 0.3}
	x := tensors.FromFlatDataAndDimensions(ds.X, 20, c.Data.P, c.Data.D)
	onehot := oneHot(ds.Y, c.Data.K)
	w := net.Init([]uint64{1, 2})
	be, _ := backend.Get()
	pe, err := newPatchEval(be, func(w, x *Node) *Node { return net.Logits(w, x) }, 20)
	if err != nil {
		t.Fatal(err)
	}
	self, err := pe.run(w, ds.X, 20, c.Data.P, c.Data.D, c.Data.K)
	if err != nil {
		t.Fatal(err)
	}
	l, g := lossAndGrad(t, net, objective{Teacher: self, Mix: []float64{1, 1}, Tau: 4}, x, onehot, w)
	for _, v := range append(l, g...) {
		if math.Abs(v) > 1e-12 {
			t.Fatalf("KD loss toward itself is not flat: loss %v", l)
		}
	}
	// a teacher that differs: KL scales as τ²·KL; compare τ = 2 with a host computation
	other := make([]float64, len(self))
	for i := range other {
		other[i] = float64(i%7) * 0.3
	}
	lk, _ := lossAndGrad(t, net, objective{Teacher: other, Mix: []float64{1, 1}, Tau: 2}, x, onehot, w)
	lc, _ := lossAndGrad(t, net, objective{Teacher: other, Mix: []float64{0, 0}, Tau: 2}, x, onehot, w)
	lp, _ := lossAndGrad(t, net, objective{}, x, onehot, w)
	k, n := c.Data.K, 20
	for r := range 2 {
		if math.Abs(lc[r]-lp[r]) > 1e-12 {
			t.Fatalf("λ = 0 is not the plain cross-entropy: %v vs %v", lc[r], lp[r])
		}
		kl := 0.0
		for i := range n {
			pt := softmax(other[(r*n+i)*k:(r*n+i+1)*k], 2)
			ps := softmax(self[(r*n+i)*k:(r*n+i+1)*k], 2)
			for j := range k {
				kl += pt[j] * math.Log(pt[j]/ps[j]) / float64(n)
			}
		}
		if math.Abs(lk[r]-4*kl) > 1e-9 {
			t.Fatalf("run %d: KD loss %v, want τ²·KL = %v", r, lk[r], 4*kl)
		}
	}
}

func softmax(z []float64, tau float64) []float64 {
	out := make([]float64, len(z))
	m, s := math.Inf(-1), 0.0
	for _, v := range z {
		m = math.Max(m, v/tau)
	}
	for j, v := range z {
		out[j] = math.Exp(v/tau - m)
		s += out[j]
	}
	for j := range out {
		out[j] /= s
	}
	return out
}

// TestEnsembleAveragesLogits: a crafted case where the mean of logits and the
// mean of probabilities disagree; the ensemble follows the logits.
func TestEnsembleAveragesLogits(t *testing.T) {
	// three models, one example, two classes: two mildly sure of class 0,
	// one very sure of class 1. Mean logits (3.33, 4) → class 1; mean
	// probabilities ≈ (0.66, 0.34) → class 0.
	three := []float64{5, 0, 5, 0, 0, 12}
	m := meanLogits(three, []int{0, 1, 2}, 1, 2)
	if argmax(m) != 1 || math.Abs(m[0]-10.0/3) > 1e-12 || m[1] != 4 {
		t.Fatalf("the ensemble does not average logits: %v", m)
	}
	var p0 float64
	for r := range 3 {
		p0 += softmax(three[2*r:2*r+2], 1)[0] / 3
	}
	if p0 < 0.5 {
		t.Fatal("the crafted case does not separate the two averages")
	}
}

// TestGroupAccuracy: a group's accuracy is that of its mean logit.
func TestGroupAccuracy(t *testing.T) {
	logits := []float64{5, 0, 5, 0, 0, 12} // three runs, one example
	if a := groupAccuracy(logits, 3, 3, 2, []int{1}); a[0] != 1 {
		t.Fatalf("group accuracy %v, want 1", a)
	}
	if a := groupAccuracy(logits, 3, 1, 2, []int{1}); a[0] != 0 || a[2] != 1 {
		t.Fatalf("per-run accuracy %v", a)
	}
}
