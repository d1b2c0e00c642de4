package rl

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// ReinforceConfig is the model-free baseline's settings, shared by the runs
// trained together.
type ReinforceConfig struct {
	Hidden    []int   `json:"hidden"`     // hidden widths of the policy MLP
	LR        float64 `json:"lr"`         // Adam's learning rate
	Batch     int     `json:"batch"`      // transitions per update
	Budget    int64   `json:"budget"`     // transitions per run, in all
	EvalEvery int     `json:"eval_every"` // updates between scores
}

// Validate reports every problem, naming the field.
func (c ReinforceConfig) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("reinforce: "+format, args...)) }
	if !(c.LR > 0) {
		bad("lr must be > 0, got %v", c.LR)
	}
	if c.Batch < 1 {
		bad("batch must be ≥ 1, got %d", c.Batch)
	}
	if c.Budget < int64(c.Batch) {
		bad("budget must be ≥ batch (%d), got %d", c.Batch, c.Budget)
	}
	if c.EvalEvery < 1 {
		bad("eval_every must be ≥ 1, got %d", c.EvalEvery)
	}
	return errors.Join(errs...)
}

// Checkpoint is a REINFORCE run's score after some number of transitions.
type Checkpoint struct {
	Transitions int64   `json:"transitions"`
	Val         float64 `json:"val"`
	Test        float64 `json:"test"`
}

// ReinforceRun is one task's learning curve.
type ReinforceRun struct {
	Name   string       `json:"name"`
	H      int          `json:"h"`
	Curve  []Checkpoint `json:"curve"`
	Policy *Policy      `json:"-"`
}

// Reinforce trains a softmax policy on every task by REINFORCE with a
// per-time-step baseline (our model-free reference; it uses sampled episodes
// only, no lookahead). Each update samples whole episodes from fresh start
// states until it has at least Batch transitions, computes the returns to
// go Gₜ and the advantages Aₜ = Gₜ − bₜ (bₜ the batch's mean return to go at
// time t), scales them to unit standard deviation, and takes one Adam step
// on −(1/B) Σ Aₜ log π(aₜ|sₜ) over Batch of the transitions; it makes
// ⌊Budget/Batch⌋ updates. Every sampled transition is counted (an update
// samples at most H − 1 more than Batch). Task.L is ignored.
func Reinforce[S comparable](be compute.Backend, cfg ReinforceConfig, tasks []Task[S], progress func(update, updates int64)) ([]ReinforceRun, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(tasks) == 0 {
		return nil, fmt.Errorf("rl.Reinforce: no tasks")
	}
	k := tasks[0].Env.NumActions()
	dim := len(tasks[0].Observe(tasks[0].Start(rand.New(rand.NewPCG(0, 0)))))
	net := PolicyNet(dim, k, cfg.Hidden)
	seeds := make([]uint64, len(tasks))
	for i, t := range tasks {
		seeds[i] = mix(t.Seed, 11)
	}
	tr, err := newTrainer(be, net, seeds, cfg.LR, func(logits *graph.Node, targets []*graph.Node) *graph.Node {
		return PolicyGradientLoss(logits, targets[0], targets[1])
	})
	if err != nil {
		return nil, err
	}
	defer tr.mb.Finalize()
	rngs := make([]*rand.Rand, len(tasks))
	runs := make([]ReinforceRun, len(tasks))
	used := make([]int64, len(tasks))
	for i, t := range tasks {
		rngs[i] = rand.New(rand.NewPCG(t.Seed, 12))
		runs[i] = ReinforceRun{Name: t.Name, H: t.H}
	}
	pols, err := tr.policies()
	if err != nil {
		return nil, err
	}
	score := func() {
		parallel(len(tasks), func(i int) {
			t := tasks[i]
			runs[i].Curve = append(runs[i].Curve, Checkpoint{Transitions: used[i],
				Val: t.Val.Score(t.Env, t.Observe, pols[i], t.H), Test: t.Test.Score(t.Env, t.Observe, pols[i], t.H)})
		})
	}
	score()
	xs := make([][]float64, len(tasks))
	acts := make([][]float64, len(tasks))
	advs := make([][]float64, len(tasks))
	updates := int(cfg.Budget / int64(cfg.Batch))
	for update := 1; update <= updates; update++ {
		parallel(len(tasks), func(i int) {
			var n int64
			xs[i], acts[i], advs[i], n = reinforceBatch(tasks[i], pols[i], cfg.Batch, k, rngs[i])
			used[i] += n
		})
		var x, a, adv []float64
		for i := range tasks {
			x = append(x, xs[i]...)
			a = append(a, acts[i]...)
			adv = append(adv, advs[i]...)
		}
		if _, err := tr.mb.Step(tensors.FromFlatDataAndDimensions(x, len(tasks), cfg.Batch, dim),
			tensors.FromFlatDataAndDimensions(a, len(tasks), cfg.Batch, k),
			tensors.FromFlatDataAndDimensions(adv, len(tasks), cfg.Batch)); err != nil {
			return nil, fmt.Errorf("rl.Reinforce: update %d: %w", update, err)
		}
		if pols, err = tr.policies(); err != nil {
			return nil, err
		}
		if update%cfg.EvalEvery == 0 {
			score()
		}
		if progress != nil {
			progress(int64(update), int64(updates))
		}
	}
	if updates%cfg.EvalEvery != 0 {
		score()
	}
	for i := range runs {
		runs[i].Policy = pols[i]
	}
	return runs, nil
}

// reinforceBatch samples episodes until it has at least batch transitions
// and returns batch of them (observations, one-hot actions, advantages) and
// the number of transitions sampled.
func reinforceBatch[S comparable](t Task[S], p *Policy, batch, k int, rng *rand.Rand) (x, onehot, adv []float64, sampled int64) {
	type step struct {
		obs []float64
		a   int
		t   int
		g   float64 // return to go
	}
	var steps []step
	var sum, count []float64 // per time step, for the baseline
	for len(steps) < batch {
		s := t.Start(rng)
		first := len(steps)
		var rewards []float64
		for h := 0; h < t.H && !t.Env.Absorbing(s); h++ {
			obs := t.Observe(s)
			a := p.Sample(obs, rng)
			var r float64
			s, r = t.Env.Step(s, a)
			steps = append(steps, step{obs: obs, a: a, t: h})
			rewards = append(rewards, r)
		}
		// Gₜ = Σ_{t′ ≥ t} r_{t′} (no discount).
		g := 0.0
		for j := len(rewards) - 1; j >= 0; j-- {
			g += rewards[j]
			steps[first+j].g = g
		}
	}
	for _, st := range steps {
		for len(sum) <= st.t {
			sum, count = append(sum, 0), append(count, 0)
		}
		sum[st.t] += st.g
		count[st.t]++
	}
	// Aₜ = Gₜ − bₜ with bₜ the mean return to go at time t, then scaled to unit standard deviation.
	a := make([]float64, len(steps))
	var sq float64
	for i, st := range steps {
		a[i] = st.g - sum[st.t]/count[st.t]
		sq += a[i] * a[i]
	}
	if sd := math.Sqrt(sq / float64(len(a))); sd > 1e-12 {
		for i := range a {
			a[i] /= sd
		}
	}
	pick := rng.Perm(len(steps))[:batch]
	for _, i := range pick {
		x = append(x, steps[i].obs...)
		row := make([]float64, k)
		row[steps[i].a] = 1
		onehot = append(onehot, row...)
		adv = append(adv, a[i])
	}
	return x, onehot, adv, int64(len(steps))
}
