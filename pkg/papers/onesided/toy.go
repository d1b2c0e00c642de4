package onesided

import (
	"math"
	"math/rand/v2"
)

// The toy game (our construction): x ∈ ℝᵖ, y ∈ ℝ², c ∈ ℝᵖ,
//
//	f(x, y) = ½‖x − c‖²(1 + ½ sin y₁) + ⟨b, y⟩,  b = e₂,
//
// ∇ₓf = (1 + ½ sin y₁)(x − c), ∇_y f = b + ¼‖x − c‖² cos(y₁) e₁.
// The one-sided MVI ⟨∇ₓf, x − c⟩ ≥ ½‖x − c‖² ≥ 0 holds with x* = c, while
// ‖∇_y f‖ ≥ |b₂| = 1 everywhere. The control replaces ⟨b, y⟩ by −½‖y‖²:
// then the max player has a stationary point too and both gradients vanish.
type toyGame struct {
	c       []float64
	control bool
}

// grads returns ∇ₓf and ∇_y f at (x, y).
func (t toyGame) grads(x, y []float64) (gx, gy []float64) {
	gx = make([]float64, len(x))
	d2 := 0.0
	for i := range x {
		d := x[i] - t.c[i]
		d2 += d * d
		// ∇ₓf = (1 + ½ sin y₁)(x − c)
		gx[i] = (1 + 0.5*math.Sin(y[0])) * d
	}
	// ∇_y f = b + ¼‖x − c‖² cos(y₁) e₁ (control: −y instead of b)
	gy = []float64{0.25 * d2 * math.Cos(y[0]), 1}
	if t.control {
		gy[0] -= y[0]
		gy[1] = -y[1]
	}
	return gx, gy
}

// adam is Adam with bias correction for one player: direction +1 descends, −1 ascends.
type adam struct {
	beta1, beta2, eps float64
	m, v              []float64
	t                 int
}

func newAdam(n int, beta1 float64) *adam {
	return &adam{beta1: beta1, beta2: 0.999, eps: 1e-8, m: make([]float64, n), v: make([]float64, n)}
}

// step moves p by −sign·lr·m̂/(√v̂ + ε):
//
//	mₜ = β₁mₜ₋₁ + (1−β₁)gₜ,  vₜ = β₂vₜ₋₁ + (1−β₂)gₜ²,  m̂ = mₜ/(1−β₁ᵗ),  v̂ = vₜ/(1−β₂ᵗ).
func (a *adam) step(p, g []float64, lr, sign float64) {
	a.t++
	c1 := 1 - math.Pow(a.beta1, float64(a.t))
	c2 := 1 - math.Pow(a.beta2, float64(a.t))
	for i := range p {
		a.m[i] = a.beta1*a.m[i] + (1-a.beta1)*g[i]
		a.v[i] = a.beta2*a.v[i] + (1-a.beta2)*g[i]*g[i]
		p[i] -= sign * lr * (a.m[i] / c1) / (math.Sqrt(a.v[i]/c2) + a.eps)
	}
}

// ToyRun is one Adam run on the toy (or its control).
type ToyRun struct {
	Seed     int       `json:"seed"`
	Beta1    float64   `json:"beta1"`
	Schedule string    `json:"schedule"` // "decay" (α/√t, the theorem's) or "constant" (α/5)
	Control  bool      `json:"control"`  // the max player's objective made concave: both players converge
	Steps    []int     `json:"steps"`    // recorded steps (every ToySteps/200)
	GradX    []float64 `json:"grad_x"`   // ‖∇ₓf‖ at the recorded steps
	GradY    []float64 `json:"grad_y"`   // ‖∇_y f‖ at the recorded steps
	MVI      []float64 `json:"mvi"`      // ⟨∇ₓf, x − c⟩ at the recorded steps

	GradXRatio   float64 `json:"grad_x_ratio"` // ‖∇ₓf‖ at the last step / at the first
	MinGradY     float64 `json:"min_grad_y"`   // min over all steps of ‖∇_y f‖
	FinalGradY   float64 `json:"final_grad_y"` // ‖∇_y f‖ at the last step
	MVINonNeg    float64 `json:"mvi_nonneg"`   // share of steps with ⟨∇ₓf, x − c⟩ ≥ 0
	FirstBelow   int     `json:"first_below"`  // first step with ‖∇ₓf‖ ≤ 1e-6 of its initial value (−1: never)
	FinalGradXLo float64 `json:"final_grad_x"` // ‖∇ₓf‖ at the last step
}

func norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// runToy runs simultaneous Adam (descent on x, ascent on y) for steps steps.
func runToy(seed, p, steps int, beta1 float64, schedule string, alpha float64, control bool) ToyRun {
	rng := rand.New(rand.NewPCG(uint64(seed), streamToy))
	c, x := make([]float64, p), make([]float64, p)
	for i := range c {
		c[i] = rng.NormFloat64()
	}
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := []float64{rng.NormFloat64(), 0}
	game := toyGame{c: c, control: control}
	ax, ay := newAdam(p, beta1), newAdam(2, beta1)
	run := ToyRun{Seed: seed, Beta1: beta1, Schedule: schedule, Control: control, MinGradY: math.Inf(1), FirstBelow: -1}
	every := max(1, steps/200)
	var g0 float64
	nonneg := 0
	for t := 0; t <= steps; t++ {
		gx, gy := game.grads(x, y)
		nx, ny := norm(gx), norm(gy)
		mvi := 0.0
		for i := range x {
			// one-sided MVI value ⟨∇ₓf(x, y), x − x*⟩ with x* = c
			mvi += gx[i] * (x[i] - c[i])
		}
		if t == 0 {
			g0 = nx
		}
		if mvi >= 0 {
			nonneg++
		}
		run.MinGradY = math.Min(run.MinGradY, ny)
		if run.FirstBelow < 0 && nx <= 1e-6*g0 {
			run.FirstBelow = t
		}
		if t%every == 0 || t == steps {
			run.Steps = append(run.Steps, t)
			run.GradX = append(run.GradX, nx)
			run.GradY = append(run.GradY, ny)
			run.MVI = append(run.MVI, mvi)
		}
		if t == steps {
			run.GradXRatio = nx / g0
			run.FinalGradY = ny
			run.FinalGradXLo = nx
			break
		}
		lr := alpha / 5
		if schedule == "decay" {
			lr = alpha / math.Sqrt(float64(t+1)) // αₜ = α/√t, t = 1, 2, …
		}
		ax.step(x, gx, lr, +1) // simultaneous: both use the gradients at (xₜ, yₜ)
		ay.step(y, gy, lr, -1)
	}
	run.MVINonNeg = float64(nonneg) / float64(steps+1)
	return run
}
