// Package runs makes long computations reusable and traceable: it hashes
// configs, caches results on disk keyed by the config and the code version,
// and records a Manifest (paper, preset, seed, backend, config, versions,
// host, start time, duration) beside every result.
//
// GoNB runs each notebook cell as a fresh program, so a notebook trains in
// one cell through Cached and later cells call Cached again with the same
// config to load the stored Results instead of retraining:
//
//	res, man, hit, err := runs.Cached(runs.DefaultCache(), "eos", cfg, func() (eos.Results, error) {
//		return eos.Run(cfg)
//	})
//
// A stale cache must never be served. The cache key covers the paper, preset,
// backend and its XLA plugin (PluginIdentity), seed, the config's canonical
// JSON, the Go version and the version of the code that computes the
// results: for a paper, PackageVersion of its package — go.mod, go.sum and
// the sources its Run depends on (`go list -deps`), leaving out the paper's
// claims and figures, which are recomputed from the results (the file
// convention of PresentationFile), and the plumbing that cannot change a
// number (Infrastructure: this package, progress bars, the repository's
// root). An edit to one paper's figures, or to another paper, keeps every
// cached result. Where `go list` cannot run, the
// version falls back to CodeVersion, a hash of every non-test .go file under
// pkg/ and models/, and a warning says so once. When the sources cannot be
// found at all (Unknown) nothing is reused or stored. The stored manifest is
// checked against the expected one before a file is trusted; a corrupt file
// is ignored with a warning, recomputed and overwritten. Compute errors are
// never cached. One computation per key runs at a time, across processes
// (flock), so parallel callers compute once.
//
// Cache.Scan lists the cache and says which files are stale — results that
// no current code version, Go version or plugin can ask for again — and
// Cache.Prune removes them (`theorylab cache prune`, `make clean`).
//
// Environment:
//
//	THEORYLAB_CACHE     cache folder (default <repo>/.cache/results)
//	THEORYLAB_NO_CACHE  1: always recompute (fresh results are still stored)
//	THEORYLAB_ROOT      repository root, when it cannot be found from the
//	                    sources or the working directory
//	GOMLX_BACKEND       chooses the backend (pkg/backend), recorded in every key
//
// JSON cannot hold NaN or ±Inf, and encoding/json refuses them. Results
// structs use Float and Series for values that may be non-finite (a diverged
// run): they write NaN as null and ±Inf as "+Inf"/"-Inf" and restore them.
// A plain float64 field holding NaN makes Cached return an error that says so.
//
// WriteJSON and WriteFileAtomic write files atomically (temporary file in the
// same folder, fsync, rename), for the cache and the command line's
// results.json alike.
package runs
