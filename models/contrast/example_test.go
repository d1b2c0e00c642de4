package contrast_test

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/contrast"
	"theorylab/pkg/backend"
)

// Two neurons along the axes of ℝ², threshold 0.5: the view pairs (row i
// of each view) are embedded by the soft threshold, and the InfoNCE loss is
// small because each pair points the same way and differs from the other.
func Example() {
	w := tensors.FromFlatDataAndDimensions([]float64{2, 0, 0, 3}, 1, 2, 2) // [R=1, m=2, d=2]; normalised to e₁, e₂
	x1 := tensors.FromFlatDataAndDimensions([]float64{2, 0.1, 0.1, -3}, 1, 2, 2)
	x2 := tensors.FromFlatDataAndDimensions([]float64{1.5, 0, 0, -1}, 1, 2, 2)
	outs := MustExecOnceN(backend.MustGet(), func(w, x1, x2 *Node) []*Node {
		b := Const(w.Graph(), []float64{0.5})
		h1 := contrast.Encode(w, b, x1)
		return []*Node{h1, contrast.InfoNCE(h1, contrast.Encode(w, b, x2), 0.2)}
	}, w, x1, x2)
	fmt.Printf("h(x⁺) = %.1f\n", tensors.MustCopyFlatData[float64](outs[0]))
	fmt.Printf("loss = %.4f\n", tensors.MustCopyFlatData[float64](outs[1])[0])
	// Output:
	// h(x⁺) = [1.5 0.0 0.0 -2.5]
	// loss = 0.0067
}
