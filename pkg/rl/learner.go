package rl

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/models/mlp"
	"theorylab/pkg/train"
)

// LearnerConfig holds the settings that every run trained together shares
// (one graph trains them all, so they share the optimizer's settings).
type LearnerConfig struct {
	Hidden []int   `json:"hidden"` // hidden widths of the policy MLP (none: linear-softmax)
	LR     float64 `json:"lr"`     // Adam's learning rate
	Batch  int     `json:"batch"`  // minibatch size
	Rounds int     `json:"rounds"` // DAgger rounds
	Starts int     `json:"starts"` // roll-in episodes per round
	Labels int     `json:"labels"` // labelled states per roll-in episode
	Steps  int     `json:"steps"`  // Adam steps per round
}

// Validate reports every problem, naming the field.
func (c LearnerConfig) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("learner: "+format, args...)) }
	for _, h := range c.Hidden {
		if h < 1 {
			bad("hidden widths must be ≥ 1, got %v", c.Hidden)
			break
		}
	}
	if !(c.LR > 0) {
		bad("lr must be > 0, got %v", c.LR)
	}
	if c.Batch < 1 {
		bad("batch must be ≥ 1, got %d", c.Batch)
	}
	if c.Rounds < 1 {
		bad("rounds must be ≥ 1, got %d", c.Rounds)
	}
	if c.Starts < 1 {
		bad("starts must be ≥ 1, got %d", c.Starts)
	}
	if c.Labels < 1 {
		bad("labels must be ≥ 1, got %d", c.Labels)
	}
	if c.Steps < 1 {
		bad("steps must be ≥ 1, got %d", c.Steps)
	}
	return errors.Join(errs...)
}

// GridProblems checks a learner whose learning rate is chosen from grid
// (c.LR is ignored): c's other fields as Validate does (one error), then
// the grid, which must hold at least one rate and only rates > 0. It returns
// one error per problem, each naming its field, for the caller's checker to
// prefix; none when all is well.
func (c LearnerConfig) GridProblems(grid []float64) []error {
	var errs []error
	c.LR = 1 // chosen from lr_grid
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(grid) == 0 {
		errs = append(errs, errors.New("lr_grid is empty"))
	}
	for _, lr := range grid {
		if !(lr > 0) {
			errs = append(errs, fmt.Errorf("lr_grid values must be > 0, got %v", lr))
		}
	}
	return errs
}

// Task is one run of a learner: an environment and how to observe and start
// it, the horizon H, the lookahead L, a seed, and the held-out start states
// on which the run is scored after every round (validation, to choose
// settings, and test, to report), with their exact optimal returns.
type Task[S comparable] struct {
	Name    string
	Env     MDP[S]
	Observe func(S) []float64
	Start   func(*rand.Rand) S
	H, L    int
	Seed    uint64
	Val     EvalSet[S]
	Test    EvalSet[S]
	// Consensus (paper 10): when Envs is not empty the task has several
	// environments that share Env's transitions and differ in their rewards
	// (Envs[i]) and in what the policy sees (ObserveIn(i, s); Observe is then
	// unused). Roll-in episode j runs in environment j mod len(Envs); a
	// labelled state is labelled in every environment (each search pays its
	// queries) with the intersection of the label sets, and enters the data
	// once per environment. Scores are per environment, with Env's rewards.
	Envs      []MDP[S]
	ObserveIn func(env int, s S) []float64
}

// envs is the number of environments of the task (1 without Envs).
func (t Task[S]) envs() int { return max(1, len(t.Envs)) }

// observe is what the policy sees of s in environment i.
func (t Task[S]) observe(i int, s S) []float64 {
	if len(t.Envs) == 0 {
		return t.Observe(s)
	}
	return t.ObserveIn(i, s)
}

// rewardEnv is environment i's MDP (its rewards).
func (t Task[S]) rewardEnv(i int) MDP[S] {
	if len(t.Envs) == 0 {
		return t.Env
	}
	return t.Envs[i]
}

// score returns the worst environment's ratio and every environment's.
func (t Task[S]) score(e EvalSet[S], p *Policy) (float64, []float64) {
	worst := math.Inf(1)
	var each []float64
	for i := range t.envs() {
		r := e.Score(t.Env, func(s S) []float64 { return t.observe(i, s) }, p, t.H)
		each = append(each, r)
		worst = math.Min(worst, r)
	}
	return worst, each
}

// EvalSet is a set of start states and Σ V*(s₁) over them (exact).
type EvalSet[S comparable] struct {
	Starts  []S
	Optimal float64
}

// NewEvalSet computes the exact optimal return of each start with horizon H
// by cached search (an oracle: its queries are nobody's).
func NewEvalSet[S comparable](m MDP[S], starts []S, h int) EvalSet[S] {
	sr := NewSearch(m, true, true)
	total := 0.0
	for _, s := range starts {
		sr.Reset()
		total += sr.Value(s, h, 0)
	}
	return EvalSet[S]{Starts: starts, Optimal: total}
}

// Score plays the greedy policy from every start for H steps and returns the
// ratio of sums Σ return / Σ V*.
func (e EvalSet[S]) Score(m MDP[S], observe func(S) []float64, p *Policy, h int) float64 {
	total := 0.0
	for _, s := range e.Starts {
		r, _ := Rollout(m, s, h, func(_ int, s S) int { return p.Act(observe(s)) })
		total += r
	}
	return total / e.Optimal
}

// Round is what a learner run has spent and achieved after one round.
type Round struct {
	Queries     int64   `json:"queries"`     // cumulative: label-search queries + roll-in transitions
	Search      Queries `json:"search"`      // cumulative label-search queries (all counts)
	RollIn      int64   `json:"roll_in"`     // cumulative roll-in transitions
	Labels      int     `json:"labels"`      // cumulative labelled states
	Informative int     `json:"informative"` // of which with a label set smaller than A
	Conflicts   int     `json:"conflicts"`   // labelled states whose consensus label set was empty (skipped)
	Loss        float64 `json:"loss"`        // training loss at the round's last step
	Val         float64 `json:"val"`         // validation return ratio (the worst environment's)
	Test        float64 `json:"test"`        // test return ratio (the worst environment's)
	// Per environment, for tasks with several.
	TestEnv []float64 `json:"test_env,omitempty"`
}

// LearnerRun is one task's learning curve.
type LearnerRun struct {
	Name    string  `json:"name"`
	H       int     `json:"h"`
	L       int     `json:"l"`
	Initial float64 `json:"initial"` // test ratio of the untrained network
	Rounds  []Round `json:"rounds"`
	// Policy is the final network; Data the labelled states (not stored in results).
	Policy *Policy  `json:"-"`
	Data   *Dataset `json:"-"`
}

// Dataset is a set of observations with label sets, as masks.
type Dataset struct {
	Dim, K int
	X      []float64 // [N, Dim]
	Mask   []float64 // [N, K], 1 for a ∈ Y(s)
}

// Len is the number of examples.
func (d *Dataset) Len() int { return len(d.Mask) / d.K }

// Add appends one labelled observation.
func (d *Dataset) Add(x []float64, labels []int) {
	d.X = append(d.X, x...)
	row := make([]float64, d.K)
	for _, a := range labels {
		row[a] = 1
	}
	d.Mask = append(d.Mask, row...)
}

// Learn runs lookahead-labelled DAgger (our CPU variant of the paper's
// forward training) on every task at once, one stationary policy per task:
//
//	for each round: roll in the current policy from Starts fresh start states;
//	  label Labels visited live states per episode with Y(s) = argmax_a Q_L(s, a),
//	  by a plain (uncached) L-step tree search; add them to the task's data;
//	  take Steps Adam steps on the set-valued loss −log Σ_{a∈Y(s)} π(a|s);
//	  score the greedy policy on the validation and test starts.
//
// The label search is not truncated at the horizon: a stationary policy sees
// no clock, so its labels are those of the stationary game. All tasks must
// share the observation size and the number of actions. progress, if not
// nil, is called after every round.
func Learn[S comparable](be compute.Backend, cfg LearnerConfig, tasks []Task[S], progress func(round int)) ([]LearnerRun, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(tasks) == 0 {
		return nil, fmt.Errorf("rl.Learn: no tasks")
	}
	k := tasks[0].Env.NumActions()
	dim := len(tasks[0].observe(0, tasks[0].Start(rand.New(rand.NewPCG(0, 0)))))
	for _, t := range tasks {
		if t.Env.NumActions() != k || len(t.observe(0, t.Start(rand.New(rand.NewPCG(0, 0))))) != dim {
			return nil, fmt.Errorf("rl.Learn: task %s has a different observation size or action count", t.Name)
		}
		if t.H < 1 || t.L < 1 {
			return nil, fmt.Errorf("rl.Learn: task %s: H and L must be ≥ 1, got %d and %d", t.Name, t.H, t.L)
		}
	}
	net := PolicyNet(dim, k, cfg.Hidden)
	seeds := make([]uint64, len(tasks))
	for i, t := range tasks {
		seeds[i] = mix(t.Seed, 1)
	}
	tr, err := newTrainer(be, net, seeds, cfg.LR, func(logits *graph.Node, targets []*graph.Node) *graph.Node {
		return SetLoss(logits, targets[0])
	})
	if err != nil {
		return nil, err
	}
	defer tr.mb.Finalize()

	type state struct {
		rollRng, pickRng, batchRng *rand.Rand
		searches                   []*Search[S]
		data                       *Dataset
		rollIn                     int64
		informative, conflicts     int
	}
	st := make([]*state, len(tasks))
	runs := make([]LearnerRun, len(tasks))
	for i, t := range tasks {
		st[i] = &state{
			rollRng:  rand.New(rand.NewPCG(t.Seed, 2)),
			pickRng:  rand.New(rand.NewPCG(t.Seed, 3)),
			batchRng: rand.New(rand.NewPCG(t.Seed, 4)),
			data:     &Dataset{Dim: dim, K: k},
		}
		for e := range t.envs() {
			st[i].searches = append(st[i].searches, NewSearch(t.rewardEnv(e), false, true))
		}
		runs[i] = LearnerRun{Name: t.Name, H: t.H, L: t.L}
	}
	pols, err := tr.policies()
	if err != nil {
		return nil, err
	}
	parallel(len(tasks), func(i int) {
		t := tasks[i]
		runs[i].Initial, _ = t.score(t.Test, pols[i])
	})
	for round := range cfg.Rounds {
		// Roll in and label, every task in parallel (plain Go).
		parallel(len(tasks), func(i int) {
			t, s := tasks[i], st[i]
			p := pols[i]
			for j := range cfg.Starts {
				env := j % t.envs()
				_, visited := Rollout(t.Env, t.Start(s.rollRng), t.H, func(_ int, x S) int { return p.Act(t.observe(env, x)) })
				s.rollIn += int64(len(visited))
				picks := s.pickRng.Perm(len(visited))
				if len(picks) > cfg.Labels {
					picks = picks[:cfg.Labels]
				}
				for _, h := range picks {
					y, _ := ConsensusLabels(s.searches, visited[h], t.L, h)
					if len(y) == 0 {
						s.conflicts++
						continue
					}
					if len(y) < k {
						s.informative++
					}
					for e := range t.envs() {
						s.data.Add(t.observe(e, visited[h]), y)
					}
				}
			}
		})
		// Train every task's network on its own data, one graph for all.
		data := make([]*Dataset, len(tasks))
		rngs := make([]*rand.Rand, len(tasks))
		for i := range tasks {
			data[i], rngs[i] = st[i].data, st[i].batchRng
		}
		var last []float64
		for range cfg.Steps {
			x, m := sampleBatch(data, rngs, cfg.Batch)
			losses, err := tr.mb.Step(
				tensors.FromFlatDataAndDimensions(x, len(tasks), cfg.Batch, dim),
				tensors.FromFlatDataAndDimensions(m, len(tasks), cfg.Batch, k))
			if err != nil {
				return nil, fmt.Errorf("rl.Learn: round %d: %w", round+1, err)
			}
			last = losses
		}
		if pols, err = tr.policies(); err != nil {
			return nil, err
		}
		parallel(len(tasks), func(i int) {
			t, s := tasks[i], st[i]
			rd := Round{RollIn: s.rollIn, Labels: s.data.Len() / t.envs(), Informative: s.informative, Conflicts: s.conflicts, Loss: last[i]}
			for _, sr := range s.searches {
				rd.Search.Add(sr.Queries)
			}
			rd.Queries = rd.Search.Generative + rd.RollIn
			rd.Val, _ = t.score(t.Val, pols[i])
			rd.Test, rd.TestEnv = t.score(t.Test, pols[i])
			if t.envs() == 1 {
				rd.TestEnv = nil
			}
			runs[i].Rounds = append(runs[i].Rounds, rd)
		})
		if progress != nil {
			progress(round + 1)
		}
	}
	for i := range runs {
		runs[i].Policy = pols[i]
		runs[i].Data = st[i].data
	}
	return runs, nil
}

// trainer is a batch of policy networks, one per run, trained by Adam in one graph.
type trainer struct {
	net mlp.Config
	mb  *train.Minibatch
}

// newTrainer initialises one network per seed and compiles the training step
// of loss(logits [R, B, K], targets) → [R]; a step's batch is the
// observations [R, B, d] followed by the targets.
func newTrainer(be compute.Backend, net mlp.Config, seeds []uint64, lr float64, loss func(logits *graph.Node, targets []*graph.Node) *graph.Node) (*trainer, error) {
	init, err := net.InitParams(seeds, dtypes.Float64) // float64, as before mlp.InitParams took a dtype
	if err != nil {
		return nil, err
	}
	var params []train.Param
	for i, p := range init {
		params = append(params, train.Param{Name: fmt.Sprintf("p%d", i), Value: p, Trainable: true})
	}
	mb, err := train.NewMinibatch(be, params, optimizer.Adam().LearningRate(lr).Done(), func(ps, batch []*graph.Node) *graph.Node {
		return loss(net.Forward(ps, batch[0]), batch[1:])
	})
	if err != nil {
		return nil, err
	}
	return &trainer{net: net, mb: mb}, nil
}

func (t *trainer) policies() ([]*Policy, error) {
	ps, err := t.mb.Params()
	if err != nil {
		return nil, err
	}
	return PoliciesFromParams(t.net, ps)
}

// parallel runs f(0) … f(n−1) on up to GOMAXPROCS goroutines. Each f(i) must
// touch only its own task's state, so results do not depend on scheduling.
func parallel(n int, f func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
