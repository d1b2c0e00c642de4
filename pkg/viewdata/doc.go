// Package viewdata generates the multi-view data of Allen-Zhu and Li's
// theory of ensembles and knowledge distillation (arXiv 2012.09816), in the
// concrete form of our reproduction (our construction; the paper's exact
// ranges are unverified).
//
// There are K classes; class j has two views v_{j,0} = e_{2j} and
// v_{j,1} = e_{2j+1}, the first 2K coordinate axes of ℝ^D (orthonormal). An
// input is X = (x_1 … x_P), P patches of dimension D. A multi-view example
// (probability 1 − μ) carries both views of its class strongly, each in its
// own patch, and a few other classes' views weakly; a single-view example
// (probability μ) carries one view strongly and the other only faintly.
// Every patch gets Gaussian noise on the coordinates 2K … D−1 only, off the
// view subspace, so that the noise never looks like a view.
//
// Generate draws a data set; Config.Validate names the field of a bad
// configuration.
package viewdata
