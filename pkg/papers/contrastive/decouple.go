package contrastive

import (
	"math"
	"math/rand/v2"

	sc "theorylab/pkg/sparsecoding"
)

// CorrRow is one bar group of the decoupling figure: the positive-pair
// correlation of one input part under one augmentation, along every atom
// Mⱼ (or eⱼ for the coordinate model), predicted by the exact formula and
// measured by Monte Carlo.
type CorrRow struct {
	Part      string    `json:"part"` // "sparse", "noise" or "whole"
	Aug       string    `json:"aug"`  // a condition name
	Predicted []float64 `json:"predicted"`
	Measured  []float64 `json:"measured"`
}

// Decoupling is the no-training statistics of one seed.
type Decoupling struct {
	Seed  int       `json:"seed"`
	Kappa []float64 `json:"kappa"` // κⱼ of the dense atoms
	Rows  []CorrRow `json:"rows"`
	// The direction u ⟂ span(M): predicted −pκ_u/(pκ_u + 2σ²) and measured.
	OrthPredicted float64 `json:"orth_predicted"`
	OrthMeasured  float64 `json:"orth_measured"`
}

// decouple measures the positive-pair correlations of the parts of the
// seed's data along every atom under each augmentation (no training).
func decouple(cfg Config, seed int, dense, coord sc.Model) Decoupling {
	rng := rand.New(rand.NewPCG(uint64(seed), streamCorr))
	dr := sc.NewDraw(cfg.CorrN, cfg.D1, cfg.D, cfg.P, rng)
	ad := sc.NewAugDraw(cfg.CorrN, cfg.D1, true, rng)
	out := Decoupling{Seed: seed}
	for j := range cfg.D {
		out.Kappa = append(out.Kappa, dense.Kappa(dense.Atom(j)))
	}
	type setting struct {
		name  string
		model sc.Model
		aug   sc.Aug
	}
	settings := []setting{
		{CondNoAug, dense, sc.Aug{Kind: sc.None}},
		{CondMasking, dense, sc.Aug{Kind: sc.Masking}},
		{CondCoord, coord, sc.Aug{Kind: sc.Masking}},
		{CondGaussian, dense, sc.Aug{Kind: sc.Gaussian, Std: cfg.GaussStd}},
	}
	for _, s := range settings {
		sparse, noise := s.model.Parts(dr)
		whole := make([]float64, len(sparse))
		for i := range whole {
			whole[i] = sparse[i] + noise[i]
		}
		covS, covN := s.model.SparseCov(), s.model.NoiseCov()
		covW := make([]float64, len(covS))
		for i := range covW {
			covW[i] = covS[i] + covN[i]
		}
		for _, part := range []struct {
			name string
			x    []float64
			cov  []float64
		}{{"sparse", sparse, covS}, {"noise", noise, covN}, {"whole", whole, covW}} {
			v1, v2 := s.aug.Views(part.x, ad)
			row := CorrRow{Part: part.name, Aug: s.name}
			for j := range cfg.D {
				u := s.model.Atom(j)
				row.Predicted = append(row.Predicted, s.aug.PairCorrelation(u, part.cov))
				row.Measured = append(row.Measured, sc.EmpiricalCorrelation(u, v1, v2))
			}
			out.Rows = append(out.Rows, row)
		}
		if s.name == CondMasking {
			// a unit direction u ⟂ span(M): a Gaussian vector minus its projection
			u := make([]float64, cfg.D1)
			for i := range u {
				u[i] = rng.NormFloat64()
			}
			for j := range cfg.D {
				a := s.model.Atom(j)
				var c float64
				for i := range u {
					c += u[i] * a[i]
				}
				for i := range u {
					u[i] -= c * a[i]
				}
			}
			var nu float64
			for _, v := range u {
				nu += v * v
			}
			for i := range u {
				u[i] /= math.Sqrt(nu)
			}
			v1, v2 := s.aug.Views(whole, ad)
			out.OrthPredicted = s.aug.PairCorrelation(u, covW)
			out.OrthMeasured = sc.EmpiricalCorrelation(u, v1, v2)
		}
	}
	return out
}

// Row returns the row of the part and condition (nil if absent).
func (d Decoupling) Row(part, aug string) *CorrRow {
	for i := range d.Rows {
		if d.Rows[i].Part == part && d.Rows[i].Aug == aug {
			return &d.Rows[i]
		}
	}
	return nil
}
