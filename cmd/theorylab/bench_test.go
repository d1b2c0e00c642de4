package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"theorylab/pkg/backend"
)

// TestMain lets `theorylab bench` start this test binary as its per-backend
// child process, as it starts itself when it is the real command.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func runBenchCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = runBenchTo(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBenchUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"bench", "--min-time", "-1s"}, "--min-time must be ≥ 0"},
		{[]string{"bench", "--threads", "0"}, "--threads must be ≥ 1"},
		{[]string{"bench", "--rounds", "0"}, "--rounds must be ≥ 1"},
		{[]string{"bench", "--simd-variants", "("}, "bad --simd-variants pattern"},
		{[]string{"bench", "--reference", "jax"}, "--reference must be torch or none"},
		{[]string{"bench", "--only", "no-such-workload"}, "no workload matches"},
		{[]string{"bench", "extra"}, "unexpected arguments"},
		{[]string{"bench", "--out", t.TempDir()}, "is a directory"},
	} {
		code, _, stderr := runBenchCLI(c.args[1:]...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 mentioning %q", c.args, code, stderr, c.want)
		}
	}
}

// TestBenchReport measures the smallest workload on the pure-Go backend in a
// child process (a bench server), in two rounds, without the reference, and
// checks the JSON report's shape. It asserts no timing.
func TestBenchReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bench.json")
	code, stdout, stderr := runBenchCLI("--only", "^matmul-128$", "--min-time", "0", "--rounds", "2", "--backends", backend.PureGoConfig,
		"--reference", "none", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Machine   map[string]any   `json:"machine"`
		Rounds    int              `json:"rounds"`
		Backends  []string         `json:"backends"`
		Workloads []map[string]any `json:"workloads"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Workloads) != 1 || rep.Workloads[0]["name"] != "matmul-128" || rep.Workloads[0]["backend"] != backend.PureGoConfig {
		t.Fatalf("workloads %v", rep.Workloads)
	}
	if rep.Rounds != 2 {
		t.Errorf("rounds %d, want 2", rep.Rounds)
	}
	if rounds, ok := rep.Workloads[0]["ms_rounds"].([]any); !ok || len(rounds) != 2 {
		t.Errorf("ms_rounds %v, want one time per round", rep.Workloads[0]["ms_rounds"])
	}
	for _, k := range []string{"name", "backend", "ms_per_step", "reference", "reference_ms_per_step", "ratio"} {
		if _, ok := rep.Workloads[0][k]; !ok {
			t.Errorf("entry lacks %q: %v", k, rep.Workloads[0])
		}
	}
	if rep.Machine["cpus"] == nil || len(rep.Backends) != 1 {
		t.Errorf("machine %v, backends %v", rep.Machine, rep.Backends)
	}
	if !strings.Contains(stdout, "matmul-128") || !strings.Contains(stdout, "ratio") {
		t.Errorf("table missing from stdout:\n%s", stdout)
	}
}

// TestBenchSIMDVariants checks that a pure-Go backend is also measured with
// its AVX-512 (and AVX2) kernels switched off on the workloads chosen by
// --simd-variants, and that those variants compute the same numbers.
func TestBenchSIMDVariants(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bench.json")
	code, stdout, stderr := runBenchCLI("--only", "^matmul-128$", "--simd-variants", "^matmul-128$", "--min-time", "0",
		"--rounds", "1", "--backends", "go", "--reference", "none", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Backends []string `json:"backends"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	want := []string{"go", "go+GOMLX_GO_SIMD_AVX512=false", "go+GOMLX_GO_SIMD_AVX512=false+GOMLX_GO_SIMD_AVX2=false"}
	if !slices.Equal(rep.Backends, want) {
		t.Errorf("backends %v, want %v", rep.Backends, want)
	}
}

func TestSplitLabel(t *testing.T) {
	config, env := splitLabel("go:ops_sequential+GOMLX_GO_SIMD_AVX512=false+GOMLX_GO_SIMD_AVX2=false")
	if config != "go:ops_sequential" || !slices.Equal(env, []string{"GOMLX_GO_SIMD_AVX512=false", "GOMLX_GO_SIMD_AVX2=false"}) {
		t.Errorf("config %q, env %q", config, env)
	}
	if config, env := splitLabel("xla:cpu"); config != "xla:cpu" || len(env) != 0 {
		t.Errorf("config %q, env %q", config, env)
	}
}
