package contrastive_test

import (
	"fmt"

	"theorylab/pkg/papers/contrastive"
)

// The quick preset (through the results cache: the notebook and the tests
// share one run) and the verdict of each claim.
func Example() {
	out, err := contrastive.Paper.RunPreset("quick", 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range out.Claims {
		fmt.Println(c.ID, c.Status())
	}
	// Output:
	// CL-1 PASS
	// CL-2 PASS
	// CL-3 PASS
	// CL-4 PASS
	// CL-5 PASS
	// CL-6 PASS
}
