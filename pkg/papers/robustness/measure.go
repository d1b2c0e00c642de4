package robustness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/twolayer"
	"theorylab/pkg/data"
	"theorylab/pkg/lipschitz"
	"theorylab/pkg/runs"
)

// Estimates are the three Lipschitz estimates of one network and the norms
// that Theorem 5 is about.
type Estimates struct {
	// Proxy is estimate (i), the paper's "maximum random gradient":
	// maxᵢ ‖∇ₓf(zᵢ)‖ over T fresh zᵢ ~ N(0, I_d/d). A lower bound on Lip(f).
	Proxy runs.Float `json:"proxy"`
	// Climb is estimate (ii), the hill climb from the best probe points (our
	// construction); NaN where it was not run (networks at initialisation).
	Climb runs.Float `json:"climb"`
	// Upper is estimate (iii), ‖a‖₂·‖W‖_op ≥ Lip(f) (Theorem 5, inequality (5), L = 1 for ReLU).
	Upper    runs.Float `json:"upper"`
	ANorm    float64    `json:"a_norm"`    // ‖a‖₂
	OpNorm   float64    `json:"op_norm"`   // ‖W‖_op by power iteration
	PathNorm float64    `json:"path_norm"` // Σ_ℓ |a_ℓ|·‖w_ℓ‖
}

// Fit is one trained network with its measurements.
type Fit struct {
	Group      string  `json:"group"`
	Method     string  `json:"method"`
	Labels     string  `json:"labels"`
	Bias       bool    `json:"bias"`
	InitScale  float64 `json:"init_scale"`
	N          int     `json:"n"`
	D          int     `json:"d"`
	K          int     `json:"k"`
	Seed       int     `json:"seed"`
	Validation bool    `json:"validation,omitempty"` // trained on the validation draw
	LR         float64 `json:"lr"`
	// Steps is the step at which a plain fit first memorized (or the last
	// step, when it never did); for the smooth fits, always the last step.
	Steps     int        `json:"steps"`
	Memorized bool       `json:"memorized"`
	MSE       runs.Float `json:"mse"`   // mean squared training error of the fit
	Wrong     int        `json:"wrong"` // training signs it gets wrong (random labels)
	Fit       Estimates  `json:"fit"`   // of the trained network
	Init      Estimates  `json:"init"`  // of the same network at initialisation
}

// SqrtNK is √(n/k), the law's scale for this fit.
func (f Fit) SqrtNK() float64 { return math.Sqrt(float64(f.N) / float64(f.K)) }

// R is Theorem 5's ratio ‖a‖₂‖W‖_op/√(n/k) after training (L = 1).
func (f Fit) R() float64 { return float64(f.Fit.Upper) / f.SqrtNK() }

// RInit is the same ratio for the network at initialisation.
func (f Fit) RInit() float64 { return float64(f.Init.Upper) / f.SqrtNK() }

// measurer computes the estimates; it keeps one compiled proxy graph per network shape.
type measurer struct {
	be    compute.Backend
	cfg   Config
	execs map[twolayer.Config]*Exec
}

func newMeasurer(be compute.Backend, cfg Config) *measurer {
	return &measurer{be: be, cfg: cfg, execs: map[twolayer.Config]*Exec{}}
}

func (m *measurer) finalize() {
	for _, e := range m.execs {
		e.Finalize()
	}
}

// probePoints are the T fresh points of estimate (i) for a run: drawn from
// their own stream, independent of the data, the initialisation and the
// training.
func probePoints(seed uint64, t, d int) []float64 {
	return data.GaussianPoints(t, d, rand.New(rand.NewPCG(seed, streamProbe)))
}

// gradNorms returns ‖∇ₓf(z)‖ by GoMLX's autodiff for every network (one per
// run, all of one shape) at its run's probe points: norms[r][i].
func (m *measurer) gradNorms(nets []twolayer.Net, z [][]float64) ([][]float64, error) {
	c := nets[0].Config()
	e, ok := m.execs[c]
	if !ok {
		var err error
		e, err = NewExec(m.be, func(in []*Node) *Node {
			p := twolayer.Params{W: in[1], A: in[2]}
			if c.Bias {
				p.B = in[3]
			}
			return lipschitz.GradNorms(func(z *Node) *Node { return c.Forward(p, z) }, in[0]) // [R, T]
		})
		if err != nil {
			return nil, err
		}
		m.execs[c] = e
	}
	w, b, a, err := twolayer.ToTensors(nets, dtypes.Float64)
	if err != nil {
		return nil, err
	}
	t := len(z[0]) / c.D
	var flat []float64
	for _, zr := range z {
		flat = append(flat, zr...)
	}
	args := []any{tensors.FromFlatDataAndDimensions(flat, len(nets), t, c.D), w, a}
	if b != nil {
		args = append(args, b)
	}
	out, err := e.Call1(args...)
	if err != nil {
		return nil, err
	}
	norms, err := tensors.CopyFlatData[float64](out)
	if err != nil {
		return nil, err
	}
	res := make([][]float64, len(nets))
	for r := range res {
		res[r] = norms[r*t : (r+1)*t]
	}
	return res, nil
}

// estimate measures networks of one shape, one per run: z[r] are run r's
// probe points and climbSeeds[r] seeds its hill climb (climb false: not run).
func (m *measurer) estimate(nets []twolayer.Net, z [][]float64, climb bool, climbSeeds []uint64) ([]Estimates, error) {
	norms, err := m.gradNorms(nets, z)
	if err != nil {
		return nil, err
	}
	out := make([]Estimates, len(nets))
	for r := range nets {
		net := &nets[r]
		est := Estimates{Climb: runs.Float(math.NaN())}
		proxy, _ := lipschitz.Largest(norms[r])
		est.Proxy = runs.Float(proxy)
		if climb {
			starts := bestPoints(norms[r], z[r], net.D, m.cfg.ClimbStarts)
			buf := make([]float64, net.D)
			res, err := lipschitz.HillClimb(func(x []float64) float64 { return net.GradNorm(x, buf) }, starts,
				lipschitz.Climb{Steps: m.cfg.ClimbSteps, Radius: m.cfg.ClimbRadius, StepStart: m.cfg.ClimbStepStart, StepEnd: m.cfg.ClimbStepEnd},
				rand.New(rand.NewPCG(climbSeeds[r], streamClimb)))
			if err != nil {
				return nil, err
			}
			est.Climb = runs.Float(res.Value)
		}
		if est.OpNorm, _, err = lipschitz.SpectralNorm(net.W, net.K, net.D, 1e-13, 100000); err != nil {
			return nil, err
		}
		for l := range net.K {
			est.ANorm += net.A[l] * net.A[l]
			wl := 0.0
			for _, v := range net.W[l*net.D : (l+1)*net.D] {
				wl += v * v
			}
			// Σ_ℓ |a_ℓ|·‖w_ℓ‖
			est.PathNorm += math.Abs(net.A[l]) * math.Sqrt(wl)
		}
		est.ANorm = math.Sqrt(est.ANorm)
		// (iii) = L·‖a‖₂·‖W‖_op with L = 1 for the ReLU.
		est.Upper = runs.Float(est.ANorm * est.OpNorm)
		out[r] = est
	}
	return out, nil
}

// bestPoints returns the count points of z (rows of length d) with the largest norms.
func bestPoints(norms, z []float64, d, count int) [][]float64 {
	idx := make([]int, len(norms))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return norms[idx[a]] > norms[idx[b]] })
	out := make([][]float64, 0, count)
	for _, i := range idx[:min(count, len(idx))] {
		out = append(out, z[i*d:(i+1)*d])
	}
	return out
}

// measureGroups turns trained networks out[group][width][run] into Fits,
// with the estimates of every network after training (all three) and at
// initialisation ((i) and (iii)).
func (m *measurer) measureGroups(p problem, groups []Group, out [][][]trained, validation bool) ([]Fit, error) {
	z := make([][]float64, len(p.Runs))
	for r, run := range p.Runs {
		z[r] = probePoints(run.Seed, m.cfg.ProbePoints, p.D)
	}
	var fits []Fit
	for gi, g := range groups {
		for wi, k := range g.Widths {
			ts := out[gi][wi]
			finals, inits := make([]twolayer.Net, len(ts)), make([]twolayer.Net, len(ts))
			seeds := make([]uint64, len(ts))
			for r, t := range ts {
				finals[r], inits[r] = t.Final, t.Init
				seeds[r] = mix64(p.Runs[r].Seed, mix64(uint64(gi), uint64(k)))
			}
			fe, err := m.estimate(finals, z, true, seeds)
			if err != nil {
				return nil, fmt.Errorf("robustness: measuring %s k=%d: %w", g.Name, k, err)
			}
			ie, err := m.estimate(inits, z, false, nil)
			if err != nil {
				return nil, fmt.Errorf("robustness: measuring %s k=%d at initialisation: %w", g.Name, k, err)
			}
			for r, t := range ts {
				fits = append(fits, Fit{Group: g.Name, Method: g.Method, Labels: g.Labels, Bias: g.Bias, InitScale: g.InitScale,
					N: p.N, D: p.D, K: k, Seed: int(p.Runs[r].Seed), Validation: validation, LR: g.LR,
					Steps: t.Step, Memorized: t.Memorized, MSE: runs.Float(t.MSE), Wrong: t.Wrong,
					Fit: fe[r], Init: ie[r]})
			}
		}
	}
	return fits, nil
}
