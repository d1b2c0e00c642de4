// Package proximity illustrates "When Is Generalizable Reinforcement Learning
// Tractable?" (Malik, Li, Ravikumar, NeurIPS 2021; arXiv 2101.00300).
//
// The paper is theory only (no experiments, no code). It asks when one
// policy can be found that is near-optimal in several environments at once,
// and shows that the classical notions of closeness (similar rewards and
// transitions, even a shared optimal policy: Weak Proximity) do not make it
// tractable — it can need exponentially many queries in the horizon, even
// with a generative model — while Strong Proximity, with shared
// deterministic transitions, admits an efficient algorithm.
//
// Everything here is our construction (pkg/rl): the Split-needle family
// (Weak Proximity holds, exponential), its shaped twin (the same classical
// distances, easy), the identical-needle family (our SP-lite proxy holds,
// still exponential) and Catch-m (m themed copies of paper 09's Catch: SP-lite
// and a short window), with a consensus-lookahead learner.
package proximity
