package multiview

import (
	"math"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/tensorconv"
)

// tinyMNIST is a seconds-sized MNIST check: 2 singles, 1 KD and 1 self-distillation student.
func tinyMNIST() *MNISTConfig {
	return &MNISTConfig{Train: 200, Val: 100, Test: 200, Hidden: 16,
		LRs: []float64{3e-3}, Epochs: 5, Batch: 50, Singles: 2, KD: 1, Self: 1}
}

// TestMNISTCheck runs the MNIST path on a tiny configuration: the singles
// learn (well above chance), the ensemble is measured, the claims read the
// results; and with λ = 0 a KD student is exactly its same-seed null (same
// initialisation, same minibatch order, same loss), which is what makes the
// null the student without its teacher.
func TestMNISTCheck(t *testing.T) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	cfg := tiny()
	cfg.MNIST = tinyMNIST()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	rep, err := mnistReplicate(be, cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Singles) != 2 || len(rep.KD) != 1 || len(rep.KDNull) != 1 || len(rep.Self) != 1 || len(rep.SelfNull) != 1 || len(rep.LR) != 3 {
		t.Fatalf("unexpected replicate layout: %+v", rep)
	}
	for _, m := range rep.Singles {
		if m.TestAcc < 0.3 || m.TrainAcc < 0.3 {
			t.Errorf("single %d learned nothing: train %.3f, test %.3f", m.Seed, m.TrainAcc, m.TestAcc)
		}
	}
	if rep.KDNull[0].Seed != rep.KD[0].Seed || rep.SelfNull[0].Seed != rep.Self[0].Seed || rep.SelfNull[0].Seed == rep.Singles[0].Seed {
		t.Errorf("nulls do not share their student's seed (or share the teacher's): %+v", rep)
	}
	res := &Results{Config: cfg, MNIST: &MNISTResults{Config: *cfg.MNIST, Replicates: []MNISTReplicate{*rep}}}
	seen := map[string]bool{}
	for _, c := range Claims.Evaluate(res) {
		seen[c.ID] = true
		if c.ID == "MV-10" && math.IsNaN(c.Measured) {
			t.Errorf("MV-10 measured nothing: %+v", c)
		}
	}
	if !seen["MV-10"] || !seen["MV-11"] || !seen["MV-12"] {
		t.Errorf("the MNIST claims are missing: %v", seen)
	}

	// λ = 0: the KD student trains on the plain cross-entropy, so it is its null, bit for bit.
	cfg.KDMix = 0
	rep0, err := mnistReplicate(be, cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep0.KD[0] != rep0.KDNull[0] {
		t.Errorf("with λ = 0 the KD student %+v differs from its same-seed null %+v", rep0.KD[0], rep0.KDNull[0])
	}
}

// TestMNISTLoss: the student loss is the cross-entropy at λ = 0, zero with
// its gradient toward a teacher equal to the student at λ = 1, and τ²·KL
// (computed on the host) toward another teacher.
func TestMNISTLoss(t *testing.T) {
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	net := tinyMNIST().net()
	w, err := net.InitParams([]uint64{1, 2}, dtypes.Float32)
	if err != nil {
		t.Fatal(err)
	}
	R, B, k := 2, 6, data.MNISTClasses
	x := make([]float32, R*B*mnistD)
	y := make([]float32, R*B*k)
	for i := range x {
		x[i] = float32((i*37)%101) / 101
	}
	for i := range R * B {
		y[i*k+i%k] = 1
	}
	xt := tensors.FromFlatDataAndDimensions(x, R, B, mnistD)
	yt := tensors.FromFlatDataAndDimensions(y, R, B, k)
	// the student's own logits [R, B, k]
	fwd, err := NewExec(be, func(in []*Node) *Node { return net.Forward(in[:len(in)-1], in[len(in)-1]) })
	if err != nil {
		t.Fatal(err)
	}
	ft, err := fwd.Call1(append(tensorArgs(w), xt)...)
	if err != nil {
		t.Fatal(err)
	}
	self, _ := tensorconv.Floats(ft)
	// loss and gradient norm² for (λ, τ, batch)
	eval := func(mix, tau float64, batch ...*tensors.Tensor) ([]float64, float64) {
		exec, err := NewExec(be, func(in []*Node) (*Node, *Node) {
			p, b := in[:len(w)], in[len(w):]
			l := mnistLoss(net, mix, tau)(p, b)
			g := Gradient(ReduceAllSum(l), p...)
			sq := ReduceAllSum(Square(g[0]))
			for _, gi := range g[1:] {
				sq = Add(sq, ReduceAllSum(Square(gi)))
			}
			return l, sq
		})
		if err != nil {
			t.Fatal(err)
		}
		outs, err := exec.Call(append(tensorArgs(w), tensorArgs(batch)...)...)
		if err != nil {
			t.Fatal(err)
		}
		l, _ := tensorconv.Floats(outs[0])
		g, _ := tensorconv.Floats(outs[1])
		return l, g[0]
	}
	f32 := func(v []float64) *tensors.Tensor {
		out := make([]float32, len(v))
		for i, x := range v {
			out[i] = float32(x)
		}
		return tensors.FromFlatDataAndDimensions(out, R, B, k)
	}
	if l, g := eval(1, 4, xt, yt, f32(self)); math.Abs(l[0])+math.Abs(l[1]) > 1e-5 || g > 1e-8 {
		t.Errorf("λ = 1 toward itself: loss %v, |grad|² %v; want 0", l, g)
	}
	ce, _ := eval(0, 4, xt, yt)
	other := make([]float64, len(self))
	for i := range other {
		other[i] = float64(i%7) * 0.3
	}
	mixed0, _ := eval(0, 2, xt, yt, f32(other))
	kd, _ := eval(1, 2, xt, yt, f32(other))
	for r := range R {
		if math.Abs(mixed0[r]-ce[r]) > 1e-5 {
			t.Errorf("run %d: λ = 0 gives %v, want the cross-entropy %v", r, mixed0[r], ce[r])
		}
		kl := 0.0
		for i := range B {
			pt := softmax(other[(r*B+i)*k:(r*B+i+1)*k], 2)
			ps := softmax(self[(r*B+i)*k:(r*B+i+1)*k], 2)
			for j := range k {
				kl += pt[j] * math.Log(pt[j]/ps[j]) / float64(B)
			}
		}
		if math.Abs(kd[r]-4*kl) > 1e-4*(1+4*kl) {
			t.Errorf("run %d: KD loss %v, want τ²·KL = %v", r, kd[r], 4*kl)
		}
	}
}

func tensorArgs(ts []*tensors.Tensor) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = t
	}
	return out
}
