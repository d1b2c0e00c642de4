package notebook

import (
	"strings"
	"testing"
)

func TestSource(t *testing.T) {
	for _, c := range []struct{ dir, name, want string }{
		{"models/mlp", "Config.Forward", "func (c Config) Forward("},
		{"pkg/train", "HalfMSE", "func HalfMSE("},
		{"pkg/papers/eos", "Config", "type Config struct"},
	} {
		src, err := Source(c.dir, c.name)
		if err != nil || !strings.Contains(src, c.want) {
			t.Errorf("Source(%s, %s): %v\n%s", c.dir, c.name, err, src)
		}
	}
	if _, err := Source("pkg/train", "NoSuchThing"); err == nil || !strings.Contains(err.Error(), "NoSuchThing") {
		t.Errorf("missing declaration: %v", err)
	}
}

func TestPreset(t *testing.T) {
	t.Setenv(PresetEnv, "")
	if Preset() != "quick" {
		t.Error("default preset must be quick")
	}
	t.Setenv(PresetEnv, "full")
	if Preset() != "full" {
		t.Error("THEORYLAB_PRESET ignored")
	}
}
