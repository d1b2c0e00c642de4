package backend

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego" // registers "go"

	_ "theorylab/pkg/fastgrad" // matrix-product gradients as products (see its doc)
)

// EnvVar is GoMLX's own variable; when set it overrides TheoryLab's default.
const EnvVar = backends.ConfigEnvVar

// DefaultConfig is the backend used when GOMLX_BACKEND is not set:
// the pure-Go SimpleGo backend with sequential op scheduling (see the package doc).
const DefaultConfig = "go:ops_sequential"

var (
	once    sync.Once
	current backends.Backend
	config  string
	initErr error
)

// Config returns the backend configuration in force: $GOMLX_BACKEND when set,
// DefaultConfig otherwise.
func Config() string {
	if c, ok := os.LookupEnv(EnvVar); ok && strings.TrimSpace(c) != "" {
		return strings.TrimSpace(c)
	}
	return DefaultConfig
}

// Get returns the process-wide backend, creating it on first use.
// An unknown or broken $GOMLX_BACKEND is an error that names it and lists
// the backends compiled in.
func Get() (backends.Backend, error) {
	once.Do(func() {
		config = Config()
		current, initErr = create(config)
		if initErr != nil {
			initErr = fmt.Errorf("backend %q (%s) could not be created: %w; backends compiled in: %v",
				config, sourceOfConfig(), initErr, backends.List())
		}
	})
	return current, initErr
}

// MustGet is Get for programs and notebooks that cannot go on without a backend.
func MustGet() backends.Backend {
	b, err := Get()
	if err != nil {
		panic(err)
	}
	return b
}

// Name is the short name of the backend configuration in use, e.g. "go:ops_sequential".
// It is what results and manifests record.
func Name() string {
	if _, err := Get(); err != nil {
		return "unavailable(" + Config() + ")"
	}
	return config
}

// Describe is the one line that notebooks and the command line print first.
func Describe() string {
	b, err := Get()
	if err != nil {
		return "backend: " + err.Error()
	}
	return fmt.Sprintf("backend: %s — %s (%s; set %s to override)", config, b.Description(), sourceOfConfig(), EnvVar)
}

func sourceOfConfig() string {
	if c, ok := os.LookupEnv(EnvVar); ok && strings.TrimSpace(c) != "" {
		return "from $" + EnvVar
	}
	return "TheoryLab default"
}

// create calls GoMLX, turning its panic on an unknown backend name into an error.
func create(config string) (b backends.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return backends.NewWithConfig(config)
}
