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
)

// idxBytes builds an uncompressed IDX stream of unsigned bytes.
func idxBytes(dims []int, payload []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxUnsignedByte, byte(len(dims))})
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

func TestReadIDX(t *testing.T) {
	payload := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	dims, data, err := readIDXGzip(gzipBytes(t, idxBytes([]int{3, 2, 2}, payload)), 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dims, []int{3, 2, 2}) || !slices.Equal(data, payload) {
		t.Errorf("dims %v data %v", dims, data)
	}
}

func TestReadIDXErrors(t *testing.T) {
	good := gzipBytes(t, idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6}))
	flipped := slices.Clone(good)
	flipped[len(flipped)-6] ^= 0xff // inside the CRC-32 trailer
	for _, tc := range []struct {
		name       string
		compressed []byte
		dims       int
		mention    string
	}{
		{"not gzip", []byte("plain text, not gzip"), 2, "gzip"},
		{"wrong dimension count", good, 3, "magic"},
		{"wrong type code", gzipBytes(t, []byte{0, 0, 0x0d, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0}), 2, "magic"},
		{"header cut", gzipBytes(t, []byte{0, 0, 8}), 2, "header truncated"},
		{"dims cut", gzipBytes(t, []byte{0, 0, 8, 2, 0, 0}), 2, "dimension sizes"},
		{"data cut", gzipBytes(t, idxBytes([]int{2, 3}, []byte{1, 2, 3, 4})), 2, "only 4 present"},
		{"trailing data", gzipBytes(t, idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6, 7})), 2, "after the 6 bytes"},
		{"huge header", gzipBytes(t, idxBytes([]int{1 << 20, 1 << 20}, nil)), 2, "corrupt header"},
		{"compressed stream cut", good[:len(good)-10], 2, ""},
		{"bad checksum", flipped, 2, "corrupt"},
	} {
		_, _, err := readIDXGzip(tc.compressed, tc.dims)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.mention)
		}
	}
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
	if raw.n != 3 || !slices.Equal(raw.labels, []byte{7, 2, 1}) || raw.pixels[300] != 300%256 {
		t.Errorf("fake split: n=%d labels %v", raw.n, raw.labels)
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
}
