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
	if c.Passed() {
		return c
	}
	c.Reason = m.Reason
	if d.Finding != nil && !c.Target {
		if ok, why := d.Finding.explains(c); ok {
			c.Finding = d.Finding.Where
		} else {
			c.Reason = strings.TrimPrefix(c.Reason+"; not the documented finding ("+d.Finding.Where+"): "+why, "; ")
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
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	return nil
}
