package claims

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

func sample() List {
	return List{
		{ID: "EOS-1", Statement: "Sharpness reaches 2/η early.", PaperRef: "abstract; Fig. 1",
			Measured: 1600, Detail: "t* = 1500, 1600, 1700 (3/3 seeds)",
			Threshold: "t* ≤ 25% of the run in ≥ 2 of 3 seeds", Pass: true},
		{ID: "EOS-2", Statement: "Sharpness hovers at 2/η.", PaperRef: "Fig. 1",
			Measured: 0.81, Threshold: "median S·η/2 in [0.95, 1.10]", Pass: false,
			Reason: "sharpness fell below the band"},
		{ID: "EOS-3", Statement: "Loss is non-monotone.", PaperRef: "abstract",
			Measured: math.NaN(), Threshold: "≥ 5% increases", Pass: true},
		{ID: "EOS-6", Statement: "A future target.", PaperRef: "§4",
			Measured: 3, Threshold: "≤ 2", Pass: false, Target: true},
	}
}

func TestPassedAndStatus(t *testing.T) {
	l := sample()
	want := []struct {
		passed         bool
		status, marker string
	}{
		{true, StatusPass, MarkerPass},
		{false, StatusFail, MarkerFail},
		{false, StatusFail, MarkerFail}, // Pass set, but NaN never passes
		{false, StatusTargetMissed, MarkerTargetMissed},
	}
	for i, c := range l {
		if c.Passed() != want[i].passed || c.Status() != want[i].status || c.Marker() != want[i].marker {
			t.Errorf("%s: got (%v, %s, %s), want %+v", c.ID, c.Passed(), c.Status(), c.Marker(), want[i])
		}
	}
	met := Claim{ID: "T", Measured: 1, Pass: true, Target: true}
	if met.Status() != StatusTargetMet || met.Marker() != MarkerTargetMet {
		t.Errorf("met target: %s %s", met.Status(), met.Marker())
	}
	if r := l[2].FailureReason(); !strings.Contains(r, "NaN") {
		t.Errorf("NaN claim reason = %q, want a mention of NaN", r)
	}
	if r := l[0].FailureReason(); r != "" {
		t.Errorf("passing claim has reason %q", r)
	}
}

func TestCountsAndSummary(t *testing.T) {
	l := sample()
	if p, f := l.Counts(); p != 1 || f != 2 {
		t.Errorf("Counts = %d, %d; want 1, 2", p, f)
	}
	if m, x := l.TargetCounts(); m != 0 || x != 1 {
		t.Errorf("TargetCounts = %d, %d; want 0, 1", m, x)
	}
	if l.AllPass() {
		t.Error("AllPass with failing claims")
	}
	if got, want := l.Summary(), "1/3 claims pass; 2 fail: EOS-2, EOS-3; targets: 0/1 met"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	ok := List{l[0], l[3]} // a missed target does not fail the list
	if !ok.AllPass() {
		t.Error("AllPass false for passing claims plus a missed target")
	}
	if got := ok.Summary(); got != "1/1 claims pass; targets: 0/1 met" {
		t.Errorf("Summary = %q", got)
	}
	if got := (List{}).Summary(); got != "no claims" {
		t.Errorf("empty Summary = %q", got)
	}
	if got := (List{l[1]}).Summary(); got != "0/1 claims pass; 1 fails: EOS-2" {
		t.Errorf("Summary = %q", got)
	}
}

func TestFind(t *testing.T) {
	l := sample()
	c, ok := l.Find("EOS-2")
	if !ok || c.Measured != 0.81 {
		t.Errorf("Find(EOS-2) = %v, %v", c, ok)
	}
	if _, ok := l.Find("nope"); ok {
		t.Error("Find(nope) found something")
	}
}

func TestValidate(t *testing.T) {
	if err := sample().Validate(); err != nil {
		t.Errorf("Validate(sample) = %v", err)
	}
	bad := List{{ID: "A", Statement: "s", Threshold: "t"}, {ID: "A"}, {Statement: "s", Threshold: "t"}}
	err := bad.Validate()
	if err == nil {
		t.Fatal("Validate accepted duplicates and empty fields")
	}
	for _, want := range []string{"A is used twice", "A has no statement", "A has no threshold", "#2 has no ID"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error %q lacks %q", err, want)
		}
	}
}

func TestJSONRoundTripAllFields(t *testing.T) {
	c := Claim{ID: "X-1", Statement: "s", PaperRef: "r", Measured: 1.25, Detail: "d",
		Threshold: "t", Pass: true, Target: true, Reason: "why", Parts: []Part{{Name: "p", Holds: true}}, Finding: "docs/x.md",
		Sweep: "passes in 9 of 10 replicates of the quick preset: reproduced (docs/x.md, Sweep)"}
	// Every field must be set, so that a field added to Claim but not to claimJSON is caught.
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("test claim leaves field %s zero", v.Type().Field(i).Name)
		}
	}
	if n, m := reflect.TypeOf(Claim{}).NumField(), reflect.TypeOf(claimJSON{}).NumField(); n != m {
		t.Fatalf("Claim has %d fields, claimJSON %d", n, m)
	}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"X-1","statement":"s","paper_ref":"r","measured":1.25,"detail":"d","threshold":"t","pass":true,"target":true,"reason":"why","parts":[{"name":"p","holds":true}],"finding":"docs/x.md","sweep":"passes in 9 of 10 replicates of the quick preset: reproduced (docs/x.md, Sweep)"}`
	if string(data) != want {
		t.Errorf("Marshal = %s\nwant      %s", data, want)
	}
	var back Claim
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Errorf("round trip: got %+v, want %+v", back, c)
	}
}

func TestJSONNonFinite(t *testing.T) {
	l := List{
		{ID: "nan", Measured: math.NaN()},
		{ID: "pinf", Measured: math.Inf(1)},
		{ID: "ninf", Measured: math.Inf(-1)},
		{ID: "neg", Measured: -0.5},
	}
	data, err := json.Marshal(l)
	if err != nil {
		t.Fatalf("Marshal with NaN: %v", err)
	}
	for _, want := range []string{`"measured":null`, `"measured":"+Inf"`, `"measured":"-Inf"`, `"measured":-0.5`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON %s lacks %s", data, want)
		}
	}
	var back List
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back[0].Measured) || !math.IsInf(back[1].Measured, 1) ||
		!math.IsInf(back[2].Measured, -1) || back[3].Measured != -0.5 {
		t.Errorf("round trip: %v", back)
	}
	var missing Claim
	if err := json.Unmarshal([]byte(`{"id":"m","pass":true}`), &missing); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(missing.Measured) || missing.Passed() {
		t.Errorf("missing measured: got %v, passed %v; want NaN, false", missing.Measured, missing.Passed())
	}
	for _, in := range []string{`"NaN"`, `"Inf"`, `"-Infinity"`} {
		var c Claim
		if err := json.Unmarshal([]byte(`{"measured":`+in+`}`), &c); err != nil {
			t.Errorf("measured %s: %v", in, err)
		}
	}
	var c Claim
	if err := json.Unmarshal([]byte(`{"measured":"many"}`), &c); err == nil {
		t.Error(`measured "many" accepted`)
	}
}

type fakeTB struct{ errs []string }

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func TestRequire(t *testing.T) {
	var tb fakeTB
	Require(&tb, sample())
	if len(tb.errs) != 2 {
		t.Fatalf("Require reported %d errors, want 2: %q", len(tb.errs), tb.errs)
	}
	for i, want := range [][]string{
		{"EOS-2", "FAILED", "0.81", "median S·η/2 in [0.95, 1.10]", "sharpness fell below the band"},
		{"EOS-3", "NaN", "≥ 5% increases"},
	} {
		for _, w := range want {
			if !strings.Contains(tb.errs[i], w) {
				t.Errorf("error %q lacks %q", tb.errs[i], w)
			}
		}
	}
	tb = fakeTB{}
	Require(&tb, List{sample()[0], sample()[3]})
	if len(tb.errs) != 0 {
		t.Errorf("Require failed passing claims: %q", tb.errs)
	}
	tb = fakeTB{}
	Require(&tb, nil)
	if len(tb.errs) != 1 {
		t.Errorf("Require(nil) reported %q, want one error", tb.errs)
	}
	Require(t, List{sample()[0]}) // *testing.T satisfies TB
}

func TestDocumentedFinding(t *testing.T) {
	c := Claim{ID: "F-1", Statement: "s", Threshold: "≥ 3", Measured: 1, Reason: "ΔW looks random", Finding: "docs/04-lora.md, LORA-13"}
	if !c.Documented() || c.Status() != StatusFail || c.Marker() != MarkerFinding {
		t.Errorf("documented failure: documented=%v status=%s marker=%s", c.Documented(), c.Status(), c.Marker())
	}
	if r := c.FailureReason(); !strings.Contains(r, "ΔW looks random") || !strings.Contains(r, "documented finding") {
		t.Errorf("reason %q", r)
	}
	l := List{c, {ID: "P-1", Statement: "s", Threshold: "t", Measured: 1, Pass: true}}
	if l.AllPass() || !strings.Contains(l.Summary(), "F-1 (documented finding)") {
		t.Errorf("a documented finding still fails the list: %s", l.Summary())
	}
	if html := l.HTML(); !strings.Contains(html, MarkerFinding) || strings.Contains(html, MarkerFail) {
		t.Errorf("HTML must carry CLAIM-FINDING and no CLAIM-FAIL")
	}
	// A passing claim is never a finding, whatever Finding says.
	c.Pass, c.Measured = true, 5
	if c.Documented() || c.Marker() != MarkerPass {
		t.Errorf("passing claim marked as a finding")
	}
}
