package repo

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// ModulePath is the module path that identifies the repository's go.mod.
const ModulePath = "theorylab"

// RootEnv names a folder inside the repository, for programs started elsewhere.
const RootEnv = "THEORYLAB_ROOT"

// Root returns the repository root: the nearest directory holding a go.mod
// whose module line is "module theorylab". It searches upwards from, in
// order: this package's source file (runtime.Caller), the working directory,
// $GONB_DIR (the notebook's folder under GoNB) and $THEORYLAB_ROOT.
func Root() (string, error) {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, env := range []string{"GONB_DIR", RootEnv} {
		if dir := os.Getenv(env); dir != "" {
			starts = append(starts, dir)
		}
	}
	for _, start := range starts {
		if root, ok := rootAbove(start); ok {
			return root, nil
		}
	}
	return "", fmt.Errorf("no go.mod with \"module %s\" above %s (set %s)", ModulePath, strings.Join(starts, ", "), RootEnv)
}

func rootAbove(start string) (string, bool) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", false
	}
	for {
		if IsRoot(dir) {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// IsRoot reports whether dir/go.mod declares module theorylab on its first
// line that is neither blank nor a comment.
func IsRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 || f[0] != "module" {
			return false
		}
		mod := f[1]
		if unq, err := strconv.Unquote(mod); err == nil {
			mod = unq
		}
		return mod == ModulePath
	}
	return false
}
