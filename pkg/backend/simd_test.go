package backend_test

// The pure-Go backend's SIMD kernels (GOEXPERIMENT=simd) pick AVX-512, AVX2
// or portable code at run time from CPUID. This machine has AVX-512; many
// laptops do not. The test below runs a small workload in child processes of
// this test binary on CPUs emulated by qemu-user without AVX-512 (Haswell:
// AVX2) and without AVX at all (Nehalem), and checks that the results equal
// the native ones within float32 rounding. A kernel that used an instruction
// the emulated CPU lacks would die with SIGILL there.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"golang.org/x/sys/cpu"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/train"
)

// simdChildEnv marks the child process and names its output file.
const simdChildEnv = "THEORYLAB_SIMD_CHILD_OUT"

// TestSIMDChild is the child of TestSIMDOnOlderCPUs: on the pure-Go backend
// it computes a float32 matrix product [64,96]·[96,40], reductions, and one
// full-batch GD step of a float32 tanh MLP (loss and every parameter), and
// writes them as JSON.
func TestSIMDChild(t *testing.T) {
	out := os.Getenv(simdChildEnv)
	if out == "" {
		t.Skip("child process only")
	}
	be, err := backend.New(backend.PureGoConfig)
	if err != nil {
		t.Fatal(err)
	}
	defer be.Finalize()
	a := tensors.FromFlatDataAndDimensions(pseudoRandom32(64*96, 1), 64, 96)
	b := tensors.FromFlatDataAndDimensions(pseudoRandom32(96*40, 2), 96, 40)
	outs, err := CallOnceN(be, func(a, b *Node) []*Node {
		p := MatMul(a, b) // [64, 40]
		return []*Node{p, ReduceSum(p, 0), ReduceMax(Tanh(a), 1), ReduceAllSum(Exp(Neg(Square(b))))}
	}, a, b)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string][]float64{"cpu has AVX-512, AVX2": {b2f(cpu.X86.HasAVX512F), b2f(cpu.X86.HasAVX2)}}
	for i, name := range []string{"matmul", "column sums", "row max tanh", "sum exp(-b²)"} {
		values[name] = flat(t, outs[i])
	}

	model := mlp.Config{Sizes: []int{24, 32, 32, 10}, Activation: "tanh", Bias: true, Init: mlp.TorchDefault}
	p64, err := model.InitParams([]uint64{3}, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	params := make([]*tensors.Tensor, len(p64))
	for i, p := range p64 {
		params[i] = toFloat32(t, p)
	}
	x := tensors.FromFlatDataAndDimensions(pseudoRandom32(200*24, 4), 200, 24)
	oneHot, err := data.OneHot(pseudoLabels(200, 10, 5), 10)
	if err != nil {
		t.Fatal(err)
	}
	y := toFloat32(t, tensors.FromFlatDataAndDimensions(oneHot, 200, 10))
	gd, err := train.NewGD(be, func(p []*Node) *Node {
		g := p[0].Graph()
		return ConvertDType(train.HalfMSE(model.Forward(p, Const(g, x)), Const(g, y)), dtypes.Float64)
	}, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer gd.Finalize()
	next, losses, err := gd.Steps(params, tensors.FromFlatDataAndDimensions([]float32{0.1}, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range losses {
		values["GD losses"] = append(values["GD losses"], l...)
	}
	values["GD parameters"] = flat(t, next...)
	buf, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSIMDOnOlderCPUs compares the child's numbers on emulated CPUs without
// AVX-512 and without AVX with the native ones. It skips, saying how to get
// it, where qemu-user is not installed (scripts/setup-qemu.sh installs it).
func TestSIMDOnOlderCPUs(t *testing.T) {
	if os.Getenv(simdChildEnv) != "" {
		t.Skip("parent test only")
	}
	qemu, err := exec.LookPath("qemu-x86_64")
	if err != nil {
		t.Skip("qemu-x86_64 is not installed (Debian: apt-get install qemu-user; scripts/setup-qemu.sh): " +
			"cannot emulate a CPU without AVX-512")
	}
	run := func(name string, prefix ...string) map[string][]float64 {
		t.Helper()
		out := filepath.Join(t.TempDir(), "values.json")
		args := append(prefix, os.Args[0], "-test.run=^TestSIMDChild$", "-test.count=1")
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), simdChildEnv+"="+out)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: child failed: %v\n%s", name, err, msg)
		}
		buf, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var v map[string][]float64
		if err := json.Unmarshal(buf, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	const features = "cpu has AVX-512, AVX2"
	native := run("native")
	for _, emu := range []struct {
		cpu          string
		avx512, avx2 float64
	}{{"Haswell", 0, 1}, {"Nehalem", 0, 0}} {
		emulated := run(emu.cpu, qemu, "-cpu", emu.cpu)
		// The emulation must really hide the features, or the test proves nothing.
		if got := emulated[features]; len(got) != 2 || got[0] != emu.avx512 || got[1] != emu.avx2 {
			t.Fatalf("emulated %s CPU reports AVX-512, AVX2 = %v, want [%v %v]", emu.cpu, got, emu.avx512, emu.avx2)
		}
		cpu := emu.cpu
		for what, want := range native {
			if what == features {
				continue
			}
			// float32 sums in another order (vector width) differ by a few ulps.
			agree(t, fmt.Sprintf("%s on an emulated %s CPU vs native: %s", "go backend", cpu, what), emulated[what], want, 1e-5)
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// pseudoRandom32 is a deterministic sequence in [-1, 1) (SplitMix64).
func pseudoRandom32(n int, seed uint64) []float32 {
	out := make([]float32, n)
	z := seed
	for i := range out {
		z += 0x9E3779B97F4A7C15
		x := z
		x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
		x = (x ^ (x >> 27)) * 0x94D049BB133111EB
		x ^= x >> 31
		out[i] = float32(x>>40)/float32(1<<23) - 1
	}
	return out
}

func pseudoLabels(n, k int, seed uint64) []int {
	r := pseudoRandom32(n, seed)
	out := make([]int, n)
	for i, v := range r {
		out[i] = int((v + 1) / 2 * float32(k))
	}
	return out
}

func toFloat32(t *testing.T, x *tensors.Tensor) *tensors.Tensor {
	t.Helper()
	f := flat(t, x)
	out := make([]float32, len(f))
	for i, v := range f {
		out[i] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(out, x.Shape().Dimensions...)
}
