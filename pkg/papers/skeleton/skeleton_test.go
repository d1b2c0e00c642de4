package skeleton

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"theorylab/pkg/repo"
)

// copyRepo copies what a build needs (go.mod, go.sum, pkg, models, cmd, and
// the notebooks and docs the skeleton reads and writes) into a temporary
// folder: a module of its own where `new` can write.
func copyRepo(t *testing.T) string {
	t.Helper()
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	for _, name := range []string{"go.mod", "go.sum", "pkg", "models", "cmd", "notebooks", "docs", "tests"} {
		src := filepath.Join(root, name)
		err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "figures" {
					return fs.SkipDir
				}
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestNewPaperBuildsAndPasses writes a paper into a copy of the repository
// and runs what `make test` would on it: vet, the package's tests (quick
// preset, determinism, bad configs, the Example), the kit's test of every
// registered paper, and the notebook hygiene check when Python is set up.
func TestNewPaperBuildsAndPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a new package in a copy of the repository; skipped with -short")
	}
	dir := copyRepo(t)
	p, err := Defaults(dir, Paper{Name: "toyfit"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Number != 11 || p.Slug != "toyfit" || !strings.HasPrefix(p.Title, "TODO") {
		t.Errorf("defaults for a paper outside the lab's table: %+v", p)
	}
	written, err := Write(dir, p)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"pkg/papers/toyfit/run.go", "pkg/papers/toyfit/toyfit_test.go", "pkg/papers/toyfit/example_test.go",
		"notebooks/11-toyfit.ipynb", "docs/11-toyfit.md", "pkg/papers/all/all.go"}
	for _, w := range want {
		if !contains(written, filepath.FromSlash(w)) {
			t.Errorf("%s not written (wrote %v)", w, written)
		}
	}
	env := []string{"THEORYLAB_CACHE=" + t.TempDir(), "THEORYLAB_ROOT=" + dir}
	run(t, dir, env, "go", "vet", "./pkg/papers/toyfit", "./pkg/papers/all")
	out := run(t, dir, env, "go", "test", "-count=1", "-v", "./pkg/papers/toyfit")
	for _, test := range []string{"TestQuickPreset", "TestDeterministic", "TestBadConfigs", "Example"} {
		if !strings.Contains(out, "--- PASS: "+test) {
			t.Errorf("%s did not pass:\n%s", test, out)
		}
	}
	run(t, dir, env, "go", "test", "-count=1", "-run", "TestEveryPaperIsRegistered|TestRunCodeLeavesOutPresentation", "./pkg/papers/all")
	if list := run(t, dir, env, "go", "run", "./cmd/theorylab", "list"); !strings.Contains(list, "toyfit") {
		t.Errorf("theorylab list does not show the new paper:\n%s", list)
	}
	root, _ := repo.Root()
	if python := filepath.Join(root, ".venv", "bin", "python"); fileExists(python) {
		run(t, dir, env, python, "tests/check_notebooks.py", "notebooks/11-toyfit.ipynb")
	} else {
		t.Log("no .venv: the notebook hygiene check is left to make test")
	}
}

// TestNewRefusesAndLeavesNothing: a bad name, a taken name and a taken
// number are refused, and nothing is written.
func TestNewRefusesAndLeavesNothing(t *testing.T) {
	dir := copyRepo(t)
	before := listing(t, dir)
	for _, c := range []struct {
		p    Paper
		want string
	}{
		{Paper{Name: "Bad-Name"}, "lower-case"},
		{Paper{Name: "func"}, "taken by Go"},
		{Paper{Name: "config"}, "taken by Go or by the lab"},
		{Paper{Name: "eos"}, "already exists"},
		{Paper{Name: "fresh", Number: 1}, "number 01 is taken"},
		{Paper{Name: "fresh", Number: 12, Slug: "Not A Slug"}, "slug"},
	} {
		p := c.p
		if p.Number == 0 || p.Slug == "" || p.Title == "" {
			if filled, err := Defaults(dir, p); err == nil {
				p = filled
			} else {
				if !strings.Contains(err.Error(), c.want) {
					t.Errorf("%+v: %v, want %q", c.p, err, c.want)
				}
				continue
			}
		}
		if _, err := Write(dir, p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error containing %q", c.p, err, c.want)
		}
	}
	// A registration file that cannot be read: all renders, nothing moves.
	os.Rename(filepath.Join(dir, "pkg/papers/all/all.go"), filepath.Join(dir, "all.go.away"))
	if _, err := Write(dir, Paper{Name: "fresh", Number: 12, Title: "t", Authors: "a", Slug: "fresh"}); err == nil {
		t.Error("Write succeeded without a registration file")
	}
	os.Rename(filepath.Join(dir, "all.go.away"), filepath.Join(dir, "pkg/papers/all/all.go"))
	if after := listing(t, dir); after != before {
		t.Errorf("a refused Write changed the repository:\nbefore %s\nafter  %s", before, after)
	}
	planned, ok := Planned("adamgd")
	if p, _ := Defaults(dir, Paper{Name: "adamgd"}); !ok || p != planned || p.NN() != "02" || p.Slug != "adam-vs-gd" {
		t.Errorf("defaults of a planned paper: %+v", p)
	}
}

func listing(t *testing.T, dir string) string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, rel)
		}
		return nil
	})
	return strings.Join(files, "\n")
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
