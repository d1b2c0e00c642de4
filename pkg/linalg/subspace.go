package linalg

import "fmt"

// SubspaceSimilarity returns the normalised subspace similarity of the
// spans of the first i columns of u1 and the first j columns of u2, both
// n×p matrices with orthonormal columns:
//
//	φ(i, j) = ‖U₁[:, :i]ᵀ U₂[:, :j]‖²_F / min(i, j)  ∈ [0, 1]
//
// It is the mean of cos²θ over the min(i, j) principal angles θ between the
// two subspaces, so it does not depend on the choice of orthonormal basis
// within either subspace (signs, rotations). This is the measure of LoRA's
// Section 7.2 as we understand it (unverified against the paper).
func SubspaceSimilarity(u1, u2 *Matrix, i, j int) (float64, error) {
	grid, err := SimilarityGrid(u1, u2, i, j)
	if err != nil {
		return 0, err
	}
	return grid[i-1][j-1], nil
}

// SimilarityGrid returns φ(i, j) for every 1 ≤ i ≤ imax, 1 ≤ j ≤ jmax, as
// grid[i-1][j-1]. It forms M = U₁[:, :imax]ᵀ U₂[:, :jmax] once and sums M²
// over leading blocks.
func SimilarityGrid(u1, u2 *Matrix, imax, jmax int) ([][]float64, error) {
	if u1.Rows != u2.Rows {
		return nil, fmt.Errorf("linalg: subspaces of different spaces: %d and %d rows", u1.Rows, u2.Rows)
	}
	if imax < 1 || jmax < 1 || imax > u1.Cols || jmax > u2.Cols {
		return nil, fmt.Errorf("linalg: similarity grid %d×%d outside the bases' %d and %d columns", imax, jmax, u1.Cols, u2.Cols)
	}
	m := MulTA(u1.FirstCols(imax), u2.FirstCols(jmax)) // [imax, jmax]
	// cum[i][j] = Σ_{a<i, b<j} M_ab² (a 2-D prefix sum).
	cum := make([][]float64, imax+1)
	for i := range cum {
		cum[i] = make([]float64, jmax+1)
	}
	for a := range imax {
		for b := range jmax {
			x := m.Data[a*jmax+b]
			cum[a+1][b+1] = x*x + cum[a][b+1] + cum[a+1][b] - cum[a][b]
		}
	}
	grid := make([][]float64, imax)
	for i := 1; i <= imax; i++ {
		grid[i-1] = make([]float64, jmax)
		for j := 1; j <= jmax; j++ {
			grid[i-1][j-1] = cum[i][j] / float64(min(i, j))
		}
	}
	return grid, nil
}

// RandomSimilarity is E[φ(i, j)] for independent uniformly random subspaces
// of dimensions i and j in ℝⁿ (our derivation): E‖P₁P₂‖²_F = i·j/n, so
// E[φ(i, j)] = i·j/(n·min(i, j)) = max(i, j)/n.
func RandomSimilarity(i, j, n int) float64 {
	return float64(max(i, j)) / float64(n)
}

// ProjectedNorm returns ‖UᵀWV‖_F for W (d×k), U (d×r) and V (k×r): the
// size of W seen through the column spaces of U and V.
func ProjectedNorm(u, w, v *Matrix) float64 {
	return Mul(MulTA(u, w), v).Frobenius()
}
