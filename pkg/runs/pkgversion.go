package runs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"theorylab/pkg/repo"
)

// PresentationFile reports whether a Go file of a paper package holds code
// that is recomputed from the Results rather than code that produces them,
// and so stays out of the package's code version: the paper's definition
// (paper.go), its claims (claims.go, claims_*.go), its figures (figures.go,
// figures_*.go), and tests (*_test.go). This is the file convention every
// paper package follows; Run's own code must not call into these files (the
// kit's tests build each paper without them).
func PresentationFile(name string) bool {
	base := filepath.Base(name)
	if strings.HasSuffix(base, "_test.go") || base == "paper.go" {
		return true
	}
	stem := strings.TrimSuffix(base, ".go")
	for _, p := range []string{"claims", "figures"} {
		if stem == p || strings.HasPrefix(stem, p+"_") {
			return true
		}
	}
	return false
}

// Infrastructure are the module's packages that a paper's run code imports
// but whose code never changes the numbers it computes: this cache and the
// Results value types (pkg/runs: a change of the stored format bumps the
// key's format tag instead), progress bars, and the search for the
// repository root. Their files stay out of PackageSources (the packages they
// import do not), so that mending the plumbing keeps every cached result.
var Infrastructure = []string{ModulePath + "/pkg/runs", ModulePath + "/pkg/progress", ModulePath + "/pkg/repo"}

// packageVersions caches PackageSources per package for the life of the process.
var packageVersions sync.Map // import path → versionResult

type versionResult struct {
	version string
	err     error
}

// PackageSources returns a 16-hex-digit hash of the sources that the
// results of package pkg (an import path of this module, e.g.
// "theorylab/pkg/papers/eos") depend on: go.mod and go.sum; the package's
// Go files except presentation files (see PresentationFile); and every
// non-test Go file of each package of this module that those files import,
// directly or through other packages (`go list -deps`), except the
// Infrastructure packages. Another paper, or a paper's claims and figures,
// or the cache itself can change without changing it. The standard
// library and other modules are covered by the Go version and go.sum, which
// the cache key also holds. It fails when `go list` cannot run.
func PackageSources(pkg string) (string, error) {
	if v, ok := packageVersions.Load(pkg); ok {
		r := v.(versionResult)
		return r.version, r.err
	}
	root, err := repo.Root()
	var version string
	if err == nil {
		version, err = packageSources(root, pkg)
	}
	packageVersions.Store(pkg, versionResult{version, err})
	return version, err
}

var fallbackWarning sync.Once

// PackageVersion is PackageSources, or, where `go list` cannot run (no Go
// toolchain beside a compiled binary, say), CodeVersion: every source of the
// module, which changes more often but is never stale. The fallback is
// announced once per process on Warnings.
func PackageVersion(pkg string) string {
	if codeVersionOverride != nil {
		return codeVersionOverride()
	}
	v, err := PackageSources(pkg)
	if err == nil {
		return v
	}
	fallbackWarning.Do(func() {
		warnf("results are keyed on every source file of the module, not only on what each paper's run uses: %v", err)
	})
	return CodeVersion()
}

// listedPackage is the part of `go list -json` used here.
type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	CgoFiles   []string
	EmbedFiles []string
	Imports    []string
	Module     *struct{ Path string }
}

func packageSources(root, pkg string) (string, error) {
	pkgs, err := goList(root, pkg)
	if err != nil {
		return "", err
	}
	own, ok := pkgs[pkg]
	if !ok {
		return "", fmt.Errorf("runs: go list did not list %s", pkg)
	}
	inModule := func(path string) bool {
		p, ok := pkgs[path]
		return ok && p.Module != nil && p.Module.Path == ModulePath
	}
	// The package's own run files and the module packages they import.
	var runFiles []string
	var queue []string
	for _, name := range append(slices.Clone(own.GoFiles), own.CgoFiles...) {
		if PresentationFile(name) {
			continue
		}
		runFiles = append(runFiles, name)
		imports, err := fileImports(filepath.Join(own.Dir, name))
		if err != nil {
			return "", err
		}
		for _, imp := range imports {
			if inModule(imp) {
				queue = append(queue, imp)
			}
		}
	}
	deps := map[string]bool{}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if deps[p] || p == pkg {
			continue
		}
		deps[p] = true
		for _, imp := range pkgs[p].Imports {
			if inModule(imp) {
				queue = append(queue, imp)
			}
		}
	}

	h := sha256.New()
	add := func(rel string, data []byte) {
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(data))
		h.Write(data)
	}
	add("scope", []byte("package "+pkg))
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil && !(name == "go.sum" && errors.Is(err, os.ErrNotExist)) {
			return "", err
		}
		add(name, data)
	}
	addFiles := func(p listedPackage, names []string) error {
		for _, name := range names {
			path := filepath.Join(p.Dir, name)
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			add(filepath.ToSlash(rel), data)
		}
		return nil
	}
	if err := addFiles(own, runFiles); err != nil {
		return "", err
	}
	for _, p := range slices.Sorted(mapKeys(deps)) {
		if slices.Contains(Infrastructure, p) {
			continue
		}
		lp := pkgs[p]
		if err := addFiles(lp, slices.Concat(lp.GoFiles, lp.CgoFiles, lp.EmbedFiles)); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:HashLen], nil
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// fileImports lists the import paths of one Go file.
func fileImports(path string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// goList runs `go list -deps -json` for pkg in the repository root.
func goList(root, pkg string) (map[string]listedPackage, error) {
	goBin, err := findGo()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "list", "-deps",
		"-json=ImportPath,Dir,GoFiles,CgoFiles,EmbedFiles,Imports,Module", pkg)
	cmd.Dir = root
	cmd.Env = goEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go list -deps %s: %v: %s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	pkgs := map[string]listedPackage{}
	dec := json.NewDecoder(&stdout)
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list -deps %s: %w", pkg, err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs, nil
}

// findGo finds the go command (tests replace it).
var findGo = goCommand

// goCommand finds the go command: on PATH, else beside the toolchain that
// built this binary.
func goCommand() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("no go command on PATH")
	}
	return p, nil
}

// goEnv is the environment for the go command: ours, with GOTOOLCHAIN set to
// the toolchain that built this binary when it is not set, so that a go
// command older than go.mod asks for the same toolchain (from the module
// cache) instead of failing.
func goEnv() []string {
	env := os.Environ()
	if os.Getenv("GOTOOLCHAIN") == "" {
		if version := toolchain(runtime.Version()); version != "" {
			env = append(env, "GOTOOLCHAIN="+version)
		}
	}
	return env
}

var toolchainPattern = regexp.MustCompile(`^go1(\.[0-9]+)+`)

// toolchain is the toolchain name in a Go version: "go1.27.3-X:simd" → "go1.27.3".
func toolchain(version string) string { return toolchainPattern.FindString(version) }
