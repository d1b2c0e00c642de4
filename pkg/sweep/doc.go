// Package sweep runs a paper's preset on many independent seeds and says
// which claims reproduce: the lab's rule (DESIGN.md, Claims) is that a claim
// passing in fewer than 8 of 10 replicates is not called reproduced, and
// that a documented finding needs the same failure in at least as many.
//
// Replicate k runs the preset from first seed k·n, where n is the number of
// seeds one run of the preset uses, so replicates share no seed: replicate 0
// of a 3-seed preset uses seeds 0, 1, 2, replicate 1 seeds 3, 4, 5, and so
// on. Every run goes through the results cache, so an interrupted sweep
// resumes where it stopped, and replicate 0 is the run that `theorylab run`,
// the notebook and the tests already made.
//
// Run returns a Report: each claim's pass rate and the spread (median,
// minimum, maximum) of its measured value, as JSON and as a Markdown table
// for the paper's docs page (`theorylab sweep`).
package sweep
