// Package gan holds the pieces of a small generative adversarial network
// that several papers share: a multi-layer perceptron for the generator and
// the discriminator with R independent runs stacked on a leading axis (the
// parameter layout of models/mlp), the non-saturating GAN losses, and the
// 2-D ring of Gaussians often used as a toy GAN target with its quality
// metrics (good samples, covered modes).
//
// Shapes: parameters W [R, in, out], b [R, out]; inputs [R, N, in] (or
// [N, in] shared by every run); outputs [R, N, out]. Losses are per run, [R].
//
// The training loop that alternates the two players is in pkg/train/minmax.
package gan
