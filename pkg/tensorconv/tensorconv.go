package tensorconv

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// Float is the set of element types converted here.
type Float interface{ ~float32 | ~float64 }

// Slice converts every value of xs to To: Slice[float32](xs).
func Slice[To, From Float](xs []From) []To {
	out := make([]To, len(xs))
	for i, x := range xs {
		out[i] = To(x)
	}
	return out
}

// Floats returns the values of a Float32 or Float64 tensor as float64.
func Floats(t *tensors.Tensor) ([]float64, error) {
	switch t.DType() {
	case dtypes.Float64:
		return tensors.CopyFlatData[float64](t)
	case dtypes.Float32:
		f, err := tensors.CopyFlatData[float32](t)
		if err != nil {
			return nil, err
		}
		return Slice[float64](f), nil
	}
	return nil, unsupported(t.DType())
}

// FromFloats builds a tensor of dtype (Float32 or Float64) and shape dims
// from float64 values.
func FromFloats(dtype dtypes.DType, values []float64, dims ...int) (*tensors.Tensor, error) {
	switch dtype {
	case dtypes.Float64:
		return tensors.FromFlatDataAndDimensions(values, dims...), nil
	case dtypes.Float32:
		return tensors.FromFlatDataAndDimensions(Slice[float32](values), dims...), nil
	}
	return nil, unsupported(dtype)
}

// To returns a copy of a Float32 or Float64 tensor converted to dtype.
func To(dtype dtypes.DType, t *tensors.Tensor) (*tensors.Tensor, error) {
	v, err := Floats(t)
	if err != nil {
		return nil, err
	}
	return FromFloats(dtype, v, t.Shape().Dimensions...)
}

// AllTo converts every tensor with To.
func AllTo(dtype dtypes.DType, ts []*tensors.Tensor) ([]*tensors.Tensor, error) {
	out := make([]*tensors.Tensor, len(ts))
	for i, t := range ts {
		var err error
		if out[i], err = To(dtype, t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func unsupported(dtype dtypes.DType) error {
	return fmt.Errorf("tensorconv: dtype %s not supported (want Float32 or Float64)", dtype)
}
