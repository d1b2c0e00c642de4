package onesided_test

import (
	"fmt"

	"theorylab/pkg/papers/onesided"
)

// A small run of both experiments: the toy (5 seeds × 2 β₁ × 2 schedules ×
// toy and control) and the ring GAN (Adam with its perfect-generator null,
// and plain GDA), each method's learning rate chosen from the same grid.
func Example() {
	cfg := onesided.Quick()
	cfg.Preset = "custom"
	cfg.Seeds = 2
	cfg.ToySteps = 500
	cfg.Width, cfg.Iters, cfg.Every, cfg.Eval, cfg.Pilot = 8, 100, 10, 256, 20
	cfg.LRGrid = []float64{1e-2}
	res, err := onesided.Run(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	count := map[string]int{}
	for _, r := range res.GAN {
		key := r.Method
		if r.Null {
			key += " null"
		}
		count[key]++
	}
	fmt.Println(len(res.Toy), "toy runs;", len(res.Pilot), "selection runs")
	fmt.Println("GAN runs:", count["adam"], "Adam,", count["adam null"], "null,", count["gda"], "GDA;", len(res.GAN[0].Iter), "checkpoints each")
	// Output:
	// 16 toy runs; 2 selection runs
	// GAN runs: 2 Adam, 2 null, 2 GDA; 11 checkpoints each
}

// The full preset's MNIST GAN: its networks and the quality classifier.
func ExampleMNISTConfig_Nets() {
	m := onesided.DefaultMNIST()
	g, d := m.Nets()
	c := m.Classifier()
	fmt.Println("generator", g.Sizes, g.Hidden, g.Output, g.NumParams(), "parameters")
	fmt.Println("discriminator", d.Sizes, d.Hidden, d.NumParams(), "parameters")
	fmt.Println("classifier", c.Sizes, c.NumParams(), "parameters")
	// Output:
	// generator [64 256 784] relu tanh 218128 parameters
	// discriminator [784 256 1] leaky-relu 201217 parameters
	// classifier [784 128 10] 101770 parameters
}
