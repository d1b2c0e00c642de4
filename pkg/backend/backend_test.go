package backend_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

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
// of Stability toy (12 runs batched: the graph that hung the pure-Go
// backend's parallel executor in GoMLX v0.26.0 and v0.28.8) on the pure-Go
// configuration TheoryLab falls back to, and on the same backend with its
// parallel executor forced, each with a deadline.
func TestDoubleBackpropDoesNotHang(t *testing.T) {
	for _, cfg := range []string{backend.PureGoConfig, "go:ops_parallel"} {
		t.Run(cfg, func(t *testing.T) {
			be, err := backend.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer be.Finalize()
			model := mlp.Config{Sizes: []int{1, 100, 1}, Activation: "tanh", Bias: true, Init: mlp.XavierNormal}
			seeds := make([]uint64, 12)
			for i := range seeds {
				seeds[i] = uint64(i)
			}
			params, err := model.InitParams(seeds, dtypes.Float64)
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
				hvp, err := hessian.NewHVP(be, loss)
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
				t.Fatalf("21 Hessian-vector products on %s did not finish in 90 s: the executor hangs", cfg)
			}
		})
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

// childBackend runs this test binary's TestChildReport in a child process
// with the given extra environment and returns its stdout and stderr.
func childBackend(t *testing.T, env ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildReport$")
	cmd.Env = append(os.Environ(), append([]string{"THEORYLAB_CHILD=report"}, env...)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s\n%s", err, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

// TestChildReport is the child of the tests below: it prints what the
// process-wide backend is.
func TestChildReport(t *testing.T) {
	if os.Getenv("THEORYLAB_CHILD") != "report" {
		t.Skip("child process only")
	}
	_, err := backend.Get()
	fmt.Printf("name=%s\nsource=%s\nerr=%v\n", backend.Name(), backend.Source(), err)
}

// TestFallbackSaysWhy: with no usable plugin and no $GOMLX_BACKEND, the
// pure-Go backend is used and exactly one line on stderr says why.
func TestFallbackSaysWhy(t *testing.T) {
	stdout, stderr := childBackend(t, backend.EnvVar+"=", backend.PluginEnvVar+"="+filepath.Join(t.TempDir(), "missing.so"))
	if !strings.Contains(stdout, "name="+backend.PureGoConfig) || !strings.Contains(stdout, "source="+backend.SourceFallback) {
		t.Errorf("child chose:\n%s", stdout)
	}
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "theorylab: ") {
			lines = append(lines, l)
		}
	}
	why := "missing.so" // the plugin named by $THEORYLAB_PJRT_CPU_PLUGIN is not there
	if !backend.XLACompiledIn {
		why = "cgo" // this test binary has no XLA at all
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "XLA on the CPU is unavailable") || !strings.Contains(lines[0], why) {
		t.Errorf("want one line saying why XLA is not used (mentioning %q), got %q", why, lines)
	}
}

// TestXLAWithoutPluginNeverDownloads: $GOMLX_BACKEND=xla:cpu where no plugin
// can be found is an error at once; GoMLX's auto-install (which downloads a
// plugin into ~/.local/lib/go-xla) stays off.
func TestXLAWithoutPluginNeverDownloads(t *testing.T) {
	if !backend.XLACompiledIn {
		t.Skip("XLA is not compiled into this test binary (it needs cgo on Linux)")
	}
	home := t.TempDir()
	start := time.Now()
	stdout, _ := childBackend(t, backend.EnvVar+"=xla:cpu", backend.PluginEnvVar+"="+filepath.Join(home, "missing.so"),
		"HOME="+home, "PJRT_PLUGIN_LIBRARY_PATH="+home, "LD_LIBRARY_PATH=")
	if !strings.Contains(stdout, "err=") || strings.Contains(stdout, "err=<nil>") {
		t.Errorf("xla:cpu without a plugin must be an error, child said:\n%s", stdout)
	}
	entries, _ := os.ReadDir(home)
	if len(entries) != 0 {
		t.Errorf("the child wrote into its $HOME (an auto-install?): %v", entries)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v: something was attempted (a download?)", d)
	}
}

// TestWithoutCgo builds this package's tests with CGO_ENABLED=0 (no XLA
// compiled in) and runs the ones that choose and use the pure-Go backend:
// TheoryLab must build and compute without a C compiler.
func TestWithoutCgo(t *testing.T) {
	if os.Getenv("CGO_ENABLED") == "0" {
		t.Skip("already the CGO_ENABLED=0 build")
	}
	if testing.Short() {
		t.Skip("builds the package again without cgo (a minute the first time); skipped in -short mode")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command(goCmd, "test", "-count=1",
		"-run", "^(TestFallbackSaysWhy|TestConfigFollowsEnvironment|TestDoubleBackpropDoesNotHang)$", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("CGO_ENABLED=0 go test failed: %v\n%s", err, out)
	}
	t.Logf("CGO_ENABLED=0: %s", strings.TrimSpace(string(out)))
}
