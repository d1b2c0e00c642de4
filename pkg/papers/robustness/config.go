package robustness

import (
	"math"
	"slices"

	"theorylab/pkg/papers/config"
)

// Config is one law-of-robustness experiment.
//
// The base experiment (both presets) fits n random ±1 labels of points
// x ~ N(0, I_d/d) with two-layer ReLU networks of every width in Widths, on
// Seeds independent draws: plain Adam (the paper's training, without batch
// normalisation), the smooth-fit variant (our construction), both again on the
// teacher labels of the null, and bias-free networks for Theorem 5. The
// learning rate of each method comes from LRGrid, chosen on a separate
// validation draw. The full preset adds the analogues of the paper's
// Experiments 1 and 2.
type Config struct {
	// Preset, Seed and Seeds (config.Common): Seeds is the number of
	// independent draws of the base experiment, and Seed names the run: draw
	// r uses data seed DrawSeed(Seed, r) = 1000·Seed + r, and the validation
	// draw ValidationSeed(Seed) = 1000·Seed + 999, so that runs with
	// different seeds never share a draw.
	config.Common

	// Data: n points in d dimensions.
	N int `json:"n"`
	D int `json:"d"`
	// Widths k of the networks with biases, increasing.
	Widths []int `json:"widths"`
	// BiasFreeWidths are the widths of the bias-free networks (Theorem 5, LR-2).
	BiasFreeWidths []int `json:"bias_free_widths"`
	// SmallInit scales the spec's initialisation of LR-2's bias-free networks
	// so that they start below the bound of Theorem 5 (our construction).
	SmallInit float64 `json:"small_init"`
	// SmallK and LargeK are the two widths whose proxy ratio LR-3 and LR-3s report (both in Widths).
	SmallK int `json:"small_k"`
	LargeK int `json:"large_k"`

	// Training: Adam, full batch, mean squared loss, at most Steps steps with
	// a cosine decay from the learning rate to MinLRFactor times it.
	Steps       int       `json:"steps"`
	LRGrid      []float64 `json:"lr_grid"`       // learning rates tried on the validation draw
	MinLRFactor float64   `json:"min_lr_factor"` // cosine decay to this fraction of the learning rate
	Epsilon     float64   `json:"epsilon"`       // memorized: all signs right and mean squared error ≤ ε
	// ValidationWidths are the widths trained on the validation draw (a
	// subset of Widths, to save time; nil: all of them).
	ValidationWidths []int `json:"validation_widths,omitempty"`
	// The smooth-fit variant: loss + Lambda·mean ‖∇ₓf(z)‖² over PenaltyPoints
	// fresh z ~ N(0, I_d/d) per step, for exactly Steps steps.
	Lambda        float64 `json:"lambda"`
	PenaltyPoints int     `json:"penalty_points"`
	// Float64 trains in float64 (default float32; measurements are always float64).
	Float64 bool `json:"float64,omitempty"`

	// Lipschitz estimates of every fit: (i) the maximum of ‖∇ₓf‖ over
	// ProbePoints fresh z ~ N(0, I_d/d); (ii) a hill climb of ClimbSteps
	// proposals from the ClimbStarts best of them, inside the ball of radius
	// ClimbRadius, step length from ClimbStepStart down to ClimbStepEnd;
	// (iii) ‖a‖₂‖W‖_op.
	ProbePoints    int     `json:"probe_points"`
	ClimbStarts    int     `json:"climb_starts"`
	ClimbSteps     int     `json:"climb_steps"`
	ClimbRadius    float64 `json:"climb_radius"`
	ClimbStepStart float64 `json:"climb_step_start"`
	ClimbStepEnd   float64 `json:"climb_step_end"`

	// The checks without training.
	Linear       LinearConfig       `json:"linear"`
	Construction ConstructionConfig `json:"construction"`

	// BatchNorm adds the paper's batch-normalised networks to the base
	// experiment (plain Adam, random and teacher labels; full preset).
	BatchNorm bool `json:"batch_norm,omitempty"`
	// Full preset only (nil: skipped).
	Experiment1 *Experiment1Config `json:"experiment1,omitempty"`
	Experiment2 *Experiment2Config `json:"experiment2,omitempty"`
}

// LinearConfig is the linear warm-up check: the minimum-norm interpolant of
// n random labels in d dimensions, on Draws independent draws.
type LinearConfig struct {
	N     int `json:"n"`
	D     int `json:"d"`
	Draws int `json:"draws"`
}

// ConstructionConfig is the k = n construction check: n unit vectors in d
// dimensions (redrawn, at most MaxRedraws times, until all pairwise inner
// products are below the disjoint-caps limit), with Points test points on the
// sphere and Points inside caps (normalize(xᵢ + CapNoise·g), g ~ N(0, I/d)).
type ConstructionConfig struct {
	N          int     `json:"n"`
	D          int     `json:"d"`
	Points     int     `json:"points"`
	CapNoise   float64 `json:"cap_noise"`
	MaxRedraws int     `json:"max_redraws"`
}

// Experiment1Config is the analogue of the paper's Experiment 1 (Fig. 2):
// plain Adam on every (n, d) of the grid, widths on a log grid of WidthPoints
// values from WidthLow·n/d to WidthHigh·n, Seeds seeds each.
type Experiment1Config struct {
	Ns          []int   `json:"ns"`
	Ds          []int   `json:"ds"`
	WidthPoints int     `json:"width_points"`
	WidthLow    float64 `json:"width_low"`  // smallest width = WidthLow·n/d
	WidthHigh   float64 `json:"width_high"` // largest width = WidthHigh·n
	Seeds       int     `json:"seeds"`
	Epsilon     float64 `json:"epsilon"`
}

// Experiment2Config is the analogue of the paper's Experiment 2 (Figs. 1
// and 3): n fixed, d swept; k = n ("optimal smoothness", blue) against
// k = SizeFactor·n/d ("optimal size", red). ScoreMaxD is the largest d on
// which the blue curve is scored (LR-6); larger d are reported.
type Experiment2Config struct {
	N          int     `json:"n"`
	Ds         []int   `json:"ds"`
	SizeFactor float64 `json:"size_factor"`
	Seeds      int     `json:"seeds"`
	Epsilon    float64 `json:"epsilon"`
	ScoreMaxD  int     `json:"score_max_d"`
}

// Quick is the CI-sized preset: the spec's quick preset (n = 100, d = 16,
// k ∈ {8, 12, 25, 50, 100, 200}, bias-free k ∈ {25, 100}, 3 seeds, Adam with
// cosine decay, ε = 0.02, at most 3000 steps) plus the smooth-fit variant and
// the nulls, with the learning rate chosen from {3e-3, 1e-2, 3e-2}.
func Quick() Config {
	return Config{
		Common: config.Common{Preset: "quick", Seed: 0, Seeds: 3},
		N:      100, D: 16,
		Widths: []int{8, 12, 25, 50, 100, 200}, BiasFreeWidths: []int{25, 100}, SmallInit: 0.1,
		SmallK: 12, LargeK: 200,
		Steps: 3000, LRGrid: []float64{3e-3, 1e-2, 3e-2}, MinLRFactor: 0.1, Epsilon: 0.02,
		ValidationWidths: []int{12, 50, 200},
		Lambda:           1e-3, PenaltyPoints: 256,
		ProbePoints: 1000, ClimbStarts: 10, ClimbSteps: 200, ClimbRadius: 1.5, ClimbStepStart: 0.3, ClimbStepEnd: 0.01,
		Linear:       LinearConfig{N: 64, D: 256, Draws: 20},
		Construction: ConstructionConfig{N: 200, D: 128, Points: 10000, CapNoise: 0.3, MaxRedraws: 100},
	}
}

// Full is the quick preset plus batch-normalised networks (as in the paper)
// and the analogues of the paper's Experiment 1
// (n ∈ {200, 500}, d ∈ {25, 50, 100}, 6 widths from 2n/d to 2n, 2 seeds,
// ε = 0.02) and Experiment 2 (n = 500, d ∈ {20, 40, 80, 160}, k = n against
// k = 10n/d, 2 seeds, ε = 0.1), both with plain Adam.
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.BatchNorm = true
	c.Experiment1 = &Experiment1Config{Ns: []int{200, 500}, Ds: []int{25, 50, 100}, WidthPoints: 6, WidthLow: 2, WidthHigh: 2, Seeds: 2, Epsilon: 0.02}
	c.Experiment2 = &Experiment2Config{N: 500, Ds: []int{20, 40, 80, 160}, SizeFactor: 10, Seeds: 2, Epsilon: 0.1, ScoreMaxD: 80}
	return c
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("robustness", c.Common) // seed ≥ 0, seeds ≥ 1
	positive := func(name string, v float64) {
		k.If(!(v > 0) || math.IsInf(v, 0), "%s must be positive and finite, got %v", name, v)
	}
	k.If(c.N < 2, "n must be ≥ 2, got %d", c.N)
	k.If(c.D < 1, "d must be ≥ 1, got %d", c.D)
	increasing := func(name string, ws []int) {
		k.If(len(ws) == 0, "%s is empty", name)
		for i, w := range ws {
			if w < 1 {
				k.If(true, "%s must be positive, got %v", name, ws)
				return
			}
			if i > 0 && w <= ws[i-1] {
				k.If(true, "%s must be strictly increasing, got %v", name, ws)
				return
			}
		}
	}
	increasing("widths", c.Widths)
	increasing("bias_free_widths", c.BiasFreeWidths)
	k.If(len(c.Widths) < 3, "widths needs at least 3 values for a trend, got %v", c.Widths)
	positive("small_init", c.SmallInit)
	k.If(!slices.Contains(c.Widths, c.SmallK) || !slices.Contains(c.Widths, c.LargeK) || c.SmallK >= c.LargeK,
		"small_k (%d) and large_k (%d) must be widths, small_k < large_k, got widths %v", c.SmallK, c.LargeK, c.Widths)
	// Draw r of seed s has data seed SeedStride·s + r and the validation draw SeedStride·s + SeedStride − 1.
	k.If(c.Seeds >= SeedStride-1, "seeds must be in [1, %d] (draws are numbered within a seed's block of %d), got %d",
		SeedStride-2, SeedStride, c.Seeds)
	k.If(c.Steps < 1, "steps must be ≥ 1, got %d", c.Steps)
	k.If(len(c.LRGrid) == 0, "lr_grid is empty")
	for _, lr := range c.LRGrid {
		positive("lr_grid values", lr)
	}
	k.If(!(c.MinLRFactor > 0 && c.MinLRFactor <= 1), "min_lr_factor must be in (0, 1], got %v", c.MinLRFactor)
	positive("epsilon", c.Epsilon)
	for _, w := range c.ValidationWidths {
		if !slices.Contains(c.Widths, w) {
			k.If(true, "validation_widths must be a subset of widths %v, got %v", c.Widths, c.ValidationWidths)
			break
		}
	}
	k.If(!(c.Lambda >= 0) || math.IsInf(c.Lambda, 0), "lambda must be ≥ 0 and finite, got %v", c.Lambda)
	k.If(c.PenaltyPoints < 1, "penalty_points must be ≥ 1, got %d", c.PenaltyPoints)
	k.If(c.ProbePoints < 1, "probe_points must be ≥ 1, got %d", c.ProbePoints)
	k.If(c.ClimbStarts < 1 || c.ClimbStarts > c.ProbePoints, "climb_starts must be in [1, probe_points = %d], got %d", c.ProbePoints, c.ClimbStarts)
	k.If(c.ClimbSteps < 1, "climb_steps must be ≥ 1, got %d", c.ClimbSteps)
	positive("climb_radius", c.ClimbRadius)
	k.If(!(c.ClimbStepEnd > 0 && c.ClimbStepEnd <= c.ClimbStepStart) || math.IsInf(c.ClimbStepStart, 0),
		"climb_step_end and climb_step_start must satisfy 0 < end ≤ start, got %v and %v", c.ClimbStepEnd, c.ClimbStepStart)
	k.If(c.Linear.Draws < 1, "linear.draws must be ≥ 1, got %d", c.Linear.Draws)
	k.If(c.Linear.N < 1 || c.Linear.D < c.Linear.N+2,
		"linear.n and linear.d must satisfy 1 ≤ n ≤ d − 2 (the mean formula needs d − n − 1 > 0), got n = %d, d = %d", c.Linear.N, c.Linear.D)
	k.If(c.Construction.N < 2 || c.Construction.D < 2, "construction.n and construction.d must be ≥ 2, got %d and %d", c.Construction.N, c.Construction.D)
	k.If(c.Construction.Points < 1, "construction.points must be ≥ 1, got %d", c.Construction.Points)
	positive("construction.cap_noise", c.Construction.CapNoise)
	k.If(c.Construction.MaxRedraws < 1, "construction.max_redraws must be ≥ 1, got %d", c.Construction.MaxRedraws)
	if e := c.Experiment1; e != nil {
		k.If(len(e.Ns) == 0 || len(e.Ds) == 0, "experiment1.ns and experiment1.ds must not be empty")
		for _, n := range e.Ns {
			k.If(n < 2, "experiment1.ns must be ≥ 2, got %v", e.Ns)
		}
		for _, d := range e.Ds {
			k.If(d < 1, "experiment1.ds must be ≥ 1, got %v", e.Ds)
		}
		k.If(e.WidthPoints < 3, "experiment1.width_points must be ≥ 3, got %d", e.WidthPoints)
		positive("experiment1.width_low", e.WidthLow)
		positive("experiment1.width_high", e.WidthHigh)
		k.If(e.Seeds < 1 || e.Seeds >= SeedStride-1, "experiment1.seeds must be in [1, %d], got %d", SeedStride-2, e.Seeds)
		positive("experiment1.epsilon", e.Epsilon)
	}
	if e := c.Experiment2; e != nil {
		k.If(e.N < 2, "experiment2.n must be ≥ 2, got %d", e.N)
		k.If(len(e.Ds) < 3, "experiment2.ds needs at least 3 dimensions, got %v", e.Ds)
		for i, d := range e.Ds {
			if d < 1 || i > 0 && d <= e.Ds[i-1] {
				k.If(true, "experiment2.ds must be positive and strictly increasing, got %v", e.Ds)
				break
			}
		}
		positive("experiment2.size_factor", e.SizeFactor)
		k.If(e.Seeds < 1 || e.Seeds >= SeedStride-1, "experiment2.seeds must be in [1, %d], got %d", SeedStride-2, e.Seeds)
		positive("experiment2.epsilon", e.Epsilon)
		k.If(!slices.Contains(e.Ds, e.ScoreMaxD), "experiment2.score_max_d (%d) must be one of experiment2.ds %v", e.ScoreMaxD, e.Ds)
	}
	return k.Err()
}

// validationWidths are the widths trained on the validation draw.
func (c Config) validationWidths() []int {
	if len(c.ValidationWidths) == 0 {
		return c.Widths
	}
	return c.ValidationWidths
}

// Widths is the log grid of widths for one (n, d):
// WidthPoints values from WidthLow·n/d to WidthHigh·n, rounded, distinct.
func (e Experiment1Config) Widths(n, d int) []int {
	lo := math.Max(1, e.WidthLow*float64(n)/float64(d))
	hi := e.WidthHigh * float64(n)
	var ks []int
	for i := range e.WidthPoints {
		// kᵢ = lo·(hi/lo)^{i/(P−1)}
		k := int(math.Round(lo * math.Pow(hi/lo, float64(i)/float64(e.WidthPoints-1))))
		if len(ks) == 0 || k > ks[len(ks)-1] {
			ks = append(ks, k)
		}
	}
	return ks
}

// RedWidth is the "optimal size" width of Experiment 2 at dimension d: SizeFactor·n/d, rounded.
func (e Experiment2Config) RedWidth(d int) int {
	return max(1, int(math.Round(e.SizeFactor*float64(e.N)/float64(d))))
}
