package eos

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/hessian"
	"theorylab/pkg/tensorconv"
	"theorylab/pkg/train"
)

// mnistDenseCheck compares the study's Lanczos sharpness with the extreme
// eigenvalues of the explicit Hessian at one step.
type mnistDenseCheck struct {
	Step                     int
	Eta                      float64
	Lanczos, Dense, DenseMin float64
}

// mnistDenseChecks trains the study's edge and control runs of cfg (first
// multiple only, one seed) for cfg.Steps steps and compares, at step 0 and
// at the end, the Lanczos sharpness that RunMNIST records (cfg.LanczosIters
// iterations, a fresh start) with the dense eigendecomposition of the
// Hessian built column by column from Hessian-vector products.
func mnistDenseChecks(cfg MNISTConfig) ([]mnistDenseCheck, error) {
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	_, model, loss, err := mnistProblem(cfg)
	if err != nil {
		return nil, err
	}
	multiples := []float64{cfg.Multiples[0], cfg.ControlMultiple}
	params, err := model.InitParams([]uint64{0, 0}, dtypes.Float32)
	if err != nil {
		return nil, err
	}
	hvp, err := hessian.NewHVP(be, loss)
	if err != nil {
		return nil, err
	}
	defer hvp.Finalize()
	dim := model.NumParams()
	var out []mnistDenseCheck
	var etas []float64
	check := func(step int, params []*tensors.Tensor) error {
		op, err := hvp.Operator(params)
		if err != nil {
			return err
		}
		top, err := hessian.LanczosBatch(op, len(multiples), dim, cfg.LanczosIters, uint64(7919*0+step))
		if err != nil {
			return err
		}
		if etas == nil { // 2/η = m·S₀, as in RunMNIST
			for r, m := range multiples {
				etas = append(etas, 2/(m*top[r].Values[0]))
			}
		}
		cols := make([][][]float64, len(multiples)) // [run][i] = H·eᵢ
		basis := make([][]float64, len(multiples))
		for i := range dim {
			for r := range basis {
				basis[r] = make([]float64, dim)
				basis[r][i] = 1
			}
			hs, err := op(basis)
			if err != nil {
				return err
			}
			for r := range hs {
				cols[r] = append(cols[r], hs[r])
			}
		}
		for r := range multiples {
			h := make([]float64, dim*dim) // (H + Hᵀ)/2, row-major
			for i := range dim {
				for j := range dim {
					h[i*dim+j] = (cols[r][j][i] + cols[r][i][j]) / 2
				}
			}
			values, _, err := hessian.SymEig(h, dim)
			if err != nil {
				return err
			}
			out = append(out, mnistDenseCheck{Step: step, Eta: etas[r], Lanczos: top[r].Values[0],
				Dense: values[0], DenseMin: values[dim-1]})
		}
		return nil
	}
	if err := check(0, params); err != nil {
		return nil, err
	}
	gd, err := train.NewGD(be, loss, 1)
	if err != nil {
		return nil, err
	}
	defer gd.Finalize()
	eta := tensors.FromFlatDataAndDimensions(tensorconv.Slice[float32](etas), len(etas))
	for range cfg.Steps {
		if params, _, err = gd.Steps(params, eta); err != nil {
			return nil, err
		}
	}
	return out, check(cfg.Steps, params)
}
