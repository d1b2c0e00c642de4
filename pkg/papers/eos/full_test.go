package eos

import (
	"math"
	"strings"
	"testing"
)

// smallFull is the full preset's machinery at a size that runs in seconds:
// the flow comparison on one step size and a 200-example MNIST study.
func smallFull() Config {
	c := tiny()
	c.Steps = 600
	c.EdgeEtas = []float64{0.4}
	c.Seeds = 1
	c.SharpnessEvery = 50
	c.ZoomSteps = 50
	c.Flow = true
	m := DefaultMNIST()
	m.Examples, m.Hidden, m.Seeds, m.Steps, m.SharpnessEvery, m.Window = 200, []int{16, 16}, 1, 100, 25, 50
	c.MNIST = &m
	return c
}

func TestFullMachinery(t *testing.T) {
	res, err := Run(smallFull())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Flow) != 1 {
		t.Fatalf("want a flow comparison for the edge run, got %d", len(res.Flow))
	}
	for _, f := range res.Flow {
		if len(f.Steps) == 0 || f.Steps[len(f.Steps)-1] > 2*f.CrossStep {
			t.Errorf("flow η=%g: compared steps %v for t* = %d", f.Eta, f.Steps, f.CrossStep)
		}
		// Early on, GD and the flow agree closely.
		if rel := f.Distance[0] / f.Travel[0]; !(rel < 0.05) {
			t.Errorf("flow η=%g: relative distance at the first checkpoint %.3g", f.Eta, rel)
		}
	}
	m := res.MNIST
	if m == nil || len(m.Runs) != 3 {
		t.Fatalf("want 3 MNIST runs (two edge multiples and the control), got %+v", m)
	}
	for _, r := range m.Runs {
		if want := 2 / (r.Multiple * r.S0); r.Eta != want || len(r.Loss) != 100 || len(r.SharpSteps) != 5 {
			t.Errorf("MNIST run m=%g: η %v (want %v), %d losses, %d measurements", r.Multiple, r.Eta, want, len(r.Loss), len(r.SharpSteps))
		}
	}
	list := Claims.Evaluate(res)
	ids := []string{}
	for _, c := range list {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, ","); got != "EOS-1,EOS-2,EOS-3,EOS-4,EOS-5,EOS-6,EOS-7,EOS-8,EOS-9,EOS-10" {
		t.Errorf("claims %s", got)
	}
	for _, c := range list {
		if c.Target != (c.ID == "EOS-7") {
			t.Errorf("%s: target %v; only EOS-7 (the flow comparison) is an uncalibrated target", c.ID, c.Target)
		}
	}
	if len(Figures(res)) != 5 {
		t.Errorf("want 5 figures with flow and MNIST")
	}
}

func TestMNISTConfigErrors(t *testing.T) {
	for want, mutate := range map[string]func(*MNISTConfig){
		"examples":        func(m *MNISTConfig) { m.Examples = 5 },
		"multiples":       func(m *MNISTConfig) { m.Multiples = []float64{-2} },
		"window":          func(m *MNISTConfig) { m.Window = m.Steps },
		"lanczos_iters":   func(m *MNISTConfig) { m.LanczosIters = 1 },
		"sharpness_every": func(m *MNISTConfig) { m.SharpnessEvery = 7 },
	} {
		c := Full()
		m := *c.MNIST
		mutate(&m)
		c.MNIST = &m
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error naming %q, got %v", want, err)
		}
	}
}

// TestMNISTSharpnessIsLambdaMax checks the MNIST study's sharpness
// measurement: 20 Lanczos iterations from a fresh start give λ_max of the
// loss Hessian (the largest eigenvalue itself, not the largest |λ|), against
// the dense eigendecomposition of the explicit Hessian of a network small
// enough to build it (196→4→10, 838 parameters, 60 images), at
// initialisation and after 60 steps of GD at 2/η = 2·S₀ and of the control
// (the Hessian is indefinite throughout: λ_min < 0).
func TestMNISTSharpnessIsLambdaMax(t *testing.T) {
	m := DefaultMNIST()
	m.Examples, m.Hidden, m.Seeds, m.Multiples, m.Steps, m.SharpnessEvery, m.Window = 60, []int{4}, 1, []float64{2}, 60, 60, 30
	checks, err := mnistDenseChecks(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 4 { // 2 runs (edge, control) × steps 0 and 60
		t.Fatalf("want 4 checks, got %d", len(checks))
	}
	for _, c := range checks {
		// 1e-4 relative: far finer than the claims' band of ±15% around 2/η.
		if rel := math.Abs(c.Lanczos-c.Dense) / math.Abs(c.Dense); rel > 1e-4 {
			t.Errorf("step %d: Lanczos %v, dense λ_max %v (relative %.2g)", c.Step, c.Lanczos, c.Dense, rel)
		}
		if c.DenseMin >= 0 {
			t.Errorf("step %d: the Hessian should be indefinite here (λ_min = %v), or the test proves less than it says", c.Step, c.DenseMin)
		}
		t.Logf("step %d η=%.4g: Lanczos %.8g, dense λ_max %.8g, dense λ_min %.4g", c.Step, c.Eta, c.Lanczos, c.Dense, c.DenseMin)
	}
}
