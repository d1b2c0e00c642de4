package patchdata

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestStatistics: the spec's generator checks on 10,000 draws.
func TestStatistics(t *testing.T) {
	c := Config{D: 400, P: 3, S: 20, SigmaP: 0.5}
	s, err := Generate(c, 10000, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	pos, sq, noise := 0, 0.0, 0
	for i := range s.N {
		if s.Y[i] > 0 {
			pos++
		}
		features := 0
		for p := range s.P {
			x := s.Patch(i, p)
			nz := 0
			for _, v := range x {
				if v != 0 {
					nz++
				}
			}
			if nz == 1 && math.Abs(x[0]) == 1 {
				features++
				if x[0] != s.Y[i] || p != s.Feature[i] {
					t.Fatalf("example %d: feature patch %d is %v, label %v, recorded patch %d", i, p, x[0], s.Y[i], s.Feature[i])
				}
				continue
			}
			if x[0] != 0 || nz != c.S {
				t.Fatalf("example %d patch %d: first coordinate %v, %d non-zeros, want 0 and %d", i, p, x[0], nz, c.S)
			}
			for _, v := range x {
				sq += v * v
			}
			noise++
		}
		if features != 1 {
			t.Fatalf("example %d has %d feature patches", i, features)
		}
	}
	if b := float64(pos) / float64(s.N); math.Abs(b-0.5) > 0.02 {
		t.Errorf("label balance %.3f, want 0.5 ± 0.02", b)
	}
	want := float64(c.S) * c.SigmaP * c.SigmaP
	if got := sq / float64(noise); math.Abs(got/want-1) > 0.02 {
		t.Errorf("mean ‖ξ‖² = %.4f, want %.4f ± 2%%", got, want)
	}
}

func TestFeatureNoiseAndZero(t *testing.T) {
	s, err := Generate(Config{D: 30, P: 4, S: 5, SigmaP: 1, Alpha: 0.2}, 200, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.N {
		neg := 0
		for p := range s.P {
			if s.Patch(i, p)[0] == -0.2*s.Y[i] {
				neg++
			}
		}
		if neg != 1 {
			t.Fatalf("example %d: %d feature-noise patches, want 1", i, neg)
		}
	}
	z := s.ZeroFeature()
	for q := range s.N * s.P {
		if z.X[q*s.D] != 0 {
			t.Fatal("ZeroFeature left a feature coordinate")
		}
	}
	if s.Patch(0, s.Feature[0])[0] == 0 {
		t.Fatal("ZeroFeature changed the original")
	}
}

func TestBadConfig(t *testing.T) {
	for name, c := range map[string]Config{
		"P":      {D: 10, P: 1, S: 2, SigmaP: 1},
		"S":      {D: 10, P: 2, S: 10, SigmaP: 1},
		"SigmaP": {D: 10, P: 2, S: 2, SigmaP: 0},
		"Alpha":  {D: 10, P: 2, S: 2, SigmaP: 1, Alpha: -1},
	} {
		_, err := Generate(c, 5, rand.New(rand.NewPCG(0, 0)))
		if err == nil || !contains(err.Error(), name+" must") {
			t.Errorf("%s: got error %v", name, err)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
