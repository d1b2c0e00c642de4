package data

import (
	"errors"
	"fmt"
)

// Float is the set of element types the generic helpers accept.
type Float interface {
	~float32 | ~float64
}

// Dataset is a supervised data set stored row-major in flat float64 slices:
// example i has inputs X[i*D:(i+1)*D] and targets Y[i*K:(i+1)*K].
//
// Labels is optional: for classification sets it holds the class of each
// example (len N, values in [0, K)), so that accuracy can be computed without
// decoding Y; for regression sets it is nil.
type Dataset struct {
	Name   string    // short identifier, e.g. "chebyshev-3-20"
	X      []float64 // inputs, [N, D] row-major
	Y      []float64 // targets, [N, K] row-major
	Labels []int     // optional class labels, [N], or nil
	N      int       // number of examples
	D      int       // input features per example
	K      int       // target values per example
}

// Row returns the inputs of example i, a view into X (not a copy).
func (d *Dataset) Row(i int) []float64 {
	return d.X[i*d.D : (i+1)*d.D]
}

// Target returns the targets of example i, a view into Y (not a copy).
func (d *Dataset) Target(i int) []float64 {
	return d.Y[i*d.K : (i+1)*d.K]
}

// Validate checks that the slice lengths agree with N, D and K, and that any
// labels lie in [0, K).
func (d *Dataset) Validate() error {
	if d == nil {
		return errors.New("data: nil Dataset")
	}
	if d.N < 0 || d.D < 0 || d.K < 0 {
		return fmt.Errorf("data: dataset %q has negative shape N=%d D=%d K=%d", d.Name, d.N, d.D, d.K)
	}
	if len(d.X) != d.N*d.D {
		return fmt.Errorf("data: dataset %q: len(X)=%d, want N*D=%d*%d=%d", d.Name, len(d.X), d.N, d.D, d.N*d.D)
	}
	if len(d.Y) != d.N*d.K {
		return fmt.Errorf("data: dataset %q: len(Y)=%d, want N*K=%d*%d=%d", d.Name, len(d.Y), d.N, d.K, d.N*d.K)
	}
	if d.Labels != nil {
		if len(d.Labels) != d.N {
			return fmt.Errorf("data: dataset %q: len(Labels)=%d, want N=%d", d.Name, len(d.Labels), d.N)
		}
		for i, l := range d.Labels {
			if l < 0 || l >= d.K {
				return fmt.Errorf("data: dataset %q: label %d of example %d is outside [0, %d)", d.Name, l, i, d.K)
			}
		}
	}
	return nil
}

// Float32 returns float32 copies of X and Y, for float32 models.
func (d *Dataset) Float32() (x, y []float32) {
	return toFloat32(d.X), toFloat32(d.Y)
}

// Subset returns a new Dataset holding the examples at the given indices, in
// that order (indices may repeat). The data are copied.
func (d *Dataset) Subset(indices []int) (*Dataset, error) {
	out := &Dataset{
		Name: d.Name,
		X:    make([]float64, 0, len(indices)*d.D),
		Y:    make([]float64, 0, len(indices)*d.K),
		N:    len(indices),
		D:    d.D,
		K:    d.K,
	}
	if d.Labels != nil {
		out.Labels = make([]int, 0, len(indices))
	}
	for _, i := range indices {
		if i < 0 || i >= d.N {
			return nil, fmt.Errorf("data: subset index %d outside [0, %d) of dataset %q", i, d.N, d.Name)
		}
		out.X = append(out.X, d.Row(i)...)
		out.Y = append(out.Y, d.Target(i)...)
		if d.Labels != nil {
			out.Labels = append(out.Labels, d.Labels[i])
		}
	}
	return out, nil
}

// Shuffle returns a copy of the Dataset with its examples in the order given
// by Permutation(N, seed).
func (d *Dataset) Shuffle(seed uint64) *Dataset {
	out, err := d.Subset(Permutation(d.N, seed))
	if err != nil { // cannot happen: a permutation is always in range
		panic(err)
	}
	return out
}

// OneHot encodes labels as rows of a [len(labels), k] row-major matrix with a
// 1 in column labels[i] and 0 elsewhere. A label outside [0, k) is an error.
func OneHot(labels []int, k int) ([]float64, error) {
	if k <= 0 {
		return nil, fmt.Errorf("data: OneHot needs k > 0 classes, got k=%d", k)
	}
	out := make([]float64, len(labels)*k)
	for i, l := range labels {
		if l < 0 || l >= k {
			return nil, fmt.Errorf("data: OneHot: label %d of example %d is outside [0, %d)", l, i, k)
		}
		out[i*k+l] = 1
	}
	return out, nil
}

func toFloat32[T Float](x []T) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}
