package lora

import "theorylab/pkg/papers"

// Paper is the LoRA reproduction as the lab runs it: presets, the cached
// run, the claims, the figures (see pkg/papers).
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "lora", Number: 4,
	Title:   "LoRA: Low-Rank Adaptation of Large Language Models",
	Authors: "Hu, Shen, Wallis, Allen-Zhu, Li, Wang, Wang, Chen (ICLR 2022)",
	Quick:   Quick, Full: Full,
	Run: Run, Claims: Claims, Figures: Figures,
})
