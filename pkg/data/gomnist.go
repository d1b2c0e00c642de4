package data

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/module"
)

// GoMNISTDir returns the folder of the GoMNIST module in the Go module cache,
// without the network and without checking that the folder exists:
//
//	$GOMODCACHE/<escaped module path>@<escaped version>
//
// The version is the one this program was built with, read from its build
// information (runtime/debug.ReadBuildInfo): the version go.mod pins, or a
// replacement's. $GOMODCACHE comes from the environment, else from
// `go env GOMODCACHE` (run with GOTOOLCHAIN=local, so that it never
// downloads a toolchain), else from $GOPATH or $HOME/go. The module itself is
// downloaded by `make setup`, never by library code.
func GoMNISTDir() (string, error) {
	path, version, err := goMNISTBuildVersion()
	if err != nil {
		return "", err
	}
	if version == "" { // replaced by a local folder
		if !filepath.IsAbs(path) {
			return "", fmt.Errorf("data: %s is replaced by the relative folder %s; set %s to its data/ folder", GoMNISTModule, path, MNISTDirEnv)
		}
		return path, nil
	}
	escPath, err := module.EscapePath(path)
	if err != nil {
		return "", fmt.Errorf("data: module path %s: %w", path, err)
	}
	escVersion, err := module.EscapeVersion(version)
	if err != nil {
		return "", fmt.Errorf("data: module %s version %s: %w", path, version, err)
	}
	return filepath.Join(goModCache(), escPath+"@"+escVersion), nil
}

// goMNISTBuildVersion returns the module path and version of GoMNIST (or of
// its replacement) that this binary was built with.
func goMNISTBuildVersion() (path, version string, err error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", "", fmt.Errorf("data: this program carries no module build information, so the %s version is unknown; set %s to a folder holding the MNIST .gz files",
			GoMNISTModule, MNISTDirEnv)
	}
	for _, dep := range info.Deps {
		if dep.Path != GoMNISTModule {
			continue
		}
		if dep.Replace != nil {
			dep = dep.Replace
		}
		return dep.Path, dep.Version, nil
	}
	return "", "", fmt.Errorf("data: %s is not among this program's dependencies; set %s to a folder holding the MNIST .gz files",
		GoMNISTModule, MNISTDirEnv)
}

// goModCache returns the Go module cache folder.
func goModCache() string {
	if dir := os.Getenv("GOMODCACHE"); dir != "" {
		return dir
	}
	return goEnvModCache()
}

// goEnvModCache asks the go command once per process, falling back to Go's
// default, the first $GOPATH entry (or $HOME/go) plus pkg/mod.
var goEnvModCache = sync.OnceValue(func() string {
	if goBin, err := exec.LookPath("go"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, goBin, "env", "GOMODCACHE")
		// GOTOOLCHAIN=local: never switch to (and so download) another
		// toolchain; a neutral folder: no go.mod or go.work is consulted.
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=")
		cmd.Dir = os.TempDir()
		if out, err := cmd.Output(); err == nil {
			if dir := strings.TrimSpace(string(out)); dir != "" {
				return dir
			}
		}
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	return filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
})
