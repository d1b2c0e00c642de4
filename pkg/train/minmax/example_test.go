package minmax_test

import (
	"fmt"
	"math"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/pkg/backend"
	"theorylab/pkg/train"
	"theorylab/pkg/train/minmax"
)

// The quadratic game min_x max_y ½x² + x·y − ½y², two runs at once ([R=2, 1]),
// trained with alternating Adam steps: both players reach the saddle (0, 0).
func Example() {
	param := func(name string, a, b float64) []train.Param {
		return []train.Param{{Name: name, Value: tensors.FromFlatDataAndDimensions([]float64{a, b}, 2, 1), Trainable: true}}
	}
	// f(x, y) = ½x² + x·y − ½y², per run: [R]
	f := func(x, y *Node) *Node {
		return Reshape(Add(Sub(MulScalar(Square(x), 0.5), MulScalar(Square(y), 0.5)), Mul(x, y)), -1)
	}
	adam := func() optimizer.Interface { return optimizer.Adam().LearningRate(0.01).Done() }
	trainer, err := minmax.New(backend.MustGet(), minmax.Game{
		Min: param("x", 1, -2), Max: param("y", 0.5, 1), MinOpt: adam(), MaxOpt: adam(),
		MinLoss: func(mn, mx, _ []*Node) *Node { return f(mn[0], mx[0]) },      // the min player minimises f
		MaxLoss: func(mn, mx, _ []*Node) *Node { return Neg(f(mn[0], mx[0])) }, // the max player minimises −f
	})
	if err != nil {
		panic(err)
	}
	defer trainer.Finalize()
	for range 3000 {
		if _, _, err := trainer.Step(tensors.FromScalar(0.0)); err != nil { // no minibatch data in this game
			panic(err)
		}
	}
	x, y, _ := trainer.Params()
	near := true
	for _, v := range append(x[0].Value().([][]float64), y[0].Value().([][]float64)...) {
		near = near && math.Abs(v[0]) < 0.01
	}
	fmt.Println("both runs within 0.01 of the saddle (0, 0):", near)
	// Output: both runs within 0.01 of the saddle (0, 0): true
}
