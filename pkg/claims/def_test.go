package claims

import (
	"math"
	"strings"
	"testing"
)

// toy results: one measured gap and two conditions.
type toy struct {
	gap      float64
	partA    bool
	partB    bool
	fullOnly bool
}

var gapRule = AtLeast(-2).Points()

func toySet(finding *Finding, parts bool) Set[toy] {
	return Set[toy]{
		{ID: "T-1", Statement: "the gap is small", PaperRef: "Table 1", Finding: finding,
			Measure: func(r toy) Measurement {
				m := Measurement{Value: r.gap, Rule: "gap " + gapRule.String(), Pass: gapRule.Holds(r.gap), Reason: "too far behind"}
				if parts {
					m.Parts = []Part{{"A", r.partA}, {"B", r.partB}}
					m.Pass = r.partA && r.partB
				}
				return m
			}},
		{ID: "T-2", Statement: "only in full", PaperRef: "§2", When: func(r toy) bool { return r.fullOnly },
			Measure: func(toy) Measurement { return Measurement{Value: 1, Rule: "= 1", Pass: true} }},
	}
}

func TestSetEvaluate(t *testing.T) {
	s := toySet(nil, false)
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	l := s.Evaluate(toy{gap: -1})
	if len(l) != 1 || !l[0].Passed() || l[0].Threshold != "gap ≥ −2 points" || l[0].Reason != "" {
		t.Errorf("got %+v", l)
	}
	if l := s.Evaluate(toy{gap: -3, fullOnly: true}); len(l) != 2 || l[0].Passed() || l[0].Reason != "too far behind" {
		t.Errorf("got %+v", l)
	}
	if _, ok := s.Find("T-2"); !ok {
		t.Error("Find T-2")
	}
}

// TestFindingDirection: a finding marks only the failure it documents.
func TestFindingDirection(t *testing.T) {
	where := "docs/x.md, Findings"
	whole := toySet(&Finding{Where: where}, false)
	if c := whole.Evaluate(toy{gap: -3})[0]; !c.Documented() || c.Finding != where || c.Marker() != MarkerFinding {
		t.Errorf("documented failure: %+v", c)
	}
	if c := whole.Evaluate(toy{gap: math.NaN()})[0]; c.Documented() || !strings.Contains(c.Reason, "not the documented finding") {
		t.Errorf("a NaN is not the documented failure: %+v", c)
	}
	if c := whole.Evaluate(toy{gap: 0})[0]; c.Documented() || c.Finding != "" {
		t.Errorf("a passing claim is no finding: %+v", c)
	}
	parts := toySet(&Finding{Where: where, Parts: []string{"A"}}, true)
	for _, c := range []struct {
		r          toy
		documented bool
	}{
		{toy{partA: false, partB: true}, true},   // fails as documented
		{toy{partA: true, partB: false}, false},  // fails the other way
		{toy{partA: false, partB: false}, false}, // B fails too
		{toy{partA: true, partB: true}, false},   // passes
	} {
		got := parts.Evaluate(c.r)[0]
		if got.Documented() != c.documented {
			t.Errorf("%+v: documented = %v (reason %q)", c.r, got.Documented(), got.Reason)
		}
		if !got.Passed() && !c.documented && !strings.Contains(got.Reason, "not the documented finding") {
			t.Errorf("%+v: the reason should say it is not the documented failure: %q", c.r, got.Reason)
		}
	}
}

func TestSetValidate(t *testing.T) {
	bad := Set[toy]{{ID: "A"}, {ID: "A", Statement: "s", PaperRef: "r", Measure: func(toy) Measurement { return Measurement{} },
		Finding: &Finding{}}}
	err := bad.Validate()
	for _, want := range []string{"claim A has no statement", "no paper reference", "no Measure", "used twice", "does not say where"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}

// TestRecordedSweep: a claim whose sweep is recorded shows it, and a failure
// of such a claim reads FAIL with the recorded-failure marker, which the
// notebook test accepts (the Go test pins replicate 0's outcome instead).
func TestRecordedSweep(t *testing.T) {
	s := toySet(nil, false)
	s[0].Sweep = &Sweep{Passed: 4, Of: 10, Replicate0: false, Where: "docs/x.md, Sweep"}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	failing := s.Evaluate(toy{gap: -3})[0]
	if !failing.Recorded() || failing.Status() != StatusFail || failing.Marker() != MarkerRecorded {
		t.Errorf("a failing claim with a recorded sweep: recorded %v, status %s, marker %s", failing.Recorded(), failing.Status(), failing.Marker())
	}
	if want := "passes in 4 of 10 replicates of the quick preset: not reproduced (docs/x.md, Sweep)"; failing.Sweep != want {
		t.Errorf("Sweep = %q, want %q", failing.Sweep, want)
	}
	l := List{failing}
	if !strings.Contains(l.Summary(), "T-1 (as its sweep recorded)") || l.AllPass() {
		t.Errorf("summary %q", l.Summary())
	}
	for name, out := range map[string]string{"Text": l.Text(), "Markdown": l.Markdown(), "HTML": l.HTML()} {
		if !strings.Contains(out, "not reproduced") {
			t.Errorf("%s does not show the sweep:\n%s", name, out)
		}
	}
	if html := l.HTML(); strings.Contains(html, `"`+MarkerFail+`"`) {
		t.Errorf("a recorded failure is marked as an ordinary failure")
	}
	passing := s.Evaluate(toy{gap: 0})[0]
	if passing.Recorded() || passing.Marker() != MarkerPass || passing.Sweep == "" {
		t.Errorf("a passing claim with a recorded sweep: %+v", passing)
	}
	if got := (Sweep{Passed: 8, Of: 10, Replicate0: true, Where: "w"}).String(); !strings.Contains(got, ": reproduced") {
		t.Errorf("8 of 10 is reproduced: %s", got)
	}
}

func TestSweepValidate(t *testing.T) {
	for want, sw := range map[string]Sweep{
		"impossible":         {Passed: 11, Of: 10, Where: "w"},
		"contradicts":        {Passed: 0, Of: 10, Replicate0: true, Where: "w"},
		"does not say where": {Passed: 3, Of: 10},
		"a finding needs":    {Passed: 3, Of: 10, Where: "w"}, // with a finding: fails in only 7 of 10
	} {
		s := toySet(nil, false)
		s[0].Sweep = &sw
		if want == "a finding needs" {
			s[0].Finding = &Finding{Where: "docs/x.md, Findings"}
		}
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: want an error containing %q, got %v", sw, want, err)
		}
	}
	s := toySet(&Finding{Where: "docs/x.md, Findings", Parts: []string{"A"}}, true)
	s[0].Sweep = &Sweep{Passed: 2, Of: 10, Where: "w"}
	if err := s.Validate(); err != nil {
		t.Errorf("a finding failing in 8 of 10: %v", err)
	}
	// A finding's claim that fails another way is an ordinary failure, not a recorded one.
	if c := s.Evaluate(toy{partA: true, partB: false})[0]; c.Recorded() || c.Documented() || c.Marker() != MarkerFail {
		t.Errorf("a finding failing the other way: recorded %v, documented %v, marker %s", c.Recorded(), c.Documented(), c.Marker())
	}
	if c := s.Evaluate(toy{partA: false, partB: true})[0]; !c.Documented() || c.Sweep == "" {
		t.Errorf("a finding failing as documented keeps its sweep: %+v", c)
	}
}
