package claims

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Def is a claim as data: what it says, where the paper says it, and how it
// is measured from a paper's results R. Measure builds the rule's words from
// the same Threshold values it compares (see Threshold), so a threshold is
// written once. A paper's claims are a Set of Defs; Set.Evaluate turns them
// into the List that the notebook, the command line, results.json and the
// tests show.
type Def[R any] struct {
	ID        string // "EOS-1"
	Statement string // the paper's sentence, in our words
	PaperRef  string // "abstract; Fig. 1"
	// Target marks an uncalibrated target (see Claim.Target).
	Target bool
	// Finding documents the claim's failure as a real finding of the
	// reproduction, for the way it fails (see Finding).
	Finding *Finding
	// Sweep records the claim's last quick-preset `theorylab sweep` (10 replicates on
	// disjoint seeds) when the claim is not reproduced there or when
	// replicate 0 — the run that the tests, the notebook and `theorylab run`
	// make from seed 0 — is one it failed. The claim is then shown with its
	// sweep (Claim.Sweep), a failure so recorded does not fail the notebook
	// test, and the paper's Go test requires replicate 0 to give the recorded
	// outcome, so a change that moves the claim is noticed.
	Sweep *Sweep
	// When, if set, says whether the results hold what the claim measures
	// (a claim of the full preset only, say); the claim is left out otherwise.
	When func(R) bool
	// Measure measures the claim on the results.
	Measure func(R) Measurement
}

// Measurement is what a Def's Measure finds.
type Measurement struct {
	Value float64 // the headline number the rule is about (NaN never passes)
	Rule  string  // the threshold in words, built from the Threshold values compared
	Pass  bool    // the rule's verdict
	// Parts, for a rule made of several conditions, gives each condition's
	// own verdict, so that a failure says which condition failed (the
	// direction a Finding documents). A passing rule has every part holding.
	Parts  []Part
	Detail string // per-seed values and other context
	Reason string // why the rule failed; shown only when it does
	// Target reports the claim as an uncalibrated target in this run only
	// (e.g. a claim of the full preset seen in the quick one).
	Target bool
}

// Part is one condition of a rule with several, and whether it held.
type Part struct {
	Name  string `json:"name"`
	Holds bool   `json:"holds"`
}

// Finding documents a failing claim as a real finding of the reproduction
// (DESIGN.md, Claims). It applies only to the failure it documents: the
// claim fails with a measured value, and — when Parts is set — every
// condition that fails is one of Parts. A claim that fails any other way is
// an ordinary failure, and its reason says that it is not the documented one.
type Finding struct {
	Where string   // where the finding is documented: "docs/04-lora.md, Findings"
	Parts []string // the rule's conditions whose failure is documented (nil: the rule as a whole)
}

// Sweep is a claim's recorded sweep of the quick preset: it passed in Passed of Of replicates,
// and Replicate0 says whether replicate 0 was one of them.
type Sweep struct {
	Passed, Of int
	Replicate0 bool   // replicate 0 (the run from seed 0) passed
	Where      string // where the sweep table is: "docs/02-adam-vs-gd.md, Sweep"
}

// ReproducedShare is the share of replicates in which a claim must pass to
// be called reproduced (DESIGN.md, Claims: at least 8 of 10); a finding needs
// the same share of failures.
const ReproducedShare = 0.8

// Reproduced reports whether the claim passed in at least ReproducedShare of the replicates.
func (s Sweep) Reproduced() bool { return float64(s.Passed) >= ReproducedShare*float64(s.Of)-1e-9 }

// String says what the sweep found, e.g.
// "passes in 4 of 10 replicates of the quick preset: not reproduced (docs/03-adam-one-sided-gan.md, Sweep)".
func (s Sweep) String() string {
	verdict := "not reproduced"
	if s.Reproduced() {
		verdict = "reproduced"
	}
	return fmt.Sprintf("%s of the quick preset: %s (%s)", SweepCounts(s.Passed, s.Of), verdict, s.Where)
}

// SweepCounts is how a recorded sweep's text (Claim.Sweep) begins: "passes
// in 4 of 10 replicates". pkg/sweep compares a new sweep's counts with it.
func SweepCounts(passed, of int) string {
	return fmt.Sprintf("passes in %d of %d replicates", passed, of)
}

// validate checks the record's counts and that it says where the table is.
func (s Sweep) validate() error {
	switch {
	case s.Of < 1 || s.Passed < 0 || s.Passed > s.Of:
		return fmt.Errorf("its sweep record %d of %d is impossible", s.Passed, s.Of)
	case s.Replicate0 && s.Passed == 0, !s.Replicate0 && s.Passed == s.Of:
		return fmt.Errorf("its sweep record %d of %d contradicts replicate 0's outcome", s.Passed, s.Of)
	case strings.TrimSpace(s.Where) == "":
		return fmt.Errorf("its sweep record does not say where the sweep table is")
	}
	return nil
}

// explains reports whether the finding documents the way c fails, and if not, why.
func (f *Finding) explains(c Claim) (bool, string) {
	if c.Passed() || c.Target {
		return false, "the claim does not fail"
	}
	if c.Measured != c.Measured { // NaN
		return false, "there is no measured value"
	}
	if len(f.Parts) == 0 {
		return true, ""
	}
	var failing []string
	for _, p := range c.Parts {
		if !p.Holds {
			failing = append(failing, p.Name)
		}
	}
	if len(failing) == 0 {
		return false, "each condition holds on its own"
	}
	for _, name := range failing {
		if !slices.Contains(f.Parts, name) {
			return false, fmt.Sprintf("%q fails too (documented: %s)", name, strings.Join(f.Parts, "; "))
		}
	}
	return true, ""
}

// Evaluate measures the claim on res.
func (d Def[R]) Evaluate(res R) Claim {
	m := d.Measure(res)
	c := Claim{ID: d.ID, Statement: d.Statement, PaperRef: d.PaperRef, Measured: m.Value, Detail: m.Detail,
		Threshold: m.Rule, Pass: m.Pass, Target: d.Target || m.Target, Parts: m.Parts}
	if d.Sweep != nil {
		c.Sweep = d.Sweep.String()
	}
	if c.Passed() {
		return c
	}
	c.Reason = m.Reason
	if d.Finding != nil && !c.Target {
		if ok, why := d.Finding.explains(c); ok {
			c.Finding = d.Finding.Where
		} else {
			c.Reason = strings.TrimPrefix(c.Reason+"; not the documented finding ("+d.Finding.Where+"): "+why, "; ")
			c.Sweep = "" // an ordinary failure, not the one its sweep recorded
		}
	}
	return c
}

// Set is a paper's claims.
type Set[R any] []Def[R]

// Evaluate measures every claim that applies to res, in order.
func (s Set[R]) Evaluate(res R) List {
	var out List
	for _, d := range s {
		if d.When == nil || d.When(res) {
			out = append(out, d.Evaluate(res))
		}
	}
	return out
}

// Find returns the definition with the given ID.
func (s Set[R]) Find(id string) (Def[R], bool) {
	for _, d := range s {
		if d.ID == id {
			return d, true
		}
	}
	return Def[R]{}, false
}

// Validate checks that every definition has a unique ID, a statement, a
// paper reference and a Measure, and that a Finding says where it is documented.
func (s Set[R]) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, d := range s {
		name := d.ID
		if name == "" {
			name = fmt.Sprintf("#%d", i)
			errs = append(errs, fmt.Errorf("claim %s has no ID", name))
		} else if seen[name] {
			errs = append(errs, fmt.Errorf("claim ID %s is used twice", name))
		}
		seen[name] = true
		if strings.TrimSpace(d.Statement) == "" {
			errs = append(errs, fmt.Errorf("claim %s has no statement", name))
		}
		if strings.TrimSpace(d.PaperRef) == "" {
			errs = append(errs, fmt.Errorf("claim %s has no paper reference", name))
		}
		if d.Measure == nil {
			errs = append(errs, fmt.Errorf("claim %s has no Measure", name))
		}
		if d.Finding != nil && strings.TrimSpace(d.Finding.Where) == "" {
			errs = append(errs, fmt.Errorf("claim %s: its finding does not say where it is documented", name))
		}
		if d.Sweep != nil {
			if err := d.Sweep.validate(); err != nil {
				errs = append(errs, fmt.Errorf("claim %s: %w", name, err))
			} else if d.Finding != nil && float64(d.Sweep.Of-d.Sweep.Passed) < ReproducedShare*float64(d.Sweep.Of)-1e-9 {
				errs = append(errs, fmt.Errorf("claim %s: a finding needs the same failure in at least %.0f%% of the replicates; its sweep failed in %d of %d",
					name, 100*ReproducedShare, d.Sweep.Of-d.Sweep.Passed, d.Sweep.Of))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	return nil
}
