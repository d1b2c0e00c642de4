package rl

import (
	"math"
	"reflect"
	"testing"
)

// TestFitLine: the fit recovers a known line, R² = 1 on exact data, and NaN
// when a value is infinite (a learner that never reached the target).
func TestFitLine(t *testing.T) {
	xs := []float64{1, 2, 3, 4}
	b, a, r2 := FitLine(xs, []float64{3, 5, 7, 9})
	if math.Abs(b-2) > 1e-12 || math.Abs(a-1) > 1e-12 || math.Abs(r2-1) > 1e-12 {
		t.Errorf("fit 1 + 2x: b %v a %v R² %v", b, a, r2)
	}
	if b, _, _ := FitLine(xs, []float64{1, 2, math.Inf(1), 3}); !math.IsNaN(b) {
		t.Errorf("infinite value: slope %v, want NaN", b)
	}
	if got := LocalSlopes(xs, []float64{0, 1, 3, 6}); !reflect.DeepEqual(got, []float64{1, 2, 3}) {
		t.Errorf("local slopes %v", got)
	}
}
