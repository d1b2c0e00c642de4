package multiview

import (
	"math"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/tensorconv"
	"theorylab/pkg/viewdata"
)

// rfFeatures is the fixed random-feature map of one model (our construction
// of the paper's random-feature contrast):
//
//	φ_f(X) = (1/√F) Σ_p ReLU(⟨u_f, x_p⟩),  u_f uniform on the unit sphere,
//
// shared by all classes; the model is F_j(X) = Σ_f a_{j,f} φ_f(X) with only
// a trained (from a = 0). The result is [n, F].
func rfFeatures(u []float64, F int, set *viewdata.Set) []float64 {
	d, P := set.D, set.P
	phi := make([]float64, set.N*F)
	scale := 1 / math.Sqrt(float64(F))
	for i := range set.N {
		for p := range P {
			x := set.X[(i*P+p)*d : (i*P+p+1)*d]
			for f := range F {
				dot := 0.0
				for j, v := range x {
					dot += u[f*d+j] * v
				}
				if dot > 0 {
					phi[i*F+f] += scale * dot
				}
			}
		}
	}
	return phi
}

// rfBank is a bank of random-feature models, run r using the features of seeds[r].
func rfBank(cfg Config, ds sets, seeds []uint64, cache map[uint64][3][]float64) bank {
	F, k := cfg.Features, cfg.Data.K
	feats := func(set int) []float64 {
		var all []float64
		for _, s := range seeds {
			fs, ok := cache[s]
			if !ok {
				u := unitRows(F, cfg.Data.D, s)
				for i := range 3 {
					fs[i] = rfFeatures(u, F, ds[i])
				}
				cache[s] = fs
			}
			all = append(all, fs[set]...)
		}
		return all
	}
	R := len(seeds)
	trainPhi := tensors.FromFlatDataAndDimensions(feats(0), R, ds[0].N, F)
	return bank{k: k,
		// F_j(X) = Σ_f a_{j,f} φ_f(X): A [R, k, F], Φ [R, n, F] → [R, n, k]
		logits: func(a *Node) *Node { return Einsum("rnf,rkf->rnk", Const(a.Graph(), trainPhi), a) },
		eval: func(a *tensors.Tensor, set int) ([]float64, error) {
			af, err := tensorconv.Floats(a)
			if err != nil {
				return nil, err
			}
			phi := feats(set)
			n := ds[set].N
			out := make([]float64, R*n*k)
			for r := range R {
				for i := range n {
					row := phi[(r*n+i)*F : (r*n+i+1)*F]
					for j := range k {
						w := af[(r*k+j)*F : (r*k+j+1)*F]
						s := 0.0
						for f, v := range row {
							s += w[f] * v
						}
						out[(r*n+i)*k+j] = s
					}
				}
			}
			return out, nil
		}}
}

// runRF trains the random-feature contrast: singles, their ensemble, KD
// students of the ensemble and the jointly trained average, with the same
// lr grid, budget and stopping rule as the patch networks.
func runRF(be compute.Backend, cfg Config, ds sets, onehot *tensors.Tensor, off int, rep *Replicate) error {
	k, F := cfg.Data.K, cfg.Features
	cache := map[uint64][3][]float64{}
	zeros := func(R int) *tensors.Tensor {
		return tensors.FromFlatDataAndDimensions(make([]float64, R*k*F), R, k, F)
	}
	var singleSeeds []int
	for i := range cfg.Singles {
		singleSeeds = append(singleSeeds, seedRF+i+off)
	}
	seeds, etas := grid(singleSeeds, cfg.LRs)
	b := rfBank(cfg, ds, seeds, cache)
	fr, err := fit(be, "random-feature singles", b, objective{}, onehot, ds[0].Y, zeros(len(seeds)), etas, cfg.Cap, nil)
	if err != nil {
		return err
	}
	val, test, err := evalSets(b, fr.W)
	if err != nil {
		return err
	}
	L := cfg.Singles
	li := choose(rep, "random-feature single", cfg.LRs, val, L, 0, L, ds[1])
	runs := make([]int, L)
	for i := range L {
		r := li*L + i
		runs[i] = r
		rep.RFSingles = append(rep.RFSingles, measure(test, r, k, ds[2], int(seeds[r]), etas[r], fr.Steps[r], fr.Fit[r]))
	}
	rep.RFEnsemble = measure(meanLogits(test, runs, ds[2].N, k), 0, k, ds[2], -1, cfg.LRs[li], 0, true)

	// KD into random-feature students (their own features)
	trainLogits, err := b.eval(fr.W, 0)
	if err != nil {
		return err
	}
	ens := meanLogits(trainLogits, runs, ds[0].N, k)
	var studSeeds []int
	for i := range cfg.KD {
		studSeeds = append(studSeeds, seedRFKD+i+off)
	}
	sSeeds, sEtas := grid(studSeeds, cfg.LRs)
	var teacher, mix []float64
	for range sSeeds {
		teacher = append(teacher, ens...)
		mix = append(mix, cfg.KDMix)
	}
	sb := rfBank(cfg, ds, sSeeds, cache)
	sf, err := fit(be, "random-feature KD students", sb, objective{Teacher: teacher, Mix: mix, Tau: cfg.Tau}, onehot, ds[0].Y, zeros(len(sSeeds)), sEtas, cfg.Cap, nil)
	if err != nil {
		return err
	}
	sval, stest, err := evalSets(sb, sf.W)
	if err != nil {
		return err
	}
	lk := choose(rep, "random-feature KD student", cfg.LRs, sval, cfg.KD, 0, cfg.KD, ds[1])
	for i := range cfg.KD {
		r := lk*cfg.KD + i
		rep.RFKD = append(rep.RFKD, measure(stest, r, k, ds[2], int(sSeeds[r]), sEtas[r], sf.Steps[r], sf.Fit[r]))
	}

	// train the average of the singles' feature maps jointly
	af, err := fit(be, "random features, trained as an average", b, objective{Group: L}, onehot, ds[0].Y, zeros(len(seeds)), etas, cfg.Cap, nil)
	if err != nil {
		return err
	}
	aval, atest, err := evalSets(b, af.W)
	if err != nil {
		return err
	}
	rep.RFAverage = groupModel(rep, "random-feature train the average", cfg, aval, atest, af, ds, k)
	return nil
}
