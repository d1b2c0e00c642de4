package adamgd

import "theorylab/pkg/runs"

// PaperName is the paper's short name in the CLI, the cache and results.json.
const PaperName = "adamgd"

// RunCached is Run through the on-disk results cache (keyed by the config,
// the backend and the code version): the notebook, the command line and the
// tests call it, so a result computed by one is reused by the others.
func RunCached(cfg Config) (*Results, runs.Manifest, bool, error) {
	if err := cfg.Validate(); err != nil {
		return nil, runs.Manifest{}, false, err
	}
	return runs.Cached(runs.DefaultCache(), PaperName, cfg, func() (*Results, error) { return Run(cfg) })
}
