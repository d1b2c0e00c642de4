package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers"
	"theorylab/pkg/papers/config"
	"theorylab/pkg/plot"
)

// A fake paper: Run is instant and its claims depend on the first seed in
// known ways, so the sweep's counting can be checked exactly.
type fakeConfig struct {
	config.Common
}

func (c fakeConfig) Validate() error { return config.Check("sweepfake", c.Common).Err() }

type fakeResults struct {
	Seed int `json:"seed"`
}

var fakeRuns int

func fakeRun(c fakeConfig) (*fakeResults, error) {
	fakeRuns++
	if c.Seed == 27 {
		return nil, errors.New("diverged at step 3")
	}
	return &fakeResults{Seed: c.Seed}, nil
}

var (
	fakeFinding = &claims.Finding{Where: "nowhere.md"}
	fakePaper   = papers.Define(papers.Paper[fakeConfig, *fakeResults]{
		Name: "sweepfake", Number: 97, Title: "A fake paper", Authors: "Nobody",
		Quick: func() fakeConfig { return fakeConfig{config.Common{Preset: "quick", Seeds: 3}} },
		Run:   fakeRun,
		Claims: claims.Set[*fakeResults]{
			{ID: "F-1", Statement: "holds but for seed 21", PaperRef: "x",
				Sweep: &claims.Sweep{Passed: 7, Of: 10, Replicate0: true, Where: "an old table"}, Measure: func(r *fakeResults) claims.Measurement {
					return claims.Measurement{Value: float64(r.Seed), Rule: "seed ≠ 21", Pass: r.Seed != 21}
				}},
			{ID: "F-2", Statement: "holds for small seeds", PaperRef: "x",
				Sweep: &claims.Sweep{Passed: 4, Of: 10, Replicate0: true, Where: "the table"}, Measure: func(r *fakeResults) claims.Measurement {
					return claims.Measurement{Value: float64(r.Seed), Rule: "seed < 12", Pass: r.Seed < 12}
				}},
			{ID: "F-3", Statement: "fails as documented but for seed 0", PaperRef: "x", Finding: fakeFinding,
				Measure: func(r *fakeResults) claims.Measurement {
					return claims.Measurement{Value: 1, Rule: "seed = 0", Pass: r.Seed == 0}
				}},
			{ID: "F-4", Statement: "a target", PaperRef: "x", Target: true, Measure: func(r *fakeResults) claims.Measurement {
				return claims.Measurement{Value: 0, Rule: "= 0", Pass: true}
			}},
		},
		Figures: func(*fakeResults) []plot.Named { return nil },
	})
)

func TestSweepCountsAndResumes(t *testing.T) {
	t.Setenv("THEORYLAB_CACHE", t.TempDir())
	fakeRuns = 0
	var progress bytes.Buffer
	// An interrupted sweep: only the first four replicates ran.
	if _, err := Run(fakePaper.Entry(), "quick", []int{0, 1, 2, 3}, &progress); err != nil {
		t.Fatal(err)
	}
	if fakeRuns != 4 {
		t.Fatalf("%d runs, want 4", fakeRuns)
	}
	// Resumed: the first four come from the cache, replicate 9 (seed 27) fails again (errors are never cached).
	rep, err := Run(fakePaper.Entry(), "quick", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if fakeRuns != 4+6 {
		t.Errorf("%d runs in all, want 10 (four from the cache)", fakeRuns)
	}
	if !rep.Replicates[0].CacheHit || rep.Replicates[4].CacheHit {
		t.Error("replicates 0–3 should come from the cache, 4 should not")
	}
	if got := rep.Replicates[3].Seeds; len(got) != 3 || got[0] != 9 || got[2] != 11 {
		t.Errorf("replicate 3 seeds %v, want 9 10 11", got)
	}
	if e := rep.Replicates[9].Error; !strings.Contains(e, "diverged") {
		t.Errorf("replicate 9 error %q", e)
	}
	if rep.Need != 8 {
		t.Errorf("need %d, want 8 of 10", rep.Need)
	}
	want := map[string]struct {
		passes, documented int
		verdict            string
	}{
		"F-1": {8, 0, Reproduced},       // seed 21 (replicate 7) fails, seed 27 did not run
		"F-2": {4, 0, NotReproduced},    // seeds 0, 3, 6, 9
		"F-3": {1, 8, FindingConfirmed}, // fails as documented in replicates 1–8
		"F-4": {9, 0, TargetOnly},
	}
	for _, c := range rep.Claims {
		w := want[c.ID]
		if c.Passes != w.passes || c.Documented != w.documented || c.Verdict != w.verdict || c.Runs != 10 {
			t.Errorf("%s: %d passes, %d documented, %s of %d runs; want %+v", c.ID, c.Passes, c.Documented, c.Verdict, c.Runs, w)
		}
	}
	if f1 := rep.Claims[0]; f1.Median != 12 || f1.Min != 0 || f1.Max != 24 || len(f1.Values) != 9 {
		t.Errorf("F-1 spread: median %v [%v, %v] over %d values", f1.Median, f1.Min, f1.Max, len(f1.Values))
	}
	if rep.AllReproduced() {
		t.Error("a sweep with an unreproduced claim and a failed replicate called all reproduced")
	}
	md := rep.Markdown()
	for _, s := range []string{"10 replicates × 3 seeds", "seeds 0–29", "at least 8 of 10", "| F-2 | 4/10 | **not reproduced** |",
		"**finding confirmed** (fails as documented in 8 of 10)", "target (met in 9 of 10)", "1 replicate(s) failed"} {
		if !strings.Contains(md, s) {
			t.Errorf("Markdown lacks %q:\n%s", s, md)
		}
	}
	// F-1's record (7 of 10) is out of date; F-2's (4 of 10) agrees.
	if !rep.Claims[0].Stale || rep.Claims[1].Stale || !strings.Contains(md, "F-1's recorded sweep (passes in 7 of 10") ||
		strings.Contains(md, "F-2's recorded") {
		t.Errorf("recorded sweeps: F-1 stale %v, F-2 stale %v\n%s", rep.Claims[0].Stale, rep.Claims[1].Stale, md)
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Errorf("report is not JSON: %v", err)
	}
	if !strings.Contains(progress.String(), "replicate 9 (10 of 10), seeds 27–29") {
		t.Errorf("progress: %s", progress.String())
	}
}

func TestParseReplicatesAndNeed(t *testing.T) {
	for spec, want := range map[string]string{"0-9": "[0 1 2 3 4 5 6 7 8 9]", "3": "[3]", "0,2,5": "[0 2 5]", "0-2, 7, 1": "[0 1 2 7]"} {
		got, err := ParseReplicates(spec)
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("%q: %v %v, want %s", spec, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "-1", "5-2", "1-x"} {
		if _, err := ParseReplicates(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for n, want := range map[int]int{10: 8, 5: 4, 1: 1, 3: 3, 20: 16} {
		if got := Need(n); got != want {
			t.Errorf("Need(%d) = %d, want %d", n, got, want)
		}
	}
	if _, err := Run(fakePaper.Entry(), "full", []int{0}, &bytes.Buffer{}); err == nil {
		t.Error("a preset the paper lacks was accepted")
	}
}
