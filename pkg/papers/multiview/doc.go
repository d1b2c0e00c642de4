// Package multiview reproduces "Towards Understanding Ensemble, Knowledge
// Distillation and Self-Distillation in Deep Learning" (Allen-Zhu, Li, ICLR
// 2023, arXiv 2012.09816) on the paper's multi-view data model.
//
// The paper explains ensembles and distillation with multi-view data: each
// class has several views, a single network learns only the views its
// initialisation favours (the view lottery) and memorises the single-view
// examples of the others, so an ensemble of independently initialised
// networks covers every view and its soft outputs teach a student the views
// it would have missed. Random features do not behave this way.
//
// Run draws the data (pkg/viewdata, our construction), trains L singles of
// the paper's smoothed-ReLU patch network (models/patchnet) as one batched
// graph, forms their ensemble (mean of logits), distils it into KD students
// and each of the first singles into a self-distillation student (each
// student shares the initialisation of one single, its same-seed null),
// optionally trains the average of L networks jointly, and repeats the
// ensemble / KD / train-the-average comparison with random features. Every
// method takes its learning rate from the same grid on a validation split;
// every run stops at 100% training accuracy or the step cap. It reports
// multi-view and single-view test accuracy and the view diagnostics
// Λ_{j,ℓ} = max_r ⟨w_{j,r}, v_{j,ℓ}⟩.
//
// The full preset adds an MNIST sanity check (mnist.go, our construction):
// L one-hidden-layer ReLU MLPs trained with GoMLX's Adam on a 2000-image
// subset from different seeds, their ensemble, KD of the ensemble and
// self-distillation of one single into MLPs of the same architecture, each
// student beside the same-seed MLP trained without a teacher. It checks the
// ensemble and distillation gains on real data, not the view mechanism.
//
// Files: config.go (Config, Quick, Full, Validate), run.go and bank.go (the
// experiment), rf.go (random features), mnist.go (the MNIST check),
// claims.go, figures.go, paper.go.
package multiview
