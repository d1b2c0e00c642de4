// Command theorylab runs TheoryLab's paper reproductions from the terminal.
//
//	theorylab list
//	theorylab run <paper> [--preset quick|full] [--seed N] [--out DIR]
//	theorylab sweep <paper> [--preset quick|full] [--seeds 0-9] [--out DIR]
//	theorylab cache list | prune [--dry-run]
//	theorylab new <name> [--number N] [--title T] [--authors A] [--slug S]
//	theorylab bench [--out FILE] [--only REGEX] [--min-time 1s]
//	theorylab student [--out DIR] [NOTEBOOK.ipynb ...]
//
// `run` prints the backend, shows progress, prints the claim table and, with
// --out, writes DIR/results.json, DIR/claims.md and the paper's figures as
// SVG files.
// Exit status: 0 every claim passes; 3 the run completed but a claim failed;
// 2 usage error (unknown paper or preset, bad flag value); 1 runtime failure
// (for example a run that diverged to NaN).
//
// `sweep` runs a preset on independent replicates (replicate k from seed
// k·n, n the preset's seeds per run), through the results cache, so it
// resumes after an interruption; it prints each claim's pass rate and the
// spread of its measured value as a Markdown table and, with --out, writes
// sweep.json and sweep.md. A claim passing in fewer than 8 of 10 replicates
// is "not reproduced". Exit status: 0 when every claim is reproduced (or a
// documented finding is confirmed), 3 otherwise, 1 when a replicate failed.
//
// `cache list` shows the results cache; `cache prune` removes the results no
// current code can ask for again (stale code version, Go version or XLA
// plugin), with --dry-run listing them only. `make clean` runs it.
//
// `new` writes a new paper's skeleton — package, notebook, docs page and its
// registration line — that builds and passes its tests as written
// (docs/adding-a-paper.md).
//
// `student` writes student copies of the notebooks (default: notebooks/*.ipynb
// into build/student/), every solution block replaced by its stub (see
// pkg/exercise).
package main
