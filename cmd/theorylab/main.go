package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"theorylab/pkg/backend"
	"theorylab/pkg/papers"
	_ "theorylab/pkg/papers/all" // every paper
	"theorylab/pkg/runs"
)

// Exit codes.
const (
	exitOK         = 0
	exitFailure    = 1
	exitUsage      = 2
	exitClaimFails = 3
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "list":
		return list(stdout)
	case "run":
		return runPaper(args[1:], stdout, stderr)
	case "sweep":
		return runSweep(args[1:], stdout, stderr)
	case "cache":
		return runCache(args[1:], stdout, stderr)
	case "new":
		return runNew(args[1:], stdout, stderr)
	case "bench":
		return runBench(args[1:])
	case "student":
		return runStudent(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return exitOK
	}
	fmt.Fprintf(stderr, "theorylab: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  theorylab list                          list the papers and their presets
  theorylab run <paper> [flags]           run a paper's experiment and check its claims
      --preset quick|full   (default quick)
      --seed N              first seed, N ≥ 0 (default 0); runs use N, N+1, …
      --out DIR             write DIR/results.json and the figures (SVG)
  theorylab sweep <paper> [flags]         run a preset on independent seeds: pass rate and spread per claim
      --preset quick|full   (default quick)
      --seeds 0-9           replicates; replicate k runs seeds k·n … k·n+n−1 (n: seeds per run), through the cache
      --out DIR             write DIR/sweep.json and DIR/sweep.md
  theorylab cache list                    list the results cache, current and stale files
  theorylab cache prune [--dry-run]       remove stale results (old code, Go version or plugin); --dry-run lists them
  theorylab new <name> [flags]            write a new paper's skeleton: package, notebook, docs page, registration
      --number N --title T --authors A --slug S   (defaults for the lab's ten papers; see docs/adding-a-paper.md)
  theorylab bench [flags]                 measure workloads on the current backend
  theorylab student [--out DIR] [NB ...]  write student copies of the notebooks (solutions → stubs)
`)
}

func list(w io.Writer) int {
	for _, p := range papers.All() {
		fmt.Fprintf(w, "%-12s %02d  %s — %s  [presets: %s]\n", p.Name, p.Number, p.Title, p.Authors, strings.Join(p.Presets, ", "))
	}
	return exitOK
}

// report is results.json.
type report struct {
	Paper          string        `json:"paper"`
	Preset         string        `json:"preset"`
	Seed           int           `json:"seed"`
	Backend        string        `json:"backend"`
	ElapsedSeconds float64       `json:"elapsed_seconds"`
	CacheHit       bool          `json:"cache_hit"`
	AllPass        bool          `json:"all_pass"`
	Claims         any           `json:"claims"`
	Figures        []string      `json:"figures"`
	Manifest       runs.Manifest `json:"manifest"`
	Config         any           `json:"config"`
	Results        any           `json:"results"`
}

func runPaper(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("theorylab run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	preset := fs.String("preset", "quick", "preset: quick or full")
	seed := fs.Int("seed", 0, "first seed (≥ 0)")
	out := fs.String("out", "", "output directory for results.json and figures")
	// Accept the paper name before or after the flags.
	positional, ok := parseInterleaved(fs, args)
	if !ok {
		return exitUsage
	}
	paper, ok := paperArg("run", positional, *preset, stderr)
	if !ok {
		return exitUsage
	}
	if *seed < 0 {
		fmt.Fprintf(stderr, "theorylab run: --seed must be ≥ 0, got %d\n", *seed)
		return exitUsage
	}
	if *out != "" {
		if info, err := os.Stat(*out); err == nil && !info.IsDir() {
			fmt.Fprintf(stderr, "theorylab run: --out %q exists and is not a directory\n", *out)
			return exitUsage
		}
	}

	fmt.Fprintln(stdout, backend.Describe())
	if _, err := backend.Get(); err != nil {
		fmt.Fprintf(stderr, "theorylab run: %v\n", err)
		return exitFailure
	}
	start := time.Now()
	outcome, err := paper.Run(*preset, *seed)
	if err != nil {
		fmt.Fprintf(stderr, "theorylab run %s: %v\n", paper.Name, err)
		return exitFailure
	}
	fmt.Fprintln(stdout, outcome.Claims.Text())

	if *out != "" {
		if err := writeOutputs(*out, paper.Name, *preset, *seed, outcome); err != nil {
			fmt.Fprintf(stderr, "theorylab run: writing %s: %v\n", *out, err)
			return exitFailure
		}
		fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(*out, "results.json"))
	}
	source := "computed"
	if outcome.CacheHit {
		source = "from the results cache"
	}
	pass, fail := outcome.Claims.Counts()
	fmt.Fprintf(stdout, "%s %s: %d/%d claims pass — %s in %.1fs on %s (run took %.1fs)\n",
		paper.Name, *preset, pass, pass+fail, source, time.Since(start).Seconds(), backend.Name(), outcome.Manifest.ElapsedSeconds)
	if !outcome.Claims.AllPass() {
		return exitClaimFails
	}
	return exitOK
}

// writeOutputs writes the figures, the claim table as Markdown (claims.md, for
// the docs) and results.json, each file atomically;
// results.json comes last, so its presence means the directory is complete.
func writeOutputs(dir, paper, preset string, seed int, o *papers.Outcome[any, any]) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rep := report{Paper: paper, Preset: preset, Seed: seed, Backend: o.Manifest.Backend,
		ElapsedSeconds: o.Manifest.ElapsedSeconds, CacheHit: o.CacheHit, AllPass: o.Claims.AllPass(),
		Claims: o.Claims, Manifest: o.Manifest, Config: o.Config, Results: o.Results}
	var errs []error
	for _, f := range o.Figures() {
		name := f.Name + ".svg"
		if err := f.Fig.Save(filepath.Join(dir, name)); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.Figures = append(rep.Figures, name)
	}
	if err := runs.WriteFileAtomic(filepath.Join(dir, "claims.md"), []byte(o.Claims.Markdown())); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return runs.WriteJSON(filepath.Join(dir, "results.json"), rep)
}

// paperArg finds the one paper named on the command line of theorylab CMD
// and checks that it has the preset; it prints why not and returns false
// when the arguments are off (a usage error).
func paperArg(cmd string, positional []string, preset string, stderr io.Writer) (papers.Entry, bool) {
	if len(positional) != 1 {
		fmt.Fprintf(stderr, "theorylab %s: want exactly one paper name, got %d (%s); see `theorylab list`\n", cmd, len(positional), strings.Join(positional, " "))
		return papers.Entry{}, false
	}
	paper, err := papers.Lookup(positional[0])
	if err != nil {
		fmt.Fprintf(stderr, "theorylab %s: %v\n", cmd, err)
		return papers.Entry{}, false
	}
	if !paper.HasPreset(preset) {
		fmt.Fprintf(stderr, "theorylab %s: unknown preset %q for %s (want one of: %s)\n", cmd, preset, paper.Name, strings.Join(paper.Presets, ", "))
		return papers.Entry{}, false
	}
	return paper, true
}
