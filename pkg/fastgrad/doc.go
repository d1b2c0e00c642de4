// Package fastgrad replaces GoMLX v0.26.0's gradient rules for matrix products
// with rules that are themselves matrix products.
//
// The stock rules for Dot and DotGeneral broadcast both operands to
// [rows, inner, cols], multiply elementwise and reduce: O(rows·inner·cols)
// memory and time for every backward pass, badly slow on the pure-Go backend.
// For C = A·B with upstream gradient V = ∂L/∂C, the same gradients are
//
//	∂L/∂A = V·Bᵀ      ∂L/∂B = Aᵀ·V
//
// and for a general contraction (DotGeneral, Einsum) the analogous
// contraction of V with the other operand over its free axes, followed by a
// transpose back to the operand's axis order. Because the rules are written
// with Dot, DotGeneral and Transpose, the gradient of a gradient (a
// Hessian-vector product by double backprop) takes the fast path too.
//
// Importing the package installs the rules into graph.VJPRegistration (once;
// pkg/backend imports it, so every TheoryLab program has them). Stock and
// Install switch between the two for tests, which check the fast rules against
// the stock ones and against finite differences.
package fastgrad
