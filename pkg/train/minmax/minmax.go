package minmax

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/pkg/tensorconv"
	"theorylab/pkg/train"
)

// LossFn builds one player's per-run loss [R] from the min player's
// parameters, the max player's parameters and the minibatch tensors of the step.
type LossFn func(minParams, maxParams []*Node, batch []*Node) *Node

// Game describes the two players.
type Game struct {
	Min, Max       []train.Param       // parameters with the leading run axis [R, …]
	MinOpt, MaxOpt optimizer.Interface // e.g. optimizer.Adam().…Done(); give each player its own
	MinLoss        LossFn              // the min player's loss (a GAN's L_G), minimised over Min
	MaxLoss        LossFn              // the max player's loss (a GAN's L_D), minimised over Max
	Simultaneous   bool                // both players step from the same old parameters
}

// Trainer runs the compiled alternating step.
type Trainer struct {
	store    *model.Store
	min, max []*model.Variable
	exec     *model.Exec
	steps    int
}

// New sets up the parameters of both players (copies: the caller's tensors
// stay valid) and compiles, lazily on the first Step, one step of the game.
func New(backend compute.Backend, game Game) (*Trainer, error) {
	if len(game.Min) == 0 || len(game.Max) == 0 {
		return nil, fmt.Errorf("minmax.New: each player needs parameters")
	}
	if game.MinOpt == nil || game.MaxOpt == nil {
		return nil, fmt.Errorf("minmax.New: each player needs an optimizer")
	}
	if game.MinLoss == nil || game.MaxLoss == nil {
		return nil, fmt.Errorf("minmax.New: each player needs a loss")
	}
	t := &Trainer{store: model.NewStore()}
	root := t.store.RootScope()
	add := func(scope *model.Scope, ps []train.Param) ([]*model.Variable, error) {
		var vars []*model.Variable
		seen := map[string]bool{}
		for _, p := range ps {
			if p.Name == "" || seen[p.Name] || p.Value == nil {
				return nil, fmt.Errorf("minmax.New: parameter names must be unique and non-empty, values set: %q", p.Name)
			}
			seen[p.Name] = true
			value, err := p.Value.LocalClone()
			if err != nil {
				return nil, fmt.Errorf("minmax.New: parameter %q: %w", p.Name, err)
			}
			vars = append(vars, scope.VariableWithValue(p.Name, value).SetTrainable(p.Trainable))
		}
		return vars, nil
	}
	var err error
	if t.min, err = add(root.At("min"), game.Min); err != nil {
		return nil, err
	}
	if t.max, err = add(root.At("max"), game.Max); err != nil {
		return nil, err
	}
	nodes := func(g *Graph, vs []*model.Variable) []*Node {
		out := make([]*Node, len(vs))
		for i, v := range vs {
			out[i] = v.NodeValue(g)
		}
		return out
	}
	stop := func(ns []*Node) []*Node {
		out := make([]*Node, len(ns))
		for i, n := range ns {
			out[i] = StopGradient(n)
		}
		return out
	}
	t.exec, err = model.NewExec(backend, t.store, func(scope *model.Scope, batch []*Node) []*Node {
		g := batch[0].Graph()
		minOld, maxOld := nodes(g, t.min), nodes(g, t.max)
		// 1. the max player: one step on L_D(θ_G, θ_D), θ_G fixed.
		lMax := game.MaxLoss(stop(minOld), maxOld, batch) // [R]
		game.MaxOpt.UpdateGraph(scope.At("max"), g, ReduceAllSum(lMax))
		// 2. the min player: one step on L_G(θ_G, θ_D′), θ_D′ the updated
		// discriminator (alternating) or the old one (simultaneous).
		maxSeen := nodes(g, t.max)
		if game.Simultaneous {
			maxSeen = maxOld
		}
		lMin := game.MinLoss(minOld, stop(maxSeen), batch) // [R]
		game.MinOpt.UpdateGraph(scope.At("min"), g, ReduceAllSum(lMin))
		return []*Node{lMin, lMax}
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Step runs one step of the game on the minibatch tensors and returns each
// run's min-player and max-player losses (each at the parameters that
// player's update started from). A non-finite loss is a *train.DivergedError.
func (t *Trainer) Step(batch ...*tensors.Tensor) (minLoss, maxLoss []float64, err error) {
	if len(batch) == 0 {
		return nil, nil, fmt.Errorf("minmax.Step: empty minibatch")
	}
	args := make([]any, len(batch))
	for i, b := range batch {
		args[i] = b
	}
	outs, err := t.exec.Call(args...)
	if err != nil {
		return nil, nil, err
	}
	if minLoss, err = tensorconv.Floats(outs[0]); err != nil {
		return nil, nil, err
	}
	if maxLoss, err = tensorconv.Floats(outs[1]); err != nil {
		return nil, nil, err
	}
	t.steps++
	for _, ls := range [][]float64{minLoss, maxLoss} {
		for r, l := range ls {
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return minLoss, maxLoss, &train.DivergedError{Run: r, StepOffset: t.steps - 1, Loss: l}
			}
		}
	}
	return minLoss, maxLoss, nil
}

// Steps is the number of steps taken.
func (t *Trainer) Steps() int { return t.steps }

// Params returns copies of the current parameters of the min and the max player.
func (t *Trainer) Params() (minParams, maxParams []*tensors.Tensor, err error) {
	get := func(vs []*model.Variable) ([]*tensors.Tensor, error) {
		out := make([]*tensors.Tensor, len(vs))
		for i, v := range vs {
			val, err := v.Value()
			if err != nil {
				return nil, err
			}
			if out[i], err = val.LocalClone(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if minParams, err = get(t.min); err != nil {
		return nil, nil, err
	}
	maxParams, err = get(t.max)
	return minParams, maxParams, err
}

// Finalize releases the compiled step.
func (t *Trainer) Finalize() { t.exec.Finalize() }
