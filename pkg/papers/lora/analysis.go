package lora

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/lowrank"
	"theorylab/pkg/linalg"
	"theorylab/pkg/runs"
)

// LayerAnalysis is Section 7 for one adapted layer (0: W₁, 1: W₂), in the
// paper's layout ΔW ∈ ℝ^{d×k}: right singular vectors live in the k-dim
// input space, left ones in the d-dim output space.
type LayerAnalysis struct {
	Layer int    `json:"layer"`
	Name  string `json:"name"`
	D     int    `json:"d"`
	K     int    `json:"k"`

	// Ranks (after Fig. 3): φ(i, j) between the top-i right singular vectors
	// of ΔW at SmallRank and the top-j of ΔW at LargeRank, same seed.
	// The grids are the first seed's, [SmallRank][LargeRank]; Phi11 per seed.
	PhiRanksDelta [][]float64 `json:"phi_ranks_delta"`
	PhiRanksA     [][]float64 `json:"phi_ranks_a"` // the same from A's right singular vectors (the paper's choice)
	Phi11Delta    runs.Series `json:"phi11_delta"`
	Phi11A        runs.Series `json:"phi11_a"`

	// Seeds (after Fig. 4): φ between ΔW at LargeRank of two seeds; grids of
	// the first pair [n][n] with n = seedGrid(cfg), and per seed pair the mean of
	// φ(i, j) over i, j ≤ SmallRank. Pairs lists the seed pairs.
	Pairs         [][2]int    `json:"pairs"`
	PhiSeedsDelta [][]float64 `json:"phi_seeds_delta"`
	PhiSeedsA     [][]float64 `json:"phi_seeds_a"`
	SeedMeanDelta runs.Series `json:"seed_mean_delta"`
	SeedMeanA     runs.Series `json:"seed_mean_a"`
	// Two independent Gaussian d×k matrices: one grid, and the mean over
	// i, j ≤ SmallRank averaged over BaselineDraws pairs.
	PhiGaussian  [][]float64 `json:"phi_gaussian"`
	GaussianMean float64     `json:"gaussian_mean"`

	// Amplification (after Table 7), at AmpRank and LargeRank.
	Amp []Amplification `json:"amp"`
}

// Amplification compares ‖UᵀW₀V‖_F for three choices of the rank-r
// subspaces U (d×r), V (k×r), per seed: the top singular vectors of ΔW, of
// W₀ itself, and random orthonormal ones (mean over BaselineDraws draws).
// Factor = ‖ΔW‖_F / ‖UᵀW₀V‖_F with U, V from ΔW.
type Amplification struct {
	Rank       int         `json:"rank"`
	DeltaBased runs.Series `json:"delta_based"`
	WBased     float64     `json:"w_based"`
	Random     float64     `json:"random"`
	DeltaNorm  runs.Series `json:"delta_norm"`
	WNorm      float64     `json:"w_norm"`
	Factor     runs.Series `json:"factor"`
	// The same three projections of the learned part of W₀ only, P = W₀ −
	// W_init (what pretraining added to the random initialisation; our
	// construction, not in the paper): ΔW-based per seed, P-based, random.
	LearnedDeltaBased runs.Series `json:"learned_delta_based"`
	LearnedPBased     float64     `json:"learned_p_based"`
	LearnedRandom     float64     `json:"learned_random"`
	LearnedNorm       float64     `json:"learned_norm"` // ‖P‖_F
}

// LayerName is "W₁" or "W₂".
func LayerName(layer int) string { return []string{"W₁", "W₂"}[layer] }

func (e *experiment) analyse(layer int) (LayerAnalysis, error) {
	cfg := e.cfg
	small, large := e.adapted[cfg.SmallRank], e.adapted[cfg.LargeRank]
	if small == nil || large == nil || e.adapted[cfg.AmpRank] == nil {
		return LayerAnalysis{}, fmt.Errorf("lora: the analysis needs ranks %d, %d and %d", cfg.SmallRank, cfg.LargeRank, cfg.AmpRank)
	}
	ls, ll := small.layers[layer], large.layers[layer]
	la := LayerAnalysis{Layer: layer, Name: LayerName(layer), D: ls.Config.Out, K: ls.Config.In}
	la.Name = fmt.Sprintf("%s (%d→%d)", LayerName(layer), la.K, la.D)
	R := ls.Runs

	// Right singular vectors (k×p) of every seed's ΔW and A, at both ranks.
	deltaV := func(l *lowrank.Layer, run int) (*linalg.Matrix, error) {
		d, err := l.Delta(run)
		if err != nil {
			return nil, err
		}
		svd, err := linalg.SVD(d)
		if err != nil {
			return nil, err
		}
		return svd.V, nil
	}
	aV := func(l *lowrank.Layer, run int) (*linalg.Matrix, error) {
		svd, err := linalg.SVD(aMatrix(l, run))
		if err != nil {
			return nil, err
		}
		return svd.V, nil
	}
	vsD, vlD, vsA, vlA := make([]*linalg.Matrix, R), make([]*linalg.Matrix, R), make([]*linalg.Matrix, R), make([]*linalg.Matrix, R)
	for run := range R {
		var err error
		if vsD[run], err = deltaV(ls, run); err != nil {
			return la, err
		}
		if vlD[run], err = deltaV(ll, run); err != nil {
			return la, err
		}
		if vsA[run], err = aV(ls, run); err != nil {
			return la, err
		}
		if vlA[run], err = aV(ll, run); err != nil {
			return la, err
		}
	}
	ns, nl := cfg.SmallRank, cfg.LargeRank
	for run := range R {
		// φ(ΔW_small, ΔW_large, i, j), i ≤ SmallRank, j ≤ LargeRank.
		gd, err := linalg.SimilarityGrid(vsD[run], vlD[run], ns, nl)
		if err != nil {
			return la, err
		}
		ga, err := linalg.SimilarityGrid(vsA[run], vlA[run], ns, nl)
		if err != nil {
			return la, err
		}
		if run == 0 {
			la.PhiRanksDelta, la.PhiRanksA = gd, ga
		}
		la.Phi11Delta = append(la.Phi11Delta, gd[0][0])
		la.Phi11A = append(la.Phi11A, ga[0][0])
	}
	for a := range R {
		for b := a + 1; b < R; b++ {
			gd, err := linalg.SimilarityGrid(vlD[a], vlD[b], nl, nl)
			if err != nil {
				return la, err
			}
			ga, err := linalg.SimilarityGrid(vlA[a], vlA[b], nl, nl)
			if err != nil {
				return la, err
			}
			if len(la.Pairs) == 0 {
				la.PhiSeedsDelta, la.PhiSeedsA = corner(gd, seedGrid(cfg)), corner(ga, seedGrid(cfg))
			}
			la.Pairs = append(la.Pairs, [2]int{e.cfg.Seed + a, e.cfg.Seed + b})
			la.SeedMeanDelta = append(la.SeedMeanDelta, gridMean(gd, ns))
			la.SeedMeanA = append(la.SeedMeanA, gridMean(ga, ns))
		}
	}
	// Gaussian baseline: two independent d×k Gaussian matrices.
	rng := rand.New(rand.NewPCG(stream(cfg.Seed, streamBaseline), uint64(layer)))
	for draw := range cfg.BaselineDraws {
		v1, err := linalg.SVD(linalg.Gaussian(la.D, la.K, rng))
		if err != nil {
			return la, err
		}
		v2, err := linalg.SVD(linalg.Gaussian(la.D, la.K, rng))
		if err != nil {
			return la, err
		}
		g, err := linalg.SimilarityGrid(v1.V, v2.V, nl, nl)
		if err != nil {
			return la, err
		}
		if draw == 0 {
			la.PhiGaussian = corner(g, seedGrid(cfg))
		}
		la.GaussianMean += gridMean(g, ns) / float64(cfg.BaselineDraws)
	}

	// Amplification at AmpRank and LargeRank.
	w0, err := ls.Weight(0) // the frozen pretrained W₀ (d×k), the same for every run
	if err != nil {
		return la, err
	}
	w0svd, err := linalg.SVD(w0)
	if err != nil {
		return la, err
	}
	learned, err := e.learnedPart(layer) // P = W₀ − W_init (d×k)
	if err != nil {
		return la, err
	}
	psvd, err := linalg.SVD(learned)
	if err != nil {
		return la, err
	}
	for _, r := range []int{cfg.AmpRank, cfg.LargeRank} {
		l := e.adapted[r].layers[layer]
		amp := Amplification{Rank: r, WNorm: w0.Frobenius(), LearnedNorm: learned.Frobenius()}
		// W-based: W₀'s own top-r singular vectors give √(σ₁² + … + σ_r²), the largest possible value.
		amp.WBased = linalg.ProjectedNorm(w0svd.U.FirstCols(r), w0, w0svd.V.FirstCols(r))
		amp.LearnedPBased = linalg.ProjectedNorm(psvd.U.FirstCols(r), learned, psvd.V.FirstCols(r))
		for range cfg.BaselineDraws {
			u, v := linalg.RandomOrthonormal(la.D, r, rng), linalg.RandomOrthonormal(la.K, r, rng)
			amp.Random += linalg.ProjectedNorm(u, w0, v) / float64(cfg.BaselineDraws)
			amp.LearnedRandom += linalg.ProjectedNorm(u, learned, v) / float64(cfg.BaselineDraws)
		}
		for run := range l.Runs {
			delta, err := l.Delta(run)
			if err != nil {
				return la, err
			}
			svd, err := linalg.SVD(delta)
			if err != nil {
				return la, err
			}
			// ‖UᵀW₀V‖_F with U, V the top-r singular vectors of ΔW.
			db := linalg.ProjectedNorm(svd.U.FirstCols(r), w0, svd.V.FirstCols(r))
			amp.DeltaBased = append(amp.DeltaBased, db)
			amp.LearnedDeltaBased = append(amp.LearnedDeltaBased, linalg.ProjectedNorm(svd.U.FirstCols(r), learned, svd.V.FirstCols(r)))
			amp.DeltaNorm = append(amp.DeltaNorm, delta.Frobenius())
			// Amplification factor = ‖ΔW‖_F / ‖UᵀW₀V‖_F.
			amp.Factor = append(amp.Factor, delta.Frobenius()/db)
		}
		la.Amp = append(la.Amp, amp)
	}
	return la, nil
}

// gridMean is the mean of grid[i][j] over i, j < n.
func gridMean(grid [][]float64, n int) float64 {
	var s float64
	for i := range n {
		for j := range n {
			s += grid[i][j]
		}
	}
	return s / float64(n*n)
}

// learnedPart is P = W₀ − W_init of an adapted layer, in the paper's layout (d×k).
func (e *experiment) learnedPart(layer int) (*linalg.Matrix, error) {
	i := 2 * layer // W₁ or W₂ in the parameter list
	w0 := tensors.MustCopyFlatData[float32](e.pretrained[i])
	wi := tensors.MustCopyFlatData[float32](e.initial[i])
	dims := e.pretrained[i].Shape().Dimensions // [1, k, d]
	k, d := dims[1], dims[2]
	p := linalg.New(d, k)
	for in := range k {
		for out := range d {
			p.Set(out, in, float64(w0[in*d+out])-float64(wi[in*d+out]))
		}
	}
	return p, nil
}

// seedGrid is the size of the stored seed-versus-seed grids: i, j ≤ 2·SmallRank
// (the claim uses i, j ≤ SmallRank), at most LargeRank.
func seedGrid(cfg Config) int { return min(2*cfg.SmallRank, cfg.LargeRank) }

// corner is the top-left n×n block of grid.
func corner(grid [][]float64, n int) [][]float64 {
	out := make([][]float64, min(n, len(grid)))
	for i := range out {
		out[i] = grid[i][:min(n, len(grid[i]))]
	}
	return out
}
