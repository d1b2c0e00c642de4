package contrastive

import "theorylab/pkg/papers"

// Paper is this reproduction as the lab runs it: presets, the cached run,
// the claims, the figures (see pkg/papers).
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "contrastive", Number: 5,
	Title:   "Toward Understanding the Feature Learning Process of Self-supervised Contrastive Learning",
	Authors: "Wen, Li (ICML 2021)",
	Quick:   Quick, Full: Full,
	Run: Run, Claims: Claims, Figures: Figures,
})
