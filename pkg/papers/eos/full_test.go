package eos

import (
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
	m.Examples, m.Hidden, m.Seeds, m.Steps = 200, []int{16, 16}, 1, 100
	m.LanczosEvery = 50
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
	if got := strings.Join(ids, ","); got != "EOS-1,EOS-2,EOS-3,EOS-4,EOS-5,EOS-6,EOS-7,EOS-8" {
		t.Errorf("claims %s", got)
	}
	for _, c := range list[6:] {
		if !c.Target {
			t.Errorf("%s must be reported as an uncalibrated target", c.ID)
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
		"lanczos_every":   func(m *MNISTConfig) { m.LanczosEvery = 30 },
		"accuracy_goal":   func(m *MNISTConfig) { m.AccuracyGoal = 1.5 },
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
