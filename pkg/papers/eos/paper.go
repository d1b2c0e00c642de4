package eos

import "theorylab/pkg/papers"

// Paper is the Edge of Stability reproduction as the lab runs it: presets,
// the cached run, the claims, the figures (see pkg/papers).
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "eos", Number: 1,
	Title:   "Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability",
	Authors: "Cohen, Kaur, Li, Kolter, Talwalkar (ICLR 2021)",
	Quick:   Quick, Full: Full,
	Run: Run, Claims: Claims, Figures: Figures,
})
