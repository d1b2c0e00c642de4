package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReferenceInputs writes the reference inputs of every workload that has
// a reference and checks that inputs.json describes files of the right size.
func TestReferenceInputs(t *testing.T) {
	dir := t.TempDir()
	if err := WriteReferenceInputs(dir, Workloads()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "inputs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var in struct {
		Workloads []map[string]any `json:"workloads"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, w := range in.Workloads {
		names[w["name"].(string)] = true
		checkArrays(t, dir, w)
	}
	for _, w := range Workloads() {
		if names[w.Name] != w.HasReference() {
			t.Errorf("%s: in inputs.json %v, has a reference %v", w.Name, names[w.Name], w.HasReference())
		}
	}
	for _, name := range []string{NameMNISTStep, NameMNISTHVP, NameEOSToyStep, NameLoRAStep, NameEOSQuick, "matmul-256"} {
		if !names[name] {
			t.Errorf("%s has no reference", name)
		}
	}
}

// checkArrays finds every {file, dtype, shape} in v and checks the file's size.
func checkArrays(t *testing.T, dir string, v any) {
	switch x := v.(type) {
	case map[string]any:
		if file, ok := x["file"].(string); ok {
			n := 4
			if x["dtype"] == "float64" {
				n = 8
			}
			for _, d := range x["shape"].([]any) {
				n *= int(d.(float64))
			}
			info, err := os.Stat(filepath.Join(dir, file))
			if err != nil || info.Size() != int64(n) {
				t.Errorf("%s: %v, size %v, want %d bytes", file, err, info, n)
			}
			return
		}
		for _, y := range x {
			checkArrays(t, dir, y)
		}
	case []any:
		for _, y := range x {
			checkArrays(t, dir, y)
		}
	}
}

// TestReferenceComputesTheSame runs bench/torch_ref.py (when a Python with
// PyTorch is installed: `make bench` installs one) on the small workloads and
// checks that it computes what ours compute: the loss before the step, ‖H·v‖,
// Σ C. It asserts no timing.
func TestReferenceComputesTheSame(t *testing.T) {
	python, version, err := FindTorchPython()
	if err != nil {
		t.Skipf("no PyTorch reference here: %v", err)
	}
	const only = "^(exec-overhead|matmul-128|eos-toy-step|eos-mnist-step|eos-mnist-hvp|lora-step)$"
	ws, err := Select(only)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteReferenceInputs(dir, ws); err != nil {
		t.Fatal(err)
	}
	ref, err := RunReference(python, dir, only, 0, 1, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reference: %s (torch %s)", ref.Name, version)
	if ref.BLAS == "" {
		t.Error("the reference names no BLAS")
	}
	for _, w := range ws {
		r, err := Measure(w, 0)
		if err != nil {
			t.Fatal(err)
		}
		rr, ok := ref.Get(w.Name)
		if !ok || r.Check == nil {
			t.Errorf("%s: reference result %v, our check %v", w.Name, ok, r.Check)
			continue
		}
		if d := RelDiff(*r.Check, rr.Check); d > CheckTolerance(w.Name) {
			t.Errorf("%s: ours %.10g, PyTorch %.10g: relative difference %.2g > %g", w.Name, *r.Check, rr.Check, d, CheckTolerance(w.Name))
		} else {
			t.Logf("%s on %s: ours %.10g, PyTorch %.10g (relative difference %.2g)", w.Name, r.Backend, *r.Check, rr.Check, d)
		}
	}
}

// TestReferenceServer runs bench/torch_ref.py as a bench server, as
// `theorylab bench` does, asks for two workloads twice each and checks its
// hello line and that the second round computes what the first did.
func TestReferenceServer(t *testing.T) {
	python, _, err := FindTorchPython()
	if err != nil {
		t.Skipf("no PyTorch reference here: %v", err)
	}
	ws, err := Select("^(exec-overhead|lora-step)$")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteReferenceInputs(dir, ws); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	srv, err := StartReference(python, dir, 1, &log, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if srv.Info.Name == "" || srv.Info.BLAS == "" || srv.Info.Threads != 1 {
		t.Errorf("hello %+v", srv.Info)
	}
	first := map[string]float64{}
	for round := range 2 {
		for _, w := range ws {
			r, err := srv.Measure(w.Name, 0)
			if err != nil {
				t.Fatalf("round %d, %s: %v", round, w.Name, err)
			}
			if r.Name != w.Name || r.Runs < MinRuns || r.MsPerStep <= 0 {
				t.Errorf("round %d: %+v", round, r)
			}
			if round == 0 {
				first[w.Name] = r.Check
			} else if r.Check != first[w.Name] {
				t.Errorf("%s: check %v in round 2, %v in round 1", w.Name, r.Check, first[w.Name])
			}
		}
	}
	if _, err := srv.Measure("no-such-workload", 0); err == nil {
		t.Error("an unknown workload must be an error")
	}
	if err := srv.Close(); err != nil {
		t.Errorf("close: %v\n%s", err, log.String())
	}
}
