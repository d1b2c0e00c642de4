package sparsecoding

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

func sqrtPos(x float64) float64 { return math.Sqrt(math.Max(x, 0)) }

// CosMatrix is |cos(wᵢ, Mⱼ)| for the m rows of w [m·d₁] and the atoms of
// the model, [m·d].
func (m Model) CosMatrix(w []float64, rows int) []float64 {
	out := make([]float64, rows*m.D)
	for i := range rows {
		wi := w[i*m.D1 : (i+1)*m.D1]
		var nw float64
		for _, v := range wi {
			nw += v * v
		}
		nw = math.Sqrt(nw)
		for j := range m.D {
			var s float64
			for k := range m.D1 {
				s += wi[k] * m.M[k*m.D+j]
			}
			// atoms have unit norm
			out[i*m.D+j] = math.Abs(s) / nw
		}
	}
	return out
}

// AtomRecovery is aⱼ = maxᵢ |cos(wᵢ, Mⱼ)| for every atom j, [d].
func (m Model) AtomRecovery(w []float64, rows int) []float64 {
	c := m.CosMatrix(w, rows)
	a := make([]float64, m.D)
	for i := range rows {
		for j := range m.D {
			a[j] = math.Max(a[j], c[i*m.D+j])
		}
	}
	return a
}

// Purity is πᵢ = ‖Mᵀŵᵢ‖² for every row of w [m·d₁]: the share of ŵᵢ's
// squared norm inside span(M) (d/d₁ on average for a random direction).
func (m Model) Purity(w []float64, rows int) []float64 {
	c := m.CosMatrix(w, rows)
	out := make([]float64, rows)
	for i := range rows {
		for j := range m.D {
			out[i] += c[i*m.D+j] * c[i*m.D+j]
		}
	}
	return out
}

// ReadoutR2 fits the linear read-out z ≈ Aᵀf + c by least squares (ridge
// λ = 1e-6 for dead features) on the first nTrain rows of the features
// f [n·k] and targets z [n·d], and returns R² = 1 − Σ‖z − ẑ‖²/Σ‖z − z̄‖² on
// the remaining rows.
func ReadoutR2(f []float64, k int, z []float64, d, nTrain int) float64 {
	n := len(f) / k
	design := func(lo, hi int) *mat.Dense {
		a := mat.NewDense(hi-lo, k+1, nil)
		for r := lo; r < hi; r++ {
			for c := range k {
				a.Set(r-lo, c, f[r*k+c])
			}
			a.Set(r-lo, k, 1)
		}
		return a
	}
	targets := func(lo, hi int) *mat.Dense { return mat.NewDense(hi-lo, d, slices.Clone(z[lo*d:hi*d])) }
	a, y := design(0, nTrain), targets(0, nTrain)
	// (AᵀA + λI) B = Aᵀy
	var ata, aty mat.Dense
	ata.Mul(a.T(), a)
	for i := range k + 1 {
		ata.Set(i, i, ata.At(i, i)+1e-6*float64(nTrain))
	}
	aty.Mul(a.T(), y)
	var coef mat.Dense
	if err := coef.Solve(&ata, &aty); err != nil {
		return math.NaN()
	}
	at, yt := design(nTrain, n), targets(nTrain, n)
	var pred mat.Dense
	pred.Mul(at, &coef)
	var sse, sst float64
	for c := range d {
		var mean float64
		for r := range n - nTrain {
			mean += yt.At(r, c)
		}
		mean /= float64(n - nTrain)
		for r := range n - nTrain {
			e := yt.At(r, c) - pred.At(r, c)
			sse += e * e
			sst += (yt.At(r, c) - mean) * (yt.At(r, c) - mean)
		}
	}
	return 1 - sse/sst
}
