package runs_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	"theorylab/pkg/runs"
)

// A paper's Results: Series and Float keep NaN and ±Inf through JSON.
type Results struct {
	Loss      runs.Series
	FinalLoss runs.Float
}

func ExampleCached() {
	dir, _ := os.MkdirTemp("", "theorylab-cache")
	defer os.RemoveAll(dir)
	cache := runs.Cache{Dir: dir}
	cfg := struct {
		Preset string
		Seed   int64
		Steps  int
	}{"quick", 1, 3}

	train := func() (Results, error) {
		fmt.Println("training...")
		return Results{Loss: runs.Series{1, 0.5, math.NaN()}, FinalLoss: runs.Float(math.NaN())}, nil
	}
	for range 2 {
		res, man, hit, err := runs.Cached(cache, "toy", cfg, train)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("hit:", hit, "preset:", man.Preset, "seed:", man.Seed, "loss:", res.Loss)
	}
	// Output:
	// training...
	// hit: false preset: quick seed: 1 loss: [1 0.5 NaN]
	// hit: true preset: quick seed: 1 loss: [1 0.5 NaN]
}

func ExampleHashConfig() {
	h1, _ := runs.HashConfig(map[string]any{"steps": 100, "lr": 0.1})
	h2, _ := runs.HashConfig(map[string]any{"lr": 0.1, "steps": 100})
	fmt.Println(len(h1), h1 == h2)
	// Output: 16 true
}

func ExampleSeries() {
	data, _ := json.Marshal(runs.Series{0.5, math.NaN(), math.Inf(1)})
	fmt.Println(string(data))
	var back runs.Series
	json.Unmarshal(data, &back)
	fmt.Println(back)
	// Output:
	// [0.5,null,"+Inf"]
	// [0.5 NaN +Inf]
}

// Results whose code version is not today's are stale: Prune removes them
// (a dry run only lists them).
func ExampleCache_Prune() {
	dir, _ := os.MkdirTemp("", "theorylab-cache")
	defer os.RemoveAll(dir)
	cache := runs.Cache{Dir: dir}
	cfg := map[string]any{"preset": "quick", "seed": 0}
	compute := func() (Results, error) { return Results{Loss: runs.Series{1}}, nil }
	for _, version := range []string{"v-old", "v-new"} {
		key := runs.KeyFor("toy", cfg)
		key.Code = version // a paper's code version (runs.PackageVersion)
		runs.CachedKey(cache, key, compute)
	}
	stale, _ := cache.Prune(map[string]string{"toy": "v-new"}, true)
	for _, s := range stale {
		if !strings.HasSuffix(s.Path, ".lock") {
			fmt.Println("stale:", s.Why)
		}
	}
	// Output:
	// stale: code changed (v-old, today v-new)
}
