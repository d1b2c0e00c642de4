package patchdata_test

import (
	"fmt"
	"math/rand/v2"

	"theorylab/pkg/patchdata"
)

// Two examples of the quick preset's distribution: which patch carries the
// feature y·e₁, and how many non-zeros the other patches have.
func Example() {
	c := patchdata.Config{D: 400, P: 3, S: 20, SigmaP: 0.5}
	s, err := patchdata.Generate(c, 2, rand.New(rand.NewPCG(7, 1)))
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range s.N {
		fmt.Printf("y=%+.0f feature patch %d:", s.Y[i], s.Feature[i])
		for p := range s.P {
			nz := 0
			for _, v := range s.Patch(i, p) {
				if v != 0 {
					nz++
				}
			}
			fmt.Printf(" %d", nz)
		}
		fmt.Println()
	}
	// Output:
	// y=+1 feature patch 2: 20 20 1
	// y=-1 feature patch 2: 20 20 1
}
