package train_test

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/train"
)

// Two runs of gradient descent on L(θ) = ½θ² (sharpness 1) in one graph:
// η = 0.5 < 2 converges, η = 2.5 > 2 = 2/S flips sign and grows.
func ExampleNewGD() {
	loss := func(p []*Node) *Node { return MulScalar(ReduceSum(Square(p[0]), 1), 0.5) } // p[0]: θ [R=2, 1]
	gd, err := train.NewGD(backend.MustGet(), loss, 4)                                  // 4 steps per executed graph
	if err != nil {
		panic(err)
	}
	defer gd.Finalize()
	theta := []*tensors.Tensor{tensors.FromFlatDataAndDimensions([]float64{1, 1}, 2, 1)}
	eta := tensors.FromFlatDataAndDimensions([]float64{0.5, 2.5}, 2)
	theta, losses, err := gd.Steps(theta, eta)
	if err != nil {
		panic(err)
	}
	fmt.Println("θ after 4 steps:", tensors.MustCopyFlatData[float64](theta[0]))
	fmt.Println("losses of run 1:", losses[0][1], losses[1][1], losses[2][1], losses[3][1])
	// Output:
	// θ after 4 steps: [0.0625 5.0625]
	// losses of run 1: 0.5 1.125 2.53125 5.6953125
}
