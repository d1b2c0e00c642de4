package robustness

import (
	"fmt"
	"math"
	"math/rand/v2"

	"theorylab/models/twolayer"
	"theorylab/pkg/data"
	"theorylab/pkg/runs"
)

const streamConstruction = 0x636f6e737472 // "constr"

// The optimal-smoothness construction of Section 3.2: one neuron per data point,
//
//	f(x) = Σᵢ ConstructionScale·yᵢ·ReLU(xᵢ·x − ConstructionCut).
const (
	ConstructionScale = 10.0
	ConstructionCut   = 0.9
)

// DisjointCapsLimit is our sufficient condition for disjoint caps: two caps
// {x : xᵢ·x ≥ 0.9} of angular radius arccos 0.9 are disjoint when the angle
// between their centres exceeds twice that radius, i.e. when
// xᵢ·xⱼ < cos(2·arccos 0.9) = 2·0.9² − 1 = 0.62.
var DisjointCapsLimit = math.Cos(2 * math.Acos(ConstructionCut))

// ConstructionResult is the check of the k = n construction.
type ConstructionResult struct {
	N           int     `json:"n"`
	D           int     `json:"d"`
	Redraws     int     `json:"redraws"`      // data draws rejected before all xᵢ·xⱼ < DisjointCapsLimit
	MaxInner    float64 `json:"max_inner"`    // max_{i≠j} xᵢ·xⱼ of the accepted draw
	FitError    float64 `json:"fit_error"`    // maxᵢ |f(xᵢ) − yᵢ|
	GradAtData  float64 `json:"grad_at_data"` // maxᵢ ‖∇f(xᵢ)‖
	GradSphere  float64 `json:"grad_sphere"`  // max ‖∇f‖ over uniform sphere points
	InCapSphere float64 `json:"in_cap_sphere"`
	GradCaps    float64 `json:"grad_caps"`   // max ‖∇f‖ over the points near the xᵢ
	InCapCaps   float64 `json:"in_cap_caps"` // fraction of those points inside a cap
	// CapGradSpread is max |‖∇f‖ − ConstructionScale| over the cap points
	// that fell inside a cap: 0 when the gradient there is exactly 10·yᵢxᵢ.
	CapGradSpread float64 `json:"cap_grad_spread"`
	// Circle is ‖∇f‖ and f along the great circle through x₀ and x₁ (labels of opposite signs).
	CircleAngle runs.Series `json:"circle_angle"` // θ (radians from x₀)
	CircleGrad  runs.Series `json:"circle_grad"`
	CircleValue runs.Series `json:"circle_value"`
	CircleCap1  float64     `json:"circle_cap1"` // the angle of x₁ from x₀
}

// ConstructionNet builds f(x) = Σᵢ 10·yᵢ·ReLU(xᵢ·x − 0.9) as a two-layer network
// with k = n neurons: wᵢ = xᵢ, bᵢ = −0.9, aᵢ = 10·yᵢ.
func ConstructionNet(x, y []float64, n, d int) twolayer.Net {
	net := twolayer.Net{D: d, K: n, W: append([]float64(nil), x...), B: make([]float64, n), A: make([]float64, n)}
	for i := range n {
		net.B[i] = -ConstructionCut
		net.A[i] = ConstructionScale * y[i]
	}
	return net
}

// ConstructionData draws n unit vectors xᵢ with random labels yᵢ, redrawing
// (at most cfg.MaxRedraws times) until every xᵢ·xⱼ < DisjointCapsLimit; it
// returns the accepted draw, the number of rejected ones and the largest
// inner product of the accepted one.
func ConstructionData(cfg ConstructionConfig, seed int) (x, y []float64, redraws int, maxIn float64, err error) {
	n, d := cfg.N, cfg.D
	for attempt := range cfg.MaxRedraws {
		rng := rand.New(rand.NewPCG(mix64(uint64(seed), uint64(attempt)), streamConstruction))
		x = data.SpherePoints(n, d, rng)
		y = data.RandomSigns(n, rng)
		if maxIn = maxInner(x, n, d); maxIn < DisjointCapsLimit {
			return x, y, attempt, maxIn, nil
		}
	}
	return nil, nil, cfg.MaxRedraws, maxIn, fmt.Errorf("robustness: construction: no draw of %d points in d = %d had all xᵢ·xⱼ < %.3f in %d tries (the last had max %.3f)",
		n, d, DisjointCapsLimit, cfg.MaxRedraws, maxIn)
}

// RunConstruction builds the construction on ConstructionData and measures
// its fit and its gradients.
func RunConstruction(cfg ConstructionConfig, seed int) (ConstructionResult, error) {
	n, d := cfg.N, cfg.D
	res := ConstructionResult{N: n, D: d}
	x, y, redraws, maxIn, err := ConstructionData(cfg, seed)
	res.Redraws, res.MaxInner = redraws, maxIn
	if err != nil {
		return res, err
	}
	// The test points come from their own stream.
	rng := rand.New(rand.NewPCG(mix64(uint64(seed), uint64(redraws)), streamConstruction+1))
	net := ConstructionNet(x, y, n, d)
	buf := make([]float64, d)
	for i := range n {
		xi := x[i*d : (i+1)*d]
		res.FitError = math.Max(res.FitError, math.Abs(net.Eval(xi)-y[i]))
		res.GradAtData = math.Max(res.GradAtData, net.GradNorm(xi, buf))
	}
	// Uniform points on the sphere: a cap covers a vanishing fraction of it.
	sphere := data.SpherePoints(cfg.Points, d, rng)
	in := 0
	for i := range cfg.Points {
		g := net.GradNorm(sphere[i*d:(i+1)*d], buf)
		res.GradSphere = math.Max(res.GradSphere, g)
		if g > 0 {
			in++
		}
	}
	res.InCapSphere = float64(in) / float64(cfg.Points)
	// Points near the data: normalize(xᵢ + CapNoise·g), g ~ N(0, I_d/d).
	noise := data.GaussianPoints(cfg.Points, d, rng)
	in = 0
	p := make([]float64, d)
	for t := range cfg.Points {
		i := rng.IntN(n)
		s := 0.0
		for j := range d {
			p[j] = x[i*d+j] + cfg.CapNoise*noise[t*d+j]
			s += p[j] * p[j]
		}
		for j := range p {
			p[j] /= math.Sqrt(s)
		}
		g := net.GradNorm(p, buf)
		res.GradCaps = math.Max(res.GradCaps, g)
		if g > 0 {
			in++
			res.CapGradSpread = math.Max(res.CapGradSpread, math.Abs(g-ConstructionScale))
		}
	}
	res.InCapCaps = float64(in) / float64(cfg.Points)
	res.circle(&net, x, y, d)
	return res, nil
}

// circle samples ‖∇f‖ and f along the great circle through x₀ and x₁, the
// first data point whose label differs from x₀'s: γ(θ) = cos θ·u + sin θ·v
// with u = x₀ and v the unit part of x₁ orthogonal to x₀.
func (res *ConstructionResult) circle(net *twolayer.Net, x, y []float64, d int) {
	j := 1
	for j < len(y)-1 && y[j] == y[0] {
		j++
	}
	u := x[:d]
	v := append([]float64(nil), x[j*d:(j+1)*d]...)
	c := dot(u, v)
	for j := range v {
		v[j] -= c * u[j]
	}
	nv := math.Sqrt(dot(v, v))
	for j := range v {
		v[j] /= nv
	}
	phi := math.Acos(c)
	res.CircleCap1 = phi
	const samples = 2001
	lo, hi := -0.5, phi+0.5
	p := make([]float64, d)
	buf := make([]float64, d)
	for s := range samples {
		th := lo + (hi-lo)*float64(s)/float64(samples-1)
		for j := range p {
			p[j] = math.Cos(th)*u[j] + math.Sin(th)*v[j]
		}
		res.CircleAngle = append(res.CircleAngle, th)
		res.CircleGrad = append(res.CircleGrad, net.GradNorm(p, buf))
		res.CircleValue = append(res.CircleValue, net.Eval(p))
	}
}

func maxInner(x []float64, n, d int) float64 {
	m := math.Inf(-1)
	for i := range n {
		for j := range i {
			m = math.Max(m, dot(x[i*d:(i+1)*d], x[j*d:(j+1)*d]))
		}
	}
	return m
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
