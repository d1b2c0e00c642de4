// Command theorylab runs TheoryLab's paper reproductions from the terminal.
//
//	theorylab list
//	theorylab run <paper> [--preset quick|full] [--seed N] [--out DIR]
//	theorylab bench [--out FILE] [--only REGEX] [--min-time 1s]
//	theorylab student [--out DIR] [NOTEBOOK.ipynb ...]
//
// `run` prints the backend, shows progress, prints the claim table and, with
// --out, writes DIR/results.json and the paper's figures as SVG files.
// Exit status: 0 every claim passes; 3 the run completed but a claim failed;
// 2 usage error (unknown paper or preset, bad flag value); 1 runtime failure
// (for example a run that diverged to NaN).
//
// `student` writes student copies of the notebooks (default: notebooks/*.ipynb
// into build/student/), every solution block replaced by its stub (see
// pkg/exercise).
package main
