// Package rl holds the reinforcement-learning building blocks of TheoryLab's
// two RL theory papers (09, the Effective Planning Window; 10, Weak and
// Strong Proximity): deterministic episodic MDPs with continuous states,
// exhaustive lookahead search with state caching, the Effective Planning
// Window measurement, query counters, and a lookahead-labelled learner with a
// small GoMLX policy network.
//
// # MDPs
//
// An MDP[S] has finite actions 0 … K−1 and a pure generative model
// Step(s, a) → (s′, r): the same (s, a) always gives the same answer. States
// are comparable Go values, so that a search can recognise a state it has
// seen before. Episodes have a horizon H and start at a state s₁ drawn by the
// caller; nothing is discounted.
//
// Two games are ours (not the papers'): Catch (a paddle catches falling
// balls; continuous positions and drift) with its variant Lazy Catch (a small
// reward for not moving, and rounds that do not depend on past play), and
// Needle-H (linear dynamics on ℝ whose only reward is a narrow bump at one of
// 2^H leaves).
//
// # Lookahead and the query model
//
// Search computes the reward-only lookahead values
//
//	Q₁(s, a) = r(s, a),   Q_{k+1}(s, a) = r(s, a) + max_{a′} Q_k(T(s, a), a′),
//
// either as a plain tree search over A^k or with state caching (memoized by
// exact state and depth, which is exhaustive dynamic programming over the
// reachable states). The query model is stated once here and used
// everywhere:
//
//   - A generative query is one call of Step at any state the agent holds.
//     Queries.Generative counts them; this is the count that claims use.
//   - A cached search pays once per distinct (state, action); answers it
//     already has are free (Queries.CacheHits counts the saved calls).
//   - Reset-and-replay access (Queries.Replay) can only reset to a start
//     state and act: a query at depth k of a search rooted at a state reached
//     after p steps costs one reset and p + k environment steps.
//   - Pruning (optional) does not expand a state that the MDP reports as
//     Absorbing (a lost game: reward 0 for ever); the state itself is known
//     from the query that reached it.
//
// Ties between lookahead values are taken within Tol; ties decide the
// planning window, so the window measurement resolves them adversarially.
//
// # The Effective Planning Window
//
// MeasureEPW checks, for W = 1, 2, …, whether W-step lookahead-greedy play is
// optimal: W is a window for a set of start states when, at every (h, s)
// reachable from them by following any action in argmax_a Q_W(h, s, a),
// every such action is optimal (the lookahead is truncated at the horizon,
// optimality is against the exact optimum by cached search). This is the
// operational form used by Laidlaw, Russell & Dragan's effective-horizon code;
// that it matches the paper's definition is unverified. Named tie rules
// (left-first, right-first, stay-first and random orders) are checked too, as
// single trajectories.
//
// # A paper's run
//
// A Study holds what a paper's run shares between its parts, so that both
// papers write it once: the seed from which every random stream is drawn
// (Stream), the backend, a progress bar counted in units (Tick), Catch's
// held-out evaluation sets, each built once (EvalSet), the choice of the
// learning rate from a grid on tuning runs (SelectLR) and the learner runs
// at the chosen rate (Learn). LearnerConfig.GridProblems and Increasing are
// the config checks both papers make; RandomCodes draws the secret codes of
// Needle-H and Split-needle.
package rl
