package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
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
// child process, without the reference, and checks the JSON report's shape.
// It asserts no timing.
func TestBenchReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bench.json")
	code, stdout, stderr := runBenchCLI("--only", "^matmul-128$", "--min-time", "0", "--backends", backend.PureGoConfig,
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
		Backends  []string         `json:"backends"`
		Workloads []map[string]any `json:"workloads"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Workloads) != 1 || rep.Workloads[0]["name"] != "matmul-128" || rep.Workloads[0]["backend"] != backend.PureGoConfig {
		t.Fatalf("workloads %v", rep.Workloads)
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
