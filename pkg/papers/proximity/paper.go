package proximity

import "theorylab/pkg/papers"

// Paper is this reproduction as the lab runs it: presets, the cached run,
// the claims, the figures (see pkg/papers).
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "proximity", Number: 10,
	Title:   "When Is Generalizable Reinforcement Learning Tractable?",
	Authors: "Malik, Li, Ravikumar (NeurIPS 2021)",
	Quick:   Quick, Full: Full,
	Run: Run, Claims: Claims, Figures: Figures,
})
