package optim_test

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/optim"
)

// Three runs of Adam on L(θ) = ½θ², each with its own step size, in one
// graph. Early Adam moves every coordinate by about η per step whatever the
// gradient's size (its first bias-corrected step is exactly η·sign(g)).
func ExampleNewTrainer() {
	loss := func(p []*Node) *Node { return MulScalar(ReduceSum(Square(p[0]), 1), 0.5) } // θ [R=3, 1] → [3]
	rule := optim.Rule{Method: optim.Adam, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	tr, err := optim.NewTrainer(backend.MustGet(), rule, loss, 1, 1) // one parameter, one step per graph
	if err != nil {
		panic(err)
	}
	defer tr.Finalize()
	s, err := tr.NewState([]*tensors.Tensor{tensors.FromFlatDataAndDimensions([]float64{1, 1, 1}, 3, 1)})
	if err != nil {
		panic(err)
	}
	if _, err := tr.Steps(s, tensors.FromFlatDataAndDimensions([]float64{0.001, 0.01, 0.1}, 3)); err != nil {
		panic(err)
	}
	fmt.Printf("θ after one step: %.6f\n", tensors.MustCopyFlatData[float64](s.Params[0]))
	// Output:
	// θ after one step: [0.999000 0.990000 0.900000]
}
