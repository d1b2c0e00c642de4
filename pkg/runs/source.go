package runs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"theorylab/pkg/repo"
)

// ModulePath is the module path that identifies the repository's go.mod.
const ModulePath = repo.ModulePath

// Unknown is the value of CodeVersion (and GoMLXVersion) when it cannot be
// determined. A cache never reuses results whose code version is Unknown.
const Unknown = "unknown"

// codeVersionOverride replaces CodeVersion in tests.
var codeVersionOverride func() string

var codeVersionOnce = sync.OnceValue(func() string {
	root, err := repo.Root()
	if err != nil {
		return Unknown
	}
	v, err := hashSources(root)
	if err != nil {
		return Unknown
	}
	return v
})

// CodeVersion returns a 16-hex-digit hash of the sources that determine
// results: go.mod, go.sum and every non-test .go file under <repo>/pkg and
// <repo>/models (skipping testdata and directories starting with "." or "_",
// which Go ignores). Any edit to those files, comments included, changes it.
// It is computed once per process. When the sources cannot be found or read
// it returns Unknown, and caches then never reuse results.
func CodeVersion() string {
	if codeVersionOverride != nil {
		return codeVersionOverride()
	}
	return codeVersionOnce()
}

// hashSources hashes the result-determining sources under root.
func hashSources(root string) (string, error) {
	h := sha256.New()
	add := func(rel string, data []byte) {
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(data))
		h.Write(data)
	}
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil && !(name == "go.sum" && errors.Is(err, fs.ErrNotExist)) {
			return "", err
		}
		add(name, data)
	}
	for _, top := range []string{"pkg", "models"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == filepath.Join(root, top) && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipDir // the folder does not exist (yet)
				}
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if path != filepath.Join(root, top) &&
					(name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			add(filepath.ToSlash(rel), data)
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
