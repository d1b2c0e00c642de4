package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers"
	"theorylab/pkg/runs"
)

// TestSweepCommand runs `theorylab sweep` on a stand-in paper whose second
// claim holds only for small seeds.
func TestSweepCommand(t *testing.T) {
	var firstSeeds []int
	papers.Register(papers.Entry{Name: "test-sweep", Number: 96, Presets: []string{"quick"},
		Seeds: func(string) (int, error) { return 2, nil },
		Run: func(_ string, seed int) (*papers.Outcome[any, any], error) {
			firstSeeds = append(firstSeeds, seed)
			l := claims.List{
				{ID: "S-1", Statement: "always", Threshold: "≥ 0", Measured: float64(seed), Pass: true},
				{ID: "S-2", Statement: "small seeds", Threshold: "< 4", Measured: float64(seed), Pass: seed < 4},
			}
			return papers.NewOutcome[any, any](nil, nil, l, runs.Manifest{Backend: "test"}, nil), nil
		}})
	dir := filepath.Join(t.TempDir(), "sweep")
	code, stdout, stderr := runCLI("sweep", "test-sweep", "--seeds", "0-4", "--out", dir)
	if code != exitClaimFails {
		t.Fatalf("exit %d, want 3 (S-2 not reproduced)\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if got := jsonInts(firstSeeds); got != "[0,2,4,6,8]" {
		t.Errorf("first seeds %v, want 0 2 4 6 8 (replicates share no seed)", firstSeeds)
	}
	for _, want := range []string{"| S-1 | 5/5 | reproduced |", "| S-2 | 2/5 | **not reproduced** |"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "replicate 4 (5 of 5), seeds 8–9") {
		t.Errorf("no progress lines on stderr: %s", stderr)
	}
	var rep struct {
		Paper  string `json:"paper"`
		Need   int    `json:"need"`
		Claims []struct {
			ID     string  `json:"id"`
			Passes int     `json:"passes"`
			Median float64 `json:"median"`
		} `json:"claims"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "sweep.json"))
	if err != nil || json.Unmarshal(data, &rep) != nil {
		t.Fatalf("sweep.json: %v", err)
	}
	if rep.Paper != "test-sweep" || rep.Need != 4 || len(rep.Claims) != 2 || rep.Claims[1].Passes != 2 || rep.Claims[0].Median != 4 {
		t.Errorf("sweep.json: %+v", rep)
	}
	if md, err := os.ReadFile(filepath.Join(dir, "sweep.md")); err != nil || !strings.Contains(string(md), "| S-2 |") {
		t.Errorf("sweep.md: %v", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep"}, "want exactly one paper name"},
		{[]string{"sweep", "nosuch"}, `unknown paper "nosuch"`},
		{[]string{"sweep", "test-sweep", "--preset", "full"}, `unknown preset "full"`},
		{[]string{"sweep", "test-sweep", "--seeds", "9-2"}, "not a range"},
	} {
		if code, _, stderr := runCLI(c.args...); code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 mentioning %q", c.args, code, stderr, c.want)
		}
	}
}

func jsonInts(xs []int) string {
	b, _ := json.Marshal(xs)
	return string(b)
}

// TestCacheCommand: a dry run lists a stale file and keeps it; prune removes it.
func TestCacheCommand(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("THEORYLAB_CACHE", cache)
	stale := filepath.Join(cache, "eos", "0000000000000000.json")
	os.MkdirAll(filepath.Dir(stale), 0o755)
	os.WriteFile(stale, []byte("{not json"), 0o644)
	code, stdout, stderr := runCLI("cache", "prune", "--dry-run")
	if code != exitOK || !strings.Contains(stdout, "would remove eos/0000000000000000.json (corrupt)") {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(stale); err != nil {
		t.Error("the dry run removed the file")
	}
	if code, stdout, _ := runCLI("cache", "list"); code != exitOK || !strings.Contains(stdout, "stale: corrupt") {
		t.Errorf("list: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := runCLI("cache", "prune"); code != exitOK || !strings.Contains(stdout, "removed 1 stale files") {
		t.Errorf("prune: exit %d\n%s", code, stdout)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("prune left the stale file")
	}
	for _, args := range [][]string{{"cache"}, {"cache", "burn"}, {"cache", "list", "--dry-run"}, {"cache", "prune", "x"}} {
		if code, _, _ := runCLI(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
