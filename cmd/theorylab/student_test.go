package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStudent(t *testing.T) {
	dir := t.TempDir()
	nb := filepath.Join(dir, "nb.ipynb")
	os.WriteFile(nb, []byte(`{"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "execution_count": null, "outputs": [],
 "source": "%%\n// BEGIN SOLUTION\nx := 41 + 1\n// END SOLUTION\nexercise.Close(\"t\", float64(x), 42, 0)"}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`), 0o644)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI("student", "--out", out, nb)
	if code != exitOK || !strings.Contains(stdout, "1 solution block(s) removed") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "nb.ipynb"))
	if err != nil || strings.Contains(string(data), "41 + 1") || !strings.Contains(string(data), "TODO(exercise)") {
		t.Errorf("student copy: %v\n%s", err, data)
	}

	// The default: every notebook of the repository into build/student there (here: into --out).
	code, stdout, stderr = runCLI("student", "--out", filepath.Join(dir, "all"))
	if code != exitOK || !strings.Contains(stdout, "00-start-here.ipynb") {
		t.Errorf("all notebooks: exit %d\n%s\n%s", code, stdout, stderr)
	}

	bad := filepath.Join(dir, "bad.ipynb")
	os.WriteFile(bad, []byte(`{"cells": [{"cell_type": "code", "source": "// BEGIN SOLUTION"}]}`), 0o644)
	if code, _, stderr := runCLI("student", "--out", out, bad); code != exitFailure || !strings.Contains(stderr, "never closed") {
		t.Errorf("unclosed block: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCLI("student", "--out", out, filepath.Join(dir, "x.txt")); code != exitUsage || !strings.Contains(stderr, "not a notebook") {
		t.Errorf("not a notebook: exit %d, %q", code, stderr)
	}
}
