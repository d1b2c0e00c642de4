// Package papers is the table of TheoryLab's papers: each entry knows how to
// run a preset, check the paper's claims and draw its figures, so that the
// command line (and anything else that wants "every paper") needs no
// paper-specific code.
package papers
