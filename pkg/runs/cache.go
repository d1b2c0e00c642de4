package runs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"theorylab/pkg/repo"
	"time"
)

// Cache stores results on disk as <Dir>/<paper>/<cache key>.json, each file
// holding {"manifest": ..., "results": ...}. An empty Dir disables the cache:
// every call computes and nothing is written.
type Cache struct {
	Dir string
}

// Warnings receives the cache's warnings (a corrupt or mismatching cache file,
// a failed write). Tests may redirect it.
var Warnings io.Writer = os.Stderr

func warnf(format string, args ...any) {
	fmt.Fprintf(Warnings, "theorylab/runs: warning: "+format+"\n", args...)
}

// DefaultCache returns the cache in $THEORYLAB_CACHE, or else
// <repo>/.cache/results; when neither can be found, a disabled cache.
func DefaultCache() Cache {
	if dir := os.Getenv("THEORYLAB_CACHE"); dir != "" {
		return Cache{Dir: dir}
	}
	root, err := repo.Root()
	if err != nil {
		return Cache{}
	}
	return Cache{Dir: filepath.Join(root, ".cache", "results")}
}

// ReuseDisabled reports whether $THEORYLAB_NO_CACHE asks to recompute every
// result: any value but "", "0" or "false" (any case) does.
func ReuseDisabled() bool {
	v := os.Getenv("THEORYLAB_NO_CACHE")
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	return err != nil || b
}

// Path returns the file in which the results for k are stored.
func (c Cache) Path(k Key) (string, error) {
	if err := checkPaperName(k.Paper); err != nil {
		return "", err
	}
	if c.Dir == "" {
		return "", errors.New("runs: the cache is disabled (empty Dir)")
	}
	h, err := k.Hash()
	if err != nil {
		return "", err
	}
	return filepath.Join(c.Dir, k.Paper, h+".json"), nil
}

func checkPaperName(p string) error {
	if p == "" || p == "." || p == ".." || strings.ContainsAny(p, `/\:`) || strings.TrimSpace(p) != p {
		return fmt.Errorf("runs: invalid paper name %q", p)
	}
	return nil
}

// Cached returns the results of compute for paper and cfg, from the cache
// when it holds them (hit = true) and otherwise by calling compute and storing
// what it returns. The key is KeyFor(paper, cfg); see CachedKey for the rules.
func Cached[R any](c Cache, paper string, cfg any, compute func() (R, error)) (R, Manifest, bool, error) {
	return CachedKey(c, KeyFor(paper, cfg), compute)
}

// CachedKey is Cached with an explicit key. The rules:
//
//   - A stored result is reused only when its manifest matches k, the code
//     version and the Go version; never when CodeVersion is Unknown, when
//     $THEORYLAB_NO_CACHE is set (see ReuseDisabled) or when c.Dir is empty.
//     On a hit the stored manifest is returned.
//   - On a miss, compute runs; the returned manifest has StartedAt and
//     ElapsedSeconds measured around it.
//   - A compute error is returned as is, with whatever compute returned, and
//     nothing is stored.
//   - The results are encoded as JSON and decoded again, and the decoded copy
//     is returned, so a miss returns exactly what a later hit will. Results
//     that cannot be encoded (a NaN in a plain float64: use Float or Series)
//     are an error.
//   - The file is written atomically (see WriteFileAtomic); a failed write is
//     only a warning. A corrupt or mismatching file is ignored with a warning
//     and overwritten.
func CachedKey[R any](c Cache, k Key, compute func() (R, error)) (R, Manifest, bool, error) {
	var zero R
	if err := checkPaperName(k.Paper); err != nil {
		return zero, Manifest{}, false, err
	}
	man, err := NewManifest(k)
	if err != nil {
		return zero, man, false, err
	}
	enabled := c.Dir != "" && man.CodeVersion != Unknown
	path := filepath.Join(c.Dir, k.Paper, man.CacheKey+".json")
	if enabled {
		// One computation per key at a time, across processes (go test runs
		// packages in parallel; a notebook may run beside them): whoever comes
		// second waits, then finds the result in the cache.
		unlock, err := lockFile(path + ".lock")
		if err != nil {
			warnf("results cache lock: %v", err)
		} else {
			defer unlock()
		}
	}
	if enabled && !ReuseDisabled() {
		if r, stored, ok := load[R](path, man); ok {
			return r, stored, true, nil
		}
	}

	man.StartedAt = time.Now()
	r, err := compute()
	man.ElapsedSeconds = time.Since(man.StartedAt).Seconds()
	if err != nil {
		return r, man, false, err
	}
	results, err := json.Marshal(r)
	if err != nil {
		return r, man, false, fmt.Errorf("runs: %s results are not JSON-serialisable "+
			"(use runs.Float or runs.Series for values that may be NaN or Inf): %w", k.Paper, err)
	}
	var decoded R
	if err := json.Unmarshal(results, &decoded); err != nil {
		return r, man, false, fmt.Errorf("runs: %s results do not decode from their own JSON: %w", k.Paper, err)
	}
	if enabled {
		if err := store(path, man, results); err != nil {
			warnf("results not cached: %v", err)
		}
	}
	return decoded, man, false, nil
}

// envelope is the layout of a cache file.
type envelope struct {
	Manifest Manifest        `json:"manifest"`
	Results  json.RawMessage `json:"results"`
}

// load reads a cache file; it warns about (and ignores) corrupt or
// mismatching files, and is silent when the file does not exist.
func load[R any](path string, want Manifest) (R, Manifest, bool) {
	var zero R
	data, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			warnf("cannot read cache file %s, recomputing: %v", path, err)
		}
		return zero, Manifest{}, false
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		warnf("ignoring corrupt cache file %s, recomputing: %v", path, err)
		return zero, Manifest{}, false
	}
	if len(env.Results) == 0 {
		warnf("ignoring corrupt cache file %s, recomputing: no results", path)
		return zero, Manifest{}, false
	}
	if ok, why := sameRun(env.Manifest, want); !ok {
		warnf("ignoring cache file %s that describes another run (%s), recomputing", path, why)
		return zero, Manifest{}, false
	}
	var compact bytes.Buffer
	if json.Compact(&compact, env.Manifest.Config) == nil {
		env.Manifest.Config = compact.Bytes() // as NewManifest makes it; stored indented
	}
	var r R
	if err := json.Unmarshal(env.Results, &r); err != nil {
		warnf("ignoring corrupt cache file %s, recomputing: %v", path, err)
		return zero, Manifest{}, false
	}
	return r, env.Manifest, true
}

func store(path string, man Manifest, results []byte) error {
	m, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("{\n\"manifest\": ")
	buf.Write(m)
	buf.WriteString(",\n\"results\": ")
	buf.Write(results)
	buf.WriteString("\n}\n")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return WriteFileAtomic(path, buf.Bytes())
}
