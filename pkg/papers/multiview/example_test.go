package multiview_test

import (
	"fmt"

	"theorylab/pkg/papers/multiview"
)

// A very small run of the experiment: what it trains and what it reports.
func Example() {
	c := multiview.Quick()
	c.Preset = "custom"
	c.Train, c.Val, c.Test = 100, 100, 100
	c.Singles, c.KD, c.Self, c.Features = 2, 1, 1, 16
	c.LRs, c.Cap = []float64{8}, 20
	res, err := multiview.Run(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := res.Replicates[0]
	fmt.Println("singles:", len(r.Singles), "KD students:", len(r.KD), "self-distillation students:", len(r.Self))
	fmt.Println("views per class of a single:", len(r.Singles[0].Lambda[0]))
	for _, ch := range r.LR {
		fmt.Println("lr of", ch.Method+":", ch.Chosen)
	}
	// Output:
	// singles: 2 KD students: 1 self-distillation students: 1
	// views per class of a single: 2
	// lr of single (and same-seed nulls): 8
	// lr of KD student: 8
	// lr of self-distillation student: 8
	// lr of random-feature single: 8
	// lr of random-feature KD student: 8
	// lr of random-feature train the average: 8
}
