package contrast

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph"
)

// normEps keeps the cosine of an all-zero embedding (every neuron below the
// threshold) finite: ‖h‖ is computed as sqrt(‖h‖² + normEps).
const normEps = 1e-8

// Normalize returns the rows of w [R, m, d] divided by their norms:
// ŵᵢ = wᵢ/‖wᵢ‖.
func Normalize(w *Node) *Node {
	// ‖wᵢ‖, [R, m, 1]
	norm := Sqrt(ReduceAndKeep(Square(w), ReduceSum, -1))
	return Div(w, norm)
}

// Encode is the soft-threshold encoder: w [R, m, d], b [R] (the shared
// threshold of each run), x [R, B, d] → h [R, B, m].
func Encode(w, b, x *Node) *Node {
	wn := Normalize(w)
	// sᵢ = ⟨ŵᵢ, x⟩, [R, B, m]
	s := Einsum("rbd,rmd->rbm", x, wn)
	bb := InsertAxes(b, 1, 1) // [R, 1, 1]
	// hᵢ = ReLU(sᵢ − b) − ReLU(−sᵢ − b)
	return Sub(MaxScalar(Sub(s, bb), 0), MaxScalar(Sub(Neg(s), bb), 0))
}

// unit divides the rows of h [R, B, m] by sqrt(‖h‖² + normEps).
func unit(h *Node) *Node {
	return Div(h, Sqrt(AddScalar(ReduceAndKeep(Square(h), ReduceSum, -1), normEps)))
}

// InfoNCE is the symmetric InfoNCE loss of each run, [R], between the
// embeddings h1, h2 [R, B, m] of the two views (row i of h1 and row i of h2
// are a positive pair; every other row of the other view is a negative).
func InfoNCE(h1, h2 *Node, tau float64) *Node {
	n1, n2 := unit(h1), unit(h2)
	// Sᵢₖ/τ = cos(h(x⁺ᵢ), h(x⁺⁺ₖ))/τ, [R, B, B]
	s := MulScalar(Einsum("rbm,rcm->rbc", n1, n2), 1/tau)
	// Sᵢᵢ/τ, [R, B]
	pos := MulScalar(ReduceSum(Mul(n1, n2), -1), 1/tau)
	// log Σₖ e^{Sᵢₖ/τ} (rows) and log Σₖ e^{Sₖᵢ/τ} (columns), [R, B]
	lseRow := logSumExp(s, 2)
	lseCol := logSumExp(s, 1)
	// L = (1/2B) Σᵢ [(lseRowᵢ − Sᵢᵢ/τ) + (lseColᵢ − Sᵢᵢ/τ)]
	per := Sub(Add(lseRow, lseCol), MulScalar(pos, 2))
	return MulScalar(ReduceMean(per, 1), 0.5)
}

// logSumExp is log Σ exp(x) over axis, stabilised by the maximum.
func logSumExp(x *Node, axis int) *Node {
	mx := StopGradient(ReduceAndKeep(x, ReduceMax, axis))
	return Add(Log(ReduceSum(Exp(Sub(x, mx)), axis)), Squeeze(mx, axis))
}

// EncodeHost is Encode for one run in float64: w [m·d] row-major, x [n·d]
// → h [n·m].
func EncodeHost(w []float64, m, d int, b float64, x []float64) []float64 {
	n := len(x) / d
	wn := NormalizeHost(w, m, d)
	h := make([]float64, n*m)
	for k := range n {
		xk := x[k*d : (k+1)*d]
		for i := range m {
			s := dot(wn[i*d:(i+1)*d], xk)
			h[k*m+i] = math.Max(s-b, 0) - math.Max(-s-b, 0)
		}
	}
	return h
}

// NormalizeHost returns the rows of w [m·d] divided by their norms.
func NormalizeHost(w []float64, m, d int) []float64 {
	out := make([]float64, len(w))
	for i := range m {
		row := w[i*d : (i+1)*d]
		nrm := math.Sqrt(dot(row, row))
		for j, v := range row {
			out[i*d+j] = v / nrm
		}
	}
	return out
}

// InfoNCEHost is InfoNCE for one run in float64: h1, h2 [B·m].
func InfoNCEHost(h1, h2 []float64, m int, tau float64) float64 {
	bsz := len(h1) / m
	u := func(h []float64, i int) []float64 {
		row := h[i*m : (i+1)*m]
		nrm := math.Sqrt(dot(row, row) + normEps)
		out := make([]float64, m)
		for j, v := range row {
			out[j] = v / nrm
		}
		return out
	}
	n1, n2 := make([][]float64, bsz), make([][]float64, bsz)
	for i := range bsz {
		n1[i], n2[i] = u(h1, i), u(h2, i)
	}
	var total float64
	for i := range bsz {
		var row, col float64
		for k := range bsz {
			row += math.Exp(dot(n1[i], n2[k]) / tau)
			col += math.Exp(dot(n1[k], n2[i]) / tau)
		}
		pos := dot(n1[i], n2[i]) / tau
		total += math.Log(row) - pos + math.Log(col) - pos
	}
	return total / float64(2*bsz)
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
