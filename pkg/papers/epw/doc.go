// Package epw reproduces "Sample Efficient Reinforcement Learning In
// Continuous State Spaces: A Perspective Beyond Linearity" (Malik, Pacchiano,
// Srinivasan, Li, ICML 2021; arXiv 2106.07814).
//
// The paper's Effective Planning Window (EPW) condition says that the right
// action can always be found by looking only W steps ahead; under it a
// learner needs a number of samples polynomial in the horizon H (exponential
// only in W), with no linear structure assumed, and a neural-network policy
// class is allowed. Without such a condition, slightly nonlinear MDPs cannot
// be solved sample-efficiently.
//
// Everything here is our illustration of that theory, on our constructions
// (pkg/rl): Catch, a continuous-state game with a measurable window; Lazy
// Catch, where short lookahead is misleading; Needle-H, whose window is the
// whole horizon; and a lookahead-labelled DAgger learner with a small GoMLX
// policy network (a CPU variant of the paper's forward training, as we
// reconstruct it). Quick, Full, Run, Claims and Figures serve the notebook,
// the command line and the tests alike.
package epw
