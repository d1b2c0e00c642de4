// Package adamgd reproduces "Understanding the Generalization of Adam in
// Learning Neural Networks with Proper Regularization" (Difan Zou, Yuan Cao,
// Yuanzhi Li, Quanquan Gu; ICLR 2023, arXiv 2108.11371).
//
// On image-like patch data (pkg/patchdata) an over-parameterised two-layer
// CNN with weight decay (models/patchcnn) is trained by gradient descent and
// by Adam from the same initialisation. Both fit the training set, but GD's
// filters learn the feature shared by all examples and generalise, while
// Adam's filters memorise each example's noise and are near chance on test
// data. On a convex objective with weight decay there is one minimiser, and
// every optimizer that trains reaches it.
//
// Run trains, for every data seed, one shared grid of step sizes and λ for
// both optimizers (the paper's regime is one point of it), controls (Adam
// with a large ε, sign-GD), a null (the same data without the feature) and
// the convex control (a linear logistic model, solved exactly by Newton's
// method). Claims checks the spec's claims AG-1 … AG-7 on the results;
// Figures draws the spec's figures. Quick, Full, Run, Claims and Figures
// serve the notebook, the command line and the tests alike.
package adamgd
