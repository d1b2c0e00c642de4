package adamgd

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"theorylab/pkg/claims"
	"theorylab/pkg/repo"
)

// SweepEnv runs TestSweep: THEORYLAB_SWEEP=1 go test -run TestSweep -timeout 0 ./pkg/papers/adamgd/
// (the paper kit's `theorylab sweep adamgd --seeds 0-9` will replace it).
const SweepEnv = "THEORYLAB_SWEEP"

// TestSweep runs the quick preset for Seed = 0 … 9 (each one 10 data seeds
// of its own: 100 data seeds in all, none shared) through the results cache,
// and writes the per-claim pass rates with the median and range of each
// measured value to build/sweep/adamgd-quick.md (and the per-seed claims to
// adamgd-quick.json). It asserts nothing about the science: the table is
// the result, documented in docs/02-adam-vs-gd.md.
func TestSweep(t *testing.T) {
	if os.Getenv(SweepEnv) == "" {
		t.Skipf("set %s=1 to run the 10-seed sweep of the quick preset (about 20 minutes)", SweepEnv)
	}
	seeds := 10
	if v, err := strconv.Atoi(os.Getenv(SweepEnv)); err == nil && v > 1 {
		seeds = v
	}
	type row struct {
		Seed    int         `json:"seed"`
		Seconds float64     `json:"seconds"`
		Backend string      `json:"backend"`
		Claims  claims.List `json:"claims"`
	}
	var rows []row
	for s := range seeds {
		cfg := Quick()
		cfg.Seed = s
		res, man, hit, err := RunCached(cfg)
		if err != nil {
			t.Fatalf("seed %d: %v", s, err)
		}
		rows = append(rows, row{Seed: s, Seconds: man.ElapsedSeconds, Backend: man.Backend, Claims: Claims(res)})
		t.Logf("seed %d: %s (%.0fs on %s, cache hit %v)", s, rows[len(rows)-1].Claims.Summary(), man.ElapsedSeconds, man.Backend, hit)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| claim | pass | measured: median [min, max] | threshold |\n|---|---|---|---|\n")
	for i, c := range rows[0].Claims {
		var vals []float64
		pass, finding := 0, 0
		for _, r := range rows {
			c2 := r.Claims[i]
			vals = append(vals, c2.Measured)
			if c2.Passed() {
				pass++
			} else if c2.Documented() {
				finding++
			}
		}
		status := fmt.Sprintf("%d/%d", pass, len(rows))
		if finding > 0 {
			status += fmt.Sprintf(" (%d fail as the documented finding)", finding)
		}
		fmt.Fprintf(&b, "| %s | %s | %s [%s, %s] | %s |\n", c.ID, status, num(claims.Median(vals)), num(claims.Min(vals)), num(claims.Max(vals)), c.Threshold)
	}
	var secs []float64
	for _, r := range rows {
		secs = append(secs, r.Seconds)
	}
	fmt.Fprintf(&b, "\nRun time per seed on %s: median %.0f s [%.0f, %.0f].\n", rows[0].Backend, claims.Median(secs), claims.Min(secs), claims.Max(secs))
	t.Log("\n" + b.String())
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "build", "sweep")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "adamgd-quick.md"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := json.MarshalIndent(rows, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "adamgd-quick.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func num(x float64) string {
	if math.IsNaN(x) {
		return "NaN"
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}
