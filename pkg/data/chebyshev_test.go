package data

import (
	"math"
	"strings"
	"testing"
)

func TestChebyshevTKnownPolynomials(t *testing.T) {
	for _, x := range []float64{-1, -0.7, -0.5, 0, 0.3, 0.5, 1, 1.5} {
		want := map[int]float64{
			0: 1,
			1: x,
			2: 2*x*x - 1,
			3: 4*x*x*x - 3*x,
			4: 8*x*x*x*x - 8*x*x + 1,
		}
		for k, w := range want {
			if got := ChebyshevT(k, x); math.Abs(got-w) > 1e-12 {
				t.Errorf("T_%d(%g) = %g, want %g", k, x, got, w)
			}
		}
	}
	// Tₖ(cos θ) = cos(kθ) for every k.
	for k := range 12 {
		for _, th := range []float64{0.1, 1, 2.5} {
			if got, want := ChebyshevT(k, math.Cos(th)), math.Cos(float64(k)*th); math.Abs(got-want) > 1e-12 {
				t.Errorf("T_%d(cos %g) = %g, want cos(%d·%g) = %g", k, th, got, k, th, want)
			}
		}
	}
}

func TestChebyshevToy(t *testing.T) {
	ds, err := Chebyshev(3, 20)
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	if ds.Name != "chebyshev-3-20" || ds.N != 20 || ds.D != 1 || ds.K != 1 || ds.Labels != nil {
		t.Fatalf("got name %q N=%d D=%d K=%d labels=%v", ds.Name, ds.N, ds.D, ds.K, ds.Labels)
	}
	if ds.X[0] != -1 || ds.X[19] != 1 {
		t.Errorf("endpoints %g, %g, want exactly -1, 1", ds.X[0], ds.X[19])
	}
	if ds.Y[0] != -1 || ds.Y[19] != 1 {
		t.Errorf("T₃(±1) = %g, %g, want -1, 1", ds.Y[0], ds.Y[19])
	}
	for i := range ds.N {
		x := -1 + 2*float64(i)/19
		if math.Abs(ds.Row(i)[0]-x) > 1e-15 {
			t.Errorf("x_%d = %g, want %g", i, ds.Row(i)[0], x)
		}
		if want := 4*x*x*x - 3*x; math.Abs(ds.Target(i)[0]-want) > 1e-14 {
			t.Errorf("y_%d = %g, want 4x³−3x = %g", i, ds.Target(i)[0], want)
		}
	}
	// With n = 5 the points are −1, −½, 0, ½, 1 and T₃ is exact there.
	ds5, err := Chebyshev(3, 5)
	if err != nil {
		t.Fatal(err)
	}
	wantX := []float64{-1, -0.5, 0, 0.5, 1}
	wantY := []float64{-1, 1, 0, -1, 1}
	for i := range 5 {
		if ds5.X[i] != wantX[i] || ds5.Y[i] != wantY[i] || math.Signbit(ds5.Y[i]) != math.Signbit(wantY[i]) {
			t.Errorf("point %d = (%g, %g), want (%g, %g)", i, ds5.X[i], ds5.Y[i], wantX[i], wantY[i])
		}
	}
}

func TestChebyshevErrors(t *testing.T) {
	for _, tc := range []struct {
		degree, n int
		mention   string
	}{
		{3, 1, "n=1"},
		{3, 0, "n=0"},
		{3, -4, "n=-4"},
		{-1, 20, "degree=-1"},
	} {
		_, err := Chebyshev(tc.degree, tc.n)
		if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("Chebyshev(%d, %d): error %v, want one naming %q", tc.degree, tc.n, err, tc.mention)
		}
	}
}
