package superres

import "theorylab/pkg/papers"

// Paper is this reproduction as the lab runs it: presets, the cached run,
// the claims, the figures (see pkg/papers).
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "superres", Number: 6,
	Title:   "Forward Super-Resolution: How Can GANs Learn Hierarchical Generative Models for Real-World Distributions",
	Authors: "Allen-Zhu, Li (ICLR 2023)",
	Quick:   Quick, Full: Full,
	Run: Run, Claims: Claims, Figures: Figures,
})
