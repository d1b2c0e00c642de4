package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"theorylab/pkg/papers"
	"theorylab/pkg/runs"
)

// runCache is `theorylab cache list|prune [--dry-run]`.
func runCache(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "prune") {
		fmt.Fprintln(stderr, "theorylab cache: want `cache list` or `cache prune [--dry-run]`")
		return exitUsage
	}
	what := args[0]
	fs := flag.NewFlagSet("theorylab cache "+what, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "list what prune would remove, and remove nothing")
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 || (what == "list" && *dryRun) {
		fmt.Fprintf(stderr, "theorylab cache %s: unexpected arguments %v\n", what, args[1:])
		return exitUsage
	}
	cache := runs.DefaultCache()
	if cache.Dir == "" {
		fmt.Fprintln(stderr, "theorylab cache: no results cache (the repository root cannot be found; set THEORYLAB_CACHE)")
		return exitFailure
	}
	// Today's code version of every paper: only results that match one can ever be read again.
	versions := map[string]string{}
	for _, e := range papers.All() {
		if e.Package == "" {
			continue
		}
		v, err := runs.PackageSources(e.Package)
		if err != nil {
			fmt.Fprintf(stderr, "theorylab cache %s: cannot tell which results are current, so nothing is removed: %v\n", what, err)
			return exitFailure
		}
		versions[e.Name] = v
	}
	if what == "list" {
		all, err := cache.Scan(versions)
		if err != nil {
			fmt.Fprintf(stderr, "theorylab cache list: %v\n", err)
			return exitFailure
		}
		var current, stale int64
		for _, s := range all {
			state := "current"
			if s.Stale {
				state = "stale: " + s.Why
				stale += s.Bytes
			} else {
				current += s.Bytes
			}
			fmt.Fprintf(stdout, "%-60s %9s  %s\n", rel(cache.Dir, s.Path), size(s.Bytes), state)
		}
		fmt.Fprintf(stdout, "%s: %s current, %s stale (`theorylab cache prune` removes the stale files)\n", cache.Dir, size(current), size(stale))
		return exitOK
	}
	removed, err := cache.Prune(versions, *dryRun)
	verb := "removed"
	if *dryRun {
		verb = "would remove"
	}
	var total int64
	for _, s := range removed {
		total += s.Bytes
		fmt.Fprintf(stdout, "%s %s (%s)\n", verb, rel(cache.Dir, s.Path), s.Why)
	}
	fmt.Fprintf(stdout, "%s: %s %d stale files, %s\n", cache.Dir, verb, len(removed), size(total))
	if err != nil {
		fmt.Fprintf(stderr, "theorylab cache prune: %v\n", err)
		return exitFailure
	}
	return exitOK
}

func rel(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil {
		return r
	}
	return path
}

func size(b int64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}
