package adamgd

import "theorylab/pkg/papers"

// Paper is this reproduction as the lab runs it: presets, the cached run,
// the claims, the figures (see pkg/papers).
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "adamgd", Number: 2,
	Title:   "Understanding the Generalization of Adam in Learning Neural Networks with Proper Regularization",
	Authors: "Zou, Cao, Li, Gu (ICLR 2023)",
	Quick:   Quick, Full: Full,
	Run: Run, Claims: Claims, Figures: Figures,
})
