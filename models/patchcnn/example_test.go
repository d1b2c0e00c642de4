package patchcnn_test

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/patchcnn"
	"theorylab/pkg/backend"
)

// A network whose +1 filters point along the feature e₁ gives a positive
// logit to an example whose feature patch is +e₁, and the loss of a wrong
// label is larger than that of the right one.
func Example() {
	cfg := patchcnn.Config{M: 1, Q: 3}
	// W [S=1, C=1, 2, M=1, D=2]: w₊₁ = (1, 0), w₋₁ = (0, 0)
	w := tensors.FromFlatDataAndDimensions([]float64{1, 0, 0, 0}, 1, 1, 2, 1, 2)
	// X [S=1, N=2, P=2, D=2]: feature patch +e₁ and a noise patch (0, 0.5)
	x := tensors.FromFlatDataAndDimensions([]float64{1, 0, 0, 0.5, 1, 0, 0, 0.5}, 1, 2, 2, 2)
	y := tensors.FromFlatDataAndDimensions([]float64{1, -1}, 1, 2) // the second label is wrong
	e := MustNewExec(backend.MustGet(), func(w, x, y *Node) (*Node, *Node) {
		f := cfg.Logits(w, x)
		return f, patchcnn.LogisticLoss(f, y)
	})
	out := e.MustCall(w, x, y)
	fmt.Printf("f = %v, mean loss %.4f\n", tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1])[0])
	// Output:
	// f = [1 1], mean loss 0.8133
}
