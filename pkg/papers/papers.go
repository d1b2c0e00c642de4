package papers

import (
	"fmt"
	"sort"
	"strings"

	"theorylab/pkg/claims"
	"theorylab/pkg/plot"
	"theorylab/pkg/runs"
)

// Outcome is what one run of a paper's preset produced.
type Outcome struct {
	Config   any
	Results  any
	Claims   claims.List
	Figures  []plot.Named
	Manifest runs.Manifest
	CacheHit bool
}

// Paper is one entry of the table.
type Paper struct {
	Name    string // short name used on the command line: "eos"
	Number  int    // the paper's number in the lab (notebook NN-…)
	Title   string
	Authors string
	Presets []string
	// Run runs a preset with the given first seed (through the results cache).
	Run func(preset string, seed int) (*Outcome, error)
}

var table = map[string]Paper{}

// Register adds a paper to the table (each paper registers itself in its own file here;
// tests register stand-ins). Registering an existing name replaces it.
func Register(p Paper) { table[p.Name] = p }

// All lists the papers in lab order.
func All() []Paper {
	var out []Paper
	for _, p := range table {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// Lookup finds a paper by name; the error lists the known names.
func Lookup(name string) (Paper, error) {
	if p, ok := table[name]; ok {
		return p, nil
	}
	var names []string
	for _, p := range All() {
		names = append(names, p.Name)
	}
	return Paper{}, fmt.Errorf("unknown paper %q (known: %s)", name, strings.Join(names, ", "))
}

// HasPreset reports whether preset is one of the paper's presets.
func (p Paper) HasPreset(preset string) bool {
	for _, q := range p.Presets {
		if q == preset {
			return true
		}
	}
	return false
}
