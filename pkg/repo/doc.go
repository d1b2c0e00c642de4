// Package repo finds the TheoryLab repository on disk: the folder whose
// go.mod declares module theorylab. Notebooks (GoNB compiles each cell in a
// temporary module), tests and the command line all need it, to hash the
// sources for the results cache, to find the installed PJRT plugin in .venv,
// and to show package source in notebooks; it never relies on an absolute path.
package repo
