package all

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"theorylab/pkg/papers"
	"theorylab/pkg/repo"
	"theorylab/pkg/runs"
)

func TestEveryPaperIsRegistered(t *testing.T) {
	entries := papers.All()
	if len(entries) < 2 {
		t.Fatalf("the table lists %d papers", len(entries))
	}
	numbers := map[int]string{}
	for _, e := range entries {
		if other, dup := numbers[e.Number]; dup {
			t.Errorf("%s and %s share the number %02d", e.Name, other, e.Number)
		}
		numbers[e.Number] = e.Name
		if want := "theorylab/pkg/papers/" + e.Name; e.Package != want {
			t.Errorf("paper %s lives in %s, want %s (its name is its package's name)", e.Name, e.Package, want)
		}
		if !e.HasPreset("quick") {
			t.Errorf("%s has no quick preset", e.Name)
		}
	}
}

// TestRunCodeLeavesOutPresentation builds every paper package with its
// presentation files (paper.go, claims*.go, figures*.go) emptied. The
// results cache keys on the other files only (runs.PresentationFile), so run
// code that called into claims or figures could change results without a
// new cache key; this test keeps that from happening.
func TestRunCodeLeavesOutPresentation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every paper package; skipped with -short")
	}
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range papers.All() {
		dir := filepath.Join(root, strings.TrimPrefix(e.Package, "theorylab/"))
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		overlay := map[string]string{}
		tmp := t.TempDir()
		for _, f := range files {
			if !runs.PresentationFile(f) || strings.HasSuffix(f, "_test.go") {
				continue
			}
			empty := filepath.Join(tmp, filepath.Base(f))
			if err := os.WriteFile(empty, []byte("package "+e.Name+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			overlay[f] = empty
		}
		if len(overlay) == 0 {
			t.Errorf("%s: no presentation files (paper.go, claims.go, figures.go)", e.Name)
			continue
		}
		data, _ := json.Marshal(map[string]any{"Replace": overlay})
		overlayFile := filepath.Join(tmp, "overlay.json")
		if err := os.WriteFile(overlayFile, data, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "build", "-overlay", overlayFile, e.Package)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: its run code uses its presentation files (claims, figures or paper.go), so the results cache "+
				"would miss changes to them; move what Run needs into a run file:\n%s", e.Name, out)
		}
	}
}
