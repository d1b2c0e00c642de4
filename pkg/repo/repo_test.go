package repo

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRootFindsThisRepository(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "pkg", "repo", "repo.go")); err != nil {
		t.Errorf("Root() = %s does not hold pkg/repo: %v", root, err)
	}
}

func TestIsRoot(t *testing.T) {
	for content, want := range map[string]bool{
		"module theorylab\n\ngo 1.26\n":           true,
		"// comment\n\nmodule \"theorylab\"\n":    true,
		"module theorylab/sub\n":                  false,
		"module example.com/theorylab\n":          false,
		"go 1.26\nmodule theorylab\n":             false,
		"module theorylab // trailing comment\n":  false,
		"":                                        false,
		"module\n":                                false,
		"   module   theorylab   \r\ngo 1.26\r\n": true,
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte(content), 0o644)
		if got := IsRoot(dir); got != want {
			t.Errorf("IsRoot(%q) = %v, want %v", content, got, want)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module theorylab\n"), 0o644)
	sub := filepath.Join(dir, "a", "b")
	os.MkdirAll(sub, 0o755)
	if got, ok := rootAbove(sub); !ok || got != dir {
		t.Errorf("rootAbove(%s) = %s, %v; want %s", sub, got, ok, dir)
	}
}
