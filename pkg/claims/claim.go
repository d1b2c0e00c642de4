package claims

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Claim is one sentence of a paper turned into a measurement with a threshold.
type Claim struct {
	ID        string  `json:"id"`               // e.g. "EOS-1"
	Statement string  `json:"statement"`        // the paper's sentence in our words
	PaperRef  string  `json:"paper_ref"`        // e.g. "abstract; Fig. 1"
	Measured  float64 `json:"measured"`         // the headline number compared with the threshold; NaN never passes
	Detail    string  `json:"detail,omitempty"` // e.g. per-seed values "t* = 1500, 1600, 1700 (3/3 seeds)"
	Threshold string  `json:"threshold"`        // the rule in words, e.g. "t* ≤ 25% of the run in ≥ 2 of 3 seeds"
	Pass      bool    `json:"pass"`             // the rule's verdict, as computed by the paper code
	Target    bool    `json:"target,omitempty"` // an uncalibrated target: reported, never fails a test
	Reason    string  `json:"reason,omitempty"` // why it failed, when known
	// Parts are the conditions of a rule made of several, each with its own
	// verdict (see Measurement.Parts).
	Parts []Part `json:"parts,omitempty"`
	// Finding, on a claim that fails the way its Def's Finding documents,
	// says where that failure is documented as a real finding of the
	// reproduction (DESIGN.md, Claims). The claim still reads FAIL; the
	// notebook test accepts it, and the paper's Go test asserts that it fails
	// that way, so a change in either direction is noticed.
	Finding string `json:"finding,omitempty"`
	// Sweep, when the claim's Def records its sweep, says what the sweep
	// found (see Def.Sweep). A failing claim with a sweep and no finding is a
	// recorded failure (Recorded): it still reads FAIL.
	Sweep string `json:"sweep,omitempty"`
}

// List is the set of claims of one paper (or one run).
type List []Claim

// Status words used by the renderers.
const (
	StatusPass         = "PASS"
	StatusFail         = "FAIL"
	StatusTargetMet    = "TARGET MET"
	StatusTargetMissed = "TARGET MISSED"
)

// Machine-readable markers, one per rendered HTML row (see Claim.Marker).
const (
	MarkerPass         = "CLAIM-PASS"
	MarkerFail         = "CLAIM-FAIL"
	MarkerTargetMet    = "CLAIM-TARGET-MET"
	MarkerTargetMissed = "CLAIM-TARGET-MISSED"
	MarkerFinding      = "CLAIM-FINDING"       // a failing claim documented as a finding
	MarkerRecorded     = "CLAIM-RECORDED-FAIL" // a failing claim whose sweep is recorded (Def.Sweep)
)

// Passed reports whether the claim holds: Pass is set and Measured is not NaN.
func (c Claim) Passed() bool {
	return c.Pass && !math.IsNaN(c.Measured)
}

// Status returns PASS or FAIL, or TARGET MET or TARGET MISSED for a target.
func (c Claim) Status() string {
	switch {
	case c.Target && c.Passed():
		return StatusTargetMet
	case c.Target:
		return StatusTargetMissed
	case c.Passed():
		return StatusPass
	default:
		return StatusFail
	}
}

// Documented reports whether the claim fails and its failure is a documented finding.
func (c Claim) Documented() bool {
	return !c.Target && !c.Passed() && c.Finding != ""
}

// Recorded reports whether the claim fails, is not a documented finding,
// and its Def records its sweep: a failure the sweep already showed.
func (c Claim) Recorded() bool {
	return !c.Target && !c.Passed() && c.Finding == "" && c.Sweep != ""
}

// Marker returns the machine-readable marker of the claim's status:
// CLAIM-PASS, CLAIM-FAIL, CLAIM-FINDING (a failure documented as a finding),
// CLAIM-RECORDED-FAIL (a failure of a claim whose sweep is recorded),
// CLAIM-TARGET-MET or CLAIM-TARGET-MISSED.
func (c Claim) Marker() string {
	switch {
	case c.Documented():
		return MarkerFinding
	case c.Recorded():
		return MarkerRecorded
	}
	switch c.Status() {
	case StatusPass:
		return MarkerPass
	case StatusTargetMet:
		return MarkerTargetMet
	case StatusTargetMissed:
		return MarkerTargetMissed
	default:
		return MarkerFail
	}
}

// FailureReason returns why the claim does not hold: Reason when set,
// otherwise a generic explanation. It returns "" for a claim that holds.
func (c Claim) FailureReason() string {
	if c.Passed() {
		return ""
	}
	if c.Documented() {
		return c.undocumentedReason() + " — a documented finding: " + c.Finding
	}
	return c.undocumentedReason()
}

func (c Claim) undocumentedReason() string {
	if c.Reason != "" {
		if math.IsNaN(c.Measured) && c.Pass {
			return c.Reason + "; measured value is NaN"
		}
		return c.Reason
	}
	if math.IsNaN(c.Measured) {
		return "measured value is NaN (no measurement, or a run diverged)"
	}
	return ""
}

// String returns a one-line summary, e.g.
// "EOS-1 PASS: measured 1600 (threshold: t* ≤ 25% of the run in ≥ 2 of 3 seeds)".
func (c Claim) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: measured %s (threshold: %s)", c.ID, c.Status(), Num(c.Measured), c.Threshold)
	if r := c.FailureReason(); r != "" {
		fmt.Fprintf(&b, "; reason: %s", r)
	}
	return b.String()
}

// AllPass reports whether every claim that is not a target holds.
// Targets are ignored. An empty list passes; Require rejects it.
func (l List) AllPass() bool {
	_, fail := l.Counts()
	return fail == 0
}

// Counts returns the number of claims, targets excluded, that hold and that do not.
func (l List) Counts() (pass, fail int) {
	for _, c := range l {
		if c.Target {
			continue
		}
		if c.Passed() {
			pass++
		} else {
			fail++
		}
	}
	return pass, fail
}

// TargetCounts returns the number of targets met and missed.
func (l List) TargetCounts() (met, missed int) {
	for _, c := range l {
		if !c.Target {
			continue
		}
		if c.Passed() {
			met++
		} else {
			missed++
		}
	}
	return met, missed
}

// Failing returns the claims, targets excluded, that do not hold.
func (l List) Failing() List {
	var out List
	for _, c := range l {
		if !c.Target && !c.Passed() {
			out = append(out, c)
		}
	}
	return out
}

// Find returns the claim with the given ID.
func (l List) Find(id string) (Claim, bool) {
	for _, c := range l {
		if c.ID == id {
			return c, true
		}
	}
	return Claim{}, false
}

// Validate checks that every claim has an ID, a statement and a threshold,
// and that IDs are unique.
func (l List) Validate() error {
	seen := make(map[string]bool, len(l))
	var problems []string
	for i, c := range l {
		name := c.ID
		if name == "" {
			name = "#" + strconv.Itoa(i)
			problems = append(problems, fmt.Sprintf("claim %s has no ID", name))
		} else if seen[c.ID] {
			problems = append(problems, fmt.Sprintf("claim ID %s is used twice", c.ID))
		}
		seen[c.ID] = true
		if strings.TrimSpace(c.Statement) == "" {
			problems = append(problems, fmt.Sprintf("claim %s has no statement", name))
		}
		if strings.TrimSpace(c.Threshold) == "" {
			problems = append(problems, fmt.Sprintf("claim %s has no threshold", name))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("claims: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Summary returns a one-line summary such as "7/7 claims pass" or
// "5/7 claims pass; 2 fail: EOS-3, EOS-5; targets: 1/2 met".
func (l List) Summary() string {
	if len(l) == 0 {
		return "no claims"
	}
	pass, fail := l.Counts()
	var b strings.Builder
	if pass+fail == 0 {
		b.WriteString("no claims checked")
	} else {
		fmt.Fprintf(&b, "%d/%d claims pass", pass, pass+fail)
	}
	if fail > 0 {
		ids := make([]string, 0, fail)
		for _, c := range l.Failing() {
			switch {
			case c.Documented():
				ids = append(ids, c.ID+" (documented finding)")
			case c.Recorded():
				ids = append(ids, c.ID+" (as its sweep recorded)")
			default:
				ids = append(ids, c.ID)
			}
		}
		verb := "fail"
		if fail == 1 {
			verb = "fails"
		}
		fmt.Fprintf(&b, "; %d %s: %s", fail, verb, strings.Join(ids, ", "))
	}
	if met, missed := l.TargetCounts(); met+missed > 0 {
		fmt.Fprintf(&b, "; targets: %d/%d met", met, met+missed)
	}
	return b.String()
}

// claimJSON mirrors Claim with a JSON-safe Measured. Keep the two in sync
// (TestJSONRoundTripAllFields checks every field).
type claimJSON struct {
	ID        string    `json:"id"`
	Statement string    `json:"statement"`
	PaperRef  string    `json:"paper_ref"`
	Measured  jsonFloat `json:"measured"`
	Detail    string    `json:"detail,omitempty"`
	Threshold string    `json:"threshold"`
	Pass      bool      `json:"pass"`
	Target    bool      `json:"target,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Parts     []Part    `json:"parts,omitempty"`
	Finding   string    `json:"finding,omitempty"`
	Sweep     string    `json:"sweep,omitempty"`
}

// MarshalJSON writes the claim with NaN as null and ±Inf as "+Inf"/"-Inf".
func (c Claim) MarshalJSON() ([]byte, error) {
	return json.Marshal(claimJSON{
		ID: c.ID, Statement: c.Statement, PaperRef: c.PaperRef, Measured: jsonFloat(c.Measured),
		Detail: c.Detail, Threshold: c.Threshold, Pass: c.Pass, Target: c.Target, Reason: c.Reason, Parts: c.Parts,
		Finding: c.Finding, Sweep: c.Sweep,
	})
}

// UnmarshalJSON reads what MarshalJSON writes; a missing or null measured
// value becomes NaN.
func (c *Claim) UnmarshalJSON(data []byte) error {
	w := claimJSON{Measured: jsonFloat(math.NaN())}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*c = Claim{
		ID: w.ID, Statement: w.Statement, PaperRef: w.PaperRef, Measured: float64(w.Measured),
		Detail: w.Detail, Threshold: w.Threshold, Pass: w.Pass, Target: w.Target, Reason: w.Reason, Parts: w.Parts,
		Finding: w.Finding, Sweep: w.Sweep,
	}
	return nil
}

// jsonFloat is a float64 whose JSON form is a number, null for NaN, or the
// string "+Inf"/"-Inf".
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	switch {
	case math.IsNaN(x):
		return []byte("null"), nil
	case math.IsInf(x, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(x, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

func (f *jsonFloat) UnmarshalJSON(data []byte) error {
	s := strings.TrimSpace(string(data))
	if s == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq // "NaN", "+Inf", "Inf", "-Inf" (ParseFloat accepts them all)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("claims: measured value %s is not a number: %w", data, err)
	}
	*f = jsonFloat(x)
	return nil
}
