package robustness

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"theorylab/pkg/claims"
)

// TestSweep runs the quick preset for seeds 0–9 (through the results cache)
// and prints the table of docs/08-law-of-robustness.md: each claim's pass
// rate and the median and range of every value it measures. It runs only
// when THEORYLAB_SWEEP is set (to the number of seeds, e.g. 10); `theorylab
// sweep` will replace it.
func TestSweep(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("THEORYLAB_SWEEP"))
	if n < 1 {
		t.Skip("set THEORYLAB_SWEEP=10 to run the 10-seed sweep (about 10 minutes on xla:cpu)")
	}
	type metric struct {
		claim, name string
		vals        []float64
	}
	var order []string
	metrics := map[string]*metric{}
	add := func(claim, name string, v float64) {
		key := claim + "|" + name
		if metrics[key] == nil {
			metrics[key] = &metric{claim: claim, name: name}
			order = append(order, key)
		}
		metrics[key].vals = append(metrics[key].vals, v)
	}
	passes := map[string]int{}
	var ids []string
	checksOK := 0
	backendName := ""
	for seed := range n {
		cfg := Quick()
		cfg.Seed = seed
		res, man, hit, err := RunCached(cfg)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		backendName = man.Backend
		t.Logf("seed %d: %.1fs on %s (cache hit %v)", seed, man.ElapsedSeconds, man.Backend, hit)
		for _, c := range Claims(res) {
			if !slices.Contains(ids, c.ID) {
				ids = append(ids, c.ID)
			}
			if c.Passed() {
				passes[c.ID]++
			} else {
				t.Logf("seed %d: %s", seed, c.String())
			}
		}
		ok := true
		for _, ch := range Checks(res) {
			ok = ok && ch.OK
			if !ch.OK {
				t.Logf("seed %d: check %s failed: %s", seed, ch.ID, ch.Measured)
			}
		}
		if ok {
			checksOK++
		}
		c := res.Config
		// LR-2.
		var r, rInit []float64
		for _, f := range group(res.Fits, GroupBiasFreeSmall, true) {
			r = append(r, f.R())
		}
		for _, f := range group(res.Fits, GroupBiasFreeSmall, false) {
			rInit = append(rInit, f.RInit())
		}
		s1, _, _ := lr2Test(r)
		add("LR-2", "share of fits with R ≥ 1", s1)
		add("LR-2", "smallest R after fitting", claims.Min(r))
		add("LR-2", "largest R at initialisation (null)", claims.Max(rInit))
		// LR-3.
		plain := group(res.Fits, GroupPlain, true)
		x, y := trend(plain, false)
		rho, slope, _ := lr3Test(x, y)
		nx, ny := trend(group(res.Fits, GroupPlainNull, true), false)
		nrho, _, _ := lr3Test(nx, ny)
		add("LR-3", "Spearman(√(n/k), proxy)", rho)
		add("LR-3", "OLS slope", slope)
		add("LR-3", fmt.Sprintf("ratio k=%d / k=%d (reported)", c.SmallK, c.LargeK), widthRatio(plain, c.SmallK, c.LargeK))
		add("LR-3", "log-log slope (reported)", LogLogSlope(x, y))
		add("LR-3", "null: Spearman", nrho)
		k8 := 0
		for _, f := range group(res.Fits, GroupPlain, false) {
			if f.K == c.Widths[0] && f.Memorized {
				k8++
			}
		}
		add("LR-3", fmt.Sprintf("k=%d fits memorized (of %d)", c.Widths[0], c.Seeds), float64(k8))
		// LR-3s.
		ratio, lslope, _ := lr3sTest(group(res.Fits, GroupSmooth, true), c.SmallK, c.LargeK)
		nratio, nslope, _ := lr3sTest(group(res.Fits, GroupSmoothNull, true), c.SmallK, c.LargeK)
		add("LR-3s", fmt.Sprintf("ratio k=%d / k=%d", c.SmallK, c.LargeK), ratio)
		add("LR-3s", "log-log slope", lslope)
		add("LR-3s", "null: ratio", nratio)
		add("LR-3s", "null: log-log slope", nslope)
		for _, s := range res.Selection {
			add("LR selection", s.Method+" learning rate", s.Chosen)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Quick preset, seeds 0–%d, backend %s; exact checks (LR-1, LR-4, LR-5, data) held in %d of %d seeds.\n\n", n-1, backendName, checksOK, n)
	b.WriteString("| claim | pass rate | measured value | median | range |\n|---|---|---|---|---|\n")
	for _, key := range order {
		m := metrics[key]
		rate := "—"
		if slices.Contains(ids, m.claim) {
			rate = fmt.Sprintf("%d/%d", passes[m.claim], n)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s – %s |\n", m.claim, rate, m.name, claims.Num(claims.Median(m.vals)), claims.Num(claims.Min(m.vals)), claims.Num(claims.Max(m.vals)))
	}
	t.Log("\n" + b.String())
	if out := os.Getenv("THEORYLAB_SWEEP_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}
