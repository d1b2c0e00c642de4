package data

import (
	"math"
	"strings"
	"testing"
)

func TestStandardizePerFeature(t *testing.T) {
	// Three examples, three features: feature 0 is {1, 2, 3}, feature 1 is
	// constant 5, feature 2 is {0, 0, 6}.
	x := []float64{
		1, 5, 0,
		2, 5, 0,
		3, 5, 6,
	}
	st, err := StandardizePerFeature(x, 3)
	if err != nil {
		t.Fatal(err)
	}
	sd0 := math.Sqrt(2.0 / 3)  // population std of {1, 2, 3}
	sd2 := math.Sqrt(24.0 / 3) // of {0, 0, 6}: mean 2, squares 4+4+16
	wantMean := []float64{2, 5, 2}
	wantStd := []float64{sd0, 0, sd2}
	for j := range 3 {
		if math.Abs(st.Mean[j]-wantMean[j]) > 1e-15 || math.Abs(st.Std[j]-wantStd[j]) > 1e-15 {
			t.Errorf("feature %d: mean %g std %g, want %g, %g", j, st.Mean[j], st.Std[j], wantMean[j], wantStd[j])
		}
	}
	want := []float64{
		-1 / sd0, 0, -2 / sd2,
		0, 0, -2 / sd2,
		1 / sd0, 0, 4 / sd2,
	}
	for i := range x {
		if math.Abs(x[i]-want[i]) > 1e-14 {
			t.Errorf("x[%d] = %g, want %g", i, x[i], want[i])
		}
	}

	// The same statistics applied to a float32 test set.
	test := []float32{4, 7, 2}
	if err := st.ApplyFloat32(test); err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(test[0])-2/sd0) > 1e-6 || test[1] != 0 || test[2] != 0 {
		t.Errorf("applied to test row: %v", test)
	}
	if err := st.ApplyFloat64(make([]float64, 4)); err == nil || !strings.Contains(err.Error(), "multiple") {
		t.Errorf("4 values with 3 features: %v", err)
	}
}

// A constant float32 feature must come out exactly 0 even when its float64
// mean is not exactly representable, and other features must get mean 0 and
// standard deviation 1.
func TestStandardizeFloat32Moments(t *testing.T) {
	const n, d = 1000, 2
	x := make([]float32, n*d)
	for i := range n {
		x[i*d] = float32(0.1)
		x[i*d+1] = float32(math.Sin(float64(i)))
	}
	st, err := StandardizePerFeature(x, d)
	if err != nil {
		t.Fatal(err)
	}
	if st.Std[0] != 0 {
		t.Errorf("constant feature has std %g", st.Std[0])
	}
	var sum, sq float64
	for i := range n {
		if x[i*d] != 0 {
			t.Fatalf("constant feature not zeroed at row %d: %g", i, x[i*d])
		}
		v := float64(x[i*d+1])
		sum += v
		sq += v * v
	}
	if mean, variance := sum/n, sq/n-(sum/n)*(sum/n); math.Abs(mean) > 1e-6 || math.Abs(variance-1) > 1e-5 {
		t.Errorf("standardized feature: mean %g variance %g", mean, variance)
	}
}

func TestStandardizeErrors(t *testing.T) {
	if _, err := StandardizePerFeature([]float64{1, 2, 3}, 2); err == nil {
		t.Error("3 values with d=2: no error")
	}
	if _, err := StandardizePerFeature([]float64{}, 2); err == nil {
		t.Error("empty: no error")
	}
	if _, err := FitStandardization([]float64{1}, 0); err == nil {
		t.Error("d=0: no error")
	}
}
