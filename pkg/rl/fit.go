package rl

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Fit trains one policy network per dataset (all in one graph, R =
// len(data)) by Adam on the set-valued loss, for steps minibatches of size
// batch drawn uniformly with replacement, and returns the trained policies
// and each run's loss at the last step. seeds[r] seeds run r's
// initialisation and its minibatch stream.
func Fit(be compute.Backend, hidden []int, lr float64, steps, batch int, seeds []uint64, data []*Dataset) ([]*Policy, []float64, error) {
	if len(data) == 0 || len(seeds) != len(data) {
		return nil, nil, fmt.Errorf("rl.Fit: %d datasets and %d seeds", len(data), len(seeds))
	}
	dim, k := data[0].Dim, data[0].K
	for _, d := range data {
		if d.Dim != dim || d.K != k || d.Len() == 0 {
			return nil, nil, fmt.Errorf("rl.Fit: datasets must be non-empty and share their shapes")
		}
	}
	init := make([]uint64, len(seeds))
	rngs := make([]*rand.Rand, len(seeds))
	for i, s := range seeds {
		init[i] = mix(s, 21)
		rngs[i] = rand.New(rand.NewPCG(s, 22))
	}
	tr, err := newTrainer(be, PolicyNet(dim, k, hidden), init, lr, func(logits *graph.Node, targets []*graph.Node) *graph.Node {
		return SetLoss(logits, targets[0])
	})
	if err != nil {
		return nil, nil, err
	}
	defer tr.mb.Finalize()
	var last []float64
	for step := range steps {
		x, m := sampleBatch(data, rngs, batch)
		if last, err = tr.mb.Step(tensors.FromFlatDataAndDimensions(x, len(data), batch, dim),
			tensors.FromFlatDataAndDimensions(m, len(data), batch, k)); err != nil {
			return nil, nil, fmt.Errorf("rl.Fit: step %d: %w", step, err)
		}
	}
	pols, err := tr.policies()
	return pols, last, err
}

// sampleBatch draws batch examples of every dataset (uniformly, with
// replacement) and stacks them: x [R, batch, dim] and masks [R, batch, K].
func sampleBatch(data []*Dataset, rngs []*rand.Rand, batch int) (x, m []float64) {
	dim, k := data[0].Dim, data[0].K
	x = make([]float64, 0, len(data)*batch*dim)
	m = make([]float64, 0, len(data)*batch*k)
	for i, d := range data {
		for range batch {
			j := rngs[i].IntN(d.Len())
			x = append(x, d.X[j*dim:(j+1)*dim]...)
			m = append(m, d.Mask[j*k:(j+1)*k]...)
		}
	}
	return x, m
}

// Accuracy is the fraction of the dataset's examples whose greedy action is
// in the label set, counting only informative examples (label set smaller
// than A) when informative is set; NaN when there are none.
func (p *Policy) Accuracy(d *Dataset, informative bool) float64 {
	right, n := 0, 0
	for i := range d.Len() {
		mask := d.Mask[i*d.K : (i+1)*d.K]
		size := 0
		for _, v := range mask {
			if v > 0 {
				size++
			}
		}
		if informative && size == d.K {
			continue
		}
		n++
		if mask[p.Act(d.X[i*d.Dim:(i+1)*d.Dim])] > 0 {
			right++
		}
	}
	if n == 0 {
		return nan()
	}
	return float64(right) / float64(n)
}

// Informative counts the examples whose label set is smaller than A.
func (d *Dataset) Informative() int {
	n := 0
	for i := range d.Len() {
		for _, v := range d.Mask[i*d.K : (i+1)*d.K] {
			if v == 0 {
				n++
				break
			}
		}
	}
	return n
}
