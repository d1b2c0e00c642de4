package multiview

import (
	"fmt"
	"theorylab/pkg/progress"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/tensorconv"
	"theorylab/pkg/train"
)

// objective is the training loss of a bank of R runs.
type objective struct {
	Group   int       // runs per jointly trained group (1: every run alone; g: train the mean logit of g runs)
	Teacher []float64 // teacher logits G on the training data, [R, n, k] (nil: plain cross-entropy)
	Mix     []float64 // KD weight λ per run, [R]
	Tau     float64   // temperature τ
}

// lossFn builds the per-run loss from the network's logits on the training
// data, f [R, n, k], and the one-hot labels [n, k]:
//
//	L = (1 − λ)·CE(y, F) + λ·τ²·KL(softmax(G/τ) ‖ softmax(F/τ))
//
// and, for groups, CE of the group's mean logit (F₁ + … + F_g)/g.
func (o objective) lossFn(logits func(w *Node) *Node, onehot *tensors.Tensor) train.LossFn {
	return func(p []*Node) *Node {
		g := p[0].Graph()
		f := logits(p[0]) // [R, n, k]
		R, n, k := f.Shape().Dimensions[0], f.Shape().Dimensions[1], f.Shape().Dimensions[2]
		y := Const(g, onehot)
		if o.Group > 1 {
			// train the average: the mean logit of each group of g runs, [R/g, n, k]
			mean := ReduceMean(Reshape(f, R/o.Group, o.Group, n, k), 1)
			ce := train.SoftmaxCrossEntropy(mean, y) // [R/g]
			// every member carries its group's loss / g, so that the sum is the groups' sum
			per := BroadcastToDims(Reshape(ce, R/o.Group, 1), R/o.Group, o.Group)
			return MulScalar(Reshape(per, R), 1/float64(o.Group))
		}
		ce := train.SoftmaxCrossEntropy(f, y) // [R]
		if o.Teacher == nil {
			return ce
		}
		teacher := Const(g, tensors.FromFlatDataAndDimensions(o.Teacher, R, n, k))
		lam := Const(g, tensors.FromFlatDataAndDimensions(o.Mix, R))
		// KL(softmax(G/τ) ‖ softmax(F/τ)) = Σ_c p_G,c (log p_G,c − log p_F,c), mean over examples
		logPT := LogSoftmax(MulScalar(teacher, 1/o.Tau), -1)
		logPS := LogSoftmax(MulScalar(f, 1/o.Tau), -1)
		kl := MulScalar(ReduceSum(Mul(Exp(logPT), Sub(logPT, logPS)), 1, 2), 1/float64(n))
		// (1 − λ)·CE + λ·τ²·KL
		return Add(Mul(OneMinus(lam), ce), Mul(lam, MulScalar(kl, o.Tau*o.Tau)))
	}
}

// bank is a model family trained R runs at a time.
type bank struct {
	logits func(w *Node) *Node                                 // [R, n, k] on the training data (constants)
	eval   func(w *tensors.Tensor, set int) ([]float64, error) // logits [R, n_set, k] of set 0 (train), 1 (val), 2 (test)
	k      int
}

// fitResult is a trained bank.
type fitResult struct {
	W     *tensors.Tensor
	Steps []int // the step at which each run stopped (reached 100% training accuracy, or the cap)
	Fit   []bool
	Etas  []float64 // the step size of each run
}

// fit trains a bank by full-batch GD, one compiled graph of Check steps
// reused throughout; each run (group) stops at the first check where its
// training accuracy is 100%, or at the cap. onCheck (may be nil) sees the
// parameters at every check. what names the models for the progress bar.
func fit(be compute.Backend, what string, b bank, obj objective, onehot *tensors.Tensor, ytrain []int, w0 *tensors.Tensor,
	etas []float64, cap int, onCheck func(t int, w *tensors.Tensor) error) (*fitResult, error) {
	R := w0.Shape().Dimensions[0]
	bar := progress.New(fmt.Sprintf("multiview: %s, %d runs, GD until each fits (at most %d steps)", what, R, cap), cap)
	if obj.Group < 1 {
		obj.Group = 1
	}
	gd, err := train.NewGD(be, obj.lossFn(b.logits, onehot), Check)
	if err != nil {
		return nil, err
	}
	defer gd.Finalize()
	eta := append([]float64(nil), etas...)
	res := &fitResult{Steps: make([]int, R), Fit: make([]bool, R), Etas: etas}
	w := w0
	for t := 0; ; t += Check {
		if onCheck != nil {
			if err := onCheck(t, w); err != nil {
				return nil, err
			}
		}
		logits, err := b.eval(w, 0)
		if err != nil {
			return nil, err
		}
		acc := groupAccuracy(logits, R, obj.Group, b.k, ytrain)
		running := 0
		for r := range R {
			if eta[r] == 0 {
				continue
			}
			if acc[r/obj.Group] == 1 {
				res.Steps[r], res.Fit[r], eta[r] = t, true, 0
				continue
			}
			if t == cap {
				res.Steps[r], eta[r] = t, 0
				continue
			}
			running++
		}
		if running == 0 {
			bar.Done(fmt.Sprintf("every run stopped by step %d", t))
			break
		}
		bar.Update(t, fmt.Sprintf("%d of %d runs still training", running, R))
		next, _, err := gd.Steps([]*tensors.Tensor{w}, tensors.FromFlatDataAndDimensions(eta, R))
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", t, err)
		}
		w = next[0]
	}
	res.W = w
	return res, nil
}

// groupAccuracy is the accuracy of each group's mean logit: logits [R, n, k].
func groupAccuracy(logits []float64, R, group, k int, labels []int) []float64 {
	n := len(labels)
	G := R / group
	mean := make([]float64, G*n*k)
	for r := range R {
		for i := range n * k {
			mean[(r/group)*n*k+i] += logits[r*n*k+i] / float64(group)
		}
	}
	acc, _ := train.Accuracy(mean, G, k, labels)
	return acc
}

// patchEval compiles the forward pass of a patch-network bank on chunks of
// rows inputs and runs it over a whole set.
type patchEval struct {
	exec *Exec
	rows int
}

func newPatchEval(be compute.Backend, logits func(w, x *Node) *Node, rows int) (*patchEval, error) {
	exec, err := NewExec(be, logits)
	if err != nil {
		return nil, err
	}
	return &patchEval{exec: exec, rows: rows}, nil
}

// run returns the logits [R, n, k] of the set x (flat [n, P, d], n a multiple of rows).
func (e *patchEval) run(w *tensors.Tensor, x []float64, n, P, d, k int) ([]float64, error) {
	R := w.Shape().Dimensions[0]
	out := make([]float64, R*n*k)
	for start := 0; start < n; start += e.rows {
		chunk := tensors.FromFlatDataAndDimensions(append([]float64(nil), x[start*P*d:(start+e.rows)*P*d]...), e.rows, P, d)
		t, err := e.exec.Call1(w, chunk)
		if err != nil {
			return nil, err
		}
		vals, err := tensorconv.Floats(t) // [R, rows, k]
		if err != nil {
			return nil, err
		}
		for r := range R {
			copy(out[(r*n+start)*k:(r*n+start+e.rows)*k], vals[r*e.rows*k:(r+1)*e.rows*k])
		}
	}
	return out, nil
}
