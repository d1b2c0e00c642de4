package adamgd_test

import (
	"fmt"

	"theorylab/pkg/papers/adamgd"
)

// The settings one run trains on every seed: the learning-rate × λ grid of
// both methods, the null runs, sign-GD and Adam's ε variants.
func Example() {
	for _, s := range adamgd.Quick().Settings() {
		fmt.Printf("%-8s %s\n", s.Role, s)
	}
	// Output:
	// grid     gd lr 0.5 λ 0.001
	// grid     gd lr 2 λ 0.001
	// grid     adam lr 0.003 λ 0.001 ε 1e-08
	// grid     adam lr 0.01 λ 0.001 ε 1e-08
	// grid     adam lr 0.03 λ 0.001 ε 1e-08
	// grid     adam lr 0.1 λ 0.001 ε 1e-08
	// grid     gd lr 0.5 λ 0.01
	// grid     gd lr 2 λ 0.01
	// grid     adam lr 0.003 λ 0.01 ε 1e-08
	// grid     adam lr 0.01 λ 0.01 ε 1e-08
	// grid     adam lr 0.03 λ 0.01 ε 1e-08
	// grid     adam lr 0.1 λ 0.01 ε 1e-08
	// null     gd lr 2 λ 0.001, no feature
	// null     adam lr 0.01 λ 0.001 ε 1e-08, no feature
	// variant  sign-gd lr 0.01 λ 0.001
	// variant  adam lr 0.01 λ 0.001 ε 0.001
	// variant  adam lr 0.01 λ 0.001 ε 0.01
}
