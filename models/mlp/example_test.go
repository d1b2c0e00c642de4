package mlp_test

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
)

// Three independently initialised copies of a 2→8→1 tanh network evaluated
// on the same four inputs in one graph: the output has a leading run axis.
func ExampleConfig_Forward() {
	net := mlp.Config{Sizes: []int{2, 8, 1}, Activation: "tanh", Bias: true, OutputBias: true, Init: mlp.TorchDefault}
	params, err := net.InitParams([]uint64{0, 1, 2}, dtypes.Float64) // W₀ [3,2,8], b₀ [3,8], W₁ [3,8,1], b₁ [3,1]
	if err != nil {
		panic(err)
	}
	out := MustExecOnce(backend.MustGet(), func(x *Node) *Node {
		ps := make([]*Node, len(params))
		for i, p := range params {
			ps[i] = Const(x.Graph(), p)
		}
		return net.Forward(ps, x) // [R=3, N=4, 1]
	}, tensors.FromFlatDataAndDimensions(make([]float64, 8), 4, 2))
	fmt.Println(net.NumParams(), "parameters per run; output shape", out.Shape().Dimensions)
	// Output: 33 parameters per run; output shape [3 4 1]
}
