package papertest

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers"
)

// Quick runs the quick preset from seed 0 through the results cache and
// asserts every claim: a claim holds, or it fails in the direction its
// Finding documents (and then a claim with a Finding that now passes is an
// error too: the documentation is out of date). A claim whose Def records its
// sweep (claims.Def.Sweep) must give replicate 0's recorded outcome, pass or
// fail. Targets are otherwise reported, never required. It is skipped with -short. It returns the outcome for further
// checks.
func Quick[C papers.Config, R any](t *testing.T, p *papers.Paper[C, R]) *papers.Outcome[C, R] {
	t.Helper()
	if testing.Short() {
		t.Skipf("%s: the quick preset takes minutes; skipped with -short", p.Name)
	}
	out, err := p.RunPreset("quick", 0)
	if err != nil {
		t.Fatalf("%s quick preset: %v", p.Name, err)
	}
	t.Logf("%s\n%s", out.Summary(), out.Claims.Text())
	if len(out.Claims) == 0 {
		t.Fatalf("%s: the quick preset checked no claim", p.Name)
	}
	var rest claims.List
	for _, c := range out.Claims {
		def, _ := p.Claims.Find(c.ID)
		switch {
		case def.Sweep != nil && c.Passed() != def.Sweep.Replicate0:
			t.Errorf("%s %s at seed 0 (measured %s), but its sweep record (%s) says replicate 0 %s: rerun `theorylab sweep %s` and update the record, the docs and the notebook",
				c.ID, passFail(c.Passed()), claims.Num(c.Measured), def.Sweep.Where, passFail(def.Sweep.Replicate0), p.Name)
		case c.Recorded() || (def.Sweep != nil && c.Passed() && def.Finding == nil):
			t.Logf("%s %s at seed 0, as its sweep recorded: %s", c.ID, passFail(c.Passed()), c.Sweep)
		case c.Documented():
			t.Logf("%s fails as documented in %s", c.ID, c.Finding)
		case def.Finding != nil && c.Passed():
			t.Errorf("%s now passes (measured %s), but %s documents its failure as a finding: update the docs, the notebook and the finding",
				c.ID, claims.Num(c.Measured), def.Finding.Where)
		default:
			rest = append(rest, c)
		}
	}
	if len(rest) > 0 {
		claims.Require(t, rest)
	}
	return out
}

func passFail(passed bool) string {
	if passed {
		return "passes"
	}
	return "fails"
}

// Deterministic runs cfg twice without the cache and requires identical
// results, wall-clock timings aside (JSON fields named "seconds" or ending
// in "_seconds"); runs it again from the next seeds (Seed + Seeds) and
// requires the claims' measured values or details to change, so that the
// seed is really used; and requires every figure of the first run to render.
// cfg should take seconds. It returns the first run's results.
func Deterministic[C papers.Config, R any](t *testing.T, p *papers.Paper[C, R], cfg C) R {
	t.Helper()
	run := func(c C) R {
		t.Helper()
		res, err := p.Run(c)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		return res
	}
	a, b := run(cfg), run(cfg)
	ja, jb := withoutTimings(t, a), withoutTimings(t, b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("%s: two runs with the same seed and backend differ: %s", p.Name, firstDifference(ja, jb))
	}
	common := p.Common(cfg)
	next := common
	next.Seed += common.Seeds
	c := run(p.WithCommon(cfg, next))
	if reflect.DeepEqual(claimNumbers(p.Claims.Evaluate(a)), claimNumbers(p.Claims.Evaluate(c))) {
		t.Errorf("%s: seeds %d… and %d… give the same claims: is the seed used?", p.Name, common.Seed, common.Seed+common.Seeds)
	}
	for _, f := range p.Figures(a) {
		svg := strings.TrimSpace(f.Fig.SVG())
		if err := f.Fig.Err(); err != nil {
			t.Errorf("%s figure %s: %v", p.Name, f.Name, err)
		}
		if !strings.HasPrefix(svg, "<svg") && !strings.HasPrefix(svg, "<?xml") {
			t.Errorf("%s figure %s is not an SVG document", p.Name, f.Name)
		}
	}
	return a
}

// BadConfigs requires that every broken config is refused with an error
// containing the case's key, by Validate, by Run and by the cached run, and
// that nothing is written to the results cache. cases maps the words the
// error must contain to a change that breaks the quick preset. The shared
// fields' cases (a negative seed, no seeds) and an unknown preset name are
// checked too, and the quick and full presets must be valid.
func BadConfigs[C papers.Config, R any](t *testing.T, p *papers.Paper[C, R], cases map[string]func(*C)) {
	t.Helper()
	cache := t.TempDir()
	t.Setenv("THEORYLAB_CACHE", cache)
	all := map[string]func(C) C{
		"seed must be ≥ 0": func(c C) C {
			common := p.Common(c)
			common.Seed = -1
			return p.WithCommon(c, common)
		},
		"seeds must be ≥ 1": func(c C) C {
			common := p.Common(c)
			common.Seeds = 0
			return p.WithCommon(c, common)
		},
	}
	for want, mutate := range cases {
		all[want] = func(c C) C { mutate(&c); return c }
	}
	for want, mutate := range all {
		cfg := mutate(p.Quick())
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want an error containing %q, got %v", p.Name, want, err)
		}
		if _, err := p.Run(cfg); err == nil {
			t.Errorf("%s: Run accepted an invalid config (%s)", p.Name, want)
		}
		if _, _, _, err := p.RunCached(cfg); err == nil {
			t.Errorf("%s: RunCached accepted an invalid config (%s)", p.Name, want)
		}
	}
	var written []string
	filepath.WalkDir(cache, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			written = append(written, path)
		}
		return nil
	})
	if len(written) > 0 {
		t.Errorf("%s: invalid configs left files in the results cache: %v", p.Name, written)
	}
	if _, err := p.Preset("huge"); err == nil || !strings.Contains(err.Error(), `"huge"`) {
		t.Errorf("%s: an unknown preset gave %v; want an error naming it", p.Name, err)
	}
	for _, name := range p.Presets() {
		cfg, err := p.Preset(name)
		if err != nil {
			t.Errorf("%s %s: %v", p.Name, name, err)
		} else if err := cfg.Validate(); err != nil {
			t.Errorf("%s: preset %s is invalid: %v", p.Name, name, err)
		}
	}
}

// withoutTimings is res as JSON with every wall-clock timing set to 0.
func withoutTimings(t *testing.T, res any) []byte {
	t.Helper()
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatalf("results are not JSON-serialisable: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(zeroTimings(v))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func zeroTimings(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if name := strings.ToLower(k); name == "seconds" || strings.HasSuffix(name, "_seconds") {
				x[k] = 0
			} else {
				x[k] = zeroTimings(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = zeroTimings(e)
		}
	}
	return v
}

// firstDifference shows where two JSON documents first differ.
func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return "first difference at byte " + strings.TrimSpace(string(a[from:min(len(a), i+40)])) + " … versus … " +
		strings.TrimSpace(string(b[from:min(len(b), i+40)]))
}

// claimNumbers is what the claims measured: values and details.
func claimNumbers(l claims.List) []string {
	var out []string
	for _, c := range l {
		out = append(out, claims.Num(c.Measured)+" "+c.Detail)
	}
	return out
}
