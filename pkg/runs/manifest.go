package runs

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"theorylab/pkg/backend"
	"time"
)

// GoMLXModule is the module path whose version Manifest.GoMLXVersion reports.
const GoMLXModule = "github.com/gomlx/gomlx"

// Manifest records what produced a set of results.
type Manifest struct {
	Paper          string          `json:"paper"`
	Preset         string          `json:"preset,omitempty"`
	Seed           int64           `json:"seed"`
	Backend        string          `json:"backend"`
	Plugin         string          `json:"plugin,omitempty"` // the PJRT plugin of an XLA backend (see PluginIdentity)
	Config         json.RawMessage `json:"config"`           // canonical JSON of the config (see CanonicalJSON)
	ConfigHash     string          `json:"config_hash"`      // HashConfig(config)
	CacheKey       string          `json:"cache_key"`        // hash of everything that names the results (see Key)
	CodeVersion    string          `json:"code_version"`
	GoVersion      string          `json:"go_version"`
	GoMLXVersion   string          `json:"gomlx_version"`
	StartedAt      time.Time       `json:"started_at"`
	ElapsedSeconds float64         `json:"elapsed_seconds"`
	Host           string          `json:"host"` // "linux/amd64, 2 CPUs"
}

// BackendName names the GoMLX backend in use, for Key.Backend when the config
// has no "backend" field: the configuration pkg/backend selected, so that
// results from different backends are never confused. Tests may replace it.
var BackendName = backend.Name

// Key names a set of results: the paper, the preset, the backend, the seed,
// the config and the version of the code that computes them. The cache also
// keys on the Go version and the backend's plugin (PluginIdentity), so a key
// computed by a different build never matches.
type Key struct {
	Paper   string
	Preset  string
	Backend string
	Seed    int64
	Config  any
	// Code is the version of the code that computes the results: for a
	// paper, PackageVersion of its package (pkg/papers sets it); empty means
	// CodeVersion, every source of the module.
	Code string
}

// KeyFor builds the Key of a paper's config. Preset, Seed and Backend are
// read from the config's top-level JSON fields "preset", "seed" and "backend"
// (matched case-insensitively, as encoding/json does) when it has them;
// Backend otherwise comes from BackendName. The config itself is always part
// of the key, so these fields are labels for the manifest as much as keys.
func KeyFor(paper string, cfg any) Key {
	k := Key{Paper: paper, Config: cfg}
	if canon, err := CanonicalJSON(cfg); err == nil {
		var fields map[string]json.RawMessage
		if json.Unmarshal(canon, &fields) == nil {
			names := make([]string, 0, len(fields))
			for name := range fields {
				names = append(names, name)
			}
			slices.Sort(names)
			for _, name := range names { // sorted, so the choice between "Seed" and "seed" is stable
				v := fields[name]
				switch strings.ToLower(name) {
				case "preset":
					json.Unmarshal(v, &k.Preset) // a non-string value leaves it empty
				case "seed":
					json.Unmarshal(v, &k.Seed)
				case "backend":
					json.Unmarshal(v, &k.Backend)
				}
			}
		}
	}
	if k.Backend == "" {
		k.Backend = BackendName()
	}
	return k
}

// Hash returns the key's cache hash (Manifest.CacheKey).
func (k Key) Hash() (string, error) {
	m, err := NewManifest(k)
	return m.CacheKey, err
}

// NewManifest fills a manifest for k: labels, plugin, canonical config and
// its hash, cache key, code, Go and GoMLX versions, and host. StartedAt and
// ElapsedSeconds are left for the caller (Cached sets them around compute).
func NewManifest(k Key) (Manifest, error) {
	m := Manifest{
		Paper:        k.Paper,
		Preset:       k.Preset,
		Seed:         k.Seed,
		Backend:      k.Backend,
		Plugin:       PluginIdentity(),
		CodeVersion:  k.Code,
		GoVersion:    runtime.Version(),
		GoMLXVersion: GoMLXVersion(),
		Host:         fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
	}
	if m.CodeVersion == "" {
		m.CodeVersion = CodeVersion()
	}
	canon, err := CanonicalJSON(k.Config)
	if err != nil {
		return m, err
	}
	m.Config = canon
	m.ConfigHash = shortHash(canon)
	m.CacheKey = shortHash([]byte(strings.Join([]string{
		"theorylab-results-v2", k.Paper, k.Preset, k.Backend, m.Plugin, strconv.FormatInt(k.Seed, 10),
		string(canon), m.CodeVersion, m.GoVersion,
	}, "\x00")))
	return m, nil
}

// GoMLXVersion returns the version of the GoMLX module linked into this
// binary, from runtime/debug.ReadBuildInfo, or Unknown when GoMLX is not
// linked (e.g. in this package's own tests).
func GoMLXVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Unknown
	}
	for _, d := range bi.Deps {
		if d.Path != GoMLXModule {
			continue
		}
		if r := d.Replace; r != nil {
			if r.Version != "" {
				return r.Version
			}
			return "replaced by " + r.Path
		}
		if d.Version != "" {
			return d.Version
		}
	}
	return Unknown
}

// sameRun reports whether a stored manifest describes the same run as want,
// and why not.
func sameRun(stored, want Manifest) (bool, string) {
	for _, f := range []struct{ name, got, want string }{
		{"paper", stored.Paper, want.Paper},
		{"preset", stored.Preset, want.Preset},
		{"backend", stored.Backend, want.Backend},
		{"plugin", stored.Plugin, want.Plugin},
		{"seed", strconv.FormatInt(stored.Seed, 10), strconv.FormatInt(want.Seed, 10)},
		{"config_hash", stored.ConfigHash, want.ConfigHash},
		{"cache_key", stored.CacheKey, want.CacheKey},
		{"code_version", stored.CodeVersion, want.CodeVersion},
		{"go_version", stored.GoVersion, want.GoVersion},
	} {
		if f.got != f.want {
			return false, fmt.Sprintf("%s is %q, want %q", f.name, f.got, f.want)
		}
	}
	return true, ""
}
