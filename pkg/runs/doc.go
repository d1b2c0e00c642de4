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
// backend, seed, the config's canonical JSON, the Go version and CodeVersion:
// a hash of go.mod, go.sum and every non-test .go file under pkg/ and
// models/. When those sources cannot be found (CodeVersion returns Unknown)
// nothing is reused or stored. The stored manifest is checked against the
// expected one before a file is trusted; a corrupt file is ignored with a
// warning, recomputed and overwritten. Compute errors are never cached.
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
