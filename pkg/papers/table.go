package papers

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Entry is one paper in the table, without its types: what the command
// line, the sweep and the cache prune need.
type Entry struct {
	Name    string
	Number  int
	Title   string
	Authors string
	Presets []string
	Package string // the paper package's import path ("" for a stand-in)
	// Run runs a preset from the given first seed, through the results cache.
	Run func(preset string, seed int) (*Outcome[any, any], error)
	// Seeds is the number of seeds one run of the preset uses.
	Seeds func(preset string) (int, error)
}

var (
	mu    sync.Mutex
	table = map[string]Entry{}
)

// Register adds an entry to the table. Define registers every paper; tests
// register stand-ins. A name registered twice panics: two papers would share
// a cache folder and a command-line name.
func Register(e Entry) {
	if e.Name == "" || e.Run == nil {
		panic("papers.Register: an entry needs a name and a Run")
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := table[e.Name]; dup {
		panic(fmt.Sprintf("papers.Register: %q is registered twice", e.Name))
	}
	table[e.Name] = e
}

// All lists the papers in lab order. Only the papers whose packages are
// linked in are there: import theorylab/pkg/papers/all for every one.
func All() []Entry {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Entry, 0, len(table))
	for _, e := range table {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Number != out[j].Number {
			return out[i].Number < out[j].Number
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Lookup finds a paper by name; the error lists the known names.
func Lookup(name string) (Entry, error) {
	mu.Lock()
	e, ok := table[name]
	mu.Unlock()
	if ok {
		return e, nil
	}
	var names []string
	for _, e := range All() {
		names = append(names, e.Name)
	}
	return Entry{}, fmt.Errorf("unknown paper %q (known: %s)", name, strings.Join(names, ", "))
}

// HasPreset reports whether preset is one of the paper's presets.
func (e Entry) HasPreset(preset string) bool { return slices.Contains(e.Presets, preset) }
