package sparsecoding_test

import (
	"fmt"
	"math/rand/v2"

	sc "theorylab/pkg/sparsecoding"
)

// Complementary masking along an atom: the dense noise of the two views is
// uncorrelated, the sparse part keeps (1 − κ)/(1 + κ).
func Example() {
	m := sc.Dense(64, 16, 0.15, 0.29, rand.New(rand.NewPCG(0, 1)))
	u := m.Atom(0)
	mask := sc.Aug{Kind: sc.Masking}
	k := m.Kappa(u)
	fmt.Printf("sparse: %.3f = (1−κ)/(1+κ) = %.3f\n", mask.PairCorrelation(u, m.SparseCov()), (1-k)/(1+k))
	fmt.Printf("noise:  %.3f\n", mask.PairCorrelation(u, m.NoiseCov()))
	fmt.Printf("noise, no augmentation: %.3f\n", sc.Aug{Kind: sc.None}.PairCorrelation(u, m.NoiseCov()))
	// Output:
	// sparse: 0.565 = (1−κ)/(1+κ) = 0.565
	// noise:  0.000
	// noise, no augmentation: 1.000
}
