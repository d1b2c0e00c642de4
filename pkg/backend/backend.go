package backend

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // registers "go"
)

// EnvVar is GoMLX's own variable; when set it overrides TheoryLab's choice.
const EnvVar = compute.ConfigEnvVar

// The two configurations TheoryLab chooses between by itself.
const (
	// PureGoConfig is GoMLX's embedded pure-Go backend in its default
	// configuration (see the package doc): it needs nothing installed, and
	// it is the fallback whenever XLA cannot be used.
	PureGoConfig = "go"
	// XLACPUConfig is GoMLX's XLA backend with the PJRT CPU plugin that
	// scripts/setup.sh installs into .venv (see PluginPath).
	XLACPUConfig = "xla:cpu"
)

// How the configuration in force was chosen (see Source).
const (
	SourceEnv      = "from $" + EnvVar
	SourceDefault  = "TheoryLab default"
	SourceFallback = "TheoryLab fallback"
)

// choice is the process-wide backend, made once.
type choice struct {
	config  string // what Name reports: "xla:cpu", "go" or $GOMLX_BACKEND
	source  string // SourceEnv, SourceDefault or SourceFallback
	why     string // for SourceFallback: why XLA is not used
	plugin  string // the PJRT plugin file, when the backend is xla:cpu through PluginPath
	backend compute.Backend
	err     error
}

var (
	chosen  *choice
	once    sync.Once
	warnOut = os.Stderr // where the one fallback line goes
)

// envConfig is $GOMLX_BACKEND, trimmed; "" when unset or blank.
func envConfig() string {
	if c, ok := os.LookupEnv(EnvVar); ok {
		return strings.TrimSpace(c)
	}
	return ""
}

// DefaultConfig is the configuration used when GOMLX_BACKEND is not set:
// XLACPUConfig when this binary has GoMLX's XLA backend compiled in and the
// PJRT CPU plugin loads and computes a small product correctly; PureGoConfig
// otherwise. The first call probes the plugin (a fraction of a second); the
// answer is kept for the life of the process.
func DefaultConfig() string {
	if probeXLA().err != nil {
		return PureGoConfig
	}
	return XLACPUConfig
}

// Config returns the backend configuration in force: $GOMLX_BACKEND when set,
// DefaultConfig otherwise.
func Config() string {
	if c := envConfig(); c != "" {
		return c
	}
	return DefaultConfig()
}

// Get returns the process-wide backend, creating it on first use.
//
// With $GOMLX_BACKEND set, exactly that backend is created; an unknown or
// broken value is an error that names it and lists the backends compiled in
// ("xla:cpu" there means the plugin PluginPath finds, when it finds one).
// Otherwise Get uses XLA on the CPU when it works, and else the pure-Go
// backend, printing once to stderr one line that says why.
func Get() (compute.Backend, error) {
	once.Do(func() { chosen = choose() })
	return chosen.backend, chosen.err
}

func choose() *choice {
	if cfg := envConfig(); cfg != "" {
		c := &choice{config: cfg, source: SourceEnv}
		c.backend, c.plugin, c.err = newBackend(cfg)
		if c.err != nil {
			c.err = fmt.Errorf("backend %q (%s) could not be created: %w; backends compiled in: %v",
				cfg, SourceEnv, c.err, compute.List())
		}
		return c
	}
	if p := probeXLA(); p.err == nil {
		return &choice{config: XLACPUConfig, source: SourceDefault, plugin: p.plugin, backend: p.backend}
	}
	c := &choice{config: PureGoConfig, source: SourceFallback, why: probeXLA().err.Error()}
	c.backend, c.err = create(PureGoConfig)
	if c.err != nil {
		c.err = fmt.Errorf("backend %q (%s) could not be created: %w", PureGoConfig, SourceFallback, c.err)
		return c
	}
	fmt.Fprintf(warnOut, "theorylab: backend %s, because XLA on the CPU is unavailable: %s\n", PureGoConfig, c.why)
	return c
}

// New creates a new backend for configuration cfg, apart from the
// process-wide one: "xla:cpu" is XLA with the plugin that PluginPath finds,
// anything else goes to GoMLX as it is. Tests use it to run the same graphs on
// two backends in one process. The caller finalizes it.
func New(cfg string) (compute.Backend, error) {
	b, _, err := newBackend(cfg)
	if err != nil {
		return nil, fmt.Errorf("backend %q could not be created: %w", cfg, err)
	}
	return b, nil
}

// newBackend creates the backend that configuration cfg names. "xla:cpu"
// (with or without options after a comma) and a bare "xla" mean the plugin
// that PluginPath finds, when it finds one; otherwise GoMLX searches its own
// places (PJRT_PLUGIN_LIBRARY_PATH, …) and never downloads anything.
func newBackend(cfg string) (b compute.Backend, plugin string, err error) {
	name, opts, _ := strings.Cut(cfg, ",")
	if name == "xla" || name == XLACPUConfig {
		if path, perr := PluginPath(); perr == nil {
			b, err = newXLAFromPlugin(path, opts)
			return b, path, err
		}
	}
	b, err = create(cfg)
	return b, "", err
}

// MustGet is Get for programs and notebooks that cannot go on without a backend.
func MustGet() compute.Backend {
	b, err := Get()
	if err != nil {
		panic(err)
	}
	return b
}

// Name is the short name of the backend configuration in use, e.g.
// "xla:cpu" or "go". It is what results and manifests record.
func Name() string {
	if _, err := Get(); err != nil {
		return "unavailable(" + chosen.config + ")"
	}
	return chosen.config
}

// Source says how the backend in use was chosen: SourceEnv, SourceDefault
// (XLA on the CPU, found and working) or SourceFallback (the pure-Go backend
// because XLA could not be used; FallbackReason says why).
func Source() string {
	_, _ = Get()
	return chosen.source
}

// FallbackReason is why XLA on the CPU is not the backend in use, when
// TheoryLab fell back to the pure-Go backend; "" otherwise.
func FallbackReason() string {
	_, _ = Get()
	return chosen.why
}

// Describe is the one line that notebooks and the command line print first.
func Describe() string {
	b, err := Get()
	if err != nil {
		return "backend: " + err.Error()
	}
	var how string
	switch chosen.source {
	case SourceFallback:
		how = fmt.Sprintf("%s: XLA on the CPU is unavailable: %s", SourceFallback, chosen.why)
	default:
		how = chosen.source
	}
	desc := b.Description()
	if chosen.plugin != "" {
		// The xla backend describes itself by the plugin's absolute path, twice.
		desc = fmt.Sprintf("XLA, %s", pluginDescription(b, chosen.plugin))
	}
	return fmt.Sprintf("backend: %s — %s (%s; set %s to override)", chosen.config, desc, how, EnvVar)
}

// create calls GoMLX, turning its panic on an unknown backend name into an error.
func create(config string) (b compute.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return compute.NewWithConfig(config)
}
