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
