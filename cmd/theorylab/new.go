package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"theorylab/pkg/papers/skeleton"
	"theorylab/pkg/repo"
)

// runNew is `theorylab new NAME [--number N] [--title T] [--authors A] [--slug S]`.
func runNew(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("theorylab new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	number := fs.Int("number", 0, "the paper's number NN (default: the lab's table, or the next free one)")
	title := fs.String("title", "", "the paper's title")
	authors := fs.String("authors", "", `the authors and venue, e.g. "Zou, Cao, Li, Gu (ICLR 2023)"`)
	slug := fs.String("slug", "", "the notebook's and docs page's name: notebooks/NN-SLUG.ipynb")
	positional, ok := parseInterleaved(fs, args)
	if !ok {
		return exitUsage
	}
	if len(positional) != 1 {
		fmt.Fprintf(stderr, "theorylab new: want exactly one paper name, got %d (%s)\n", len(positional), strings.Join(positional, " "))
		return exitUsage
	}
	root, err := repo.Root()
	if err != nil {
		fmt.Fprintf(stderr, "theorylab new: %v\n", err)
		return exitFailure
	}
	p, err := skeleton.Defaults(root, skeleton.Paper{Name: positional[0], Number: *number, Title: *title, Authors: *authors, Slug: *slug})
	if err != nil {
		fmt.Fprintf(stderr, "theorylab new: %v\n", err)
		return exitUsage
	}
	written, err := skeleton.Write(root, p)
	if err != nil {
		fmt.Fprintf(stderr, "theorylab new: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "wrote paper %02d %s — %s:\n", p.Number, p.Name, p.Title)
	for _, f := range written {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	fmt.Fprintf(stdout, `next (docs/adding-a-paper.md walks through it):
  go test ./pkg/papers/%s                 the skeleton's tests pass as written
  go run ./cmd/theorylab run %s           its quick preset, claims and figures
  then replace the TODOs: the experiment in run.go, the claims in claims.go, the notebook's sections
`, p.Name, p.Name)
	return exitOK
}
