package runs

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"theorylab/pkg/repo"
	"time"
)

var hexHash = regexp.MustCompile(`^[0-9a-f]{16}$`)

type testConfig struct {
	Preset string
	Seed   int64
	Steps  int
	LR     float64 `json:"lr"`
}

type testResults struct {
	Name  string
	Loss  Series
	Final Float
	Steps int
}

// setCodeVersion replaces CodeVersion for the duration of the test.
func setCodeVersion(t *testing.T, v string) {
	t.Helper()
	codeVersionOverride = func() string { return v }
	t.Cleanup(func() { codeVersionOverride = nil })
}

// captureWarnings collects the cache's warnings during the test.
func captureWarnings(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old := Warnings
	Warnings = &buf
	t.Cleanup(func() { Warnings = old })
	return &buf
}

// counter returns a compute function that counts its calls.
func counter(res testResults, err error) (func() (testResults, error), *int) {
	n := new(int)
	return func() (testResults, error) { *n++; return res, err }, n
}

func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		// Lock files (see lockFile) coordinate processes and hold no results.
		if err == nil && !d.IsDir() && !strings.HasSuffix(path, ".lock") {
			files = append(files, path)
		}
		return nil
	})
	return files
}

func TestHashConfig(t *testing.T) {
	a, err := HashConfig(testConfig{Preset: "quick", Seed: 1, Steps: 100, LR: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if !hexHash.MatchString(a) {
		t.Errorf("hash %q is not 16 hex digits", a)
	}
	b, _ := HashConfig(&testConfig{Preset: "quick", Seed: 1, Steps: 100, LR: 0.1})
	if a != b {
		t.Error("a pointer to the config hashes differently")
	}
	c, _ := HashConfig(testConfig{Preset: "quick", Seed: 1, Steps: 100, LR: 0.2})
	if a == c {
		t.Error("changing a field does not change the hash")
	}
	// Canonical: struct field order and map insertion order do not matter.
	m := map[string]any{"lr": 0.1, "Steps": 100, "Seed": 1, "Preset": "quick"}
	d, _ := HashConfig(m)
	if a != d {
		t.Errorf("equivalent map hashes differently: %s vs %s", a, d)
	}
	raw, _ := HashConfig(json.RawMessage(`{"Steps":100, "lr":0.1,"Preset":"quick","Seed":1}`))
	if a != raw {
		t.Errorf("equivalent raw JSON hashes differently: %s vs %s", a, raw)
	}
	if _, err := HashConfig(testConfig{LR: math.NaN()}); err == nil {
		t.Error("a NaN config hashed without error")
	}
}

func TestRepoRootAndCodeVersion(t *testing.T) {
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	if !repo.IsRoot(root) {
		t.Errorf("RepoRoot %s has no theorylab go.mod", root)
	}
	if _, err := os.Stat(filepath.Join(root, "pkg", "runs", "cache.go")); err != nil {
		t.Errorf("RepoRoot %s does not contain this package: %v", root, err)
	}
	v := CodeVersion()
	if !hexHash.MatchString(v) {
		t.Errorf("CodeVersion = %q, want 16 hex digits", v)
	}
	if CodeVersion() != v {
		t.Error("CodeVersion changes between calls")
	}
}

func TestHashSources(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module theorylab\n")
	write("pkg/a/a.go", "package a\n")
	hash := func() string {
		t.Helper()
		h, err := hashSources(root)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	base := hash() // no go.sum, no models/: still a version
	if !hexHash.MatchString(base) {
		t.Fatalf("hash %q", base)
	}
	for _, irrelevant := range []string{
		"pkg/a/a_test.go", "pkg/a/README.md", "pkg/a/testdata/x.go", "pkg/.hidden/x.go",
		"pkg/_old/x.go", "cmd/theorylab/main.go", "notebooks/x.go", "docs/x.md",
	} {
		write(irrelevant, "package x // "+irrelevant)
		if h := hash(); h != base {
			t.Errorf("writing %s changed the code version", irrelevant)
		}
	}
	for _, relevant := range []string{"pkg/a/a.go", "pkg/b/b.go", "models/mlp/mlp.go", "go.sum", "go.mod"} {
		write(relevant, "// changed "+relevant+"\n")
		h := hash()
		if h == base {
			t.Errorf("writing %s did not change the code version", relevant)
		}
		base = h
	}
	// Moving a file changes the version even though the content is the same.
	os.Rename(filepath.Join(root, "pkg/b/b.go"), filepath.Join(root, "pkg/b/c.go"))
	if hash() == base {
		t.Error("renaming a source file did not change the code version")
	}
	// An unreadable tree is an error, never a version.
	if _, err := hashSources(filepath.Join(root, "missing")); err == nil {
		t.Error("hashSources on a folder without go.mod succeeded")
	}
}

func TestKeyFor(t *testing.T) {
	old := BackendName
	BackendName = func() string { return "go" }
	t.Cleanup(func() { BackendName = old })
	k := KeyFor("eos", testConfig{Preset: "quick", Seed: 7})
	if k.Paper != "eos" || k.Preset != "quick" || k.Seed != 7 || k.Backend != "go" {
		t.Errorf("KeyFor = %+v", k)
	}
	k = KeyFor("eos", map[string]any{"backend": "xla:cpu", "seed": "not a number"})
	if k.Backend != "xla:cpu" || k.Seed != 0 || k.Preset != "" {
		t.Errorf("KeyFor(map) = %+v", k)
	}
	if k := KeyFor("eos", []int{1}); k.Backend != "go" {
		t.Errorf("KeyFor(non-object) = %+v", k)
	}
}

func TestCachedHitMiss(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	cfg := testConfig{Preset: "quick", Seed: 3, Steps: 10, LR: 0.5}
	want := testResults{Name: "run", Loss: Series{3, 2, 1}, Final: 1, Steps: 10}
	compute, calls := counter(want, nil)

	r1, m1, hit, err := Cached(c, "toy", cfg, compute)
	if err != nil || hit || *calls != 1 {
		t.Fatalf("first call: hit=%v err=%v calls=%d", hit, err, *calls)
	}
	if !equalResults(r1, want) {
		t.Errorf("miss returned %+v, want %+v", r1, want)
	}
	if m1.Paper != "toy" || m1.Preset != "quick" || m1.Seed != 3 || m1.CodeVersion != CodeVersion() ||
		m1.StartedAt.IsZero() || m1.ElapsedSeconds < 0 || m1.GoVersion == "" || m1.Host == "" ||
		!hexHash.MatchString(m1.ConfigHash) || !hexHash.MatchString(m1.CacheKey) || m1.GoMLXVersion == "" {
		t.Errorf("manifest not filled: %+v", m1)
	}
	if h, _ := HashConfig(cfg); h != m1.ConfigHash {
		t.Errorf("ConfigHash = %s, HashConfig = %s", m1.ConfigHash, h)
	}
	path, err := c.Path(KeyFor("toy", cfg))
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(c.Dir, "toy", m1.CacheKey+".json") {
		t.Errorf("Path = %s", path)
	}
	if files := cacheFiles(t, c.Dir); len(files) != 1 || files[0] != path {
		t.Errorf("cache holds %v, want only %s", files, path)
	}

	r2, m2, hit, err := Cached(c, "toy", cfg, compute)
	if err != nil || !hit || *calls != 1 {
		t.Fatalf("second call: hit=%v err=%v calls=%d", hit, err, *calls)
	}
	if !equalResults(r2, want) {
		t.Errorf("hit returned %+v, want %+v", r2, want)
	}
	if !m2.StartedAt.Equal(m1.StartedAt) || m2.ElapsedSeconds != m1.ElapsedSeconds ||
		m2.CacheKey != m1.CacheKey || string(m2.Config) != string(m1.Config) {
		t.Errorf("hit manifest %+v differs from stored %+v", m2, m1)
	}

	// A different config, paper or backend is a miss.
	cfg2 := cfg
	cfg2.Steps = 11
	if _, _, hit, _ := Cached(c, "toy", cfg2, compute); hit || *calls != 2 {
		t.Errorf("changed config: hit=%v calls=%d", hit, *calls)
	}
	if _, _, hit, _ := Cached(c, "toy2", cfg, compute); hit || *calls != 3 {
		t.Errorf("changed paper: hit=%v calls=%d", hit, *calls)
	}
	k := KeyFor("toy", cfg)
	k.Backend = "another-backend"
	if _, _, hit, _ := CachedKey(c, k, compute); hit || *calls != 4 {
		t.Errorf("changed backend: hit=%v calls=%d", hit, *calls)
	}
	// A different code version is a miss.
	setCodeVersion(t, "0123456789abcdef")
	if _, _, hit, _ := Cached(c, "toy", cfg, compute); hit || *calls != 5 {
		t.Errorf("changed code version: hit=%v calls=%d", hit, *calls)
	}
}

func equalResults(a, b testResults) bool {
	if a.Name != b.Name || a.Steps != b.Steps || len(a.Loss) != len(b.Loss) || !sameFloat(float64(a.Final), float64(b.Final)) {
		return false
	}
	for i := range a.Loss {
		if !sameFloat(a.Loss[i], b.Loss[i]) {
			return false
		}
	}
	return true
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func TestCachedNaNRoundTrip(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	want := testResults{Name: "diverged", Loss: Series{1, math.NaN(), math.Inf(1), math.Inf(-1), 1e-300},
		Final: Float(math.NaN())}
	compute, calls := counter(want, nil)
	r1, _, _, err := Cached(c, "toy", testConfig{Seed: 1}, compute)
	if err != nil {
		t.Fatal(err)
	}
	r2, _, hit, err := Cached(c, "toy", testConfig{Seed: 1}, compute)
	if err != nil || !hit || *calls != 1 {
		t.Fatalf("hit=%v err=%v calls=%d", hit, err, *calls)
	}
	for _, r := range []testResults{r1, r2} {
		if !equalResults(r, want) {
			t.Errorf("got %+v, want %+v", r, want)
		}
	}
}

func TestCachedPlainFloatNaNIsAnError(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	type bad struct{ X float64 }
	r, _, hit, err := Cached(c, "toy", 1, func() (bad, error) { return bad{math.NaN()}, nil })
	if err == nil || hit || !strings.Contains(err.Error(), "runs.Float") {
		t.Errorf("err = %v, want one that points to runs.Float", err)
	}
	if !math.IsNaN(r.X) {
		t.Errorf("the computed results were not returned with the error: %+v", r)
	}
	if files := cacheFiles(t, c.Dir); len(files) != 0 {
		t.Errorf("files written: %v", files)
	}
}

func TestCachedComputeErrorNotCached(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	boom := errors.New("boom")
	compute, calls := counter(testResults{Name: "partial"}, boom)
	for range 2 {
		r, m, hit, err := Cached(c, "toy", 1, compute)
		if !errors.Is(err, boom) || hit || r.Name != "partial" || m.StartedAt.IsZero() {
			t.Errorf("got %+v, hit=%v, err=%v", r, hit, err)
		}
	}
	if *calls != 2 {
		t.Errorf("compute ran %d times, want 2", *calls)
	}
	if files := cacheFiles(t, c.Dir); len(files) != 0 {
		t.Errorf("a failed compute left files: %v", files)
	}
}

func TestCachedUnknownCodeVersionNeverReuses(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	compute, calls := counter(testResults{Name: "x"}, nil)
	// A file stored while the version was known must not be served either.
	if _, _, _, err := Cached(c, "toy", 1, compute); err != nil {
		t.Fatal(err)
	}
	setCodeVersion(t, Unknown)
	for i := range 3 {
		_, m, hit, err := Cached(c, "toy", 1, compute)
		if err != nil || hit || m.CodeVersion != Unknown {
			t.Fatalf("call %d: hit=%v err=%v version=%s", i, hit, err, m.CodeVersion)
		}
	}
	if *calls != 4 {
		t.Errorf("compute ran %d times, want 4", *calls)
	}
	if files := cacheFiles(t, c.Dir); len(files) != 1 {
		t.Errorf("cache holds %v; nothing should be stored under an unknown version", files)
	}
}

func TestCachedNoCacheEnv(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	compute, calls := counter(testResults{Name: "x"}, nil)
	Cached(c, "toy", 1, compute)
	for _, v := range []string{"1", "true", "yes"} {
		t.Setenv("THEORYLAB_NO_CACHE", v)
		if _, _, hit, _ := Cached(c, "toy", 1, compute); hit {
			t.Errorf("THEORYLAB_NO_CACHE=%s: hit", v)
		}
	}
	t.Setenv("THEORYLAB_NO_CACHE", "0")
	if _, _, hit, _ := Cached(c, "toy", 1, compute); !hit {
		t.Error("THEORYLAB_NO_CACHE=0: miss")
	}
	if *calls != 4 {
		t.Errorf("compute ran %d times, want 4", *calls)
	}
}

func TestCachedDisabledAndBadNames(t *testing.T) {
	compute, calls := counter(testResults{Name: "x"}, nil)
	for range 2 {
		if _, _, hit, err := Cached(Cache{}, "toy", 1, compute); hit || err != nil {
			t.Errorf("empty Dir: hit=%v err=%v", hit, err)
		}
	}
	if *calls != 2 {
		t.Errorf("compute ran %d times, want 2", *calls)
	}
	if _, err := (Cache{}).Path(KeyFor("toy", 1)); err == nil {
		t.Error("Path of a disabled cache succeeded")
	}
	for _, name := range []string{"", "..", "a/b", `a\b`, " a"} {
		if _, _, _, err := Cached(Cache{Dir: t.TempDir()}, name, 1, compute); err == nil {
			t.Errorf("paper name %q accepted", name)
		}
	}
}

func TestCachedCorruptFile(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	warnings := captureWarnings(t)
	want := testResults{Name: "x", Loss: Series{1}}
	compute, calls := counter(want, nil)
	_, m, _, _ := Cached(c, "toy", 1, compute)
	path := filepath.Join(c.Dir, "toy", m.CacheKey+".json")

	for name, content := range map[string]string{
		"truncated":   `{"manifest": {"paper": "toy"`,
		"garbage":     "\x00\x01not json",
		"no results":  `{"manifest": {}}`,
		"wrong types": strings.Replace(mustRead(t, path), `"Name":"x"`, `"Name":42`, 1),
		"other run":   strings.Replace(mustRead(t, path), m.CodeVersion, "ffffffffffffffff", 1),
		"empty":       "",
	} {
		warnings.Reset()
		before := *calls
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		r, _, hit, err := Cached(c, "toy", 1, compute)
		if err != nil || hit || *calls != before+1 || !equalResults(r, want) {
			t.Errorf("%s: hit=%v err=%v calls=%d", name, hit, err, *calls-before)
		}
		if !strings.Contains(warnings.String(), path) {
			t.Errorf("%s: no warning naming the file; got %q", name, warnings.String())
		}
		// The file was overwritten with good results: the next call is a hit.
		if _, _, hit, _ := Cached(c, "toy", 1, compute); !hit {
			t.Errorf("%s: file not repaired", name)
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestCachedUnwritableDirWarns(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	warnings := captureWarnings(t)
	c := Cache{Dir: file} // a file, not a folder: every write fails
	r, _, hit, err := Cached(c, "toy", 1, func() (testResults, error) { return testResults{Name: "x"}, nil })
	if err != nil || hit || r.Name != "x" {
		t.Errorf("hit=%v err=%v r=%+v", hit, err, r)
	}
	if !strings.Contains(warnings.String(), "not cached") {
		t.Errorf("no warning about the failed write: %q", warnings.String())
	}
}

func TestDefaultCache(t *testing.T) {
	t.Setenv("THEORYLAB_CACHE", "/some/where")
	if got := DefaultCache().Dir; got != "/some/where" {
		t.Errorf("DefaultCache with THEORYLAB_CACHE = %s", got)
	}
	t.Setenv("THEORYLAB_CACHE", "")
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	if got := DefaultCache().Dir; got != filepath.Join(root, ".cache", "results") {
		t.Errorf("DefaultCache = %s", got)
	}
}

func TestWriteJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "results.json")
	if err := WriteJSON(path, map[string]any{"b": Series{1, math.NaN()}, "a": 1}); err != nil {
		t.Fatal(err)
	}
	got := mustRead(t, path)
	if want := "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    null\n  ]\n}\n"; got != want {
		t.Errorf("WriteJSON wrote %q, want %q", got, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	// Overwrite in place.
	if err := WriteJSON(path, 2); err != nil || mustRead(t, path) != "2\n" {
		t.Errorf("overwrite: err=%v content=%q", err, mustRead(t, path))
	}
	// Unencodable: an error, and the old file stays.
	if err := WriteJSON(path, math.NaN()); err == nil {
		t.Error("WriteJSON(NaN) succeeded")
	}
	if mustRead(t, path) != "2\n" {
		t.Error("a failed WriteJSON changed the file")
	}
	// The rename fails (the target is a folder): an error, and no temporary file is left.
	target := filepath.Join(dir, "sub", "adir")
	os.MkdirAll(filepath.Join(target, "x"), 0o755)
	if err := WriteJSON(target, 1); err == nil {
		t.Error("WriteJSON over a folder succeeded")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "sub"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "adir,results.json" {
		t.Errorf("folder holds %v after a failed write; want only adir and results.json", names)
	}
}

func TestFloatAndSeriesJSON(t *testing.T) {
	type R struct {
		F, G, H, I Float
		S, Nil     Series
		Empty      Series
		M          []Series
	}
	in := R{F: Float(math.NaN()), G: Float(math.Inf(1)), H: Float(math.Inf(-1)), I: 0.1,
		S: Series{math.NaN(), -2.5, math.Inf(1), 1e21, 5e-324}, Empty: Series{}, M: []Series{{1}, {math.NaN()}}}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"F":null,"G":"+Inf","H":"-Inf","I":0.1,"S":[null,-2.5,"+Inf",1e+21,5e-324],"Nil":null,"Empty":[],"M":[[1],[null]]}`
	if string(data) != want {
		t.Errorf("Marshal = %s\nwant      %s", data, want)
	}
	var out R
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(float64(out.F)) || !math.IsInf(float64(out.G), 1) || !math.IsInf(float64(out.H), -1) || out.I != 0.1 {
		t.Errorf("floats: %+v", out)
	}
	if len(out.S) != 5 || !math.IsNaN(out.S[0]) || out.S[1] != -2.5 || !math.IsInf(out.S[2], 1) ||
		out.S[3] != 1e21 || out.S[4] != 5e-324 {
		t.Errorf("series: %v", out.S)
	}
	if out.Nil != nil || out.Empty == nil || len(out.Empty) != 0 || len(out.M) != 2 || !math.IsNaN(out.M[1][0]) {
		t.Errorf("nil/empty/nested: %#v %#v %#v", out.Nil, out.Empty, out.M)
	}
	var s Series
	if err := json.Unmarshal([]byte(`["Inf","NaN","-Infinity",2]`), &s); err != nil ||
		!math.IsInf(s[0], 1) || !math.IsNaN(s[1]) || !math.IsInf(s[2], -1) || s[3] != 2 {
		t.Errorf("string forms: %v, %v", s, err)
	}
	if err := json.Unmarshal([]byte(`["many"]`), &s); err == nil {
		t.Error(`["many"] accepted`)
	}
	if err := json.Unmarshal([]byte(`{"a":1}`), &s); err == nil {
		t.Error("an object accepted as a Series")
	}
}

func TestMain(m *testing.M) {
	// The cache tests and examples expect reuse to be allowed, whatever the
	// environment that runs them says.
	os.Unsetenv("THEORYLAB_NO_CACHE")
	os.Exit(m.Run())
}

// TestConcurrentCallersComputeOnce: two goroutines asking for the same key at
// once compute it once; the second waits on the lock and gets a cache hit.
func TestConcurrentCallersComputeOnce(t *testing.T) {
	setCodeVersion(t, "v-lock")
	c := Cache{Dir: t.TempDir()}
	var computed atomic.Int32
	compute := func() (testResults, error) {
		computed.Add(1)
		time.Sleep(200 * time.Millisecond)
		return testResults{Loss: Series{1, 2}}, nil
	}
	var wg sync.WaitGroup
	hits := make([]bool, 2)
	for i := range hits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, hit, err := Cached(c, "locktest", testConfig{Preset: "quick", Steps: 3}, compute)
			if err != nil {
				t.Error(err)
			}
			hits[i] = hit
		}()
	}
	wg.Wait()
	if computed.Load() != 1 || hits[0] == hits[1] {
		t.Errorf("computed %d times, hits %v; want one computation and one hit", computed.Load(), hits)
	}
}
