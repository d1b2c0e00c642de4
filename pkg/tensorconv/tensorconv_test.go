package tensorconv

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

func TestRoundTrip(t *testing.T) {
	vals := []float64{0.1, -2.5, 1e-30, math.Pi}
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		x, err := FromFloats(dtype, vals, 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		if x.DType() != dtype || x.Shape().Dimensions[0] != 2 || x.Shape().Dimensions[1] != 2 {
			t.Errorf("%s: got %s", dtype, x.Shape())
		}
		back, err := Floats(x)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			want := v
			if dtype == dtypes.Float32 {
				want = float64(float32(v)) // rounded once, exactly as a float32 holds it
			}
			if back[i] != want {
				t.Errorf("%s: value %d is %v, want %v", dtype, i, back[i], want)
			}
		}
	}
}

func TestToAndAllTo(t *testing.T) {
	a := tensors.FromFlatDataAndDimensions([]float64{1, 2, 3}, 3)
	b := tensors.FromFlatDataAndDimensions([]float32{4, 5}, 1, 2)
	out, err := AllTo(dtypes.Float32, []*tensors.Tensor{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].DType() != dtypes.Float32 || out[1].DType() != dtypes.Float32 || out[1].Shape().Rank() != 2 {
		t.Errorf("got %s and %s", out[0].Shape(), out[1].Shape())
	}
	if got := tensors.MustCopyFlatData[float32](out[0]); got[2] != 3 {
		t.Errorf("values %v", got)
	}
	if _, err := To(dtypes.Int32, a); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("Int32: %v", err)
	}
	if _, err := Floats(tensors.FromFlatDataAndDimensions([]int32{1}, 1)); err == nil {
		t.Error("an Int32 tensor read as floats")
	}
}

func TestSlice(t *testing.T) {
	got := Slice[float32]([]float64{0.5, 1e40})
	if got[0] != 0.5 || !math.IsInf(float64(got[1]), 1) {
		t.Errorf("Slice = %v", got)
	}
}
