package robustness

import (
	"fmt"
	"math"
	"strings"

	"theorylab/pkg/claims"
)

// Tolerances of the exact checks (the spec's LR-1, LR-4 and LR-5, which are
// checks of the method and of the paper's constructions, not claims).
const (
	LR1Tol        = 1e-6  // (i) ≤ (ii) ≤ (iii)·(1 + LR1Tol)
	LR1RoundTol   = 1e-12 // (i) ≤ (ii)·(1 + LR1RoundTol): (ii) starts at (i)'s best point, re-evaluated on the host
	LR4MeanLow    = 0.93  // mean of ‖w‖²/(nd/(d−n−1)) in [LR4MeanLow, LR4MeanHigh]
	LR4MeanHigh   = 1.07  //
	LR4BandLow    = 0.8   // ≥ LR4BandShare of the draws in [LR4BandLow, LR4BandHigh]
	LR4BandHigh   = 1.25  //
	LR4BandShare  = 0.85  //
	LR4BoundShare = 0.95  // ‖w‖ ≤ √(2n) in ≥ 19 of 20 draws
	LR4Residual   = 1e-10 // max |Xw − Y|
	LR5FitTol     = 1e-12 // max |f(xᵢ) − yᵢ|
	LR5GradTol    = 1e-9  // max ‖∇f‖ ≤ 10·(1 + LR5GradTol), and = 10 inside caps
	DataTol       = 0.01  // the generator check: E‖x‖² = 1 ± DataTol over DataPoints fresh points, a band of 4 standard errors √(2/(DataPoints·d)) at d = 16
)

// Check is one exact check of the method or of a construction: shown in the
// notebook beside the claims, asserted by the tests.
type Check struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Measured string `json:"measured"`
	Rule     string `json:"rule"`
	OK       bool   `json:"ok"`
}

// Checks evaluates the exact checks on the results.
func Checks(res *Results) []Check {
	var out []Check
	add := func(id, name, measured, rule string, ok bool) {
		out = append(out, Check{ID: id, Name: name, Measured: measured, Rule: rule, OK: ok})
	}

	// LR-1: the three estimates are ordered on every fit.
	all := append(append(append(append([]Fit{}, res.Validation...), res.Fits...), res.Experiment1...), res.Experiment2...)
	bad := 0
	worstLow, worstHigh := math.Inf(-1), math.Inf(-1)
	for _, f := range all {
		p, c, u := float64(f.Fit.Proxy), float64(f.Fit.Climb), float64(f.Fit.Upper)
		if !(p <= c*(1+LR1RoundTol) && c <= u*(1+LR1Tol)) {
			bad++
		}
		worstLow = math.Max(worstLow, p/c-1)
		worstHigh = math.Max(worstHigh, c/u)
	}
	add("LR-1", "estimates ordered: (i) proxy ≤ (ii) hill climb ≤ (iii) ‖a‖‖W‖_op, every fit",
		fmt.Sprintf("%d violations in %d fits; max (i)/(ii) − 1 = %.2g, max (ii)/(iii) = %.3f", bad, len(all), worstLow, worstHigh),
		fmt.Sprintf("(i) ≤ (ii)·(1 + %g) (rounding) and (ii) ≤ (iii)·(1 + %g) on every fit", LR1RoundTol, LR1Tol), bad == 0 && len(all) > 0)

	// LR-4: the linear warm-up.
	l := res.Linear
	ratios := l.Ratios()
	mean := claims.Mean(ratios)
	band := claims.FractionIn(ratios, LR4BandLow, LR4BandHigh)
	hits, maxRes := 0, 0.0
	for _, d := range l.Draws {
		if d.BoundHit {
			hits++
		}
		maxRes = math.Max(maxRes, d.Residual)
	}
	hitShare := float64(hits) / float64(len(l.Draws))
	add("LR-4a", fmt.Sprintf("linear warm-up (n = %d, d = %d, %d draws): E‖w‖² = nd/(d − n − 1) (our derivation)", l.N, l.D, len(l.Draws)),
		fmt.Sprintf("mean ratio %.3f; %s of draws in [%g, %g]", mean, claims.Pct(band), LR4BandLow, LR4BandHigh),
		fmt.Sprintf("mean in [%g, %g] and ≥ %s in [%g, %g]", LR4MeanLow, LR4MeanHigh, claims.Pct(LR4BandShare), LR4BandLow, LR4BandHigh),
		mean >= LR4MeanLow && mean <= LR4MeanHigh && band >= LR4BandShare)
	add("LR-4b", "linear warm-up: Lip = ‖w‖ ≤ √2·√n (Section 3.1)",
		fmt.Sprintf("%d of %d draws (median ‖w‖/√n = %.3f)", hits, len(l.Draws), claims.Median(normsOverSqrtN(l))),
		fmt.Sprintf("in ≥ %s of the draws", claims.Pct(LR4BoundShare)), hitShare >= LR4BoundShare)
	add("LR-4c", "Cholesky solve of XXᵀα = Y: the interpolant fits",
		fmt.Sprintf("max |Xw − Y| = %.2g", maxRes), fmt.Sprintf("≤ %g", LR4Residual), maxRes <= LR4Residual)

	// LR-5: the k = n construction.
	c := res.Construction
	lim := ConstructionScale * (1 + LR5GradTol)
	add("LR-5a", fmt.Sprintf("k = n construction (n = %d, d = %d): f(xᵢ) = yᵢ", c.N, c.D),
		fmt.Sprintf("max |f(xᵢ) − yᵢ| = %.2g (after %d redraws for max xᵢ·xⱼ = %.3f < %.3f)", c.FitError, c.Redraws, c.MaxInner, DisjointCapsLimit),
		fmt.Sprintf("≤ %g", LR5FitTol), c.FitError <= LR5FitTol)
	maxGrad := math.Max(c.GradAtData, math.Max(c.GradSphere, c.GradCaps))
	add("LR-5b", "k = n construction: ‖∇f‖ ≤ 10 everywhere tested",
		fmt.Sprintf("max %.12g (data points %.12g, uniform sphere %.3g with %s in a cap, near the data %.12g)", maxGrad, c.GradAtData, c.GradSphere, claims.Pct(c.InCapSphere), c.GradCaps),
		fmt.Sprintf("≤ %g·(1 + %g)", ConstructionScale, LR5GradTol), maxGrad <= lim)
	add("LR-5c", "k = n construction: ‖∇f‖ = 10 inside the caps",
		fmt.Sprintf("%s of the points near the data are in a cap; max |‖∇f‖ − 10| there = %.2g", claims.Pct(c.InCapCaps), c.CapGradSpread),
		fmt.Sprintf("some points in caps and |‖∇f‖ − %g| ≤ %g·%g", ConstructionScale, LR5GradTol, ConstructionScale),
		c.InCapCaps > 0 && c.CapGradSpread <= LR5GradTol*ConstructionScale)

	// The data generator: E‖x‖² = 1 for x ~ N(0, I/d); the training draws' own moments are reported.
	cfg := res.Config
	g := res.GeneratorNorm2
	se := math.Sqrt(2 / float64(cfg.N*cfg.D))
	add("data", fmt.Sprintf("generic data: E‖x‖² = 1 for x ~ N(0, I/d), d = %d", cfg.D),
		fmt.Sprintf("%.4f over %d fresh points; the training draws (n = %d each, standard error %.3f): %s", g, DataPoints, cfg.N, se, claims.Each(res.DataNorm2, "%.3f")),
		fmt.Sprintf("1 ± %g over %d points (the training draws are reported)", DataTol, DataPoints), math.Abs(g-1) <= DataTol)
	return out
}

func normsOverSqrtN(l LinearResult) []float64 {
	var out []float64
	for _, d := range l.Draws {
		out = append(out, d.Norm/math.Sqrt(float64(l.N)))
	}
	return out
}

// ChecksMarkdown renders the checks as a Markdown table.
func ChecksMarkdown(cs []Check) string {
	var b strings.Builder
	b.WriteString("| check | what | measured | rule | status |\n|---|---|---|---|---|\n")
	for _, c := range cs {
		status := "OK"
		if !c.OK {
			status = "**FAILED**"
		}
		cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) } // a bare | would end the cell
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(c.ID), cell(c.Name), cell(c.Measured), cell(c.Rule), status)
	}
	return b.String()
}
