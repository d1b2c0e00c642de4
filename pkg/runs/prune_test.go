package runs

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestScanAndPrune: only results that no current code can read again go.
func TestScanAndPrune(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	store := func(paper, version string, seed int64) string {
		t.Helper()
		setCodeVersion(t, version)
		_, m, _, err := Cached(c, paper, testConfig{Preset: "quick", Seed: seed}, func() (testResults, error) {
			return testResults{Name: paper}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return filepath.Join(c.Dir, paper, m.CacheKey+".json")
	}
	current := store("eos", "v-now", 0)
	oldCode := store("eos", "v-old", 1)
	goneLock := oldCode + ".lock" // the lock that Cached left beside it
	otherPaper := store("lora", "v-lora", 0)
	unknown := store("retired", "v-now", 0)
	corrupt := filepath.Join(c.Dir, "eos", "0123456789abcdef.json")
	os.WriteFile(corrupt, []byte("{not json"), 0o644)
	oldTmp := filepath.Join(c.Dir, "eos", ".x.json.tmp-123")
	newTmp := filepath.Join(c.Dir, "eos", ".y.json.tmp-456")
	os.WriteFile(oldTmp, nil, 0o644)
	os.WriteFile(newTmp, nil, 0o644)
	twoHoursAgo := time.Now().Add(-2 * time.Hour)
	os.Chtimes(oldTmp, twoHoursAgo, twoHoursAgo)
	notes := filepath.Join(c.Dir, "eos", "README")
	os.WriteFile(notes, []byte("mine"), 0o644)

	versions := map[string]string{"eos": "v-now", "lora": "v-lora"}
	all, err := c.Scan(versions)
	if err != nil {
		t.Fatal(err)
	}
	stale := map[string]string{}
	for _, s := range all {
		if s.Stale {
			stale[s.Path] = s.Why
		}
	}
	wantStale := map[string]string{oldCode: "code changed", goneLock: "lock", unknown: `no paper "retired"`,
		unknown + ".lock": "lock", corrupt: "corrupt", oldTmp: "unfinished"}
	for path, why := range wantStale {
		if !strings.Contains(stale[path], why) {
			t.Errorf("%s: stale because %q, want %q", filepath.Base(path), stale[path], why)
		}
	}
	if len(stale) != len(wantStale) {
		t.Errorf("stale: %v", stale)
	}

	dry, err := c.Prune(versions, true)
	if err != nil || len(dry) != len(wantStale) {
		t.Fatalf("dry run: %d files, %v", len(dry), err)
	}
	for path := range wantStale {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("the dry run removed %s", path)
		}
	}

	// A lock held by a running computation stays.
	f, _ := os.OpenFile(goneLock, os.O_RDWR, 0)
	syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
	removed, err := c.Prune(versions, false)
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
	if err != nil || len(removed) != len(wantStale)-1 {
		t.Errorf("prune removed %d files (%v), want %d", len(removed), err, len(wantStale)-1)
	}
	for _, keep := range []string{current, current + ".lock", otherPaper, newTmp, notes, goneLock} {
		if _, err := os.Stat(keep); err != nil {
			t.Errorf("prune removed %s", filepath.Base(keep))
		}
	}
	for path := range wantStale {
		if _, err := os.Stat(path); err == nil && path != goneLock {
			t.Errorf("prune left %s", filepath.Base(path))
		}
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "retired")); err == nil {
		t.Error("the emptied folder of the retired paper is still there")
	}
	// The current result is still served.
	setCodeVersion(t, "v-now")
	if _, _, hit, _ := Cached(c, "eos", testConfig{Preset: "quick", Seed: 0}, func() (testResults, error) { return testResults{}, nil }); !hit {
		t.Error("the current result is no longer a hit")
	}
	var names []string
	rest, _ := c.Scan(versions)
	for _, s := range rest {
		names = append(names, filepath.Base(s.Path))
	}
	sort.Strings(names)
	// current, its lock, lora's result and lock, the lock that was held (the young temp file and README are not listed)
	if len(rest) != 5 {
		t.Errorf("after pruning: %v", names)
	}
}

func TestScanOfNoCache(t *testing.T) {
	if all, err := (Cache{Dir: filepath.Join(t.TempDir(), "none")}).Scan(nil); err != nil || len(all) != 0 {
		t.Errorf("missing folder: %v, %v", all, err)
	}
	if _, err := (Cache{}).Scan(nil); err == nil {
		t.Error("a disabled cache scanned")
	}
}

// TestPluginInKey: results computed with another XLA plugin are not served.
func TestPluginInKey(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	old := PluginIdentity
	t.Cleanup(func() { PluginIdentity = old })
	compute, calls := counter(testResults{Name: "x"}, nil)
	for i, plugin := range []string{"libpjrt_cpu.so aaaa", "libpjrt_cpu.so aaaa", "libpjrt_cpu.so bbbb"} {
		PluginIdentity = func() string { return plugin }
		_, m, hit, err := Cached(c, "toy", testConfig{Seed: 1}, compute)
		if err != nil || m.Plugin != plugin || hit != (i == 1) {
			t.Errorf("call %d with %s: hit=%v plugin=%q err=%v", i, plugin, hit, m.Plugin, err)
		}
	}
	if *calls != 2 {
		t.Errorf("computed %d times, want 2", *calls)
	}
	if fp := pluginFingerprint(filepath.Join(t.TempDir(), "missing.so")); fp != Unknown {
		t.Errorf("fingerprint of a missing file: %q", fp)
	}
	lib := filepath.Join(t.TempDir(), "lib.so")
	os.WriteFile(lib, []byte("ELF build 1"), 0o644)
	a := pluginFingerprint(lib)
	lib2 := filepath.Join(t.TempDir(), "lib.so")
	os.WriteFile(lib2, []byte("ELF build 2"), 0o644)
	if b := pluginFingerprint(lib2); a == b || !strings.HasPrefix(a, "lib.so ") {
		t.Errorf("fingerprints %q and %q", a, b)
	}
}
