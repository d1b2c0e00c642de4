package notebook

import (
	"strings"
	"testing"

	"theorylab/pkg/claims"
	"theorylab/pkg/runs"
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

func TestSummary(t *testing.T) {
	l := claims.List{{ID: "A-1", Statement: "s", Threshold: "t", Measured: 1, Pass: true},
		{ID: "A-2", Statement: "s", Threshold: "t", Measured: 0, Pass: false}}
	man := runs.Manifest{Paper: "eos", Preset: "quick", Backend: "go:ops_sequential", ElapsedSeconds: 95.34}
	want := "eos quick: 1/2 claims pass; 1 fails: A-2 — run took 95.3s on go:ops_sequential (loaded from the results cache)"
	if got := Summary(l, man, true); got != want {
		t.Errorf("Summary:\n got %q\nwant %q", got, want)
	}
	if got := Summary(l[:1], man, false); !strings.HasSuffix(got, "1/1 claims pass — run took 95.3s on go:ops_sequential (computed now)") {
		t.Errorf("Summary: %q", got)
	}
}
