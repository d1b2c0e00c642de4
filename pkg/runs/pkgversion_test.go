package runs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestPresentationFile(t *testing.T) {
	for name, want := range map[string]bool{
		"paper.go": true, "claims.go": true, "claims_full.go": true, "figures.go": true, "figures_mnist.go": true,
		"eos_test.go": true, "run.go": false, "config.go": false, "claimsish.go": false, "doc.go": false, "mnist.go": false,
	} {
		if got := PresentationFile(filepath.Join("pkg", "papers", "x", name)); got != want {
			t.Errorf("PresentationFile(%s) = %v, want %v", name, got, want)
		}
	}
}

// TestPackageSources builds a small module: paper p runs on package a, and
// only its claims use package b. Edits to what the run uses change p's
// version; edits to its claims, to b, to an unrelated package or to the
// cache's own package (infrastructure) do not.
func TestPackageSources(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module theorylab\n\ngo 1.24\n")
	write("pkg/a/a.go", "package a\n\nimport (\n\t_ \"theorylab/pkg/c\"\n\t_ \"theorylab/pkg/runs\"\n)\n\nconst A = 1\n")
	write("pkg/runs/runs.go", "package runs\n\nimport _ \"theorylab/pkg/d\"\n")
	write("pkg/d/d.go", "package d\n")
	write("pkg/c/c.go", "package c\n\nconst C = 1\n")
	write("pkg/b/b.go", "package b\n\nconst B = 1\n")
	write("pkg/other/o.go", "package other\n")
	write("pkg/papers/p/run.go", "package p\n\nimport \"theorylab/pkg/a\"\n\nfunc Run() int { return a.A }\n")
	write("pkg/papers/p/claims.go", "package p\n\nimport \"theorylab/pkg/b\"\n\nfunc Claims() int { return b.B }\n")
	write("pkg/papers/p/paper.go", "package p\n\nimport \"theorylab/pkg/b\"\n\nvar Paper = b.B\n")
	const pkg = "theorylab/pkg/papers/p"
	version := func() string {
		t.Helper()
		v, err := packageSources(root, pkg)
		if err != nil {
			t.Fatal(err)
		}
		if !hexHash.MatchString(v) {
			t.Fatalf("version %q", v)
		}
		return v
	}
	base := version()
	for _, edit := range []string{"pkg/papers/p/claims.go", "pkg/papers/p/paper.go", "pkg/b/b.go", "pkg/other/o.go",
		"pkg/papers/p/p_test.go", "pkg/a/a_test.go", "notebooks/x.go", "pkg/runs/runs.go"} {
		write(edit, edited(t, root, edit))
		if v := version(); v != base {
			t.Errorf("editing %s changed the version", edit)
		}
	}
	// pkg/d counts even though only the cache (infrastructure) imports it.
	for _, edit := range []string{"pkg/papers/p/run.go", "pkg/a/a.go", "pkg/c/c.go", "pkg/d/d.go", "go.mod", "pkg/papers/p/new.go"} {
		write(edit, edited(t, root, edit))
		v := version()
		if v == base {
			t.Errorf("editing %s did not change the version", edit)
		}
		base = v
	}
	if _, err := packageSources(root, "theorylab/pkg/nosuch"); err == nil {
		t.Error("a package that does not exist has a version")
	}
}

// edited is the file with a comment added, or a new file of its folder's package.
func edited(t *testing.T, root, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, rel))
	if errors.Is(err, os.ErrNotExist) {
		return "package " + filepath.Base(filepath.Dir(rel)) + "\n"
	} else if err != nil {
		t.Fatal(err)
	}
	return string(data) + "// edited\n"
}

func TestPackageVersionOfThisRepository(t *testing.T) {
	v, err := PackageSources("theorylab/pkg/runs")
	if err != nil {
		t.Fatalf("go list failed here: %v", err)
	}
	if v == CodeVersion() || !hexHash.MatchString(v) {
		t.Errorf("PackageSources = %q (CodeVersion %q)", v, CodeVersion())
	}
	if PackageVersion("theorylab/pkg/runs") != v {
		t.Error("PackageVersion differs from PackageSources")
	}
}

// TestPackageVersionFallback: without a go command, the version is
// CodeVersion, and a warning says so once.
func TestPackageVersionFallback(t *testing.T) {
	warnings := captureWarnings(t)
	fallbackWarning = sync.Once{}
	old := findGo
	findGo = func() (string, error) { return "", errors.New("no go command on PATH") }
	t.Cleanup(func() { findGo = old })
	for range 2 {
		if got := PackageVersion("theorylab/pkg/fallback-test"); got != CodeVersion() {
			t.Errorf("PackageVersion = %q, want CodeVersion %q", got, CodeVersion())
		}
	}
	if n := strings.Count(warnings.String(), "every source file of the module"); n != 1 {
		t.Errorf("%d fallback warnings, want 1: %q", n, warnings.String())
	}
}

func TestToolchain(t *testing.T) {
	for v, want := range map[string]string{"go1.27.3-X:simd": "go1.27.3", "go1.27.3 X:simd": "go1.27.3", "go1.26": "go1.26",
		"devel go1.28-abc": "", "": ""} {
		if got := toolchain(v); got != want {
			t.Errorf("toolchain(%q) = %q, want %q", v, got, want)
		}
	}
}
