package train

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/pkg/data"
	"theorylab/pkg/tensorconv"
)

// Param is one named parameter tensor of a model trained by Minibatch. Its
// value carries the leading run axis [R, …]. A frozen parameter (Trainable
// false) enters the graph like any other but the optimizer never touches it.
type Param struct {
	Name      string
	Value     *tensors.Tensor
	Trainable bool
}

// BatchLossFn builds the per-run training loss [R] from the parameters (in
// the order they were given to NewMinibatch) and the tensors of one
// minibatch (in the order they are given to Step).
type BatchLossFn func(params []*Node, batch []*Node) *Node

// Minibatch trains parameters with one of GoMLX's optimizers (for example
// optimizer.Adam()), one minibatch per Step, for R independent runs at
// once. The parameters live in a GoMLX model.Store (trainable ones marked so),
// and the optimizer's UpdateGraph minimises the sum of the per-run losses:
// the runs share no parameters, so each run's parameters see exactly their
// own run's gradient, and element-wise optimizers such as Adam then update
// each run as if it were trained alone. (A per-run learning rate is not
// supported: runs in one Minibatch share the optimizer's hyperparameters.)
type Minibatch struct {
	store     *model.Store
	vars      []*model.Variable
	exec      *model.Exec
	names     []string
	trainable int // trainable values per run
	steps     int
}

// NewMinibatch sets up the parameters and compiles (lazily, on the first
// Step) one training step: loss, gradient of the trainable parameters,
// optimizer update.
func NewMinibatch(backend compute.Backend, params []Param, opt optimizer.Interface, loss BatchLossFn) (*Minibatch, error) {
	if len(params) == 0 {
		return nil, fmt.Errorf("train.NewMinibatch: no parameters")
	}
	if opt == nil {
		return nil, fmt.Errorf("train.NewMinibatch: no optimizer")
	}
	m := &Minibatch{store: model.NewStore()}
	seen := map[string]bool{}
	anyTrainable := false
	for _, p := range params {
		if p.Name == "" || seen[p.Name] {
			return nil, fmt.Errorf("train.NewMinibatch: parameter names must be unique and non-empty, got %q", p.Name)
		}
		if p.Value == nil {
			return nil, fmt.Errorf("train.NewMinibatch: parameter %q has no value", p.Name)
		}
		seen[p.Name] = true
		anyTrainable = anyTrainable || p.Trainable
		if p.Trainable {
			dims := p.Value.Shape().Dimensions
			size := 1
			for _, d := range dims[1:] {
				size *= d
			}
			m.trainable += size
		}
		// The store owns (and may donate) its values: give it a copy, so the
		// caller's tensor stays valid and unchanged.
		value, err := p.Value.LocalClone()
		if err != nil {
			return nil, fmt.Errorf("train.NewMinibatch: parameter %q: %w", p.Name, err)
		}
		v := m.store.RootScope().In("params").VariableWithValue(p.Name, value).SetTrainable(p.Trainable)
		m.vars = append(m.vars, v)
		m.names = append(m.names, p.Name)
	}
	if !anyTrainable {
		return nil, fmt.Errorf("train.NewMinibatch: every parameter is frozen")
	}
	exec, err := model.NewExec(backend, m.store, func(scope *model.Scope, batch []*Node) *Node {
		g := batch[0].Graph()
		nodes := make([]*Node, len(m.vars))
		for i, v := range m.vars {
			nodes[i] = v.NodeValue(g)
		}
		l := loss(nodes, batch) // [R]
		// Σ_runs L_r: each run's parameters get their own run's gradient.
		opt.UpdateGraph(scope, g, ReduceAllSum(l))
		return l
	})
	if err != nil {
		return nil, err
	}
	m.exec = exec
	return m, nil
}

// Step runs one optimizer step on the given minibatch and returns each run's
// loss at the parameters before the step. A run whose loss is not a finite
// number is reported as a *DivergedError naming the run.
func (m *Minibatch) Step(batch ...*tensors.Tensor) ([]float64, error) {
	if len(batch) == 0 {
		return nil, fmt.Errorf("train.Minibatch.Step: empty minibatch")
	}
	args := make([]any, len(batch))
	for i, b := range batch {
		args[i] = b
	}
	outs, err := m.exec.Call(args...)
	if err != nil {
		return nil, err
	}
	losses, err := tensorconv.Floats(outs[0])
	if err != nil {
		return nil, err
	}
	m.steps++
	for r, l := range losses {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return losses, &DivergedError{Run: r, StepOffset: m.steps - 1, Loss: l}
		}
	}
	return losses, nil
}

// Steps is the number of steps taken so far.
func (m *Minibatch) Steps() int { return m.steps }

// Params returns copies of the current parameter values, in the order given
// to NewMinibatch (frozen ones included).
func (m *Minibatch) Params() ([]*tensors.Tensor, error) {
	out := make([]*tensors.Tensor, len(m.vars))
	for i, v := range m.vars {
		t, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("train.Minibatch: parameter %q: %w", m.names[i], err)
		}
		if out[i], err = t.LocalClone(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// NumTrainable is the number of trainable values of one run.
func (m *Minibatch) NumTrainable() int { return m.trainable }

// Finalize releases the compiled graph.
func (m *Minibatch) Finalize() { m.exec.Finalize() }

// Batcher draws minibatch indices for R runs. Each run walks through its own
// random order of the N examples, a new order every epoch
// (data.Permutation with a seed mixed from the run's seed and the epoch);
// the last incomplete batch of an epoch is dropped, so that every batch has
// exactly Size examples and one compiled graph serves every step.
type Batcher struct {
	N, Size int
	seeds   []uint64
	epoch   int
	pos     int
	perms   [][]int
}

// NewBatcher returns a Batcher over n examples in batches of size, one run per seed.
func NewBatcher(n, size int, seeds []uint64) (*Batcher, error) {
	if size < 1 || size > n {
		return nil, fmt.Errorf("train.NewBatcher: batch size must be in [1, n = %d], got %d", n, size)
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("train.NewBatcher: no seeds")
	}
	b := &Batcher{N: n, Size: size, seeds: append([]uint64(nil), seeds...)}
	b.shuffle()
	return b, nil
}

// StepsPerEpoch is ⌊N/Size⌋.
func (b *Batcher) StepsPerEpoch() int { return b.N / b.Size }

// Epoch is the epoch the next batch belongs to (0-based).
func (b *Batcher) Epoch() int { return b.epoch }

func (b *Batcher) shuffle() {
	b.perms = b.perms[:0]
	for _, s := range b.seeds {
		b.perms = append(b.perms, data.Permutation(b.N, mixSeed(s, uint64(b.epoch))))
	}
}

// Next returns the indices of the next batch of every run, idx[r][i].
func (b *Batcher) Next() [][]int {
	idx := make([][]int, len(b.seeds))
	for r := range idx {
		idx[r] = b.perms[r][b.pos : b.pos+b.Size]
	}
	b.pos += b.Size
	if b.pos+b.Size > b.N { // the rest is an incomplete batch: start the next epoch
		b.epoch++
		b.pos = 0
		b.perms = make([][]int, 0, len(b.seeds))
		b.shuffle()
	}
	return idx
}

// mixSeed combines a run's seed and an epoch number into one permutation
// seed (SplitMix64 finaliser), so that nearby seeds and epochs give
// unrelated orders.
func mixSeed(seed, epoch uint64) uint64 {
	z := seed*0x9E3779B97F4A7C15 + epoch + 0x632BE59BD9B4E019
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// GatherRows builds a batch tensor [R, B, d] from the rows of x (an [N, d]
// row-major matrix) chosen by idx[r][i].
func GatherRows[T float32 | float64](x []T, d int, idx [][]int) *tensors.Tensor {
	batch := len(idx[0])
	out := make([]T, 0, len(idx)*batch*d)
	for _, run := range idx {
		for _, i := range run {
			out = append(out, x[i*d:(i+1)*d]...)
		}
	}
	return tensors.FromFlatDataAndDimensions(out, len(idx), batch, d)
}
