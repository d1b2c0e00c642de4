package lowrank_test

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/lowrank"
)

// An adapter of rank 2 on a 3×4 weight (4 inputs, 3 outputs): B starts at
// zero, so merging it changes nothing until training moves B; merging twice
// is refused.
func Example() {
	c := lowrank.Config{In: 4, Out: 3, Rank: 2, Alpha: 4}
	a, b, _ := c.Init([]uint64{0}, dtypes.Float64)                        // A [1, 2, 4] random, B [1, 3, 2] zero
	w0 := tensors.FromFlatDataAndDimensions(make([]float64, 12), 1, 4, 3) // W₀ [R, k, d]
	layer, _ := lowrank.NewLayer(c, w0, a, b)
	fmt.Println("trainable values:", c.NumParams(), "scale α/r:", c.Scale())
	_ = layer.Merge()
	fmt.Println("merged:", layer.Merged, "max |W − W₀|:", maxAbs(layer.W))
	fmt.Println("merge again:", layer.Merge())
	// Output:
	// trainable values: 14 scale α/r: 2
	// merged: true max |W − W₀|: 0
	// merge again: lowrank: adapter is already merged into W; merging twice is refused
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, x, -x)
	}
	return m
}
