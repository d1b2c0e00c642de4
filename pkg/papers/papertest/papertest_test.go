package papertest

import "testing"

func TestZeroTimings(t *testing.T) {
	type inner struct {
		Seconds  float64 `json:"seconds"`
		Value    float64 `json:"value"`
		WallSecs float64 `json:"elapsed_seconds"`
	}
	a := withoutTimings(t, map[string]any{"runs": []inner{{1.5, 2, 3}}, "seconds": 9.1})
	b := withoutTimings(t, map[string]any{"runs": []inner{{7.5, 2, 4}}, "seconds": 0.2})
	if string(a) != string(b) {
		t.Errorf("timings still differ: %s vs %s", a, b)
	}
	c := withoutTimings(t, map[string]any{"runs": []inner{{7.5, 2.5, 4}}, "seconds": 0.2})
	if string(a) == string(c) {
		t.Error("a changed value was hidden")
	}
}
