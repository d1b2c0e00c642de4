package data

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// GoMNISTDir, computed from the build information and the module cache
// without running `go mod download`, names the folder that the go command
// reports for the module (asked offline).
func TestGoMNISTDirMatchesGoList(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	dir, err := GoMNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goBin, "list", "-m", "-f", "{{.Dir}}", GoMNISTModule)
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	if want := strings.TrimSpace(string(out)); dir != want {
		t.Errorf("GoMNISTDir = %s, go list -m says %s", dir, want)
	}
}

// With the module absent from the cache, MNISTDir and LoadMNIST fail with an
// error that says to run `make setup`, and nothing is fetched or written.
func TestMNISTMissingModuleSaysMakeSetup(t *testing.T) {
	useModuleMNIST(t)
	empty := t.TempDir()
	t.Setenv("GOMODCACHE", empty)
	t.Setenv("GOPROXY", "off") // a download attempt, if any, could not succeed quietly
	dir, err := GoMNISTDir()
	if err != nil || !strings.HasPrefix(dir, empty) {
		t.Fatalf("GoMNISTDir = %q, %v; want a folder under %s", dir, err, empty)
	}
	for name, call := range map[string]func() error{
		"MNISTDir":  func() error { _, err := MNISTDir(); return err },
		"LoadMNIST": func() error { _, err := LoadMNIST("test", 10); return err },
	} {
		err := call()
		if err == nil {
			t.Fatalf("%s: no error without the module", name)
		}
		for _, want := range []string{"make setup", MNISTDirEnv, GoMNISTModule, filepath.Join(dir, "data")} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not mention %q", name, err, want)
			}
		}
	}
	if entries, err := os.ReadDir(empty); err != nil || len(entries) != 0 {
		t.Errorf("the module cache %s was written to: %v %v", empty, entries, err)
	}
	// The failure is not remembered: with the real cache the load works.
	t.Setenv("GOMODCACHE", "")
	if im, err := LoadMNIST("test", 10); err != nil || im.N != 10 {
		t.Errorf("after the failure, LoadMNIST = %v, %v", im, err)
	}
}
