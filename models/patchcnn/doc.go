// Package patchcnn is the two-layer convolutional network of feature-learning
// theory on patch data (Zou, Cao, Li, Gu, ICLR 2023; the form below is our
// reconstruction, unverified against the paper):
//
//	f(W, x) = F₊₁(W₊₁, x) − F₋₁(W₋₁, x),   F_j = Σ_{r=1}^m Σ_{p=1}^P σ(⟨w_{j,r}, x_p⟩),
//	σ(z) = max(z, 0)^q,
//
// with m filters per class, the same filters applied to every patch (the
// convolution) and a second layer fixed at ±1. The training objective is the
// logistic loss with ℓ2 regularisation inside the loss:
//
//	L(W) = (1/n) Σᵢ log(1 + exp(−yᵢ f(W, xᵢ))) + (λ/2)‖W‖²_F.
//
// Every function works on a bank of networks with two leading run axes:
// W [S, C, 2, M, D] (S data seeds, C configurations per seed; class index 0
// is j = +1, index 1 is j = −1) against data X [S, N, P, D] shared by the C
// configurations of a seed. One compiled graph thus trains every seed and
// every method at once.
package patchcnn
