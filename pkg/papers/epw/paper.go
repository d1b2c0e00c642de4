package epw

import "theorylab/pkg/papers"

// Paper is the Effective Planning Window reproduction as the lab runs it:
// presets, the cached run, the claims, the figures (see pkg/papers).
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "epw", Number: 9,
	Title:   "Sample Efficient Reinforcement Learning In Continuous State Spaces: A Perspective Beyond Linearity",
	Authors: "Malik, Pacchiano, Srinivasan, Li (ICML 2021)",
	Quick:   Quick, Full: Full,
	Run: Run, Claims: Claims, Figures: Figures,
})
