package mlp_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
)

func TestInitStatisticsAndShapes(t *testing.T) {
	c := mlp.Config{Sizes: []int{1, 100, 1}, Activation: "tanh", Bias: true, Init: mlp.XavierNormal, Gains: []float64{1.9, 1}}
	if c.NumParams() != 300 {
		t.Fatalf("toy has %d parameters, want 300", c.NumParams())
	}
	seeds := make([]uint64, 200)
	for i := range seeds {
		seeds[i] = uint64(i)
	}
	ps, err := c.InitParams(seeds, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 {
		t.Fatalf("want W₀, b₀, W₁ (no output bias), got %d tensors", len(ps))
	}
	w := tensors.MustCopyFlatData[float64](ps[0])
	var sq float64
	for _, x := range w {
		sq += x * x
	}
	// Var(w) = 1.9² · 2/(1+100).
	want := 1.9 * 1.9 * 2 / 101
	if got := sq / float64(len(w)); math.Abs(got-want)/want > 0.05 {
		t.Errorf("first-layer variance %.4f, want %.4f", got, want)
	}
	for _, b := range tensors.MustCopyFlatData[float64](ps[1]) {
		if b != 0 {
			t.Fatal("Xavier init: biases must start at 0")
		}
	}
	// A run's values do not depend on its batch companions.
	one, _ := c.InitParams([]uint64{17}, dtypes.Float64)
	if a, b := tensors.MustCopyFlatData[float64](one[0])[:100], w[17*100:18*100]; a[0] != b[0] || a[99] != b[99] {
		t.Error("run 17 differs when initialised alone")
	}

	torch := mlp.Config{Sizes: []int{196, 64, 10}, Activation: "relu", Bias: true, OutputBias: true, Init: mlp.TorchDefault}
	tp, _ := torch.InitParams([]uint64{1}, dtypes.Float64)
	bound := 1 / math.Sqrt(196)
	for _, x := range tensors.MustCopyFlatData[float64](tp[0]) {
		if math.Abs(x) > bound {
			t.Fatalf("torch-default weight %v outside ±1/√fan_in = %v", x, bound)
		}
	}

	out := MustExecOnce(backend.MustGet(), func(x *Node) *Node {
		params := make([]*Node, len(tp))
		for i, p := range tp {
			params[i] = Const(x.Graph(), p)
		}
		return torch.Forward(params, x)
	}, tensors.FromFlatDataAndDimensions(make([]float64, 5*196), 5, 196))
	if dims := out.Shape().Dimensions; len(dims) != 3 || dims[0] != 1 || dims[1] != 5 || dims[2] != 10 {
		t.Errorf("output shape %v, want [1 5 10]", dims)
	}
}

func TestConfigErrors(t *testing.T) {
	for want, c := range map[string]mlp.Config{
		"at least an input":  {Sizes: []int{3}, Activation: "tanh", Init: mlp.TorchDefault},
		"positive":           {Sizes: []int{3, 0, 1}, Activation: "tanh", Init: mlp.TorchDefault},
		"unknown activation": {Sizes: []int{3, 1}, Activation: "gelu", Init: mlp.TorchDefault},
		"unknown init":       {Sizes: []int{3, 1}, Activation: "tanh", Init: "he"},
		"gains for 1 layers": {Sizes: []int{3, 1}, Activation: "tanh", Init: mlp.XavierNormal, Gains: []float64{1, 2}},
	} {
		if _, err := c.InitParams([]uint64{0}, dtypes.Float64); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error containing %q, got %v", want, err)
		}
	}
}
