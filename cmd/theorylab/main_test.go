package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers"
	"theorylab/pkg/runs"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "usage"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"run"}, "want exactly one paper name"},
		{[]string{"run", "nosuchpaper"}, `unknown paper "nosuchpaper"`},
		{[]string{"run", "eos", "--preset", "huge"}, `unknown preset "huge"`},
		{[]string{"run", "eos", "--seed", "-2"}, "--seed must be ≥ 0"},
		{[]string{"run", "eos", "--seed", "two"}, `invalid value "two"`},
		{[]string{"run", "eos", "--bogus"}, "flag provided but not defined"},
		{[]string{"run", "eos", "extra"}, "want exactly one paper name"},
	} {
		code, _, stderr := runCLI(c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 mentioning %q", c.args, code, stderr, c.want)
		}
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if code, _, stderr := runCLI("run", "eos", "--out", file); code != exitUsage || !strings.Contains(stderr, "not a directory") {
		t.Errorf("--out pointing to a file: exit %d, %q", code, stderr)
	}
}

func TestList(t *testing.T) {
	code, out, _ := runCLI("list")
	if code != exitOK || !strings.Contains(out, "eos") || !strings.Contains(out, "Edge of Stability") {
		t.Errorf("list: exit %d, %q", code, out)
	}
}

// TestRunWritesResults runs the eos quick preset (reused from the results
// cache when the eos tests computed it) and checks results.json and the figures.
func TestRunWritesResults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the eos quick preset")
	}
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI("run", "eos", "--preset", "quick", "--seed", "0", "--out", dir)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "backend:") || !strings.Contains(stdout, "claims pass") {
		t.Errorf("stdout lacks the backend line or the summary: %s", stdout)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Paper          string   `json:"paper"`
		Preset         string   `json:"preset"`
		Seed           *int     `json:"seed"`
		Backend        string   `json:"backend"`
		ElapsedSeconds float64  `json:"elapsed_seconds"`
		Figures        []string `json:"figures"`
		Claims         []struct {
			ID        string   `json:"id"`
			Statement string   `json:"statement"`
			PaperRef  string   `json:"paper_ref"`
			Measured  *float64 `json:"measured"`
			Threshold string   `json:"threshold"`
			Pass      *bool    `json:"pass"`
		} `json:"claims"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Paper != "eos" || rep.Preset != "quick" || rep.Seed == nil || rep.Backend == "" || rep.ElapsedSeconds <= 0 {
		t.Errorf("results.json header: %+v", rep)
	}
	if len(rep.Claims) != 9 {
		t.Fatalf("want the quick preset's 9 claims (EOS-1…6 on the toy, EOS-8…10 on MNIST), got %d", len(rep.Claims))
	}
	for _, c := range rep.Claims {
		if c.ID == "" || c.Statement == "" || c.PaperRef == "" || c.Threshold == "" || c.Measured == nil || c.Pass == nil {
			t.Errorf("incomplete claim: %+v", c)
		}
	}
	for _, f := range rep.Figures {
		svg, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !bytes.Contains(svg, []byte("<svg")) {
			t.Errorf("figure %s: %v", f, err)
		}
	}
	if len(rep.Figures) != 4 {
		t.Errorf("want 4 figures (quadratic, main, zoom, MNIST), got %v", rep.Figures)
	}
}

// TestExitCodesForFailures registers stand-in papers: one whose run fails
// (exit 1, nothing written) and one whose claim fails (exit 3).
func TestExitCodesForFailures(t *testing.T) {
	papers.Register(papers.Entry{Name: "test-diverges", Number: 98, Presets: []string{"quick"},
		Run: func(string, int) (*papers.Outcome[any, any], error) {
			return nil, errors.New("run η=9 seed=0 diverged near step 12 (loss NaN)")
		}})
	papers.Register(papers.Entry{Name: "test-claimfails", Number: 99, Presets: []string{"quick"},
		Run: func(string, int) (*papers.Outcome[any, any], error) {
			l := claims.List{{ID: "T-1", Statement: "s", Threshold: "≤ 1", Measured: 2, Pass: false}}
			return papers.NewOutcome[any, any](nil, nil, l, runs.Manifest{}, nil), nil
		}})
	dir := filepath.Join(t.TempDir(), "out")
	code, _, stderr := runCLI("run", "test-diverges", "--out", dir)
	if code != exitFailure || !strings.Contains(stderr, "diverged") {
		t.Errorf("failed run: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind", dir)
	}
	code, stdout, _ := runCLI("run", "test-claimfails", "--out", dir)
	if code != exitClaimFails || !strings.Contains(stdout, "FAIL") {
		t.Errorf("failing claim: exit %d, stdout %q", code, stdout)
	}
	for _, name := range []string{"results.json", "claims.md"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("a completed run with a failing claim still writes %s: %v", name, err)
		}
	}
}
