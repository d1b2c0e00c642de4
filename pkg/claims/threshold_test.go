package claims

import (
	"math"
	"testing"
)

func TestThresholdHoldsAndWords(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		th       Threshold
		words    string
		yes, no  []float64
		format   float64
		formated string
	}{
		{AtLeast(0.95).Percent(), "≥ 95%", []float64{0.95, 1}, []float64{0.949, nan}, 0.975, "97.5%"},
		{AtMost(0.25).Percent(), "≤ 25%", []float64{0.25, -1}, []float64{0.26, nan}, 0.08, "8%"},
		{Above(1), "> 1", []float64{1.01}, []float64{1, nan}, 6.9, "6.9"},
		{Below(0.05).Percent(), "< 5%", []float64{0.049}, []float64{0.05}, 0.0123, "1.23%"},
		{Between(0.85, 1.15), "in [0.85, 1.15]", []float64{0.85, 1, 1.15}, []float64{0.84, 1.16, nan}, 1, "1"},
		{Exactly(0), "= 0", []float64{0}, []float64{1e-300, nan}, 0, "0"},
		{AtLeast(3).Times(), "≥ 3×", []float64{3, 24}, []float64{2.99}, 23.94, "23.9×"},
		{AtLeast(-2).Points(), "≥ −2 points", []float64{-2, 0}, []float64{-2.51}, -2.51, "-2.51 points"},
		{AtLeast(0.07).Percent(), "≥ 7%", nil, nil, 0.5, "50%"}, // 0.07·100 is 7.000000000000001 in float64
	} {
		if got := c.th.String(); got != c.words {
			t.Errorf("String = %q, want %q", got, c.words)
		}
		for _, v := range c.yes {
			if !c.th.Holds(v) {
				t.Errorf("%s does not hold for %v", c.words, v)
			}
		}
		for _, v := range c.no {
			if c.th.Holds(v) {
				t.Errorf("%s holds for %v", c.words, v)
			}
		}
		if got := c.th.Format(c.format); got != c.formated {
			t.Errorf("%s: Format(%v) = %q, want %q", c.words, c.format, got, c.formated)
		}
	}
	band := Between(0.85, 1.15)
	if band.Lo() != 0.85 || band.Hi() != 1.15 || AtMost(3).Hi() != 3 {
		t.Error("Lo/Hi")
	}
	if s := band.Share([]float64{0.9, 1.2, nan, 1}); s != 0.5 {
		t.Errorf("Share = %v, want 0.5", s)
	}
	if !math.IsNaN(band.Share(nil)) {
		t.Error("Share of nothing must be NaN")
	}
}
