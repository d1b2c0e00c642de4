package backend_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/hessian"
)

func TestConfigFollowsEnvironment(t *testing.T) {
	t.Setenv(backend.EnvVar, "")
	if got, want := backend.Config(), backend.DefaultConfig(); got != want {
		t.Errorf("empty $GOMLX_BACKEND: config %q, want the default %q", got, want)
	}
	if d := backend.DefaultConfig(); d != backend.XLACPUConfig && d != backend.PureGoConfig {
		t.Errorf("default %q is neither %q nor %q", d, backend.XLACPUConfig, backend.PureGoConfig)
	}
	t.Setenv(backend.EnvVar, "go")
	if got := backend.Config(); got != "go" {
		t.Errorf("$GOMLX_BACKEND=go: config %q", got)
	}
}

// TestUnknownBackendIsAClearError runs a child process with a bogus
// $GOMLX_BACKEND: the error names it and lists what is compiled in.
func TestUnknownBackendIsAClearError(t *testing.T) {
	if os.Getenv("THEORYLAB_CHILD") == "1" {
		_, err := backend.Get()
		if err == nil {
			os.Exit(0)
		}
		os.Stderr.WriteString(err.Error())
		os.Exit(7)
	}
	cmd := exec.Command(os.Args[0], "-test.run=TestUnknownBackendIsAClearError")
	cmd.Env = append(os.Environ(), "THEORYLAB_CHILD=1", backend.EnvVar+"=nosuchbackend")
	out, err := cmd.CombinedOutput()
	exit, ok := err.(*exec.ExitError)
	if !ok || exit.ExitCode() != 7 || !strings.Contains(string(out), `"nosuchbackend"`) || !strings.Contains(string(out), "compiled in") {
		t.Fatalf("want an error naming the backend, got %v: %s", err, out)
	}
}

// TestDoubleBackpropDoesNotHang executes Hessian-vector products of the Edge
// of Stability toy (12 runs batched, the graph that hung SimpleGo's parallel
// executor with GoMLX v0.26.0) on the default backend, with a deadline.
func TestDoubleBackpropDoesNotHang(t *testing.T) {
	model := mlp.Config{Sizes: []int{1, 100, 1}, Activation: "tanh", Bias: true, Init: mlp.XavierNormal}
	seeds := make([]uint64, 12)
	for i := range seeds {
		seeds[i] = uint64(i)
	}
	params, err := model.InitParams(seeds)
	if err != nil {
		t.Fatal(err)
	}
	x := tensors.FromFlatDataAndDimensions(ones(20), 20, 1)
	loss := func(p []*Node) *Node {
		pred := model.Forward(p, Const(p[0].Graph(), x))
		return ReduceMean(Square(pred), 1, 2)
	}
	done := make(chan error, 1)
	go func() {
		hvp, err := hessian.NewHVP(backend.MustGet(), loss)
		if err != nil {
			done <- err
			return
		}
		defer hvp.Finalize()
		op, err := hvp.Operator(params)
		if err != nil {
			done <- err
			return
		}
		_, err = hessian.LanczosBatch(op, len(seeds), model.NumParams(), 20, 1)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("21 Hessian-vector products on %s did not finish in 90 s: the executor hangs", backend.Name())
	}
}

func ones(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 1
	}
	return x
}

func TestDescribeNamesTheBackend(t *testing.T) {
	if d := backend.Describe(); !strings.Contains(d, backend.Name()) {
		t.Errorf("Describe() = %q does not name %q", d, backend.Name())
	}
}
