package tensorconv_test

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"

	"theorylab/pkg/tensorconv"
)

func Example() {
	w, _ := tensorconv.FromFloats(dtypes.Float32, []float64{0.1, -2}, 1, 2) // a float32 [1, 2] tensor
	vals, _ := tensorconv.Floats(w)                                         // back as float64
	fmt.Println(w.DType(), w.Shape().Dimensions, vals)
	// Output: Float32 [1 2] [0.10000000149011612 -2]
}
