package robustness

import "theorylab/pkg/papers"

// Paper is the law-of-robustness reproduction as the lab runs it: presets,
// the cached run, the claims, the figures (see pkg/papers).
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "robustness", Number: 8,
	Title:   "A Law of Robustness for Two-Layers Neural Networks",
	Authors: "Bubeck, Li, Nagaraj (COLT 2021)",
	Quick:   Quick, Full: Full,
	Run: Run, Claims: Claims, Figures: Figures,
})
