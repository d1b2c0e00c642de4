package papers

import (
	"fmt"
	"reflect"
	"regexp"

	"theorylab/pkg/claims"
	"theorylab/pkg/notebook"
	"theorylab/pkg/papers/config"
	"theorylab/pkg/plot"
	"theorylab/pkg/runs"
)

// Config is what the kit needs of a paper's configuration type, besides
// embedding config.Common: a Validate that names the field of every problem.
type Config interface {
	Validate() error
}

// Paper is one paper's reproduction: its presets, its experiment, its claims
// and its figures. Fill it in and pass it to Define.
type Paper[C Config, R any] struct {
	Name    string // short name: the command line, the cache folder, results.json ("eos")
	Number  int    // the lab's number: notebooks/NN-….ipynb, docs/NN-….md
	Title   string
	Authors string // "Cohen, Kaur, Li, Kolter, Talwalkar (ICLR 2021)"

	Quick func() C // the preset CI runs: about 2 minutes on 2 cores
	Full  func() C // the full-size preset (nil: none)

	Run     func(C) (R, error)   // the experiment; it validates its config first
	Claims  claims.Set[R]        // the paper's claims, as data
	Figures func(R) []plot.Named // the paper's figures, drawn from the results

	pkg  string                  // import path of the paper's package
	base func(*C) *config.Common // reaches the config's shared fields
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// Define checks a paper's definition, adds it to the table and returns it.
// The config type C must embed config.Common (the compiler checks it through
// P, which Go infers). A definition with a missing part panics: Define runs
// when the paper's package is initialised, so every test and program that
// imports it stops at once with the reason.
func Define[C Config, R any, P interface {
	*C
	Base() *config.Common
}](p Paper[C, R]) *Paper[C, R] {
	problem := func(format string, args ...any) {
		panic(fmt.Sprintf("papers.Define(%q): ", p.Name) + fmt.Sprintf(format, args...))
	}
	if !namePattern.MatchString(p.Name) {
		problem("the name must be lower-case letters and digits, starting with a letter")
	}
	if p.Number < 1 || p.Title == "" || p.Authors == "" {
		problem("number (≥ 1), title and authors are required")
	}
	if p.Quick == nil || p.Run == nil || p.Figures == nil {
		problem("Quick, Run and Figures are required")
	}
	if len(p.Claims) == 0 {
		problem("a paper needs at least one claim")
	}
	if err := p.Claims.Validate(); err != nil {
		problem("%v", err)
	}
	p.pkg = reflect.TypeFor[C]().PkgPath()
	p.base = func(c *C) *config.Common { return P(c).Base() }
	def := &p
	Register(def.Entry())
	return def
}

// Package is the import path of the paper's package.
func (p *Paper[C, R]) Package() string { return p.pkg }

// Presets lists the preset names: "quick", and "full" when there is one.
func (p *Paper[C, R]) Presets() []string {
	if p.Full == nil {
		return []string{"quick"}
	}
	return []string{"quick", "full"}
}

// Preset returns the named preset.
func (p *Paper[C, R]) Preset(name string) (C, error) {
	switch {
	case name == "quick":
		return p.Quick(), nil
	case name == "full" && p.Full != nil:
		return p.Full(), nil
	}
	var zero C
	return zero, fmt.Errorf("%s: unknown preset %q (want one of %v)", p.Name, name, p.Presets())
}

// Config returns the named preset with its first seed set to seed.
func (p *Paper[C, R]) Config(preset string, seed int) (C, error) {
	cfg, err := p.Preset(preset)
	if err != nil {
		return cfg, err
	}
	p.base(&cfg).Seed = seed
	return cfg, nil
}

// Common returns the shared fields of cfg: its preset and seeds.
func (p *Paper[C, R]) Common(cfg C) config.Common { return *p.base(&cfg) }

// WithCommon returns cfg with its shared fields replaced by c.
func (p *Paper[C, R]) WithCommon(cfg C, c config.Common) C {
	*p.base(&cfg) = c
	return cfg
}

// CodeVersion is the version of the code the paper's results depend on
// (runs.PackageVersion of its package): what the cache keys on.
func (p *Paper[C, R]) CodeVersion() string { return runs.PackageVersion(p.pkg) }

// RunCached is Run through the on-disk results cache, keyed by the config,
// the backend and the paper's own code version: the notebook, the command
// line and the tests all call it, so a result computed by one is reused by
// the others. An invalid config is refused before anything is written.
func (p *Paper[C, R]) RunCached(cfg C) (R, runs.Manifest, bool, error) {
	if err := cfg.Validate(); err != nil {
		var zero R
		return zero, runs.Manifest{}, false, err
	}
	key := runs.KeyFor(p.Name, cfg)
	key.Code = p.CodeVersion()
	return runs.CachedKey(runs.DefaultCache(), key, func() (R, error) { return p.Run(cfg) })
}

// Outcome runs cfg through the cache and evaluates the claims.
func (p *Paper[C, R]) Outcome(cfg C) (*Outcome[C, R], error) {
	res, man, hit, err := p.RunCached(cfg)
	if err != nil {
		return nil, err
	}
	return &Outcome[C, R]{Config: cfg, Results: res, Claims: p.Claims.Evaluate(res), Manifest: man, CacheHit: hit,
		figures: p.Figures}, nil
}

// RunPreset runs the named preset from the first seed seed, through the cache.
func (p *Paper[C, R]) RunPreset(preset string, seed int) (*Outcome[C, R], error) {
	cfg, err := p.Config(preset, seed)
	if err != nil {
		return nil, err
	}
	return p.Outcome(cfg)
}

// Notebook is the notebook's run: the preset that $THEORYLAB_PRESET chooses
// (notebook.Preset; quick by default) from seed 0, computed once and then
// loaded from the cache by every later cell. It panics on an error, which
// GoNB shows under the cell.
func (p *Paper[C, R]) Notebook() *Outcome[C, R] {
	out, err := p.RunPreset(notebook.Preset(), 0)
	if err != nil {
		panic(err)
	}
	return out
}

// Entry is the paper as the table lists it.
func (p *Paper[C, R]) Entry() Entry {
	return Entry{Name: p.Name, Number: p.Number, Title: p.Title, Authors: p.Authors, Presets: p.Presets(),
		Package: p.pkg,
		Run: func(preset string, seed int) (*Outcome[any, any], error) {
			out, err := p.RunPreset(preset, seed)
			if err != nil {
				return nil, err
			}
			return out.Untyped(), nil
		},
		Seeds: func(preset string) (int, error) {
			cfg, err := p.Preset(preset)
			if err != nil {
				return 0, err
			}
			return p.base(&cfg).Seeds, nil
		},
	}
}
