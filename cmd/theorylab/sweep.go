package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"theorylab/pkg/backend"
	"theorylab/pkg/runs"
	"theorylab/pkg/sweep"
)

// runSweep is `theorylab sweep PAPER [--preset quick] [--seeds 0-9] [--out DIR]`.
func runSweep(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("theorylab sweep", flag.ContinueOnError)
	fs.SetOutput(stderr)
	preset := fs.String("preset", "quick", "preset: quick or full")
	seeds := fs.String("seeds", "0-9", "replicates, e.g. 0-9 or 0,3,5: replicate k runs the preset from seed k·(seeds per run)")
	out := fs.String("out", "", "output directory for sweep.json and sweep.md")
	positional, ok := parseInterleaved(fs, args)
	if !ok {
		return exitUsage
	}
	paper, ok := paperArg("sweep", positional, *preset, stderr)
	if !ok {
		return exitUsage
	}
	replicates, err := sweep.ParseReplicates(*seeds)
	if err != nil {
		fmt.Fprintf(stderr, "theorylab sweep: --%v\n", err)
		return exitUsage
	}
	if *out != "" {
		if info, err := os.Stat(*out); err == nil && !info.IsDir() {
			fmt.Fprintf(stderr, "theorylab sweep: --out %q exists and is not a directory\n", *out)
			return exitUsage
		}
	}
	fmt.Fprintln(stdout, backend.Describe())
	if _, err := backend.Get(); err != nil {
		fmt.Fprintf(stderr, "theorylab sweep: %v\n", err)
		return exitFailure
	}
	rep, err := sweep.Run(paper, *preset, replicates, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "theorylab sweep %s: %v\n", paper.Name, err)
		return exitFailure
	}
	md := rep.Markdown()
	fmt.Fprintln(stdout, md)
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err == nil {
			err = runs.WriteFileAtomic(filepath.Join(*out, "sweep.md"), []byte(md))
			if err == nil {
				err = runs.WriteJSON(filepath.Join(*out, "sweep.json"), rep)
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "theorylab sweep: writing %s: %v\n", *out, err)
			return exitFailure
		}
		fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(*out, "sweep.json"), filepath.Join(*out, "sweep.md"))
	}
	for _, r := range rep.Replicates {
		if r.Error != "" {
			fmt.Fprintf(stderr, "theorylab sweep %s: replicate %d failed: %s\n", paper.Name, r.Index, r.Error)
			return exitFailure
		}
	}
	if !rep.AllReproduced() {
		return exitClaimFails
	}
	return exitOK
}

// parseInterleaved parses flags that may come before or after the positional
// arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, bool) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, false
		}
		if fs.NArg() == 0 {
			return positional, true
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
