package sweep

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers"
	"theorylab/pkg/runs"
)

// ReproducedShare is the share of replicates in which a claim must pass to
// be called reproduced (8 of 10), and in which a documented finding must fail
// as documented to be confirmed; the rule lives in pkg/claims (Sweep).
const ReproducedShare = claims.ReproducedShare

// Verdicts.
const (
	Reproduced       = "reproduced"
	NotReproduced    = "not reproduced"
	FindingConfirmed = "finding confirmed"
	TargetOnly       = "target"
)

// Replicate is one run of the preset in a sweep.
type Replicate struct {
	Index    int         `json:"replicate"`
	Seeds    []int       `json:"seeds"`
	CacheHit bool        `json:"cache_hit"`
	Seconds  float64     `json:"elapsed_seconds"` // how long the run took when it was computed
	Error    string      `json:"error,omitempty"` // the run failed (e.g. diverged): none of its claims pass
	Claims   claims.List `json:"claims,omitempty"`
}

// Claim is one claim over the replicates.
type Claim struct {
	ID         string      `json:"id"`
	Statement  string      `json:"statement"`
	Threshold  string      `json:"threshold"`
	Target     bool        `json:"target,omitempty"`
	Runs       int         `json:"runs"`       // replicates in the sweep
	Passes     int         `json:"passes"`     // replicates in which it passed
	Documented int         `json:"documented"` // replicates in which it failed as its finding documents
	PassRate   runs.Float  `json:"pass_rate"`
	Verdict    string      `json:"verdict"`
	Median     runs.Float  `json:"median"`
	Min        runs.Float  `json:"min"`
	Max        runs.Float  `json:"max"`
	Values     runs.Series `json:"values"` // the measured value per replicate that ran (NaN: no measurement)
	// Recorded is the sweep the claim's definition records (claims.Def.Sweep),
	// and Stale says that this sweep's pass count differs from it.
	Recorded string `json:"recorded,omitempty"`
	Stale    bool   `json:"recorded_out_of_date,omitempty"`
}

// Report is a finished sweep.
type Report struct {
	Paper      string      `json:"paper"`
	Preset     string      `json:"preset"`
	Backend    string      `json:"backend"`
	SeedsEach  int         `json:"seeds_per_replicate"`
	Need       int         `json:"need"` // replicates a claim must pass in to be reproduced
	Replicates []Replicate `json:"replicates"`
	Claims     []Claim     `json:"claims"`
}

// Run runs the preset of paper e for every replicate index (see the package
// doc for the seeds), through the results cache, writing one line per
// replicate to progress. A replicate whose run fails is recorded with its
// error and counts as a failure of every claim; the sweep goes on.
func Run(e papers.Entry, preset string, replicates []int, progress io.Writer) (*Report, error) {
	if !e.HasPreset(preset) {
		return nil, fmt.Errorf("sweep: %s has no preset %q (want one of %v)", e.Name, preset, e.Presets)
	}
	if len(replicates) == 0 {
		return nil, errors.New("sweep: no replicates")
	}
	n := 1
	if e.Seeds != nil {
		var err error
		if n, err = e.Seeds(preset); err != nil {
			return nil, err
		}
	}
	rep := &Report{Paper: e.Name, Preset: preset, SeedsEach: n, Need: Need(len(replicates))}
	for i, k := range replicates {
		first := k * n
		r := Replicate{Index: k}
		for s := range n {
			r.Seeds = append(r.Seeds, first+s)
		}
		fmt.Fprintf(progress, "sweep %s %s: replicate %d (%d of %d), seeds %s …\n", e.Name, preset, k, i+1, len(replicates), seedRange(r.Seeds))
		start := time.Now()
		out, err := e.Run(preset, first)
		switch {
		case err != nil:
			r.Error = err.Error()
			fmt.Fprintf(progress, "  failed after %.1fs: %v\n", time.Since(start).Seconds(), err)
		default:
			r.Claims, r.CacheHit, r.Seconds = out.Claims, out.CacheHit, out.Manifest.ElapsedSeconds
			if rep.Backend == "" {
				rep.Backend = out.Manifest.Backend
			}
			source := fmt.Sprintf("computed in %.1fs", time.Since(start).Seconds())
			if out.CacheHit {
				source = fmt.Sprintf("from the results cache (computed in %.1fs)", r.Seconds)
			}
			fmt.Fprintf(progress, "  %s — %s\n", out.Claims.Summary(), source)
		}
		rep.Replicates = append(rep.Replicates, r)
	}
	rep.Claims = summarise(rep.Replicates, rep.Need)
	return rep, nil
}

// Need is the number of replicates, of n, in which a claim must pass to be
// called reproduced: ⌈0.8·n⌉, 8 of 10.
func Need(n int) int { return int(math.Ceil(ReproducedShare*float64(n) - 1e-9)) }

// summarise gathers each claim over the replicates, in the order claims first appear.
func summarise(reps []Replicate, need int) []Claim {
	var order []string
	byID := map[string]*Claim{}
	for _, r := range reps {
		for _, c := range r.Claims {
			s, ok := byID[c.ID]
			if !ok {
				s = &Claim{ID: c.ID, Statement: c.Statement, Threshold: c.Threshold}
				byID[c.ID] = s
				order = append(order, c.ID)
			}
			s.Target = s.Target || c.Target
			if s.Recorded == "" {
				s.Recorded = c.Sweep
			}
			s.Values = append(s.Values, c.Measured)
			if c.Passed() {
				s.Passes++
			}
			if c.Documented() {
				s.Documented++
			}
		}
	}
	out := make([]Claim, 0, len(order))
	for _, id := range order {
		s := byID[id]
		s.Runs = len(reps)
		s.PassRate = runs.Float(float64(s.Passes) / float64(s.Runs))
		s.Median, s.Min, s.Max = runs.Float(claims.Median(s.Values)), runs.Float(claims.Min(s.Values)), runs.Float(claims.Max(s.Values))
		if finite := finiteValues(s.Values); len(finite) < len(s.Values) && len(finite) > 0 {
			// Some replicates measured nothing: the spread is that of the others.
			s.Median, s.Min, s.Max = runs.Float(claims.Median(finite)), runs.Float(claims.Min(finite)), runs.Float(claims.Max(finite))
		}
		s.Stale = s.Recorded != "" && !strings.HasPrefix(s.Recorded, claims.SweepCounts(s.Passes, s.Runs))
		switch {
		case s.Target:
			s.Verdict = TargetOnly
		case s.Passes >= need:
			s.Verdict = Reproduced
		case s.Documented >= need:
			s.Verdict = FindingConfirmed
		default:
			s.Verdict = NotReproduced
		}
		out = append(out, *s)
	}
	return out
}

func finiteValues(xs []float64) []float64 {
	return slices.DeleteFunc(slices.Clone(xs), math.IsNaN)
}

// AllReproduced reports whether every claim that is not a target is
// reproduced or a confirmed finding, and every replicate ran.
func (r *Report) AllReproduced() bool {
	for _, rep := range r.Replicates {
		if rep.Error != "" {
			return false
		}
	}
	for _, c := range r.Claims {
		if !c.Target && c.Verdict != Reproduced && c.Verdict != FindingConfirmed {
			return false
		}
	}
	return true
}

// Markdown is the sweep as a Markdown table, with a heading line saying what
// was run, ready to paste into the paper's docs page.
func (r *Report) Markdown() string {
	var b strings.Builder
	var all []int
	failed := 0
	for _, rep := range r.Replicates {
		all = append(all, rep.Seeds...)
		if rep.Error != "" {
			failed++
		}
	}
	fmt.Fprintf(&b, "%s, %s preset: %d replicates × %d seeds (replicate k runs seeds %d·k … %d·k + %d; seeds %s, none shared), backend %s. "+
		"A claim is reproduced when it passes in at least %d of %d replicates; a documented finding is confirmed when the claim fails "+
		"as documented in at least as many.",
		r.Paper, r.Preset, len(r.Replicates), r.SeedsEach, r.SeedsEach, r.SeedsEach, r.SeedsEach-1, seedRange(all), r.Backend,
		r.Need, len(r.Replicates))
	if failed > 0 {
		fmt.Fprintf(&b, " %d replicate(s) failed to run and count as failures of every claim.", failed)
	}
	b.WriteString("\n\n| Claim | Passes | Verdict | Measured: median [min, max] | Threshold |\n|---|---|---|---|---|\n")
	for _, c := range r.Claims {
		verdict := c.Verdict
		switch {
		case c.Target:
			verdict = fmt.Sprintf("target (met in %d of %d)", c.Passes, c.Runs)
		case c.Verdict == FindingConfirmed:
			verdict = fmt.Sprintf("**finding confirmed** (fails as documented in %d of %d)", c.Documented, c.Runs)
		case c.Verdict == NotReproduced:
			verdict = "**not reproduced**"
			if c.Documented > 0 {
				verdict += fmt.Sprintf(" (fails as documented in %d of %d)", c.Documented, c.Runs)
			}
		}
		fmt.Fprintf(&b, "| %s | %d/%d | %s | %s [%s, %s] | %s |\n", c.ID, c.Passes, c.Runs, verdict,
			claims.Num(float64(c.Median)), claims.Num(float64(c.Min)), claims.Num(float64(c.Max)), mdCell(c.Threshold))
	}
	for _, c := range r.Claims {
		if c.Stale {
			fmt.Fprintf(&b, "\n%s's recorded sweep (%s) differs from this one (%d/%d): update its claims.Sweep, the docs and the notebook.\n",
				c.ID, c.Recorded, c.Passes, c.Runs)
		}
	}
	return b.String()
}

func mdCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("|", `\|`, "<", "&lt;").Replace(s)
}

// seedRange writes sorted seeds compactly: "0–29", "0, 2, 4".
func seedRange(seeds []int) string {
	s := slices.Sorted(slices.Values(seeds))
	if len(s) == 0 {
		return "none"
	}
	if s[len(s)-1]-s[0] == len(s)-1 {
		if len(s) == 1 {
			return strconv.Itoa(s[0])
		}
		return fmt.Sprintf("%d–%d", s[0], s[len(s)-1])
	}
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ", ")
}

// ParseReplicates reads a list of replicate indices: "0-9", "3", "0,2,5",
// "0-4,7". Indices must be ≥ 0 and are returned in order, without repeats.
func ParseReplicates(spec string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil || a < 0 {
			return nil, fmt.Errorf("seeds %q: %q is not a number ≥ 0", spec, lo)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || b < a {
				return nil, fmt.Errorf("seeds %q: %q is not a range from low to high", spec, part)
			}
		}
		for k := a; k <= b; k++ {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out, nil
}
