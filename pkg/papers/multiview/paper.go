package multiview

import "theorylab/pkg/papers"

// Paper is this reproduction as the lab runs it: presets, the cached run,
// the claims, the figures (see pkg/papers).
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "multiview", Number: 7,
	Title:   "Towards Understanding Ensemble, Knowledge Distillation and Self-Distillation in Deep Learning",
	Authors: "Allen-Zhu, Li (ICLR 2023)",
	Quick:   Quick, Full: Full,
	Run: Run, Claims: Claims, Figures: Figures,
})
