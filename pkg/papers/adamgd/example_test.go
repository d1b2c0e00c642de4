package adamgd_test

import (
	"fmt"

	"theorylab/pkg/papers/adamgd"
)

// The paper as the lab runs it: the quick preset's data and network, the
// paper's regime inside the one grid both optimizers share, the data seeds of
// two replicates (disjoint), and the claims with the majority they need.
func Example() {
	q := adamgd.Quick()
	fmt.Printf("presets %v; quick: d = %d, %d patches, n = %d, m = %d filters, q = %d, %d steps\n",
		adamgd.Paper.Presets(), q.Data.D, q.Data.Patches, q.N, q.Filters, q.Power, q.Steps)
	fmt.Printf("GD η = %g and Adam η = %g, both from η ∈ %v × λ ∈ %v\n", q.GDLR, q.AdamLR, q.LRGrid, q.LambdaGrid)
	r1 := q
	r1.Seed = q.Seeds // the sweep's second replicate
	fmt.Printf("data seeds: replicate 0 uses %d…%d, replicate 1 uses %d…%d\n",
		q.DataSeed(0), q.DataSeed(q.Seeds-1), r1.DataSeed(0), r1.DataSeed(r1.Seeds-1))
	var ids []string
	for _, c := range adamgd.Claims {
		ids = append(ids, c.ID)
	}
	fmt.Printf("claims %v; a per-seed rule holds in ≥ %d of %d seeds\n", ids, adamgd.Need(q.Seeds), q.Seeds)
	// Output:
	// presets [quick full]; quick: d = 400, 3 patches, n = 50, m = 10 filters, q = 3, 500 steps
	// GD η = 2 and Adam η = 0.01, both from η ∈ [0.003 0.01 0.03 0.1 0.5 2] × λ ∈ [0.001 0.01]
	// data seeds: replicate 0 uses 0…9, replicate 1 uses 10…19
	// claims [AG-1 AG-2 AG-3 AG-4 AG-5 AG-6 AG-7]; a per-seed rule holds in ≥ 6 of 10 seeds
}
