package papers

import (
	"theorylab/pkg/claims"
	"theorylab/pkg/notebook"
	"theorylab/pkg/plot"
	"theorylab/pkg/runs"
)

// Outcome is one run of a paper: its config, its results, its claims
// evaluated on them, and where the results came from. Outcome[any, any] is
// the same without the paper's types, as the table hands it out.
type Outcome[C, R any] struct {
	Config   C
	Results  R
	Claims   claims.List
	Manifest runs.Manifest
	CacheHit bool // loaded from the results cache rather than computed now

	figures func(R) []plot.Named
}

// Figures draws the paper's figures from the results.
func (o *Outcome[C, R]) Figures() []plot.Named {
	if o.figures == nil {
		return nil
	}
	return o.figures(o.Results)
}

// Summary is the one line that ends a run: claims passed, run time, backend,
// and whether the results came from the cache (see notebook.Summary).
func (o *Outcome[C, R]) Summary() string { return notebook.Summary(o.Claims, o.Manifest, o.CacheHit) }

// ShowClaims displays the claim table and the Summary line (HTML in a
// notebook, text elsewhere).
func (o *Outcome[C, R]) ShowClaims() { notebook.ShowClaims(o.Claims, o.Manifest, o.CacheHit) }

// Untyped is the outcome without the paper's types.
func (o *Outcome[C, R]) Untyped() *Outcome[any, any] {
	u := &Outcome[any, any]{Config: o.Config, Results: o.Results, Claims: o.Claims, Manifest: o.Manifest, CacheHit: o.CacheHit}
	if o.figures != nil {
		figures, res := o.figures, o.Results
		u.figures = func(any) []plot.Named { return figures(res) }
	}
	return u
}

// NewOutcome builds an outcome by hand, for stand-in papers in tests.
func NewOutcome[C, R any](cfg C, res R, l claims.List, man runs.Manifest, figures func(R) []plot.Named) *Outcome[C, R] {
	return &Outcome[C, R]{Config: cfg, Results: res, Claims: l, Manifest: man, figures: figures}
}
