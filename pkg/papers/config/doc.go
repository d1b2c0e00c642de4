// Package config holds what every paper's Config shares, so that no paper
// writes it again: the preset a config came from and its seeds (Common, which
// each Config embeds), the majority rule over seeds that claims apply, and a
// Checker that collects configuration problems, each naming its field.
//
//	type Config struct {
//		config.Common        // preset, seed, seeds
//		Steps int `json:"steps"`
//	}
//
//	func (c Config) Validate() error {
//		k := config.Check("mypaper", c.Common) // the seed and seeds are checked here
//		k.If(c.Steps < 1, "steps must be ≥ 1, got %d", c.Steps)
//		return k.Err()
//	}
//
// It is a small package on its own, apart from pkg/papers, because a paper's
// run code imports it: the results cache keys on the sources that the run
// code depends on (runs.PackageVersion), and this keeps the claim tables and
// figures of pkg/papers out of them.
package config
