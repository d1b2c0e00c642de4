package data_test

import (
	"fmt"

	"theorylab/pkg/data"
)

// The Edge-of-Stability toy: T₃ sampled at equally spaced points of [−1, 1].
func ExampleChebyshev() {
	ds, err := data.Chebyshev(3, 5)
	if err != nil {
		panic(err)
	}
	fmt.Println(ds.Name, "N =", ds.N)
	for i := range ds.N {
		fmt.Printf("x = %+.1f  T₃(x) = %+.1f\n", ds.Row(i)[0], ds.Target(i)[0])
	}
	// Output:
	// chebyshev-3-5 N = 5
	// x = -1.0  T₃(x) = -1.0
	// x = -0.5  T₃(x) = +1.0
	// x = +0.0  T₃(x) = +0.0
	// x = +0.5  T₃(x) = -1.0
	// x = +1.0  T₃(x) = +1.0
}

// Each output pixel is the mean of a 2×2 block, per channel.
func ExampleImages_AvgPool2x2() {
	im := &data.Images{
		Name: "demo", N: 1, Height: 4, Width: 4, Channels: 1, NumClasses: 10,
		Labels: []int{7},
		Pixels: []float32{
			0, 0, 1, 1,
			0, 0, 1, 1,
			0.2, 0.4, 1, 0,
			0.6, 0.8, 0, 0,
		},
	}
	pooled, err := im.AvgPool2x2()
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d×%d %q\n", pooled.Height, pooled.Width, pooled.Name)
	for r := range pooled.Height {
		for c := range pooled.Width {
			fmt.Printf(" %.2f", pooled.At(0, r, c, 0))
		}
		fmt.Println()
	}
	// Output:
	// 2×2 "demo-pool2"
	//  0.00 1.00
	//  0.50 0.25
}

// Per-feature standardization fitted on a training set and applied to a test set.
func ExampleStandardizePerFeature() {
	train := []float64{ // 3 examples × 2 features; feature 1 is constant
		1, 9,
		2, 9,
		3, 9,
	}
	st, err := data.StandardizePerFeature(train, 2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("mean %.3g std %.3g\n", st.Mean, st.Std)
	fmt.Printf("train %.3f\n", train)
	test := []float64{4, 5}
	if err := st.ApplyFloat64(test); err != nil {
		panic(err)
	}
	fmt.Printf("test %.3f\n", test)
	// Output:
	// mean [2 9] std [0.816 0]
	// train [-1.225 0.000 0.000 0.000 1.225 0.000]
	// test [2.449 0.000]
}

// The seeded permutation is the same on every run and every Go release.
func ExamplePermutation() {
	fmt.Println(data.Permutation(10, 0))
	// Output:
	// [5 1 0 3 6 9 8 7 4 2]
}
