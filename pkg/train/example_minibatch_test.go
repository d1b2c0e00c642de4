package train_test

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/pkg/backend"
	"theorylab/pkg/train"
)

// Fit y = 2x with GoMLX's Adam on minibatches of 4 out of 8 points, for two
// runs (seeds) at once; each run has its own slope w and its own data order.
func ExampleMinibatch() {
	xs := []float32{-1, -0.75, -0.5, -0.25, 0.25, 0.5, 0.75, 1}
	ys := make([]float32, len(xs))
	for i, x := range xs {
		ys[i] = 2 * x
	}
	params := []train.Param{{Name: "w", Value: tensors.FromFlatDataAndDimensions([]float32{0, 0}, 2, 1), Trainable: true}}
	// L_r = mean over the batch of ½(w_r·x − y)²; batch[0], batch[1]: x, y [R, B, 1].
	loss := func(p, batch []*Node) *Node {
		pred := Mul(InsertAxes(p[0], 1), batch[0]) // [R, B, 1]
		return MulScalar(ReduceSum(Square(Sub(pred, batch[1])), 1, 2), 0.5/4)
	}
	mb, _ := train.NewMinibatch(backend.MustGet(), params, optimizer.Adam().LearningRate(0.05).Done(), loss)
	defer mb.Finalize()
	batches, _ := train.NewBatcher(len(xs), 4, []uint64{0, 1})
	for range 300 {
		idx := batches.Next()
		if _, err := mb.Step(train.GatherRows(xs, 1, idx), train.GatherRows(ys, 1, idx)); err != nil {
			panic(err)
		}
	}
	p, _ := mb.Params()
	fmt.Printf("w per run: %.2f\n", tensors.MustCopyFlatData[float32](p[0]))
	// Output: w per run: [2.00 2.00]
}
