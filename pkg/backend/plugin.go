package backend

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gomlx/compute"

	"theorylab/pkg/repo"
)

// PluginEnvVar names a PJRT CPU plugin file (.so) to use instead of the one
// scripts/setup.sh installs into .venv; for trying another plugin build.
const PluginEnvVar = "THEORYLAB_PJRT_CPU_PLUGIN"

// The pinned wheel that carries the PJRT CPU plugin, and where the plugin
// lies inside a site-packages folder. scripts/requirements-xla.txt pins the
// same wheel with its SHA-256; docs/performance.md says why this one.
const (
	PluginWheel          = "fastatomstruct-xla-cpu==2026.6.23"
	pluginInSitePackages = "fastatomstruct_xla_cpu/libpjrt_cpu.so"
)

// PluginPath returns the PJRT CPU plugin to load: $THEORYLAB_PJRT_CPU_PLUGIN
// when set, otherwise the pinned wheel's library inside the repository's
// .venv (found from the repository root, never from a path written in the
// code). The error says what is missing and how to install it.
func PluginPath() (string, error) {
	if p := strings.TrimSpace(os.Getenv(PluginEnvVar)); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", fmt.Errorf("$%s=%q: %w", PluginEnvVar, p, err)
		}
		if info, err := os.Stat(abs); err != nil || info.IsDir() {
			return "", fmt.Errorf("$%s=%q is not a plugin file", PluginEnvVar, p)
		}
		return abs, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	pattern := filepath.Join(root, ".venv", "lib", "python3*", "site-packages", pluginInSitePackages)
	matches, _ := filepath.Glob(pattern)
	if len(matches) == 0 {
		return "", fmt.Errorf("no PJRT CPU plugin in %s (it comes from the wheel %s: run `make setup`)",
			relToRoot(root, pattern), PluginWheel)
	}
	return matches[len(matches)-1], nil // the newest Python's, should there be several
}

// repoRoot is repo.Root, with the reason the plugin search needs it.
func repoRoot() (string, error) {
	root, err := repo.Root()
	if err != nil {
		return "", fmt.Errorf("%w, so its .venv cannot be searched for the PJRT CPU plugin", err)
	}
	return root, nil
}

// relToRoot shortens path to be relative to root when it lies inside it.
func relToRoot(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

var reAPIVersion = regexp.MustCompile(`\bv(\d+\.\d+)\b`)

// pluginDescription is a short description of an XLA backend loaded from
// plugin: its file (relative to the repository) and PJRT C API version.
func pluginDescription(b compute.Backend, plugin string) string {
	if root, err := repoRoot(); err == nil {
		plugin = relToRoot(root, plugin)
	}
	desc := "PJRT CPU plugin " + plugin
	if m := reAPIVersion.FindStringSubmatch(b.Description()); m != nil {
		desc += " (PJRT C API " + m[1] + ")"
	}
	return desc
}
