package transformer_test

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"

	"theorylab/models/transformer"
)

// The spec's tiny Transformer with LoRA on W_q and W_v: how many values a run
// trains in each setting.
func Example() {
	c := transformer.Config{Vocab: 20, SeqLen: 16, DModel: 64, Heads: 4, MLP: 256, Layers: 2}
	qv := transformer.Adapters{Matrices: []string{"q", "v"}, Rank: 8, Alpha: 8}
	all := transformer.Adapters{Matrices: []string{"q", "k", "v", "o"}, Rank: 4, Alpha: 8}
	params, _ := c.InitParams([]uint64{0}, dtypes.Float32)
	fmt.Println("tensors:", len(params), "values:", c.NumParams())
	fmt.Println("LoRA {q, v} r=8:", qv.NumParams(c), "— {q, k, v, o} r=4:", all.NumParams(c))
	// Output:
	// tensors: 30 values: 103188
	// LoRA {q, v} r=8: 4096 — {q, k, v, o} r=4: 4096
}
