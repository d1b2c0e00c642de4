// Package all registers every paper of the lab: importing it fills the
// table of papers (papers.All, papers.Lookup) for the command line and the
// notebooks. Adding a paper adds its line here — the one line outside its own
// package, notebook and docs page.
package all

import (
	_ "theorylab/pkg/papers/adamgd"      // 02 Adam vs GD generalization
	_ "theorylab/pkg/papers/contrastive" // 05 Contrastive feature decoupling
	_ "theorylab/pkg/papers/eos"         // 01 Edge of Stability
	_ "theorylab/pkg/papers/epw"         // 09 Effective Planning Window
	_ "theorylab/pkg/papers/lora"        // 04 LoRA
	_ "theorylab/pkg/papers/multiview"   // 07 Ensemble / knowledge distillation, multi-view data
	_ "theorylab/pkg/papers/onesided"    // 03 Adam's one-sided convergence in GANs
	_ "theorylab/pkg/papers/proximity"   // 10 Strong/weak proximity in RL
	_ "theorylab/pkg/papers/robustness"  // 08 Law of robustness
	_ "theorylab/pkg/papers/superres"    // 06 Forward super-resolution GANs
)
