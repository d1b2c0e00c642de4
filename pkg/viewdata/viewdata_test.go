package viewdata

import (
	"math"
	"strings"
	"testing"
)

func TestGenerator(t *testing.T) {
	c := Default()
	s, err := Generate(c, 4000, 7)
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, c.K)
	singles := 0
	row := c.P * c.D
	for i := range s.N {
		counts[s.Y[i]]++
		x := s.X[i*row : (i+1)*row]
		// noise exactly zero on view coordinates except where a view was placed,
		// and at most one view per patch (slots never overwritten)
		own := [2]float64{}
		for p := range c.P {
			nz := 0
			for d := range 2 * c.K {
				if v := x[p*c.D+d]; v != 0 {
					nz++
					if d/2 == s.Y[i] {
						own[d%2] += v
					}
				}
			}
			if nz > 1 {
				t.Fatalf("example %d patch %d holds %d views", i, p, nz)
			}
		}
		if s.Single[i] {
			singles++
			l := s.Main[i]
			if own[l] < c.Strong.Lo || own[1-l] > c.WeakOwn.Hi || own[1-l] < c.WeakOwn.Lo {
				t.Fatalf("single-view example %d: own views %v, main %d", i, own, l)
			}
		} else if own[0] < 1 || own[1] < 1 || s.Main[i] != -1 {
			t.Fatalf("multi-view example %d: own views %v", i, own)
		}
	}
	rate := float64(singles) / float64(s.N)
	if math.Abs(rate-c.Mu) > 0.02 {
		t.Errorf("single-view rate %.3f, want %.2f ± 0.02", rate, c.Mu)
	}
	for j, n := range counts {
		if math.Abs(float64(n)/float64(s.N)-0.1) > 0.02 {
			t.Errorf("class %d has %d of %d examples", j, n, s.N)
		}
	}
	// noise on the off-view coordinates has the configured σ
	var ss float64
	var cnt int
	for i := range s.N * c.P {
		for d := 2 * c.K; d < c.D; d++ {
			v := s.X[i*c.D+d]
			ss += v * v
			cnt++
		}
	}
	if sd := math.Sqrt(ss / float64(cnt)); math.Abs(sd-c.Sigma) > 0.005 {
		t.Errorf("noise s.d. %.4f, want %.2f", sd, c.Sigma)
	}
}

func TestDeterministicAndIndependent(t *testing.T) {
	a, _ := Generate(Default(), 50, 1)
	b, _ := Generate(Default(), 50, 1)
	c, _ := Generate(Default(), 50, 2)
	for i := range a.X {
		if a.X[i] != b.X[i] {
			t.Fatal("same seed, different data")
		}
	}
	same := true
	for i := range a.X {
		same = same && a.X[i] == c.X[i]
	}
	if same {
		t.Fatal("different seeds, same data")
	}
}

func TestSubset(t *testing.T) {
	s, _ := Generate(Default(), 100, 3)
	sv := s.Subset(func(i int) bool { return s.Single[i] })
	for i := range sv.N {
		if !sv.Single[i] || sv.Main[i] < 0 {
			t.Fatal("subset kept a multi-view example")
		}
	}
	if len(sv.X) != sv.N*s.P*s.D {
		t.Fatal("subset inputs have the wrong size")
	}
}

func TestBadConfig(t *testing.T) {
	for field, f := range map[string]func(*Config){
		"k": func(c *Config) { c.K = 1 }, "d": func(c *Config) { c.D = 20 }, "p": func(c *Config) { c.P = 1 },
		"mu": func(c *Config) { c.Mu = 2 }, "sigma": func(c *Config) { c.Sigma = -1 },
		"strong": func(c *Config) { c.Strong = Range{2, 1} }, "other_prob": func(c *Config) { c.OtherProb = -0.1 },
		"weak_own": func(c *Config) { c.WeakOwn = Range{-1, 0} },
	} {
		c := Default()
		f(&c)
		if _, err := Generate(c, 10, 1); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: error %v does not name the field", field, err)
		}
	}
	if _, err := Generate(Default(), 0, 1); err == nil {
		t.Error("n = 0 accepted")
	}
}
