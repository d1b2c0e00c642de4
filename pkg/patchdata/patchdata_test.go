package patchdata

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func specConfig() Config { return Config{D: 400, Patches: 3, Sparsity: 20, SigmaP: 0.5} }

// TestStatistics checks the generator against the data model on 10,000 draws
// (the spec's method check): exactly one patch is ±e₁ with the label's sign,
// every noise patch has exactly s non-zeros and a zero first coordinate, the
// labels are balanced within 0.5 ± 0.02, and the mean ‖ξ‖² is within 2% of
// s·σ_p².
func TestStatistics(t *testing.T) {
	cfg := specConfig()
	const n = 10000
	s, err := Generate(cfg, n, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	pos, sumSq, noises := 0, 0.0, 0
	featureAt := make([]int, cfg.Patches)
	for i := range n {
		y := s.Y[i]
		if y != 1 && y != -1 {
			t.Fatalf("example %d: label %v", i, y)
		}
		if y == 1 {
			pos++
		}
		features := 0
		for p, patch := range s.Patches[i] {
			switch patch.Kind {
			case Feature:
				features++
				featureAt[p]++
				if !reflect.DeepEqual(patch.Index, []int{0}) || patch.Value[0] != y {
					t.Fatalf("example %d: feature patch %v, want %v·e₁", i, patch, y)
				}
			case Noise:
				noises++
				if len(patch.Index) != cfg.Sparsity || len(patch.Value) != cfg.Sparsity {
					t.Fatalf("example %d patch %d: %d non-zeros, want %d", i, p, len(patch.Index), cfg.Sparsity)
				}
				for k, j := range patch.Index {
					if j < 1 || j >= cfg.D || k > 0 && j <= patch.Index[k-1] {
						t.Fatalf("example %d patch %d: coordinates %v not distinct in [1, d)", i, p, patch.Index)
					}
					if patch.Value[k] == 0 {
						t.Fatalf("example %d patch %d: a zero value among the non-zeros", i, p)
					}
				}
				sumSq += patch.SquaredNorm()
			default:
				t.Fatalf("example %d: unexpected patch kind %d", i, patch.Kind)
			}
		}
		if features != 1 {
			t.Fatalf("example %d: %d feature patches", i, features)
		}
	}
	if frac := float64(pos) / n; math.Abs(frac-0.5) > 0.02 {
		t.Errorf("label balance %.4f, want 0.5 ± 0.02", frac)
	}
	want := float64(cfg.Sparsity) * cfg.SigmaP * cfg.SigmaP
	if mean := sumSq / float64(noises); math.Abs(mean-want) > 0.02*want {
		t.Errorf("mean ‖ξ‖² = %.4f, want %.4f ± 2%%", mean, want)
	}
	// The feature's position is uniform over the P patches (a loose 5σ check).
	for p, c := range featureAt {
		exp := float64(n) / float64(cfg.Patches)
		if math.Abs(float64(c)-exp) > 5*math.Sqrt(exp) {
			t.Errorf("feature at patch %d in %d examples, expected about %.0f", p, c, exp)
		}
	}
	// Every noise coordinate 1 … d−1 is used about equally often (no coordinate is favoured).
	counts := make([]int, cfg.D)
	for i := range n {
		for _, patch := range s.NoiseOf(i) {
			for _, j := range patch.Index {
				counts[j]++
			}
		}
	}
	exp := float64(noises*cfg.Sparsity) / float64(cfg.D-1)
	for j := 1; j < cfg.D; j++ {
		if math.Abs(float64(counts[j])-exp) > 6*math.Sqrt(exp) {
			t.Errorf("coordinate %d used %d times, expected about %.0f", j, counts[j], exp)
		}
	}
}

func TestDeterministicAndStreamsDiffer(t *testing.T) {
	cfg := specConfig()
	a, _ := Generate(cfg, 50, 3, 1)
	b, _ := Generate(cfg, 50, 3, 1)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed and stream gave different sets")
	}
	c, _ := Generate(cfg, 50, 3, 2)
	d, _ := Generate(cfg, 50, 4, 1)
	if reflect.DeepEqual(a.Patches, c.Patches) || reflect.DeepEqual(a.Patches, d.Patches) {
		t.Fatal("another stream or seed gave the same set")
	}
	// A test stream never reuses a training example's noise values.
	seen := map[float64]bool{}
	for i := range a.N() {
		for _, p := range a.NoiseOf(i) {
			for _, v := range p.Value {
				seen[v] = true
			}
		}
	}
	for i := range c.N() {
		for _, p := range c.NoiseOf(i) {
			for _, v := range p.Value {
				if seen[v] {
					t.Fatalf("stream 2 repeats a noise value of stream 1: %v", v)
				}
			}
		}
	}
}

func TestDenseAndPatchSum(t *testing.T) {
	cfg := specConfig()
	s, _ := Generate(cfg, 30, 1, 1)
	dense := s.Dense()
	sum := s.PatchSum()
	w := make([]float64, cfg.D)
	for j := range w {
		w[j] = math.Sin(float64(j) + 1)
	}
	for i := range s.N() {
		total := make([]float64, cfg.D)
		for p, patch := range s.Patches[i] {
			row := dense[(i*cfg.Patches+p)*cfg.D : (i*cfg.Patches+p+1)*cfg.D]
			dot := 0.0
			for j, x := range row {
				dot += x * w[j]
				total[j] += x
			}
			if math.Abs(dot-patch.Dot(w)) > 1e-12 {
				t.Fatalf("example %d patch %d: dense ⟨w, x⟩ = %v, sparse %v", i, p, dot, patch.Dot(w))
			}
		}
		if !reflect.DeepEqual(total, sum[i*cfg.D:(i+1)*cfg.D]) {
			t.Fatalf("example %d: PatchSum differs from the sum of the dense patches", i)
		}
	}
}

func TestNullAndFeatureNoise(t *testing.T) {
	cfg := specConfig()
	s, _ := Generate(cfg, 200, 5, 1)
	nullCfg := cfg
	nullCfg.NoFeature = true
	g, _ := Generate(nullCfg, 200, 5, 1)
	if w := s.WithoutFeature(); !reflect.DeepEqual(w, g) {
		t.Fatal("WithoutFeature differs from generating with NoFeature")
	}
	for i := range g.N() {
		for _, p := range g.Patches[i] {
			if p.Kind == Feature && len(p.Index) != 0 {
				t.Fatalf("example %d: the null set has a feature", i)
			}
		}
		if !reflect.DeepEqual(g.NoiseOf(i), s.NoiseOf(i)) || g.Y[i] != s.Y[i] {
			t.Fatalf("example %d: the null set's labels or noise differ from the original's", i)
		}
	}
	fn := cfg
	fn.FeatureNoise = 0.2
	f, err := Generate(fn, 500, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.N() {
		var kinds [3]int
		for _, p := range f.Patches[i] {
			kinds[p.Kind]++
			if p.Kind == FeatureNoise && (p.Index[0] != 0 || p.Value[0] != -0.2*f.Y[i]) {
				t.Fatalf("example %d: feature-noise patch %v, want −0.2·y·e₁ with y = %v", i, p, f.Y[i])
			}
		}
		if kinds != [3]int{1, 1, 1} {
			t.Fatalf("example %d: patch kinds %v, want one of each", i, kinds)
		}
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	cases := map[string]func(*Config){
		"d must be":          func(c *Config) { c.D = 1 },
		"patches must be":    func(c *Config) { c.Patches = 1 },
		"sparsity":           func(c *Config) { c.Sparsity = 400 },
		"sigma_p":            func(c *Config) { c.SigmaP = 0 },
		"feature_noise must": func(c *Config) { c.FeatureNoise = -1 },
		"feature_noise needs": func(c *Config) {
			c.Patches = 2
			c.FeatureNoise = 0.2
		},
	}
	for want, mutate := range cases {
		c := specConfig()
		mutate(&c)
		if _, err := Generate(c, 10, 0, 0); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
		}
	}
	if _, err := Generate(specConfig(), 0, 0, 0); err == nil || !strings.Contains(err.Error(), "n must be") {
		t.Errorf("n = 0: got %v", err)
	}
}
