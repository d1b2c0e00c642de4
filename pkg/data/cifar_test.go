package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeCIFARRecord returns a record whose byte at (channel, row, col) is
// (37·ch + 5·row + col + seed) mod 256, with the given label.
func fakeCIFARRecord(label byte, seed int) []byte {
	rec := make([]byte, CIFAR10RecordSize)
	rec[0] = label
	for ch := range 3 {
		for r := range 32 {
			for c := range 32 {
				rec[1+ch*1024+r*32+c] = byte((37*ch + 5*r + c + seed) % 256)
			}
		}
	}
	return rec
}

func writeCIFARFile(t *testing.T, dir, name string, labels []byte, seed0 int) {
	t.Helper()
	var b []byte
	for i, l := range labels {
		b = append(b, fakeCIFARRecord(l, seed0+i)...)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadCIFAR10Fake(t *testing.T) {
	dir := t.TempDir()
	writeCIFARFile(t, dir, "test_batch.bin", []byte{3, 8, 0}, 0)
	im, err := LoadCIFAR10(dir, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Validate(); err != nil {
		t.Fatal(err)
	}
	if im.N != 3 || im.Height != 32 || im.Width != 32 || im.Channels != 3 || im.NumClasses != 10 {
		t.Fatalf("N=%d %d×%d×%d classes %d", im.N, im.Height, im.Width, im.Channels, im.NumClasses)
	}
	if im.Labels[0] != 3 || im.Labels[1] != 8 || im.Labels[2] != 0 {
		t.Errorf("labels %v, want [3 8 0]", im.Labels)
	}
	for i := range 3 {
		for _, p := range [][3]int{{0, 0, 0}, {1, 7, 30}, {2, 31, 31}, {0, 12, 5}} {
			ch, r, c := p[0], p[1], p[2]
			want := float32((37*ch+5*r+c+i)%256) / 255
			if got := im.At(i, r, c, ch); got != want {
				t.Errorf("image %d channel %d (%d, %d) = %g, want %g", i, ch, r, c, got, want)
			}
		}
	}
	if one, err := LoadCIFAR10(dir, "test", 1); err != nil || one.N != 1 || one.Labels[0] != 3 {
		t.Errorf("limit 1: %v, %v", one, err)
	}
}

// The training split reads data_batch_1 … 5 in order and stops when limit is
// reached, without opening the files it does not need.
func TestLoadCIFAR10TrainBatches(t *testing.T) {
	dir := t.TempDir()
	writeCIFARFile(t, dir, "data_batch_1.bin", []byte{1, 2}, 0)
	writeCIFARFile(t, dir, "data_batch_2.bin", []byte{3, 4}, 10)
	im, err := LoadCIFAR10(dir, "train", 3)
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 3 || im.Labels[2] != 3 || im.At(2, 0, 0, 0) != float32(10)/255 {
		t.Errorf("N=%d labels %v", im.N, im.Labels)
	}
	_, err = LoadCIFAR10(dir, "train", 0)
	if err == nil || !strings.Contains(err.Error(), "data_batch_3.bin") {
		t.Errorf("all batches with batch 3 missing: %v", err)
	}
}

func TestLoadCIFAR10Errors(t *testing.T) {
	t.Setenv(CIFAR10DirEnv, "")
	if _, err := LoadCIFAR10("", "test", 0); err == nil || !strings.Contains(err.Error(), CIFAR10DirEnv) {
		t.Errorf("no directory: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "nowhere")
	if _, err := LoadCIFAR10(missing, "test", 0); err == nil ||
		!strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), CIFAR10DirEnv) {
		t.Errorf("missing directory: %v", err)
	}
	dir := t.TempDir()
	if _, err := LoadCIFAR10(dir, "test", 0); err == nil || !strings.Contains(err.Error(), "test_batch.bin") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := LoadCIFAR10(dir, "valid", 0); err == nil || !strings.Contains(err.Error(), `"valid"`) {
		t.Errorf("bad split: %v", err)
	}
	if _, err := LoadCIFAR10(dir, "test", -5); err == nil || !strings.Contains(err.Error(), "limit=-5") {
		t.Errorf("negative limit: %v", err)
	}

	writeCIFARFile(t, dir, "test_batch.bin", []byte{1, 2}, 0)
	f, err := os.OpenFile(filepath.Join(dir, "test_batch.bin"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write([]byte{1, 2, 3})
	_ = f.Close()
	if _, err := LoadCIFAR10(dir, "test", 0); err == nil || !strings.Contains(err.Error(), "3073") {
		t.Errorf("size 2·3073+3: %v", err)
	}

	writeCIFARFile(t, dir, "test_batch.bin", []byte{1, 10}, 0)
	if _, err := LoadCIFAR10(dir, "test", 0); err == nil || !strings.Contains(err.Error(), "label 10") {
		t.Errorf("label 10: %v", err)
	}
}

func TestCIFAR10Dir(t *testing.T) {
	t.Setenv(CIFAR10DirEnv, "")
	if _, ok := CIFAR10Dir(); ok {
		t.Error("unset variable reports a directory")
	}
	t.Setenv(CIFAR10DirEnv, filepath.Join(t.TempDir(), "absent"))
	if _, ok := CIFAR10Dir(); ok {
		t.Error("absent directory reported present")
	}
	// The archive unpacks into cifar-10-batches-bin/; pointing at its parent works.
	parent := t.TempDir()
	sub := filepath.Join(parent, "cifar-10-batches-bin")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	writeCIFARFile(t, sub, "test_batch.bin", []byte{4}, 0)
	t.Setenv(CIFAR10DirEnv, parent)
	dir, ok := CIFAR10Dir()
	if !ok || dir != sub {
		t.Errorf("CIFAR10Dir = %q, %v; want %s", dir, ok, sub)
	}
	im, err := LoadCIFAR10("", "test", 0)
	if err != nil || im.N != 1 || im.Labels[0] != 4 {
		t.Errorf("LoadCIFAR10 from the variable: %v, %v", im, err)
	}
}

// The real data set, when the user has provided it.
func TestLoadCIFAR10Real(t *testing.T) {
	dir, ok := CIFAR10Dir()
	if !ok {
		t.Skip(CIFAR10Missing)
	}
	im, err := LoadCIFAR10(dir, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 10000 {
		t.Errorf("test split has %d images, want 10000", im.N)
	}
	for c, n := range im.ClassCounts() {
		if n != 1000 {
			t.Errorf("class %d (%s): %d test images, want 1000", c, CIFAR10ClassNames[c], n)
		}
	}
}
