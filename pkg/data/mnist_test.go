package data

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// useModuleMNIST makes the test read MNIST from the GoMNIST module, whatever
// THEORYLAB_MNIST_DIR the environment sets.
func useModuleMNIST(t *testing.T) {
	t.Setenv(MNISTDirEnv, "")
}

func TestMNISTDirAndHashes(t *testing.T) {
	useModuleMNIST(t)
	dir, err := MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(dir) != "data" {
		t.Errorf("MNISTDir = %s, want the module's data/ folder", dir)
	}
	for name, want := range MNISTSHA256 {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: SHA-256 %s, want %s", name, got, want)
		}
	}
}

func TestLoadMNIST(t *testing.T) {
	useModuleMNIST(t)
	for _, tc := range []struct {
		split      string
		n          int
		firstLabel int
		counts     []int
	}{
		// The published class counts of the two splits.
		{"train", MNISTTrainN, 5, []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}},
		{"test", MNISTTestN, 7, []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}},
	} {
		im, err := LoadMNIST(tc.split, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Validate(); err != nil {
			t.Fatal(err)
		}
		if im.N != tc.n || im.Height != 28 || im.Width != 28 || im.Channels != 1 || im.NumClasses != 10 {
			t.Fatalf("%s: N=%d %d×%d×%d classes %d", tc.split, im.N, im.Height, im.Width, im.Channels, im.NumClasses)
		}
		if im.Labels[0] != tc.firstLabel {
			t.Errorf("%s: first label %d, want %d", tc.split, im.Labels[0], tc.firstLabel)
		}
		if got := im.ClassCounts(); !slices.Equal(got, tc.counts) {
			t.Errorf("%s: class counts %v, want %v", tc.split, got, tc.counts)
		}
		lo, hi := slices.Min(im.Pixels), slices.Max(im.Pixels)
		if lo != 0 || hi != 1 {
			t.Errorf("%s: pixel range [%g, %g], want [0, 1]", tc.split, lo, hi)
		}
		// Digits are dark strokes on zero: the mean pixel is about 0.13.
		var sum float64
		for _, v := range im.Pixels {
			sum += float64(v)
		}
		if mean := sum / float64(len(im.Pixels)); mean < 0.12 || mean > 0.14 {
			t.Errorf("%s: mean pixel %g, want about 0.13", tc.split, mean)
		}
	}
}

func TestLoadMNISTLimitAndCopies(t *testing.T) {
	useModuleMNIST(t)
	full, err := LoadMNIST("train", 2000)
	if err != nil {
		t.Fatal(err)
	}
	first, err := LoadMNIST("train", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if full.N != 2000 || first.N != 1000 || !slices.Equal(first.Labels, full.Labels[:1000]) || !slices.Equal(first.Pixels, full.Pixels[:1000*784]) {
		t.Fatal("LoadMNIST(train, 1000) is not the first 1000 images")
	}
	// Each call gets its own slices: changing one result leaves the cache alone.
	first.Pixels[0], first.Labels[0] = 0.5, 3
	again, err := LoadMNIST("train", 2)
	if err != nil {
		t.Fatal(err)
	}
	if again.Pixels[0] != full.Pixels[0] || again.Labels[0] != 5 {
		t.Error("a caller's change reached the cache")
	}
	if big, err := LoadMNIST("test", 1_000_000); err != nil || big.N != MNISTTestN {
		t.Errorf("limit above the split size: N=%v err=%v", big, err)
	}
}

// The Edge-of-Stability "MNIST-1k" recipe: first 1000 training images, 2×2
// average pooling, per-pixel standardization over those 1000.
func TestMNIST1kPipeline(t *testing.T) {
	useModuleMNIST(t)
	im, err := LoadMNIST("train", 1000)
	if err != nil {
		t.Fatal(err)
	}
	im, err = im.AvgPool2x2()
	if err != nil {
		t.Fatal(err)
	}
	ds, err := im.ToDataset()
	if err != nil {
		t.Fatal(err)
	}
	if ds.N != 1000 || ds.D != 196 || ds.K != 10 {
		t.Fatalf("N=%d D=%d K=%d", ds.N, ds.D, ds.K)
	}
	st, err := StandardizePerFeature(ds.X, ds.D)
	if err != nil {
		t.Fatal(err)
	}
	constant := 0
	for j := range ds.D {
		var sum, sq float64
		for i := range ds.N {
			v := ds.Row(i)[j]
			sum += v
			sq += v * v
		}
		mean, variance := sum/1000, sq/1000
		if st.Std[j] == 0 {
			constant++
			if sq != 0 {
				t.Errorf("constant pixel %d not zeroed", j)
			}
			continue
		}
		if math.Abs(mean) > 1e-9 || math.Abs(variance-1) > 1e-9 {
			t.Errorf("pixel %d: mean %g, mean square %g", j, mean, variance)
		}
	}
	// The border of 14×14 MNIST is blank in most images; some pixels are
	// blank in all of the first 1000, most are not.
	if constant == 0 || constant > 40 {
		t.Errorf("%d of 196 pooled pixels are constant over 1000 images", constant)
	}
	t.Logf("MNIST-1k: %d of 196 pooled pixels constant", constant)
}

func TestLoadMNISTErrors(t *testing.T) {
	if _, err := LoadMNIST("validation", 10); err == nil || !strings.Contains(err.Error(), `"validation"`) {
		t.Errorf("bad split: %v", err)
	}
	if _, err := LoadMNIST("train", -1); err == nil || !strings.Contains(err.Error(), "limit=-1") {
		t.Errorf("negative limit: %v", err)
	}

	empty := t.TempDir()
	t.Setenv(MNISTDirEnv, empty)
	_, err := LoadMNIST("train", 10)
	if err == nil || !strings.Contains(err.Error(), MNISTTrainImagesFile) || !strings.Contains(err.Error(), empty) {
		t.Errorf("empty %s: error %v, want one naming the file and the folder", MNISTDirEnv, err)
	}

	missing := filepath.Join(empty, "no-such-folder")
	t.Setenv(MNISTDirEnv, missing)
	_, err = LoadMNIST("test", 10)
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), MNISTDirEnv) {
		t.Errorf("missing %s: error %v, want one naming the folder and the variable", MNISTDirEnv, err)
	}
}

// THEORYLAB_MNIST_DIR may name the GoMNIST module root: its data/ is used.
func TestMNISTDirEnvModuleRoot(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "data", MNISTTrainImagesFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(MNISTDirEnv, root)
	if dir, err := MNISTDir(); err != nil || dir != filepath.Join(root, "data") {
		t.Errorf("MNISTDir = %q, %v; want %s", dir, err, filepath.Join(root, "data"))
	}
}

// Concurrent first loads share one decode and get independent copies.
func TestLoadMNISTConcurrent(t *testing.T) {
	useModuleMNIST(t)
	var wg sync.WaitGroup
	results := make([]*Images, 4)
	errs := make([]error, 4)
	for g := range results {
		wg.Go(func() { results[g], errs[g] = LoadMNIST("test", 50) })
	}
	wg.Wait()
	for g := range results {
		if errs[g] != nil {
			t.Fatal(errs[g])
		}
		if results[g].N != 50 || results[g].Labels[0] != 7 {
			t.Errorf("goroutine %d: N=%d first label %d", g, results[g].N, results[g].Labels[0])
		}
	}
	results[0].Pixels[200] = -1
	if results[1].Pixels[200] == -1 {
		t.Error("two calls share their pixel slice")
	}
}

func TestPooledMNIST(t *testing.T) {
	ds, err := PooledMNIST(1000)
	if err != nil {
		t.Fatal(err)
	}
	if ds.N != 1000 || ds.D != 196 || ds.K != 10 {
		t.Fatalf("shape N=%d D=%d K=%d, want 1000×196, 10 classes", ds.N, ds.D, ds.K)
	}
	// Every pixel is centred; non-constant ones have unit variance.
	for j := range ds.D {
		var mean, sq float64
		for i := range ds.N {
			x := ds.X[i*ds.D+j]
			mean += x
			sq += x * x
		}
		mean /= float64(ds.N)
		v := sq/float64(ds.N) - mean*mean
		if math.Abs(mean) > 1e-9 || !(math.Abs(v-1) < 1e-9 || v == 0) {
			t.Fatalf("pixel %d: mean %v, variance %v", j, mean, v)
		}
	}
	if _, err := PooledMNIST(-1); err == nil {
		t.Error("a negative size must be an error")
	}
}
