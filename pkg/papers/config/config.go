package config

import (
	"errors"
	"fmt"
)

// Common is the part of every paper's Config that the lab's shared code
// reads and sets: the preset's name and the seeds. Embed it (as a value):
// its fields then sit at the top level of the config and of its JSON.
type Common struct {
	Preset string `json:"preset"` // "quick", "full" or "custom"
	// Seed is the first seed: the runs use Seed, Seed+1, …, Seed+Seeds−1.
	Seed int `json:"seed"`
	// Seeds is the number of independently seeded runs of every setting.
	Seeds int `json:"seeds"`
}

// Base gives the shared code (pkg/papers) the Common part of any Config
// that embeds it.
func (c *Common) Base() *Common { return c }

// SeedList is Seed, Seed+1, …, Seed+Seeds−1.
func (c Common) SeedList() []int {
	out := make([]int, max(c.Seeds, 0))
	for i := range out {
		out[i] = c.Seed + i
	}
	return out
}

// Majority is the number of seeds in which a claim must hold: Majority(Seeds).
func (c Common) Majority() int { return Majority(c.Seeds) }

// Majority is the lab's majority rule over n seeds (or seed pairs): all of
// one or two, else all but a third — 2 of 3, 3 of 4, 4 of 5, 4 of 6, 7 of 10.
func Majority(n int) int {
	if n <= 2 {
		return n
	}
	return n - n/3
}

// Checker collects the problems of a configuration, each message naming
// its field, prefixed by the paper's name.
type Checker struct {
	paper string
	errs  []error
}

// NewChecker starts an empty list of problems, for a nested configuration;
// messages are prefixed with name.
func NewChecker(name string) *Checker { return &Checker{paper: name} }

// Check starts the checks of a paper's configuration with those of its
// Common part: a seed ≥ 0 and at least one seed.
func Check(paper string, c Common) *Checker {
	k := NewChecker(paper)
	k.If(c.Seed < 0, "seed must be ≥ 0, got %d", c.Seed)
	k.If(c.Seeds < 1, "seeds must be ≥ 1, got %d", c.Seeds)
	return k
}

// If records the problem when bad is true.
func (k *Checker) If(bad bool, format string, args ...any) {
	if bad {
		k.errs = append(k.errs, fmt.Errorf(k.paper+": "+format, args...))
	}
}

// Add records an error found elsewhere (a nested config's Validate), as it is.
func (k *Checker) Add(err error) {
	if err != nil {
		k.errs = append(k.errs, err)
	}
}

// Err is every recorded problem (errors.Join), or nil.
func (k *Checker) Err() error { return errors.Join(k.errs...) }
