package onesided

import "theorylab/pkg/papers"

// Paper is this reproduction as the lab runs it: presets, the cached run,
// the claims, the figures (see pkg/papers).
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "onesided", Number: 3,
	Title:   "On the One-sided Convergence of Adam-type Algorithms in Non-convex Non-concave Min-max Optimization",
	Authors: "Dou, Li (arXiv 2021)",
	Quick:   Quick, Full: Full,
	Run: Run, Claims: Claims, Figures: Figures,
})
