package runs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Stored is one file in a results cache, as Scan finds it.
type Stored struct {
	Path   string   // the file
	Paper  string   // the folder it is in
	Bytes  int64    // its size
	Stale  bool     // no current code version can ever read it again
	Why    string   // why it is stale
	Result Manifest // its manifest, for a readable result file
}

// unfinishedAge is how old a temporary file of WriteFileAtomic must be before
// Scan calls it an unfinished write (younger ones may be being written).
const unfinishedAge = time.Hour

// Scan lists the files of the cache and says which are stale, given the
// current code version of every paper (versions[paper]; see
// PackageSources). A result is stale when its paper is not in versions,
// when its code version, Go version or plugin differs from today's (no
// current build can compute its cache key again), or when it cannot be read.
// Lock files are stale once their result is gone or stale; temporary files of
// a write that never finished are stale after an hour. Files it does not
// recognise are left out.
func (c Cache) Scan(versions map[string]string) ([]Stored, error) {
	if c.Dir == "" {
		return nil, errors.New("runs: the cache is disabled (empty Dir)")
	}
	plugin := PluginIdentity()
	var out []Stored
	staleResult := map[string]bool{} // result path → stale
	var locks []Stored
	err := filepath.WalkDir(c.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == c.Dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir // no cache yet
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(c.Dir, path)
		paper, name, ok := strings.Cut(filepath.ToSlash(rel), "/")
		if !ok || strings.Contains(name, "/") {
			return nil // not <paper>/<file>
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		s := Stored{Path: path, Paper: paper, Bytes: info.Size()}
		switch {
		case strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-"):
			if time.Since(info.ModTime()) > unfinishedAge {
				s.Stale, s.Why = true, "unfinished write"
				out = append(out, s)
			}
		case strings.HasSuffix(name, ".json.lock"):
			locks = append(locks, s)
		case strings.HasSuffix(name, ".json"):
			s.Stale, s.Why, s.Result = staleness(path, paper, versions, plugin)
			staleResult[path] = s.Stale
			out = append(out, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, l := range locks {
		stale, exists := staleResult[strings.TrimSuffix(l.Path, ".lock")]
		if !exists || stale {
			l.Stale, l.Why = true, "lock of no current result"
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// staleness decides whether one result file is stale, and why.
func staleness(path, paper string, versions map[string]string, plugin string) (bool, string, Manifest) {
	data, err := os.ReadFile(path)
	if err != nil {
		return true, "unreadable: " + err.Error(), Manifest{}
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil || len(env.Results) == 0 {
		return true, "corrupt", Manifest{}
	}
	m := env.Manifest
	current, known := versions[paper]
	switch {
	case !known:
		return true, fmt.Sprintf("no paper %q today", paper), m
	case m.Paper != paper || filepath.Base(path) != m.CacheKey+".json":
		return true, "misfiled", m
	case m.CodeVersion != current:
		return true, fmt.Sprintf("code changed (%s, today %s)", m.CodeVersion, current), m
	case m.GoVersion != runtime.Version():
		return true, fmt.Sprintf("built by %s (today %s)", m.GoVersion, runtime.Version()), m
	case m.Plugin != "" && plugin != "" && m.Backend == BackendName() && m.Plugin != plugin:
		return true, fmt.Sprintf("another XLA plugin (%s, today %s)", m.Plugin, plugin), m
	}
	return false, "", m
}

// Prune removes the stale files that Scan finds (with dryRun, nothing) and
// returns them. A lock file is removed only if no process holds it. Folders
// left empty are removed too.
func (c Cache) Prune(versions map[string]string, dryRun bool) ([]Stored, error) {
	all, err := c.Scan(versions)
	if err != nil {
		return nil, err
	}
	var removed []Stored
	var errs []error
	for _, s := range all {
		if !s.Stale {
			continue
		}
		if dryRun {
			removed = append(removed, s)
			continue
		}
		if strings.HasSuffix(s.Path, ".lock") {
			if ok, err := removeUnheldLock(s.Path); err != nil {
				errs = append(errs, err)
				continue
			} else if !ok {
				continue // in use: a computation is running
			}
		} else if err := os.Remove(s.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, s)
	}
	if !dryRun {
		if entries, err := os.ReadDir(c.Dir); err == nil {
			for _, e := range entries {
				if e.IsDir() {
					os.Remove(filepath.Join(c.Dir, e.Name())) // only succeeds when empty
				}
			}
		}
	}
	return removed, errors.Join(errs...)
}

// removeUnheldLock removes a lock file if it can take the lock at once.
func removeUnheldLock(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		return false, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return false, nil
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return true, os.Remove(path)
}
