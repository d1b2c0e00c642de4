package claims

import (
	"math"
	"testing"
)

func TestMajority(t *testing.T) {
	tt, tf, ff := []bool{true, true, false}, []bool{true, false, false}, []bool{false, false}
	cases := []struct {
		got, want bool
		name      string
	}{
		{Majority(tt, 2), true, "2 of 3 need 2"},
		{Majority(tf, 2), false, "1 of 3 need 2"},
		{Majority(nil, 0), false, "empty need 0"},
		{Majority(ff, 0), false, "none true need 0"},
		{StrictMajority(tt), true, "strict 2/3"},
		{StrictMajority([]bool{true, false}), false, "strict 1/2"},
		{All(tt), false, "all 2/3"},
		{All([]bool{true}), true, "all 1/1"},
		{All(nil), false, "all empty"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %v", c.name, c.got)
		}
	}
	if CountTrue(tt) != 2 || Tally(tf) != "1/3" {
		t.Errorf("CountTrue = %d, Tally = %s", CountTrue(tt), Tally(tf))
	}
}

func TestStats(t *testing.T) {
	nan := math.NaN()
	xs := []float64{3, 1, 2}
	if Median(xs) != 2 || Median([]float64{4, 1, 3, 2}) != 2.5 {
		t.Errorf("Median wrong: %v %v", Median(xs), Median([]float64{4, 1, 3, 2}))
	}
	if xs[0] != 3 {
		t.Error("Median modified its input")
	}
	if Mean(xs) != 2 || Min(xs) != 1 || Max(xs) != 3 {
		t.Errorf("Mean/Min/Max = %v %v %v", Mean(xs), Min(xs), Max(xs))
	}
	for name, f := range map[string]func([]float64) float64{"Median": Median, "Mean": Mean, "Min": Min, "Max": Max} {
		if !math.IsNaN(f(nil)) || !math.IsNaN(f([]float64{1, nan, 2})) || !math.IsNaN(f([]float64{nan, 1})) {
			t.Errorf("%s does not return NaN for empty input or NaN values", name)
		}
	}
	if got := FractionIn([]float64{0.9, 1.0, 1.2, nan}, 0.85, 1.15); got != 0.5 {
		t.Errorf("FractionIn = %v, want 0.5", got)
	}
	if got := FractionIn([]float64{0.85, 1.15}, 0.85, 1.15); got != 1 {
		t.Errorf("FractionIn closed interval = %v, want 1", got)
	}
	if !math.IsNaN(FractionIn(nil, 0, 1)) {
		t.Error("FractionIn(nil) is not NaN")
	}
}

func TestNum(t *testing.T) {
	for x, want := range map[float64]string{
		1600: "1600", 1234.5: "1230", 0.8512: "0.851", 1: "1", -2.5: "-2.5", 0: "0",
		1234567: "1.23e+06", 0.00001234: "1.23e-05", 0.000123: "0.000123", 99999: "1e+05",
		math.NaN(): "NaN", math.Inf(1): "+Inf", math.Inf(-1): "-Inf", 1e-12: "1e-12",
	} {
		if got := Num(x); got != want {
			t.Errorf("Num(%v) = %q, want %q", x, got, want)
		}
	}
	if got := Nums([]float64{1500, 0.5, math.NaN()}); got != "1500, 0.5, NaN" {
		t.Errorf("Nums = %q", got)
	}
	if got := Pct(0.975); got != "97.5%" {
		t.Errorf("Pct = %q", got)
	}
}

func TestMajorityValue(t *testing.T) {
	vals := []float64{0.3, math.NaN(), 0.9, 0.5}
	if got := MajorityValue(vals, 2, true); got != 0.5 {
		t.Errorf("2nd largest: %v", got)
	}
	if got := MajorityValue(vals, 2, false); got != 0.5 {
		t.Errorf("2nd smallest: %v", got)
	}
	if got := MajorityValue(vals, 4, true); !math.IsNaN(got) {
		t.Errorf("NaN is the worst: %v", got)
	}
	if got := MajorityValue(nil, 1, true); !math.IsNaN(got) {
		t.Errorf("empty: %v", got)
	}
	if Each([]float64{0.1, 0.25}, "%.2f") != "0.10, 0.25" || ReasonIf(false, "x") != "" || ReasonIf(true, "x") != "x" {
		t.Error("Each / ReasonIf")
	}
}
