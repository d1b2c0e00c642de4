package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"theorylab/pkg/exercise"
	"theorylab/pkg/repo"
	"theorylab/pkg/runs"
)

// runStudent is `theorylab student [--out DIR] [NOTEBOOK.ipynb ...]`: it writes
// the student copy of each notebook (default: every notebooks/*.ipynb) into DIR
// (default: build/student/ in the repository), solutions replaced by stubs
// (see pkg/exercise). Exit status: 0 ok, 2 usage error, 1 a notebook could not
// be read, converted or written.
func runStudent(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("theorylab student", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write the student copies into `DIR` (default: build/student in the repository)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: theorylab student [--out DIR] [NOTEBOOK.ipynb ...]")
		fmt.Fprintln(fs.Output(), "Writes student copies of the notebooks (default: notebooks/*.ipynb): every solution block")
		fmt.Fprintln(fs.Output(), "(// BEGIN SOLUTION … // END SOLUTION, <!-- BEGIN SOLUTION --> … <!-- END SOLUTION -->) replaced by its stub.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	paths := fs.Args()
	dir := *out
	if len(paths) == 0 || dir == "" {
		root, err := repo.Root()
		if err != nil {
			fmt.Fprintf(stderr, "theorylab student: %v\n", err)
			return exitFailure
		}
		if len(paths) == 0 {
			paths, _ = filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
			if len(paths) == 0 {
				fmt.Fprintf(stderr, "theorylab student: no notebooks in %s\n", filepath.Join(root, "notebooks"))
				return exitFailure
			}
		}
		if dir == "" {
			dir = filepath.Join(root, "build", "student")
		}
	}
	seen := map[string]string{}
	for _, p := range paths {
		if filepath.Ext(p) != ".ipynb" {
			fmt.Fprintf(stderr, "theorylab student: %s is not a notebook (.ipynb)\n", p)
			return exitUsage
		}
		if other, ok := seen[filepath.Base(p)]; ok {
			fmt.Fprintf(stderr, "theorylab student: %s and %s would both be written as %s\n", other, p, filepath.Base(p))
			return exitUsage
		}
		seen[filepath.Base(p)] = p
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "theorylab student: %v\n", err)
		return exitFailure
	}
	total := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintf(stderr, "theorylab student: %v\n", err)
			return exitFailure
		}
		copy, blocks, err := exercise.Student(data)
		if err != nil {
			fmt.Fprintf(stderr, "theorylab student: %s: %v\n", p, err)
			return exitFailure
		}
		dst := filepath.Join(dir, filepath.Base(p))
		if err := runs.WriteFileAtomic(dst, copy); err != nil {
			fmt.Fprintf(stderr, "theorylab student: %v\n", err)
			return exitFailure
		}
		total += blocks
		fmt.Fprintf(stdout, "%s: %d solution block(s) replaced by stubs\n", shortPath(dst), blocks)
	}
	fmt.Fprintf(stdout, "theorylab student: %d notebook(s), %d solution block(s) removed, copies in %s\n", len(paths), total, shortPath(dir))
	return exitOK
}

// shortPath is path relative to the working directory when it lies below it.
func shortPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return path
}
