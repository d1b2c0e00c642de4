package lora_test

import (
	"fmt"

	"theorylab/pkg/papers/lora"
)

// What LoRA trains on the quick preset's backbone: r(d + k) values per
// adapted matrix, on W₁ (196 → 128) and W₂ (128 → 128), against the 41,472
// weights of those two matrices.
func Example() {
	cfg := lora.Quick()
	backbone := cfg.Inputs()*cfg.Hidden + cfg.Hidden*cfg.Hidden
	for _, r := range cfg.Ranks {
		n := lora.Adapted(cfg, r).NumParams()
		fmt.Printf("rank %2d: %5d adapter values, %4.1f%% of the backbone's weights\n", r, n, 100*float64(n)/float64(backbone))
	}
	fmt.Println("claims:", len(lora.Claims), "— the first is", lora.Claims[0].ID)
	// Output:
	// rank  1:   580 adapter values,  1.4% of the backbone's weights
	// rank  4:  2320 adapter values,  5.6% of the backbone's weights
	// rank  8:  4640 adapter values, 11.2% of the backbone's weights
	// rank 64: 37120 adapter values, 89.5% of the backbone's weights
	// claims: 7 — the first is LORA-7
}
