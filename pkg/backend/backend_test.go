package backend_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"theorylab/pkg/backend"
)

func TestConfigFollowsEnvironment(t *testing.T) {
	t.Setenv(backend.EnvVar, "")
	if got := backend.Config(); got != backend.DefaultConfig {
		t.Errorf("empty $GOMLX_BACKEND: config %q, want the default %q", got, backend.DefaultConfig)
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
	if err == nil || !strings.Contains(string(out), `"nosuchbackend"`) || !strings.Contains(string(out), "go") {
		t.Fatalf("want an error naming the backend, got %v: %s", err, out)
	}
}

// TestDoubleBackpropDoesNotHang executes a Hessian-vector product graph (the
// kind that hung SimpleGo's parallel executor) on the default backend with a deadline.
func TestDoubleBackpropDoesNotHang(t *testing.T) {
	done := make(chan error, 1)
	go func() {
		_, err := ExecOnce(backend.MustGet(), func(w, x, v *Node) *Node {
			// L = mean(tanh(x·W)²); H·v = ∇⟨∇L, v⟩.
			l := ReduceAllMean(Square(Tanh(Dot(x, w))))
			g := Gradient(l, w)[0]
			return Gradient(ReduceAllSum(Mul(g, v)), w)[0]
		}, tensors.FromFlatDataAndDimensions(make([]float64, 64*32), 64, 32),
			tensors.FromFlatDataAndDimensions(ones(128*64), 128, 64),
			tensors.FromFlatDataAndDimensions(ones(64*32), 64, 32))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("double backprop on %s did not finish in 2 minutes: the executor hangs", backend.Name())
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
