package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// CIFAR10DirEnv names the environment variable that points at the CIFAR-10
// binary files when no directory is passed explicitly.
const CIFAR10DirEnv = "THEORYLAB_CIFAR10_DIR"

// CIFAR-10 geometry and binary record layout: one label byte, then 1024 red,
// 1024 green and 1024 blue bytes, each plane 32×32 row-major.
const (
	CIFAR10Height     = 32
	CIFAR10Width      = 32
	CIFAR10Channels   = 3
	CIFAR10Classes    = 10
	CIFAR10RecordSize = 1 + CIFAR10Height*CIFAR10Width*CIFAR10Channels // 3073 bytes
)

// CIFAR10TrainFiles and CIFAR10TestFile are the files of the "CIFAR-10
// binary version" (cifar-10-binary.tar.gz), read in this order.
var (
	CIFAR10TrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	CIFAR10TestFile   = "test_batch.bin"
)

// CIFAR10ClassNames are the names of labels 0–9.
var CIFAR10ClassNames = [CIFAR10Classes]string{
	"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
}

// CIFAR10Dir reports the CIFAR-10 directory from THEORYLAB_CIFAR10_DIR: the
// folder itself, or its cifar-10-batches-bin subfolder (where the archive
// unpacks), whichever holds test_batch.bin or data_batch_1.bin. ok is false
// when the variable is unset or no such folder exists, so that callers can
// skip optional CIFAR experiments with a clear message.
func CIFAR10Dir() (dir string, ok bool) {
	env := os.Getenv(CIFAR10DirEnv)
	if env == "" {
		return "", false
	}
	dir, err := resolveCIFAR10Dir(env)
	return dir, err == nil
}

// CIFAR10Missing is a sentence to print when CIFAR10Dir reports no data.
const CIFAR10Missing = "CIFAR-10 not available: set " + CIFAR10DirEnv +
	" to a folder holding the CIFAR-10 binary files (data_batch_1.bin … data_batch_5.bin, test_batch.bin)"

// resolveCIFAR10Dir checks that dir exists and returns it, or its
// cifar-10-batches-bin subfolder when the batch files are there instead.
func resolveCIFAR10Dir(dir string) (string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("data: CIFAR-10 directory %s does not exist (set %s to the folder holding the CIFAR-10 binary files): %w",
			dir, CIFAR10DirEnv, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("data: CIFAR-10 path %s is not a directory", dir)
	}
	has := func(d string) bool {
		return fileExists(filepath.Join(d, CIFAR10TestFile)) || fileExists(filepath.Join(d, CIFAR10TrainFiles[0]))
	}
	if !has(dir) {
		if sub := filepath.Join(dir, "cifar-10-batches-bin"); has(sub) {
			return sub, nil
		}
	}
	return dir, nil
}

// LoadCIFAR10 reads the first limit images of a CIFAR-10 split from the
// binary files in dir ("" means the THEORYLAB_CIFAR10_DIR variable). split is
// "train" (data_batch_1.bin … data_batch_5.bin in order, 50000 images) or
// "test" (test_batch.bin, 10000 images); limit = 0 means all, and only the
// files needed for limit are opened. The images are 32×32×3, channels last,
// pixels byte/255 in [0, 1], labels 0–9 (see CIFAR10ClassNames).
func LoadCIFAR10(dir, split string, limit int) (*Images, error) {
	var files []string
	switch split {
	case "train":
		files = CIFAR10TrainFiles
	case "test":
		files = []string{CIFAR10TestFile}
	default:
		return nil, fmt.Errorf("data: unknown CIFAR-10 split %q: want \"train\" or \"test\"", split)
	}
	if limit < 0 {
		return nil, fmt.Errorf("data: CIFAR-10 limit must be >= 0 (0 means all), got limit=%d", limit)
	}
	if dir == "" {
		dir = os.Getenv(CIFAR10DirEnv)
		if dir == "" {
			return nil, errors.New("data: no CIFAR-10 directory given and " + CIFAR10DirEnv +
				" is not set: set it to the folder holding data_batch_1.bin … data_batch_5.bin and test_batch.bin (the CIFAR-10 binary version)")
		}
	}
	dir, err := resolveCIFAR10Dir(dir)
	if err != nil {
		return nil, err
	}
	im := &Images{
		Name:       "cifar10-" + split,
		Height:     CIFAR10Height,
		Width:      CIFAR10Width,
		Channels:   CIFAR10Channels,
		NumClasses: CIFAR10Classes,
	}
	for _, name := range files {
		if limit > 0 && im.N >= limit {
			break
		}
		want := 0
		if limit > 0 {
			want = limit - im.N
		}
		if err := readCIFAR10File(filepath.Join(dir, name), want, im); err != nil {
			return nil, err
		}
	}
	return im, nil
}

// readCIFAR10File appends up to want records (0: all) of one batch file to im.
func readCIFAR10File(path string, want int, im *Images) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("data: CIFAR-10 file %s not found (the binary version has data_batch_1.bin … data_batch_5.bin and test_batch.bin)", path)
		}
		return fmt.Errorf("data: opening CIFAR-10 file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("data: CIFAR-10 file %s: %w", path, err)
	}
	size := st.Size()
	if size == 0 || size%CIFAR10RecordSize != 0 {
		return fmt.Errorf("data: CIFAR-10 file %s has %d bytes, not a positive multiple of the %d-byte record: truncated, or not the binary version",
			path, size, CIFAR10RecordSize)
	}
	records := int(size / CIFAR10RecordSize)
	if want > 0 && want < records {
		records = want
	}
	buf := make([]byte, records*CIFAR10RecordSize)
	if _, err := io.ReadFull(f, buf); err != nil {
		return fmt.Errorf("data: reading CIFAR-10 file %s: %w", path, err)
	}
	const plane = CIFAR10Height * CIFAR10Width
	for r := range records {
		rec := buf[r*CIFAR10RecordSize : (r+1)*CIFAR10RecordSize]
		if rec[0] >= CIFAR10Classes {
			return fmt.Errorf("data: CIFAR-10 file %s: record %d has label %d, want 0–9: corrupt, or not CIFAR-10", path, r, rec[0])
		}
		im.Labels = append(im.Labels, int(rec[0]))
		// The record stores planes (channel, row, col); Pixels stores (row, col, channel).
		px := rec[1:]
		for p := range plane {
			im.Pixels = append(im.Pixels,
				float32(px[p])/255, float32(px[plane+p])/255, float32(px[2*plane+p])/255)
		}
	}
	im.N += records
	return nil
}
