// Package papers is the lab's shared plumbing for paper reproductions and
// the table of papers.
//
// A paper package (pkg/papers/<name>) holds only its science: a Config
// (embedding config.Common) with Quick and Full presets and Validate, a Run
// function, its Claims as data (a claims.Set) and its Figures. Its paper.go
// hands them to Define, which returns the *Paper that everything else uses:
//
//	var Paper = papers.Define(papers.Paper[Config, *Results]{
//		Name: "eos", Number: 1, Title: "…", Authors: "…",
//		Quick: Quick, Full: Full, Run: Run, Claims: Claims, Figures: Figures,
//	})
//
// From there the kit provides, once for every paper: presets by name
// (Preset), the seed of the command line (Config), the cached run keyed by
// the paper's own code version (RunCached, Outcome, RunPreset), the
// notebook's "load the preset, run it through the cache" step (Notebook), and
// the paper's entry in the table (Entry, All, Lookup) that the command line,
// the sweep and the cache prune read. The standard tests are in
// pkg/papers/papertest; the registration of every paper (one line each) is
// pkg/papers/all.
//
// File convention of a paper package: paper.go (the Define call), claims.go
// and figures.go (and claims_*.go, figures_*.go) are presentation, computed
// from Results; everything else is run code. The results cache keys on the
// run code only (runs.PresentationFile), so editing a claim's words or a
// figure keeps the cached results.
package papers
