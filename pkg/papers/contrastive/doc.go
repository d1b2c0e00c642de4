// Package contrastive reproduces "Toward Understanding the Feature Learning
// Process of Self-supervised Contrastive Learning" (Wen, Li (ICML 2021)).
//
// The paper: on inputs that mix sparse features with dense noise, a ReLU
// network trained with a contrastive loss learns the sparse features when
// the augmentation decouples the dense features of the two views (random
// masking), and fails to without it (feature decoupling).
//
// What the package runs (sizes, loss, threshold schedule and weight
// normalisation are our construction): sparse-coding data x = Mz + ξ
// (pkg/sparsecoding); the exact and Monte Carlo positive-pair correlations of
// the sparse part, the noise and the whole input under each augmentation
// (decouple.go, claim CL-1); and, in one compiled Adam step per learning
// rate, weight-normalised soft-threshold encoders trained with the symmetric
// InfoNCE loss (models/contrast) under five conditions — masking, no
// augmentation, masking with coordinate atoms M = I, no augmentation without
// noise (null) and weak Gaussian noise (control) — measuring atom recovery,
// purity and a linear read-out (run.go, claims CL-2 to CL-6). The learning
// rate of the two compared methods is chosen from a grid on a validation
// loss.
//
// Files: config.go (Config, Quick, Full, Validate), decouple.go and run.go
// (the experiment), claims.go (the claims as data), figures.go, paper.go.
// See docs/05-contrastive.md.
package contrastive
