// Package skeleton writes the start of a new paper reproduction — what
// `theorylab new NAME` does: the paper's package pkg/papers/NAME (a config
// with Quick, Full and Validate; a Run on a small real GoMLX computation;
// an example claim as data beside its control; a figure; doc.go; tests on
// papertest and an Example), its notebook notebooks/NN-SLUG.ipynb (the same
// first cell as the other notebooks, copied from one of them, then theory,
// experiment, figures and claims sections with TODOs), its docs page
// docs/NN-SLUG.md, and its one registration line in pkg/papers/all. The
// result builds, passes its tests and runs in the notebook test untouched.
//
// Write refuses a bad or existing name and writes nothing half-way: every
// file is written into a temporary folder inside the repository first, and
// moved into place only when all of them are ready.
package skeleton
