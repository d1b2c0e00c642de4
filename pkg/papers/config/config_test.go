package config

import (
	"strings"
	"testing"
)

func TestMajority(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 2, 3: 2, 4: 3, 5: 4, 6: 4, 10: 7} {
		if got := Majority(n); got != want {
			t.Errorf("Majority(%d) = %d, want %d", n, got, want)
		}
	}
	c := Common{Seed: 4, Seeds: 3}
	if got := c.SeedList(); len(got) != 3 || got[0] != 4 || got[2] != 6 || c.Majority() != 2 {
		t.Errorf("SeedList %v, Majority %d", got, c.Majority())
	}
}

func TestCheck(t *testing.T) {
	if err := Check("p", Common{Seed: 0, Seeds: 1}).Err(); err != nil {
		t.Errorf("good config: %v", err)
	}
	k := Check("p", Common{Seed: -1, Seeds: 0})
	k.If(true, "steps must be ≥ 1, got %d", 0)
	k.If(false, "never")
	k.Add(nil)
	err := k.Err()
	for _, want := range []string{"p: seed must be ≥ 0, got -1", "p: seeds must be ≥ 1, got 0", "p: steps must be ≥ 1, got 0"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "never") {
		t.Error("a check that passed was reported")
	}
	var c Common
	c.Base().Seed = 7
	if c.Seed != 7 {
		t.Error("Base does not reach the embedded fields")
	}
}
