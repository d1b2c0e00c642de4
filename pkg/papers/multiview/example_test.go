package multiview_test

import (
	"fmt"

	"theorylab/pkg/papers/multiview"
)

// The experiment of the quick preset, its claims evaluated on the results.
func Example() {
	res, err := multiview.Run(multiview.Quick())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range multiview.Claims.Evaluate(res) {
		fmt.Println(c.ID, c.Status())
	}
	// Output:
	// MULTIVIEW-1 PASS
	// MULTIVIEW-2 PASS
}
