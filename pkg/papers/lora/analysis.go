package lora

import (
	"fmt"
	"math"
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
	// The two ranks are trained from independent adapters, heads and batch
	// orders on the same seed's backbone.
	PhiRanksA  [][]float64 `json:"phi_ranks_a"` // the same from A's right singular vectors (the paper's choice)
	Phi11Delta runs.Series `json:"phi11_delta"`
	Phi11A     runs.Series `json:"phi11_a"`
	// The data-shaped null, per seed: φ(1, 1) between two random d×k
	// matrices whose rows are random combinations of the layer's centred
	// inputs on the adaptation set (G·X/√n, G Gaussian d×n): updates that share
	// directions only because they act on the same inputs. Mean over
	// BaselineDraws pairs. Kappa11 = (φ − φ₀)/(1 − φ₀), the share of the
	// distance from the null to identity that the measured φ covers.
	Phi11Null runs.Series `json:"phi11_null"`
	Kappa11   runs.Series `json:"kappa11"`
	// Phi11PC: φ between the top right singular vector of ΔW at SmallRank
	// and the top principal direction of the layer's inputs.
	Phi11PC runs.Series `json:"phi11_pc"`

	// Seeds (after Fig. 4): φ between ΔW at LargeRank of two seeds; grids of
	// the first pair [n][n] with n = seedGrid(cfg), and per seed pair the mean of
	// φ(i, j) over i, j ≤ SmallRank. Pairs lists the seed pairs.
	Pairs         [][2]int    `json:"pairs"`
	PhiSeedsDelta [][]float64 `json:"phi_seeds_delta"`
	PhiSeedsA     [][]float64 `json:"phi_seeds_a"`
	SeedMeanDelta runs.Series `json:"seed_mean_delta"`
	SeedMeanA     runs.Series `json:"seed_mean_a"`
	// SeedMeanNull: the same mean for two data-shaped random matrices (the
	// first seed of the pair's inputs); SeedKappa = (φ − φ₀)/(1 − φ₀).
	SeedMeanNull runs.Series `json:"seed_mean_null"`
	SeedKappa    runs.Series `json:"seed_kappa"`
	// FullMean, per seed: mean φ(i, j), i, j ≤ SmallRank, between LoRA's
	// ΔW at LargeRank and full fine-tuning's ΔW = W_FT − W₀ (same backbone).
	FullMean runs.Series `json:"full_mean"`
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
// Every seed has its own W₀, so every value is per seed. DataRandom takes
// V from a data-shaped random matrix (its top-r right singular vectors lie
// near the inputs' principal directions) and U uniformly random: the null
// that knows which input directions any update of this layer sees.
// FullBased and FullFactor use full fine-tuning's ΔW instead of LoRA's.
type Amplification struct {
	Rank       int         `json:"rank"`
	DeltaBased runs.Series `json:"delta_based"`
	WBased     runs.Series `json:"w_based"`
	Random     runs.Series `json:"random"`
	DataRandom runs.Series `json:"data_random"`
	FullBased  runs.Series `json:"full_based"`
	FullFactor runs.Series `json:"full_factor"`
	DeltaNorm  runs.Series `json:"delta_norm"`
	WNorm      runs.Series `json:"w_norm"`
	Factor     runs.Series `json:"factor"`
	// The same three projections of the learned part of W₀ only, P = W₀ −
	// W_init (what pretraining added to the random initialisation; our
	// construction, not in the paper): ΔW-based per seed, P-based, random.
	LearnedDeltaBased runs.Series `json:"learned_delta_based"`
	LearnedPBased     runs.Series `json:"learned_p_based"`
	LearnedRandom     runs.Series `json:"learned_random"`
	LearnedNorm       runs.Series `json:"learned_norm"` // ‖P‖_F
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
	// The layer's inputs on the adaptation set, per seed (W₂'s depend on the backbone).
	rng := rand.New(rand.NewPCG(stream(cfg.Seed, streamBaseline), uint64(layer)))
	inputs := make([]*linalg.Matrix, R)
	nullV := func(run, r int) (*linalg.Matrix, error) {
		svd, err := linalg.SVD(dataShaped(inputs[run], la.D, rng))
		if err != nil {
			return nil, err
		}
		return svd.V.FirstCols(r), nil
	}
	for run := range R {
		inputs[run] = e.layerInputs(layer, run)
		pc, err := linalg.SVD(inputs[run])
		if err != nil {
			return la, err
		}
		phi, err := linalg.SubspaceSimilarity(vsD[run], pc.V, 1, 1)
		if err != nil {
			return la, err
		}
		la.Phi11PC = append(la.Phi11PC, phi)
		var null float64
		for range cfg.BaselineDraws {
			v1, err := nullV(run, 1)
			if err != nil {
				return la, err
			}
			v2, err := nullV(run, 1)
			if err != nil {
				return la, err
			}
			p, err := linalg.SubspaceSimilarity(v1, v2, 1, 1)
			if err != nil {
				return la, err
			}
			null += p / float64(cfg.BaselineDraws)
		}
		la.Phi11Null = append(la.Phi11Null, null)
		// κ = (φ − φ₀)/(1 − φ₀).
		la.Kappa11 = append(la.Kappa11, kappa(la.Phi11Delta[run], null))
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
			var null float64
			for range cfg.BaselineDraws {
				v1, err := nullV(a, ns)
				if err != nil {
					return la, err
				}
				v2, err := nullV(b, ns)
				if err != nil {
					return la, err
				}
				g, err := linalg.SimilarityGrid(v1, v2, ns, ns)
				if err != nil {
					return la, err
				}
				null += gridMean(g, ns) / float64(cfg.BaselineDraws)
			}
			la.SeedMeanNull = append(la.SeedMeanNull, null)
			la.SeedKappa = append(la.SeedKappa, kappa(gridMean(gd, ns), null))
		}
	}
	// Full fine-tuning's ΔW per seed, and its similarity with LoRA's.
	fullSVD := make([]*linalg.Decomposition, R)
	for run := range R {
		d := linalg.Sub(e.weight(e.full, layer, run), e.weight(e.pretrained, layer, run))
		svd, err := linalg.SVD(d)
		if err != nil {
			return la, err
		}
		fullSVD[run] = svd
		g, err := linalg.SimilarityGrid(vlD[run], svd.V, ns, ns)
		if err != nil {
			return la, err
		}
		la.FullMean = append(la.FullMean, gridMean(g, ns))
	}
	// Isotropic Gaussian baseline: two independent d×k Gaussian matrices.
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

	// Amplification at AmpRank and LargeRank, per seed (each seed has its own W₀).
	for _, r := range []int{cfg.AmpRank, cfg.LargeRank} {
		l := e.adapted[r].layers[layer]
		amp := Amplification{Rank: r}
		for run := range l.Runs {
			w0, err := l.Weight(run) // the frozen pretrained W₀ (d×k) of this seed
			if err != nil {
				return la, err
			}
			w0svd, err := linalg.SVD(w0)
			if err != nil {
				return la, err
			}
			learned := linalg.Sub(w0, e.weight(e.initial, layer, run)) // P = W₀ − W_init
			psvd, err := linalg.SVD(learned)
			if err != nil {
				return la, err
			}
			amp.WNorm = append(amp.WNorm, w0.Frobenius())
			amp.LearnedNorm = append(amp.LearnedNorm, learned.Frobenius())
			// W-based: W₀'s own top-r singular vectors give √(σ₁² + … + σ_r²), the largest possible value.
			amp.WBased = append(amp.WBased, linalg.ProjectedNorm(w0svd.U.FirstCols(r), w0, w0svd.V.FirstCols(r)))
			amp.LearnedPBased = append(amp.LearnedPBased, linalg.ProjectedNorm(psvd.U.FirstCols(r), learned, psvd.V.FirstCols(r)))
			var rnd, drnd, lrnd float64
			for range cfg.BaselineDraws {
				u, v := linalg.RandomOrthonormal(la.D, r, rng), linalg.RandomOrthonormal(la.K, r, rng)
				rnd += linalg.ProjectedNorm(u, w0, v) / float64(cfg.BaselineDraws)
				lrnd += linalg.ProjectedNorm(u, learned, v) / float64(cfg.BaselineDraws)
				dv, err := nullV(run, r)
				if err != nil {
					return la, err
				}
				drnd += linalg.ProjectedNorm(u, w0, dv) / float64(cfg.BaselineDraws)
			}
			amp.Random, amp.DataRandom, amp.LearnedRandom = append(amp.Random, rnd), append(amp.DataRandom, drnd), append(amp.LearnedRandom, lrnd)
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
			// The same with full fine-tuning's ΔW (its top-r directions).
			fs := fullSVD[run]
			fb := linalg.ProjectedNorm(fs.U.FirstCols(r), w0, fs.V.FirstCols(r))
			amp.FullBased = append(amp.FullBased, fb)
			var fn float64
			for _, x := range fs.S {
				fn += x * x
			}
			amp.FullFactor = append(amp.FullFactor, math.Sqrt(fn)/fb)
		}
		la.Amp = append(la.Amp, amp)
	}
	return la, nil
}

// kappa is (φ − φ₀)/(1 − φ₀): 0 at the null, 1 at identical subspaces.
func kappa(phi, null float64) float64 { return (phi - null) / (1 - null) }

// nullSamples is the number of inputs combined into each data-shaped null matrix.
const nullSamples = 256

// dataShaped is a d×k random matrix whose rows are Gaussian combinations of
// nullSamples random rows of x (n×k), scaled by 1/√nullSamples: its rows
// follow the inputs' (uncentred) second moment.
func dataShaped(x *linalg.Matrix, d int, rng *rand.Rand) *linalg.Matrix {
	g := linalg.Gaussian(d, nullSamples, rng) // d×n, N(0, 1)
	rows := linalg.New(nullSamples, x.Cols)   // n×k, random rows of x scaled by 1/√n
	for i := range nullSamples {
		row := rng.IntN(x.Rows)
		for j := range x.Cols {
			rows.Set(i, j, x.At(row, j)/math.Sqrt(nullSamples))
		}
	}
	return linalg.Mul(g, rows)
}

// layerInputs is the input of an adapted layer on the adaptation training
// images (n×k), centred (each column minus its mean, so that its right
// singular vectors are the principal directions): the standardised pixels
// for W₁, the first hidden layer relu(W₁x + b₁) of the run's backbone for
// W₂. Centred, because ΔW's gradient Σᵢ δᵢxᵢᵀ = Σᵢ δᵢ(xᵢ − x̄)ᵀ + (Σᵢ δᵢ)x̄ᵀ
// sees the mean x̄ only through Σᵢ δᵢ, which the softmax over balanced
// classes keeps small: an uncentred null would be dominated by the mean
// image, a direction ΔW does not take.
func (e *experiment) layerInputs(layer, run int) *linalg.Matrix {
	n, k := e.ds.adapt.n, e.ds.d
	x := linalg.New(n, k)
	for i := range n {
		for j := range k {
			x.Set(i, j, float64(e.ds.adapt.x[i*k+j]))
		}
	}
	if layer == 0 {
		return centred(x)
	}
	w := e.weight(e.pretrained, 0, run) // h×k
	b := tensors.MustCopyFlatData[float32](e.pretrained[1])
	h := w.Rows
	out := linalg.New(n, h)
	for i := range n {
		for o := range h {
			s := float64(b[run*h+o])
			for j := range k {
				s += w.At(o, j) * x.At(i, j)
			}
			out.Set(i, o, math.Max(0, s))
		}
	}
	return centred(out)
}

// centred subtracts each column's mean.
func centred(x *linalg.Matrix) *linalg.Matrix {
	for j := range x.Cols {
		var m float64
		for i := range x.Rows {
			m += x.At(i, j)
		}
		m /= float64(x.Rows)
		for i := range x.Rows {
			x.Set(i, j, x.At(i, j)-m)
		}
	}
	return x
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
