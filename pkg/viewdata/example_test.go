package viewdata_test

import (
	"fmt"

	"theorylab/pkg/viewdata"
)

// Draw the quick preset's training data and look at one single-view example.
func Example() {
	c := viewdata.Default()
	s, err := viewdata.Generate(c, 500, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	singles := 0
	for _, v := range s.Single {
		if v {
			singles++
		}
	}
	fmt.Printf("%d examples, %d patches of dimension %d\n", s.N, s.P, s.D)
	fmt.Printf("views of class 3: coordinates %d and %d\n", viewdata.View(3, 0), viewdata.View(3, 1))
	fmt.Println("single-view share near μ = 0.2:", singles > 70 && singles < 130)
	// Output:
	// 500 examples, 8 patches of dimension 64
	// views of class 3: coordinates 6 and 7
	// single-view share near μ = 0.2: true
}
