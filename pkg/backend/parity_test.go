package backend_test

// Parity between the pure-Go backend and XLA on the CPU: the same graphs on
// both, compared within stated tolerances. Every test here skips, saying why,
// where XLA on the CPU is unavailable (no cgo, no plugin: run `make setup`).
//
// Tolerances (relative, |a−b| / max(|a|,|b|), elementwise over the outputs
// unless said otherwise):
//
//	float32 matrix product [64,64]·[64,48]        1e-5  (different summation order)
//	float64 gradients, GD steps, HVPs, Lanczos    1e-9  (a few ulps, grown over 100 steps)
//	float32 MNIST step and HVP                    1e-4  (1000-term float32 sums)
//	Edge of Stability quick preset, float64:
//	  every run's losses while GD is stable:      1e-9
//	    up to the last sharpness measurement
//	    before S first reaches 2/η (the whole
//	    run for the control step size)
//	  sharpness at every measurement up to then   1e-9
//	  the step at which S first reaches 2/η       equal
//	  every claim                                 passes on both backends
//	Once S reaches 2/η the runs are at the edge of stability, where GD is
//	chaotic: rounding differences of 1e-16 grow to O(1) within 40–250 steps
//	(measured), so later losses are not compared point by point; the claims,
//	which are about the regime and not the trajectory, are.

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/hessian"
	"theorylab/pkg/papers/eos"
	"theorylab/pkg/train"
)

// bothBackends returns the pure-Go backend and XLA on the CPU, or skips.
func bothBackends(t *testing.T) (goB, xlaB compute.Backend) {
	t.Helper()
	if !backend.XLACompiledIn {
		t.Skip("parity: XLA is not compiled into this test binary (it needs cgo on Linux)")
	}
	if _, err := backend.PluginPath(); err != nil {
		t.Skipf("parity: %v", err)
	}
	goB, err := backend.New(backend.PureGoConfig)
	if err != nil {
		t.Fatal(err)
	}
	xlaB, err = backend.New(backend.XLACPUConfig)
	if err != nil {
		t.Fatalf("the PJRT CPU plugin is installed but XLA could not be created: %v", err)
	}
	t.Cleanup(func() { goB.Finalize(); xlaB.Finalize() })
	return goB, xlaB
}

func relDiff(a, b float64) float64 {
	d := math.Abs(a - b)
	if d == 0 {
		return 0
	}
	return d / math.Max(math.Abs(a), math.Abs(b))
}

// agree fails the test when any pair differs by more than tol relative to
// the larger magnitude in the whole vector (so that entries near zero in
// a vector of O(1) values are judged on the vector's scale).
func agree(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values on XLA, %d on Go", what, len(got), len(want))
	}
	var scale, worst float64
	for i := range want {
		scale = math.Max(scale, math.Max(math.Abs(got[i]), math.Abs(want[i])))
	}
	at := -1
	for i := range want {
		if d := math.Abs(got[i] - want[i]); d > worst {
			worst, at = d, i
		}
	}
	if scale > 0 {
		worst /= scale
	}
	if worst > tol || math.IsNaN(worst) {
		t.Errorf("%s: XLA and Go differ by %.2g (relative to max |value| %.3g) at index %d: %v vs %v; tolerance %g",
			what, worst, scale, at, got[at], want[at], tol)
	} else {
		t.Logf("%s: largest relative difference %.2g (tolerance %g)", what, worst, tol)
	}
}

func flat(t *testing.T, ts ...*tensors.Tensor) []float64 {
	t.Helper()
	var out []float64
	for _, x := range ts {
		if f, err := tensors.CopyFlatData[float64](x); err == nil {
			out = append(out, f...)
			continue
		}
		f, err := tensors.CopyFlatData[float32](x)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range f {
			out = append(out, float64(v))
		}
	}
	return out
}

func clones(ts []*tensors.Tensor) []*tensors.Tensor {
	out := make([]*tensors.Tensor, len(ts))
	for i, x := range ts {
		c, err := x.LocalClone()
		if err != nil {
			panic(err)
		}
		out[i] = c
	}
	return out
}

func TestParityMatmulFloat32(t *testing.T) {
	goB, xlaB := bothBackends(t)
	a, b := make([]float32, 64*64), make([]float32, 64*48)
	for i := range a {
		a[i] = float32(math.Sin(float64(i)))
	}
	for i := range b {
		b[i] = float32(math.Cos(float64(3 * i)))
	}
	prod := func(be compute.Backend) []float64 {
		out := MustExecOnce(be, func(a, b *Node) *Node { return MatMul(a, b) },
			tensors.FromFlatDataAndDimensions(a, 64, 64), tensors.FromFlatDataAndDimensions(b, 64, 48))
		return flat(t, out)
	}
	agree(t, "[64,64]·[64,48] float32", prod(xlaB), prod(goB), 1e-5)
}

// toy is the Edge of Stability quick preset's batched problem (12 runs, float64).
func toy(t *testing.T) (loss train.LossFn, params []*tensors.Tensor, etas []float64, dim int) {
	t.Helper()
	cfg := eos.Quick()
	ds, err := data.Chebyshev(cfg.Degree, cfg.Points)
	if err != nil {
		t.Fatal(err)
	}
	model := eos.Model(cfg.Width)
	var seeds []uint64
	for _, eta := range cfg.Etas() {
		for s := range cfg.Seeds {
			seeds = append(seeds, uint64(s))
			etas = append(etas, eta)
		}
	}
	if params, err = model.InitParams(seeds, dtypes.Float64); err != nil {
		t.Fatal(err)
	}
	x := tensors.FromFlatDataAndDimensions(ds.X, ds.N, ds.D)
	y := tensors.FromFlatDataAndDimensions(ds.Y, ds.N, ds.K)
	loss = func(p []*Node) *Node {
		g := p[0].Graph()
		return train.HalfMSE(model.Forward(p, Const(g, x)), Const(g, y))
	}
	return loss, params, etas, model.NumParams()
}

// TestParityToyGDHVPLanczos runs 100 GD steps of the 12-run toy (10 graphs
// of 10 unrolled steps), then a Hessian-vector product and Lanczos, on both
// backends.
func TestParityToyGDHVPLanczos(t *testing.T) {
	goB, xlaB := bothBackends(t)
	loss, params0, etas, dim := toy(t)
	type outcome struct {
		losses, params, hv []float64
		top                []float64
	}
	runOn := func(be compute.Backend) outcome {
		var o outcome
		gd, err := train.NewGD(be, loss, 10)
		if err != nil {
			t.Fatal(err)
		}
		defer gd.Finalize()
		eta := tensors.FromFlatDataAndDimensions(etas, len(etas))
		params := clones(params0) // a tensor belongs to the first backend that uses it
		for range 10 {
			next, ls, err := gd.Steps(params, eta)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range ls {
				o.losses = append(o.losses, row...)
			}
			params = next
		}
		o.params = flat(t, params...)
		hvp, err := hessian.NewHVP(be, loss)
		if err != nil {
			t.Fatal(err)
		}
		defer hvp.Finalize()
		op, err := hvp.Operator(params)
		if err != nil {
			t.Fatal(err)
		}
		vs := make([][]float64, len(etas))
		for r := range vs {
			vs[r] = hessian.StartVector(dim, uint64(r))
		}
		hv, err := op(vs)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range hv {
			o.hv = append(o.hv, v...)
		}
		top, err := hessian.LanczosBatch(op, len(etas), dim, 20, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range top {
			o.top = append(o.top, e.Values[0])
		}
		return o
	}
	g, x := runOn(goB), runOn(xlaB)
	agree(t, "losses of 100 GD steps × 12 runs", x.losses, g.losses, 1e-9)
	agree(t, "parameters after 100 steps", x.params, g.params, 1e-9)
	agree(t, "H·v after 100 steps", x.hv, g.hv, 1e-9)
	agree(t, "top Hessian eigenvalue (Lanczos, 20 iterations) per run", x.top, g.top, 1e-9)
}

// TestParityMNISTFloat32 compares one full-batch GD step and one HVP of the
// fc-tanh 196-64-64-10 network on 1000 MNIST images pooled to 14×14, float32.
func TestParityMNISTFloat32(t *testing.T) {
	goB, xlaB := bothBackends(t)
	ds, err := data.PooledMNIST(1000)
	if err != nil {
		t.Fatal(err)
	}
	fx, fy := ds.Float32()
	x := tensors.FromFlatDataAndDimensions(fx, ds.N, ds.D)
	y := tensors.FromFlatDataAndDimensions(fy, ds.N, ds.K)
	model := mlp.Config{Sizes: []int{196, 64, 64, 10}, Activation: "tanh", Bias: true, OutputBias: true, Init: mlp.TorchDefault}
	p64, err := model.InitParams([]uint64{0}, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	var params, dirs []*tensors.Tensor
	for i, p := range p64 {
		f := flat(t, p)
		p32, d32 := make([]float32, len(f)), make([]float32, len(f))
		for j, v := range f {
			p32[j] = float32(v)
			d32[j] = float32(math.Sin(float64(7*j + i)))
		}
		params = append(params, tensors.FromFlatDataAndDimensions(p32, p.Shape().Dimensions...))
		dirs = append(dirs, tensors.FromFlatDataAndDimensions(d32, p.Shape().Dimensions...))
	}
	loss := func(p []*Node) *Node {
		g := p[0].Graph()
		return train.HalfMSE(model.Forward(p, Const(g, x)), Const(g, y))
	}
	runOn := func(be compute.Backend) (step, hv []float64) {
		gd, err := train.NewGD(be, func(p []*Node) *Node { return ConvertDType(loss(p), dtypes.Float64) }, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer gd.Finalize()
		params, dirs := clones(params), clones(dirs) // a tensor belongs to the first backend that uses it
		next, _, err := gd.Steps(params, tensors.FromFlatDataAndDimensions([]float32{0.05}, 1))
		if err != nil {
			t.Fatal(err)
		}
		h, err := hessian.NewHVP(be, loss)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Finalize()
		out, err := h.Apply(params, dirs)
		if err != nil {
			t.Fatal(err)
		}
		return flat(t, next...), flat(t, out...)
	}
	gs, gh := runOn(goB)
	xs, xh := runOn(xlaB)
	agree(t, "parameters after one GD step (float32)", xs, gs, 1e-4)
	agree(t, "H·v (float32)", xh, gh, 1e-4)
}

// eosOutcome is what a child process reports of the quick preset.
type eosOutcome struct {
	Backend string         `json:"backend"`
	Results *eos.Results   `json:"results"`
	Claims  []claimOutcome `json:"claims"`
	Err     string         `json:"err,omitempty"`
}

type claimOutcome struct {
	ID       string  `json:"id"`
	Pass     bool    `json:"pass"`
	Target   bool    `json:"target"`
	Measured float64 `json:"measured"`
}

const parityOutEnv = "THEORYLAB_PARITY_OUT"

// TestParityEOSQuickChild is the child process of TestParityEOSQuick: it runs
// the quick preset (through the results cache, which the eos tests and
// notebooks share) on $GOMLX_BACKEND and writes what it found.
func TestParityEOSQuickChild(t *testing.T) {
	out := os.Getenv(parityOutEnv)
	if out == "" {
		t.Skip("child of TestParityEOSQuick only")
	}
	o := eosOutcome{Backend: backend.Name()}
	res, _, _, err := eos.Paper.RunCached(eos.Quick())
	if err != nil {
		o.Err = err.Error()
	} else {
		o.Results = res
		for _, c := range eos.Claims.Evaluate(res) {
			measured := c.Measured
			if math.IsNaN(measured) || math.IsInf(measured, 0) {
				measured = -1
			}
			o.Claims = append(o.Claims, claimOutcome{ID: c.ID, Pass: c.Pass, Target: c.Target, Measured: measured})
		}
	}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestParityEOSQuick runs the Edge of Stability quick preset on both backends
// (each in its own process, since eos.Run uses the process-wide backend) and
// compares: the losses of the first 1000 steps and the sharpness at step 0
// agree to 1e-9; every claim passes on both.
func TestParityEOSQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("the quick preset on two backends: skipped in -short mode")
	}
	bothBackends(t)
	dir := t.TempDir()
	outcomes := map[string]eosOutcome{}
	for _, cfg := range []string{backend.PureGoConfig, backend.XLACPUConfig} {
		out := filepath.Join(dir, fmt.Sprintf("%d.json", len(outcomes)))
		cmd := exec.Command(os.Args[0], "-test.run=^TestParityEOSQuickChild$", "-test.timeout=30m")
		cmd.Env = append(os.Environ(), backend.EnvVar+"="+cfg, parityOutEnv+"="+out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("quick preset on %s: %v\n%s", cfg, err, b)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var o eosOutcome
		if err := json.Unmarshal(b, &o); err != nil {
			t.Fatal(err)
		}
		if o.Err != "" {
			t.Fatalf("quick preset on %s: %s", cfg, o.Err)
		}
		if o.Backend != cfg {
			t.Fatalf("child ran on %q, want %q", o.Backend, cfg)
		}
		outcomes[cfg] = o
	}
	g, x := outcomes[backend.PureGoConfig], outcomes[backend.XLACPUConfig]
	if len(g.Results.Runs) != len(x.Results.Runs) {
		t.Fatalf("%d runs on Go, %d on XLA", len(g.Results.Runs), len(x.Results.Runs))
	}
	every := g.Results.Config.SharpnessEvery
	var gl, xl, gs, xs []float64
	for r := range g.Results.Runs {
		gr, xr := g.Results.Runs[r], x.Results.Runs[r]
		if gr.CrossStep != xr.CrossStep {
			t.Errorf("run η=%g seed %d: S reaches 2/η at step %d on Go, %d on XLA", gr.Eta, gr.Seed, gr.CrossStep, xr.CrossStep)
		}
		// Stable phase: up to the last measurement before S ≥ 2/η, or the whole run.
		stable := len(gr.Loss) - 1
		if gr.CrossStep >= 0 {
			stable = max(gr.CrossStep-every, 0)
		}
		gl = append(gl, gr.Loss[:stable+1]...)
		xl = append(xl, xr.Loss[:stable+1]...)
		for i, step := range gr.SharpSteps {
			if step <= stable {
				gs = append(gs, gr.Sharpness[i])
				xs = append(xs, xr.Sharpness[i])
			}
		}
		// How far the trajectories drift apart at the end: reported, not asserted.
		last := len(gr.Loss) - 1
		t.Logf("run η=%g seed %d: compared steps 0…%d; final loss %.6g on Go, %.6g on XLA (relative difference %.2g)",
			gr.Eta, gr.Seed, stable, gr.Loss[last], xr.Loss[last], relDiff(gr.Loss[last], xr.Loss[last]))
	}
	agree(t, fmt.Sprintf("losses in the stable phase (%d values over %d runs)", len(gl), len(g.Results.Runs)), xl, gl, 1e-9)
	agree(t, fmt.Sprintf("sharpness in the stable phase (%d measurements)", len(gs)), xs, gs, 1e-9)
	for _, o := range []eosOutcome{g, x} {
		for _, c := range o.Claims {
			t.Logf("%s on %s: measured %.4g, pass %v", c.ID, o.Backend, c.Measured, c.Pass)
			if !c.Pass && !c.Target {
				t.Errorf("claim %s fails on %s (measured %.4g)", c.ID, o.Backend, c.Measured)
			}
		}
	}
	if len(g.Claims) != len(x.Claims) || len(g.Claims) == 0 {
		t.Errorf("%d claims on Go, %d on XLA", len(g.Claims), len(x.Claims))
	}
}
