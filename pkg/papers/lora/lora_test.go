package lora

import (
	"math"
	"slices"
	"testing"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers/papertest"
)

// tiny is a short configuration for method checks (seconds, not minutes).
func tiny() Config {
	c := Quick()
	c.Preset = "custom"
	c.PretrainN, c.AdaptN, c.ValN = 1000, 500, 100
	c.LRGrid = []float64{1e-3, 1e-2}
	c.Hidden = 32
	c.PretrainEpochs, c.AdaptEpochs = 1, 1
	c.Batch = 100
	c.Ranks = []int{1, 4}
	c.SmallRank, c.LargeRank, c.AmpRank = 1, 4, 1
	c.Seeds = 2
	c.BaselineDraws = 2
	c.MergeCheckN = 100
	c.PitfallSteps = 3
	return c
}

// TestQuickPreset runs the quick preset through the results cache and
// asserts every claim: each holds, or fails as its documented finding says
// (LORA-8, LORA-13: docs/04-lora.md "Findings", notebook §10). It then checks
// the method's invariants and the experiments that explain the findings on
// the same runs.
func TestQuickPreset(t *testing.T) {
	out := papertest.Quick(t, Paper)
	if len(out.Claims) != 7 {
		t.Errorf("want 7 claims (LORA-7 … LORA-13), got %d", len(out.Claims))
	}
	res := out.Results
	checkInvariants(t, res)
	// The findings (docs/04-lora.md, Findings; each confirmed in ≥ 8 of 10
	// replicates of the sweep): the test asserts the direction of each
	// failure, not its size.
	w1 := res.Layers[0]
	// LORA-9 is not reproduced (3 of 10, a recorded failure, not a finding):
	// papertest.Quick pins its failure at seed 0; rank 1 still recovers a positive share.
	if c, _ := out.Claims.Find("LORA-9"); c.Recorded() && !(c.Measured > 0) {
		t.Errorf("LORA-9: rank 1 should still recover a positive share of the gap; measured %.3f", c.Measured)
	}
	// LORA-11: φ(1, 1) between the ranks does not rise above the data-shaped null by the asked share.
	if c, _ := out.Claims.Find("LORA-11"); c.Documented() {
		if k := claims.Median(w1.Kappa11); !(k < kappaRanks.Lo()) {
			t.Errorf("LORA-11's finding says κ stays below %g; median κ on W₁ = %.3f", kappaRanks.Lo(), k)
		}
	}
	// LORA-12: seed-versus-seed φ is above the isotropic Gaussian value (the old null) but not above the data-shaped one.
	if c, _ := out.Claims.Find("LORA-12"); c.Documented() {
		ratio, k := claims.Median(w1.SeedMeanDelta)/w1.GaussianMean, claims.Median(w1.SeedKappa)
		if !(ratio > 1 && k < kappaSeeds.Lo()) {
			t.Errorf("LORA-12's finding says seed-versus-seed φ exceeds the isotropic Gaussian value but not the data-shaped null; ratio %.2f, κ %.3f", ratio, k)
		}
	}
	// LORA-13: ΔW's directions see more of W₀ than isotropic random ones, less than 3× the data-shaped random.
	if c, _ := out.Claims.Find("LORA-13"); c.Documented() {
		a := w1.amp(res.Config.AmpRank)
		db := claims.Median(a.DeltaBased)
		if !(db > claims.Median(a.Random) && db < ampOverRandom.Lo()*claims.Median(a.DataRandom)) {
			t.Errorf("LORA-13's finding says isotropic random < ΔW-based < 3× data-shaped random; medians %.3f, %.3f, %.3f",
				claims.Median(a.Random), db, claims.Median(a.DataRandom))
		}
	}
	// The backbones carry structure before adaptation: on W₁, σ₁(W₀) is at
	// least structureRatio times σ₁ of a Gaussian matrix of the same shape
	// and Frobenius norm, in every seed (the random initialisation sits near 1).
	for si, r := range res.Pretrain.Sigma1[0] {
		if !(r >= structureRatio) {
			t.Errorf("seed %d: σ₁(W₁)/σ₁(Gaussian, same shape and norm) = %.2f, want ≥ %g (moved %.2f from init)",
				res.Config.Seed+si, r, structureRatio, res.Pretrain.Move[0][si])
		}
	}
	// Every method's learning rate comes from the grid.
	for _, v := range res.Variants {
		if !slices.Contains(res.Config.LRGrid, v.LR) || len(v.GridVal) != len(res.Config.LRGrid) {
			t.Errorf("%s: lr %g with %d grid values, want one of %v", v.Name, v.LR, len(v.GridVal), res.Config.LRGrid)
		}
	}
}

// structureRatio is the least σ₁ ratio of a pretrained W₁ to a same-shape,
// same-norm Gaussian matrix.
const structureRatio = 2.0

// Thresholds of the method's invariants (the spec's LORA-1 … LORA-6).
const (
	mergeTol   = 1e-5 // ‖f_merged − f_unmerged‖∞ ≤ 1e-5·max(1, ‖f‖∞) in float32
	unmergeTol = 1e-6 // unmerging restores W₀ to 1e-6 relative
	rankTol    = 1e-5 // σ_{r+1…} ≤ 1e-5·σ₁
)

// checkInvariants asserts what holds by construction of LoRA, measured inside
// Run on every variant and seed.
func checkInvariants(t *testing.T, res *Results) {
	t.Helper()
	lora := res.loraVariants()
	if len(lora) == 0 {
		t.Fatal("no LoRA variant")
	}
	for _, v := range lora {
		// With B = 0 at initialisation the adapted network computes exactly the pretrained one.
		if v.InitMaxDiff != 0 {
			t.Errorf("%s: max |f_LoRA − f_base| before any step = %g, want exactly 0", v.Name, v.InitMaxDiff)
		}
		// Merging W₀ + (α/r)BA gives the unmerged outputs; unmerging restores W₀; a second merge is refused.
		if rel := v.MergeDiff / v.MergeScale; !(rel <= mergeTol) {
			t.Errorf("%s: merged against unmerged outputs %.2g relative, want ≤ %g", v.Name, rel, mergeTol)
		}
		if !(v.UnmergeErr <= unmergeTol) {
			t.Errorf("%s: unmerge error %.2g relative, want ≤ %g", v.Name, v.UnmergeErr, unmergeTol)
		}
		if v.MergeTwiceError == "" {
			t.Errorf("%s: a second merge was accepted", v.Name)
		}
		// ΔW = (α/r)BA has rank at most r.
		if !(v.RankRatio <= rankTol) {
			t.Errorf("%s: σ_{r+1}/σ₁ of ΔW = %.2g, want ≤ %g", v.Name, v.RankRatio, rankTol)
		}
	}
	for _, v := range res.Variants {
		// Only A, B and the head train: W₀ and the biases stay bit-identical.
		if v.Kind != KindFull && v.FrozenChanged != 0 {
			t.Errorf("%s: %d frozen values changed", v.Name, v.FrozenChanged)
		}
		// The training loop trains Σ r(d + k) + head values (LoRA), the head, or everything.
		if v.Trainable != v.Expected {
			t.Errorf("%s trains %d values, the formula says %d", v.Name, v.Trainable, v.Expected)
		}
	}
	// Both factors zero: no gradient reaches A or B, and Adam never moves them.
	p := res.Pitfall
	if p.Steps < 1 || p.GradMax != 0 || p.AdapterMax != 0 || !(p.NormalGradB > 0) {
		t.Errorf("A = B = 0: %d steps, max gradient %g, max |A|, |B| after %g; with A random, max |∂L/∂B| = %g (want > 0)",
			p.Steps, p.GradMax, p.AdapterMax, p.NormalGradB)
	}
}

// TestDeterministic: same seed and backend, same results; other seeds, other
// claims; the invariants hold on the small run too, and every figure renders.
func TestDeterministic(t *testing.T) {
	res := papertest.Deterministic(t, Paper, tiny())
	checkInvariants(t, res)
	// Different seeds in one run train differently (their own head, adapter and data order).
	for _, v := range res.Variants {
		if v.EpochLoss[0][0] == v.EpochLoss[1][0] {
			t.Errorf("%s: seeds %d and %d have the same first-epoch loss", v.Name, v.Seeds[0], v.Seeds[1])
		}
	}
	if n := len(Figures(res)); n != 7 {
		t.Errorf("want 7 figures, got %d", n)
	}
}

// The data splits: class counts, no image both in pretraining and adaptation.
func TestDataSplits(t *testing.T) {
	ds, err := loadData(Quick())
	if err != nil {
		t.Fatal(err)
	}
	in := ds.info
	if in.Inputs != 196 || in.PretrainN != 10000 || in.AdaptN != 2500 || in.ValN != 500 {
		t.Fatalf("splits %+v, want 196 inputs, 10000 pretraining, 2500 adaptation and 500 validation images", in)
	}
	// The validation split is the last ValN adaptation images, disjoint from the training part.
	if len(ds.val.labels) != 500 || len(ds.adapt.x) != 2500*196 || len(ds.val.x) != 500*196 {
		t.Errorf("validation split: %d labels, %d and %d pixels", len(ds.val.labels), len(ds.adapt.x), len(ds.val.x))
	}
	if in.Overlap != 0 {
		t.Errorf("%d images are in both the pretraining and the adaptation set", in.Overlap)
	}
	sum := func(c []int) int {
		s := 0
		for _, x := range c {
			s += x
		}
		return s
	}
	for name, c := range map[string][]int{"pretrain": in.PretrainCounts, "adapt": in.AdaptCounts, "test04": in.Test04Counts, "test59": in.Test59Counts} {
		if len(c) != 5 {
			t.Errorf("%s: %d classes, want 5", name, len(c))
		}
		for k, n := range c {
			if n < 300 {
				t.Errorf("%s: class %d has only %d images", name, k, n)
			}
		}
	}
	// MNIST's test set has 5139 images of 0–4 and 4861 of 5–9.
	if sum(in.Test04Counts) != 5139 || sum(in.Test59Counts) != 4861 || in.Test04N != 5139 || in.Test59N != 4861 {
		t.Errorf("test splits %d and %d images, want 5139 and 4861", sum(in.Test04Counts), sum(in.Test59Counts))
	}
	if sum(in.PretrainCounts) != 10000 || sum(in.AdaptCounts) != 2500 {
		t.Errorf("class counts do not add up: %v, %v", in.PretrainCounts, in.AdaptCounts)
	}
	// Global standardisation: the pretraining set has mean 0 and variance 1 over all pixels.
	var s, s2 float64
	for _, v := range ds.pre.x {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	n := float64(len(ds.pre.x))
	if m, v := s/n, s2/n-(s/n)*(s/n); m*m > 1e-8 || (v-1)*(v-1) > 1e-6 {
		t.Errorf("standardised pretraining pixels: mean %g, variance %g", m, v)
	}
	for i, l := range ds.adapt.labels[:20] {
		if ds.adapt.onehot[i*5+l] != 1 {
			t.Fatalf("adaptation example %d: one-hot does not match label %d", i, l)
		}
	}
}

func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"pool":                    func(c *Config) { c.Pool = 3 },
		"pretrain_n":              func(c *Config) { c.PretrainN = -1 },
		"adapt_n":                 func(c *Config) { c.AdaptN = -5 },
		"standardize":             func(c *Config) { c.Standardize = "minmax" },
		"hidden":                  func(c *Config) { c.Hidden = 0 },
		"batch":                   func(c *Config) { c.Batch = 0 },
		"must not exceed":         func(c *Config) { c.AdaptN = 100 },
		"pretrain_epochs":         func(c *Config) { c.PretrainEpochs = 0 },
		"adapt_epochs":            func(c *Config) { c.AdaptEpochs = -1 },
		"lr_grid":                 func(c *Config) { c.LRGrid = []float64{1e-3, 0} },
		"val_n":                   func(c *Config) { c.ValN = 0 },
		"alpha":                   func(c *Config) { c.Alpha = 0 },
		"ranks is empty":          func(c *Config) { c.Ranks = nil },
		"strictly increasing":     func(c *Config) { c.Ranks = []int{1, 8, 4, 64} },
		"ranks must lie in":       func(c *Config) { c.Ranks = []int{1, 4, 8, 64, 512} },
		"small_rank":              func(c *Config) { c.SmallRank = 16 },
		"large_rank":              func(c *Config) { c.LargeRank = 32 },
		"amp_rank":                func(c *Config) { c.AmpRank = 2 },
		"include 1 and 4":         func(c *Config) { c.Ranks = []int{2, 8, 64}; c.AmpRank = 8; c.SmallRank = 2 },
		"seeds must be ≥ 2":       func(c *Config) { c.Seeds = 1 },
		"claim_layers":            func(c *Config) { c.ClaimLayers = []int{2} },
		"baseline_draws":          func(c *Config) { c.BaselineDraws = 0 },
		"merge_check_n":           func(c *Config) { c.MergeCheckN = 0 },
		"pitfall_steps":           func(c *Config) { c.PitfallSteps = 0 },
		"on_par_gap":              func(c *Config) { c.OnParGap = -1 },
		"transformer.model":       func(c *Config) { c.Transformer = FullTrackB(); c.Transformer.Heads = 5 },
		"transformer.values":      func(c *Config) { c.Transformer = FullTrackB(); c.Transformer.Values = 1 },
		"transformer.adapt_seqs":  func(c *Config) { c.Transformer = FullTrackB(); c.Transformer.AdaptSeqs = 10 },
		"transformer.qv_ranks":    func(c *Config) { c.Transformer = FullTrackB(); c.Transformer.QVRanks = nil },
		"transformer.pretrain_lr": func(c *Config) { c.Transformer = FullTrackB(); c.Transformer.PretrainLR = math.NaN() },
		"transformer.lr_grid":     func(c *Config) { c.Transformer = FullTrackB(); c.Transformer.LRGrid = []float64{1e-3, 3e-4} },
		"transformer.val_seqs":    func(c *Config) { c.Transformer = FullTrackB(); c.Transformer.ValSeqs = 0 },
		"transformer.ranks must":  func(c *Config) { c.Transformer = FullTrackB(); c.Transformer.AllRank = 65 },
	})
	if err := tiny().Validate(); err != nil {
		t.Errorf("the small test config is invalid: %v", err)
	}
}

// Track B on a small Transformer: it runs, counts its trainable values,
// keeps for every variant the grid rate with the best median validation
// score, and draws its figure; the frozen model trains nothing.
func TestTrackBSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles several Transformer graphs; skipped with -short")
	}
	c := tiny()
	c.Transformer = &TrackB{Values: 6, Length: 3, DModel: 16, Heads: 2, MLP: 32, Layers: 1,
		PretrainSeqs: 256, AdaptSeqs: 128, ValSeqs: 64, TestSeqs: 100, Batch: 32,
		PretrainLR: 1e-3, LRGrid: []float64{3e-4, 3e-3}, Alpha: 8, QVRanks: []int{2}, AllRank: 1}
	res, err := Run(c)
	if err != nil {
		t.Fatal(err)
	}
	tb := res.TrackB
	if tb == nil || len(tb.Variants) != 4 {
		t.Fatalf("want frozen, full FT, {q,v} and {q,k,v,o}, got %+v", tb)
	}
	if !slices.Equal(tb.LRGrid, c.Transformer.LRGrid) {
		t.Errorf("results grid %v, config grid %v", tb.LRGrid, c.Transformer.LRGrid)
	}
	m := c.Transformer.Model()
	for _, v := range tb.Variants {
		want := 0
		switch {
		case v.Name == "full FT":
			want = m.NumParams()
		case v.Rank > 0:
			want = m.Layers * len(v.Matrices) * v.Rank * 2 * m.DModel
		}
		if v.Trainable != want {
			t.Errorf("%s trains %d values, want %d", v.Name, v.Trainable, want)
		}
		runs := c.Seeds // the frozen model: the one pretrained model
		if v.Trainable == 0 {
			runs = 1
		}
		if len(v.TokenAcc) != runs || len(v.SeqAcc) != runs {
			t.Errorf("%s: %d token and %d sequence accuracies, want %d", v.Name, len(v.TokenAcc), len(v.SeqAcc), runs)
		}
		for _, a := range v.TokenAcc {
			if !(a >= 0 && a <= 1) {
				t.Errorf("%s: token accuracy %v", v.Name, a)
			}
		}
		if v.Trainable == 0 {
			if v.LR != 0 || v.GridVal != nil {
				t.Errorf("the frozen model has a learning rate %g or grid scores %v", v.LR, v.GridVal)
			}
			continue
		}
		// The kept rate is the argmax of the validation scores (ties: the smaller rate).
		if len(v.GridVal) != len(tb.LRGrid) || len(v.GridTest) != len(tb.LRGrid) {
			t.Fatalf("%s: %d validation and %d test scores for %d rates", v.Name, len(v.GridVal), len(v.GridTest), len(tb.LRGrid))
		}
		best := 0
		for g, s := range v.GridVal {
			if !(s >= 0 && s <= 1) {
				t.Errorf("%s: validation accuracy %v at lr %g", v.Name, s, tb.LRGrid[g])
			}
			if s > v.GridVal[best] {
				best = g
			}
		}
		if v.LR != tb.LRGrid[best] {
			t.Errorf("%s kept lr %g, but the best validation score %v is at %g", v.Name, v.LR, v.GridVal, tb.LRGrid[best])
		}
		// The reported test accuracy is that of the kept rate.
		if med := claims.Median(v.TokenAcc); math.Abs(med-v.GridTest[best]) > 1e-12 {
			t.Errorf("%s: median test accuracy %v, grid test score at the kept rate %v", v.Name, med, v.GridTest[best])
		}
	}
	figs := Figures(res)
	if last := figs[len(figs)-1]; last.Name != "transformer" || last.Fig.Err() != nil {
		t.Errorf("the Transformer figure is missing or broken: %s %v", last.Name, last.Fig.Err())
	}
}
