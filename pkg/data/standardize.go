package data

import (
	"fmt"
	"math"
)

// Standardization holds per-feature statistics of a training set: the mean
// and the (population, 1/N) standard deviation of each of the D features.
// Std[j] == 0 marks a feature that was constant over the set; applying the
// transform sets such a feature to 0.
type Standardization struct {
	Mean []float64
	Std  []float64
}

// Features returns the number of features D the statistics describe.
func (s *Standardization) Features() int { return len(s.Mean) }

// FitStandardization computes the per-feature mean and standard deviation of
// x, an [N, d] row-major matrix, without changing x. A feature whose values
// are all equal gets Std 0 (checked exactly, from its minimum and maximum, so
// rounding cannot turn a constant pixel into a tiny non-zero scale).
func FitStandardization[T Float](x []T, d int) (*Standardization, error) {
	if d <= 0 {
		return nil, fmt.Errorf("data: standardization needs d > 0 features, got d=%d", d)
	}
	if len(x) == 0 || len(x)%d != 0 {
		return nil, fmt.Errorf("data: standardization: len(x)=%d is not a positive multiple of d=%d", len(x), d)
	}
	n := len(x) / d
	s := &Standardization{Mean: make([]float64, d), Std: make([]float64, d)}
	lo := make([]float64, d)
	hi := make([]float64, d)
	copy(lo, toFloat64(x[:d]))
	copy(hi, lo)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for j, v := range row {
			f := float64(v)
			s.Mean[j] += f
			lo[j] = min(lo[j], f)
			hi[j] = max(hi[j], f)
		}
	}
	for j := range s.Mean {
		// μⱼ = (1/N) Σᵢ xᵢⱼ
		s.Mean[j] /= float64(n)
	}
	// Second pass for the variance, which is more accurate than E[x²] − μ².
	for i := range n {
		row := x[i*d : (i+1)*d]
		for j, v := range row {
			dv := float64(v) - s.Mean[j]
			s.Std[j] += dv * dv
		}
	}
	for j := range s.Std {
		if lo[j] == hi[j] {
			s.Std[j] = 0
			continue
		}
		// σⱼ = √((1/N) Σᵢ (xᵢⱼ − μⱼ)²)
		s.Std[j] = math.Sqrt(s.Std[j] / float64(n))
	}
	return s, nil
}

// StandardizePerFeature centres and scales each feature of x (an [N, d]
// row-major matrix) in place to mean 0 and standard deviation 1 over the N
// rows; features that are constant over the set become 0. It returns the
// statistics so that the same transform can be applied to a test set with
// ApplyFloat64 or ApplyFloat32.
func StandardizePerFeature[T Float](x []T, d int) (*Standardization, error) {
	s, err := FitStandardization(x, d)
	if err != nil {
		return nil, err
	}
	applyStandardization(s, x)
	return s, nil
}

// ApplyFloat64 standardizes x ([N, D] row-major, D = s.Features()) in place
// with these statistics: x ← (x − mean)/std, or 0 where std is 0.
func (s *Standardization) ApplyFloat64(x []float64) error {
	if err := s.check(len(x)); err != nil {
		return err
	}
	applyStandardization(s, x)
	return nil
}

// ApplyFloat32 is ApplyFloat64 for float32 data.
func (s *Standardization) ApplyFloat32(x []float32) error {
	if err := s.check(len(x)); err != nil {
		return err
	}
	applyStandardization(s, x)
	return nil
}

func (s *Standardization) check(length int) error {
	d := len(s.Mean)
	if d == 0 || len(s.Std) != d {
		return fmt.Errorf("data: invalid Standardization (len(Mean)=%d, len(Std)=%d)", d, len(s.Std))
	}
	if length%d != 0 {
		return fmt.Errorf("data: cannot standardize %d values with %d-feature statistics: not a multiple", length, d)
	}
	return nil
}

func applyStandardization[T Float](s *Standardization, x []T) {
	d := len(s.Mean)
	for i := 0; i+d <= len(x); i += d {
		row := x[i : i+d]
		for j := range row {
			if s.Std[j] == 0 {
				row[j] = 0
				continue
			}
			// zᵢⱼ = (xᵢⱼ − μⱼ)/σⱼ
			row[j] = T((float64(row[j]) - s.Mean[j]) / s.Std[j])
		}
	}
}

func toFloat64[T Float](x []T) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
