package onesided_test

import (
	"fmt"

	"theorylab/pkg/papers/onesided"
)

// The experiment of the quick preset, its claims evaluated on the results.
func Example() {
	res, err := onesided.Run(onesided.Quick())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range onesided.Claims.Evaluate(res) {
		fmt.Println(c.ID, c.Status())
	}
	// Output:
	// ONESIDED-1 PASS
	// ONESIDED-2 PASS
}
