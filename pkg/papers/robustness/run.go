package robustness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"

	"theorylab/models/twolayer"
	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
)

// Group names of the base experiment.
const (
	GroupPlain         = "plain"           // plain Adam, random labels
	GroupPlainNull     = "plain-null"      // plain Adam, teacher labels (the null of LR-3)
	GroupSmooth        = "smooth"          // smooth-fit variant, random labels
	GroupSmoothNull    = "smooth-null"     // smooth-fit variant, teacher labels (the null of LR-3s)
	GroupBiasFree      = "bias-free"       // plain Adam, bias-free, the spec's init
	GroupBiasFreeSmall = "bias-free-small" // plain Adam, bias-free, started below Theorem 5's bound (LR-2)
	GroupPlainBN       = "plain-bn"        // plain Adam, batch normalisation (the paper's networks; full preset)
	GroupPlainBNNull   = "plain-bn-null"   // the same on teacher labels
	GroupExperiment1   = "experiment1"
	GroupExp2Red       = "experiment2-red"  // k = 10n/d, "optimal size"
	GroupExp2Blue      = "experiment2-blue" // k = n, "optimal smoothness"
)

// LRChoice records how one method's learning rate was chosen on the
// validation draw: for every value of the grid, how many of its fits
// memorized and the mean log proxy (i) over those; the chosen value has the
// most memorizing fits and, among those, the smoothest fits (the lowest mean
// log proxy) — the same rule for both methods.
type LRChoice struct {
	Method       string      `json:"method"`
	LRs          []float64   `json:"lrs"`
	Fits         int         `json:"fits"` // validation fits per learning rate
	Memorized    []int       `json:"memorized"`
	MeanLogProxy runs.Series `json:"mean_log_proxy"`
	Chosen       float64     `json:"chosen"`
}

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config       Config             `json:"config"`
	Backend      string             `json:"backend"`
	Selection    []LRChoice         `json:"selection"`
	Validation   []Fit              `json:"validation"` // the fits of the validation draw
	Fits         []Fit              `json:"fits"`       // the base experiment, Seeds draws
	Linear       LinearResult       `json:"linear"`
	Construction ConstructionResult `json:"construction"`
	Experiment1  []Fit              `json:"experiment1,omitempty"`
	Experiment2  []Fit              `json:"experiment2,omitempty"`
	// DataNorm2 is the mean ‖x‖² of each base draw (1 in expectation), and
	// GeneratorNorm2 the same over DataPoints fresh points of the generator.
	DataNorm2      []float64 `json:"data_norm2"`
	GeneratorNorm2 float64   `json:"generator_norm2"`
	// PhaseSeconds is the wall time of each phase.
	PhaseSeconds map[string]float64 `json:"phase_seconds"`
	Seconds      float64            `json:"seconds"`
}

// Run runs every phase of cfg: the checks without training, the learning-rate
// choice on the validation draw, the base experiment and, in the full preset,
// Experiments 1 and 2. A run whose loss becomes NaN or infinite makes Run fail
// with an error naming it.
func Run(cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	res := &Results{Config: cfg, Backend: backend.Name(), PhaseSeconds: map[string]float64{}}
	phase := func(name string, t0 time.Time) { res.PhaseSeconds[name] = time.Since(t0).Seconds() }

	t0 := time.Now()
	if res.Linear, err = RunLinear(cfg.Linear, cfg.Seed); err != nil {
		return nil, err
	}
	if res.Construction, err = RunConstruction(cfg.Construction, cfg.Seed); err != nil {
		return nil, err
	}
	res.GeneratorNorm2 = meanSquaredNorm(data.GaussianPoints(DataPoints, cfg.D, rand.New(rand.NewPCG(uint64(cfg.Seed), streamMoments))), DataPoints)
	phase("checks", t0)

	m := newMeasurer(be, cfg)
	defer m.finalize()
	opts := cfg.trainOpts(cfg.Epsilon)

	// 1. The learning rate of each method, chosen on the validation draw.
	t0 = time.Now()
	val := problem{N: cfg.N, D: cfg.D, Runs: []draw{drawData(ValidationSeed(cfg.Seed), cfg.N, cfg.D)}}
	var vgroups []Group
	for _, lr := range cfg.LRGrid {
		for _, method := range []string{MethodPlain, MethodSmooth} {
			vgroups = append(vgroups, Group{Name: fmt.Sprintf("%s@%g", method, lr), Method: method, Labels: LabelsRandom,
				Bias: true, InitScale: 1, Widths: cfg.validationWidths(), LR: lr})
		}
	}
	if res.Validation, err = trainAndMeasure(be, m, val, vgroups, opts, true, "validation: learning-rate grid"); err != nil {
		return nil, err
	}
	lr := map[string]float64{}
	for _, method := range []string{MethodPlain, MethodSmooth} {
		choice := chooseLR(method, cfg.LRGrid, res.Validation)
		res.Selection = append(res.Selection, choice)
		lr[method] = choice.Chosen
	}
	phase("validation", t0)

	// 2. The base experiment on Seeds independent draws.
	t0 = time.Now()
	base := problem{N: cfg.N, D: cfg.D}
	for s := range cfg.Seeds {
		base.Runs = append(base.Runs, drawData(DrawSeed(cfg.Seed, s), cfg.N, cfg.D))
		res.DataNorm2 = append(res.DataNorm2, meanSquaredNorm(base.Runs[s].X, cfg.N))
	}
	groups := []Group{
		{Name: GroupPlain, Method: MethodPlain, Labels: LabelsRandom, Bias: true, InitScale: 1, Widths: cfg.Widths, LR: lr[MethodPlain]},
		{Name: GroupPlainNull, Method: MethodPlain, Labels: LabelsTeacher, Bias: true, InitScale: 1, Widths: cfg.Widths, LR: lr[MethodPlain]},
		{Name: GroupSmooth, Method: MethodSmooth, Labels: LabelsRandom, Bias: true, InitScale: 1, Widths: cfg.Widths, LR: lr[MethodSmooth]},
		{Name: GroupSmoothNull, Method: MethodSmooth, Labels: LabelsTeacher, Bias: true, InitScale: 1, Widths: cfg.Widths, LR: lr[MethodSmooth]},
		{Name: GroupBiasFree, Method: MethodPlain, Labels: LabelsRandom, Bias: false, InitScale: 1, Widths: cfg.BiasFreeWidths, LR: lr[MethodPlain]},
		{Name: GroupBiasFreeSmall, Method: MethodPlain, Labels: LabelsRandom, Bias: false, InitScale: cfg.SmallInit, Widths: cfg.BiasFreeWidths, LR: lr[MethodPlain]},
	}
	if cfg.BatchNorm {
		// The linear layer has no bias of its own: BN's shift β takes its place.
		groups = append(groups,
			Group{Name: GroupPlainBN, Method: MethodPlain, Labels: LabelsRandom, InitScale: 1, BatchNorm: true, Widths: cfg.Widths, LR: lr[MethodPlain]},
			Group{Name: GroupPlainBNNull, Method: MethodPlain, Labels: LabelsTeacher, InitScale: 1, BatchNorm: true, Widths: cfg.Widths, LR: lr[MethodPlain]})
	}
	if res.Fits, err = trainAndMeasure(be, m, base, groups, opts, false, fmt.Sprintf("base experiment: %d draws", cfg.Seeds)); err != nil {
		return nil, err
	}
	phase("base", t0)

	// 3. Full preset: the analogues of Experiments 1 and 2 (plain Adam, one graph per width).
	if e := cfg.Experiment1; e != nil {
		t0 = time.Now()
		o := cfg.trainOpts(e.Epsilon)
		for _, n := range e.Ns {
			for _, d := range e.Ds {
				p := problem{N: n, D: d}
				for s := range e.Seeds {
					p.Runs = append(p.Runs, drawData(DrawSeed(cfg.Seed, s), n, d))
				}
				for _, k := range e.Widths(n, d) {
					g := []Group{{Name: GroupExperiment1, Method: MethodPlain, Labels: LabelsRandom, Bias: true, InitScale: 1, Widths: []int{k}, LR: lr[MethodPlain]}}
					fits, err := trainAndMeasure(be, m, p, g, o, false, fmt.Sprintf("experiment 1: n=%d d=%d k=%d", n, d, k))
					if err != nil {
						return nil, err
					}
					res.Experiment1 = append(res.Experiment1, fits...)
				}
			}
		}
		phase("experiment1", t0)
	}
	if e := cfg.Experiment2; e != nil {
		t0 = time.Now()
		o := cfg.trainOpts(e.Epsilon)
		for _, d := range e.Ds {
			p := problem{N: e.N, D: d}
			for s := range e.Seeds {
				p.Runs = append(p.Runs, drawData(DrawSeed(cfg.Seed, s), e.N, d))
			}
			for _, g := range []Group{
				{Name: GroupExp2Red, Method: MethodPlain, Labels: LabelsRandom, Bias: true, InitScale: 1, Widths: []int{e.RedWidth(d)}, LR: lr[MethodPlain]},
				{Name: GroupExp2Blue, Method: MethodPlain, Labels: LabelsRandom, Bias: true, InitScale: 1, Widths: []int{e.N}, LR: lr[MethodPlain]},
			} {
				fits, err := trainAndMeasure(be, m, p, []Group{g}, o, false, fmt.Sprintf("experiment 2: d=%d %s k=%d", d, g.Name, g.Widths[0]))
				if err != nil {
					return nil, err
				}
				res.Experiment2 = append(res.Experiment2, fits...)
			}
		}
		phase("experiment2", t0)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

func (c Config) trainOpts(eps float64) trainOpts {
	dt := dtypes.Float32
	if c.Float64 {
		dt = dtypes.Float64
	}
	return trainOpts{Steps: c.Steps, MinLRFactor: c.MinLRFactor, Epsilon: eps, Lambda: c.Lambda, PenaltyPoints: c.PenaltyPoints, DType: dt}
}

// trainAndMeasure trains the groups on p (every network from the spec's
// initialisation of its run, width and bias, times the group's scale) and
// measures every network.
func trainAndMeasure(be compute.Backend, m *measurer, p problem, groups []Group, opts trainOpts, validation bool, name string) ([]Fit, error) {
	bar := progress.New(name, opts.Steps)
	start := time.Now()
	out, err := trainGroups(be, p, groups, opts, func(g Group, k, r int) twolayer.Net {
		return twolayer.Config{D: p.D, K: k, Bias: g.Bias}.Init(initSeed(p.Runs[r].Seed, k, g.Bias), g.InitScale)
	}, bar)
	if err != nil {
		bar.Done("failed: " + err.Error())
		return nil, err
	}
	fits, err := m.measureGroups(p, groups, out, validation)
	if err != nil {
		bar.Done("failed: " + err.Error())
		return nil, err
	}
	mem := 0
	for _, f := range fits {
		if f.Memorized {
			mem++
		}
	}
	bar.Done(fmt.Sprintf("%d of %d fits memorized, %.1fs on %s", mem, len(fits), time.Since(start).Seconds(), backend.Name()))
	return fits, nil
}

// chooseLR applies the selection rule to the validation fits of one method.
func chooseLR(method string, grid []float64, val []Fit) LRChoice {
	c := LRChoice{Method: method, LRs: grid, Chosen: math.NaN()}
	bestMem, bestLog := -1, math.Inf(1)
	for _, lr := range grid {
		mem, fits, sum := 0, 0, 0.0
		for _, f := range val {
			if f.Method != method || f.LR != lr {
				continue
			}
			fits++
			if f.Memorized {
				mem++
				sum += math.Log(float64(f.Fit.Proxy))
			}
		}
		c.Fits = fits
		meanLog := math.NaN()
		if mem > 0 {
			meanLog = sum / float64(mem)
		}
		c.Memorized = append(c.Memorized, mem)
		c.MeanLogProxy = append(c.MeanLogProxy, meanLog)
		if mem > bestMem || mem == bestMem && mem > 0 && meanLog < bestLog {
			bestMem, bestLog, c.Chosen = mem, meanLog, lr
		}
	}
	return c
}
