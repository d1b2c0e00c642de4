package gan_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/gan"
	"theorylab/pkg/backend"
)

// Three untrained generators (one per seed) map the same noise to the plane;
// the ring scores real samples as perfect.
func Example() {
	g := gan.Generator(4, []int{32, 32}, 2)
	params, err := g.InitParams([]uint64{0, 1, 2}, dtypes.Float32) // W₀ [3,4,32], b₀ [3,32], …
	if err != nil {
		panic(err)
	}
	out := MustExecOnce(backend.MustGet(), func(z *Node) *Node {
		ps := make([]*Node, len(params))
		for i, p := range params {
			ps[i] = Const(z.Graph(), p)
		}
		return g.Forward(ps, z) // [R=3, N=5, 2]
	}, tensors.FromFlatDataAndDimensions(make([]float32, 20), 5, 4))
	ring := gan.Ring{Modes: 8, Radius: 2, Sigma: 0.05}
	q := ring.Quality(ring.Sample(rand.New(rand.NewPCG(0, 0)), 1000, nil))
	fmt.Println(g.NumParams(), "generator parameters per run; output", out.Shape().Dimensions)
	fmt.Printf("real data: %d of 8 modes, %.0f%% good\n", q.Covered, 100*q.Good)
	// Output:
	// 1282 generator parameters per run; output [3 5 2]
	// real data: 8 of 8 modes, 99% good
}
