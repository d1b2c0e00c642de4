package data

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGenericData: E‖x‖² = 1 ± 1% for N(0, I/d) over 10⁴ points, sphere
// points have unit norm, labels are ±1 with about half of each.
func TestGenericData(t *testing.T) {
	const n, d = 20000, 16
	rng := rand.New(rand.NewPCG(1, 2))
	x := GaussianPoints(n, d, rng)
	var sq float64
	for _, v := range x {
		sq += v * v
	}
	if m := sq / n; math.Abs(m-1) > 0.01 {
		t.Errorf("E‖x‖² = %.4f, want 1 ± 1%%", m)
	}
	s := SpherePoints(1000, d, rng)
	for i := range 1000 {
		var r float64
		for _, v := range s[i*d : (i+1)*d] {
			r += v * v
		}
		if math.Abs(math.Sqrt(r)-1) > 1e-12 {
			t.Fatalf("sphere point %d has norm %v", i, math.Sqrt(r))
		}
	}
	y := RandomSigns(n, rng)
	pos := 0
	for _, v := range y {
		switch v {
		case 1:
			pos++
		case -1:
		default:
			t.Fatalf("label %v is not ±1", v)
		}
	}
	if f := float64(pos) / n; math.Abs(f-0.5) > 0.02 {
		t.Errorf("fraction of +1 labels %.3f, want 0.5", f)
	}
	a := GaussianPoints(3, 4, rand.New(rand.NewPCG(5, 6)))
	b := GaussianPoints(3, 4, rand.New(rand.NewPCG(5, 6)))
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("the same seed gave different points")
		}
	}
}
