package bench

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/repo"
)

// The PyTorch reference: bench/torch_ref.py runs the same workloads (same
// inputs, sizes, dtypes and thread count) in eager PyTorch on the CPU, timed
// the way Measure times ours. WriteReferenceInputs writes what it reads;
// RunReference runs it and reads its answer back.

// ReferenceScript is the reference's path inside the repository.
const ReferenceScript = "bench/torch_ref.py"

// PythonEnvVar names the Python interpreter to run the reference with; by
// default FindTorchPython looks for one that imports torch.
const PythonEnvVar = "THEORYLAB_TORCH_PYTHON"

// RefResult is the reference's measurement of one workload.
type RefResult struct {
	Name      string  `json:"name"`
	MsPerStep float64 `json:"ms_per_step"`
	Runs      int     `json:"runs"`
	Check     float64 `json:"check"`
}

// Reference is what the reference script reports.
type Reference struct {
	Name         string `json:"reference"` // e.g. "PyTorch 1.13.0a0 CPU eager, 1 thread, OpenBLAS 0.3.21 pthread, Haswell kernels, 1 thread"
	TorchVersion string `json:"torch_version"`
	Threads      int    `json:"threads"`
	Python       string `json:"python"`
	// BLAS names the BLAS library the reference process actually used, found
	// at run time (the files mapped into it; OpenBLAS's own version, kernel
	// and thread count), e.g. "OpenBLAS 0.3.21 pthread, Haswell kernels, 1 thread".
	BLAS string `json:"blas"`
	// BLASLibraries are the BLAS, LAPACK and OpenMP files mapped into the
	// reference process, with symbolic links resolved.
	BLASLibraries []string    `json:"blas_libraries"`
	Workloads     []RefResult `json:"workloads"`
}

// Get returns the reference's result for the named workload.
func (r *Reference) Get(name string) (RefResult, bool) {
	if r == nil {
		return RefResult{}, false
	}
	for _, w := range r.Workloads {
		if w.Name == name {
			return w, true
		}
	}
	return RefResult{}, false
}

// CheckTolerance is the largest relative difference between our check value
// and the reference's that still counts as the same computation: float32
// sums over thousands of terms in another order differ by about 1e-6.
func CheckTolerance(name string) float64 {
	if name == NameEOSToyStep || name == NameEOSQuick { // float64
		return 1e-9
	}
	return 1e-4
}

// RelDiff is |a − b| / max(|a|, |b|), 0 when both are 0.
func RelDiff(a, b float64) float64 {
	d := math.Abs(a - b)
	if d == 0 {
		return 0
	}
	return d / math.Max(math.Abs(a), math.Abs(b))
}

// WriteReferenceInputs writes the inputs of the workloads that have a
// reference into dir (raw little-endian arrays and inputs.json).
func WriteReferenceInputs(dir string, ws []Workload) error {
	var specs []map[string]any
	for _, w := range ws {
		if w.reference == nil {
			continue
		}
		spec, err := w.reference(dir)
		if err != nil {
			return fmt.Errorf("bench %s: reference inputs: %w", w.Name, err)
		}
		spec["name"] = w.Name
		if w.Single {
			spec["single"] = true
		}
		specs = append(specs, spec)
	}
	b, err := json.MarshalIndent(map[string]any{"workloads": specs}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "inputs.json"), b, 0o644)
}

// writeArray writes flat (float32, float64 or int32) as a raw little-endian
// file and returns its description {file, dtype, shape}.
func writeArray[T float32 | float64 | int32](dir, name string, flat []T, shape ...int) (map[string]any, error) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(flat) {
		return nil, fmt.Errorf("%s: %d values for shape %v", name, len(flat), shape)
	}
	var buf bytes.Buffer
	if err := binary.Write(&buf, binary.LittleEndian, flat); err != nil {
		return nil, err
	}
	var dtype string
	switch any(flat).(type) {
	case []float32:
		dtype = "float32"
	case []float64:
		dtype = "float64"
	case []int32:
		dtype = "int32"
	}
	file := name + ".bin"
	if err := os.WriteFile(filepath.Join(dir, file), buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return map[string]any{"file": file, "dtype": dtype, "shape": shape}, nil
}

// writeTensor writes a float32 or float64 tensor with writeArray.
func writeTensor(dir, name string, t *tensors.Tensor) (map[string]any, error) {
	dims := t.Shape().Dimensions
	if f, err := tensors.CopyFlatData[float32](t); err == nil {
		return writeArray(dir, name, f, dims...)
	}
	f, err := tensors.CopyFlatData[float64](t)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return writeArray(dir, name, f, dims...)
}

// problemReference writes an MLP problem: data x, y and the parameters
// (leading run axis), and the layer structure that models/mlp.Forward follows.
func problemReference(dir, prefix string, model mlp.Config, x, y *tensors.Tensor, params []*tensors.Tensor) (map[string]any, error) {
	spec := map[string]any{}
	var err error
	if spec["x"], err = writeTensor(dir, prefix+"-x", x); err != nil {
		return nil, err
	}
	if spec["y"], err = writeTensor(dir, prefix+"-y", y); err != nil {
		return nil, err
	}
	var ps []map[string]any
	for i, p := range params {
		s, err := writeTensor(dir, fmt.Sprintf("%s-param%d", prefix, i), p)
		if err != nil {
			return nil, err
		}
		ps = append(ps, s)
	}
	spec["params"] = ps
	layers := len(model.Sizes) - 1
	bias := make([]bool, layers)
	for l := range bias {
		bias[l] = model.Bias && (l < layers-1 || model.OutputBias)
	}
	spec["bias_layers"], spec["output_bias"] = bias, model.OutputBias
	if len(ps) != countParams(bias) {
		return nil, fmt.Errorf("%s: %d parameter tensors, but the layers %v want %d", prefix, len(ps), bias, countParams(bias))
	}
	return spec, nil
}

func countParams(bias []bool) int {
	n := len(bias)
	for _, b := range bias {
		if b {
			n++
		}
	}
	return n
}

// FindTorchPython returns a Python interpreter that imports torch, and the
// torch version: $THEORYLAB_TORCH_PYTHON when set, else the first of
// /usr/bin/python3 (Debian's python3-torch, see scripts/setup-bench.sh),
// the repository's .venv/bin/python and python3 on PATH that imports torch.
func FindTorchPython() (python, version string, err error) {
	var candidates []string
	if p := os.Getenv(PythonEnvVar); p != "" {
		candidates = []string{p}
	} else {
		candidates = []string{"/usr/bin/python3"}
		if root, err := repo.Root(); err == nil {
			candidates = append(candidates, filepath.Join(root, ".venv", "bin", "python"))
		}
		candidates = append(candidates, "python3")
	}
	var tried []string
	for _, c := range candidates {
		path, err := exec.LookPath(c)
		if err != nil {
			tried = append(tried, c+": not found")
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, err := exec.CommandContext(ctx, path, "-c", "import torch; print(torch.__version__)").Output()
		cancel()
		if err != nil {
			tried = append(tried, c+": no torch")
			continue
		}
		return path, strings.TrimSpace(string(out)), nil
	}
	return "", "", fmt.Errorf("no Python with PyTorch (tried %s); `make bench` installs Debian's python3-torch, "+
		"or set %s", strings.Join(tried, ", "), PythonEnvVar)
}

// ReferenceServer is bench/torch_ref.py running as a bench server (see
// Serve): it keeps every workload it was asked for set up, so that the
// reference can be timed in the same rounds as the backends.
type ReferenceServer struct {
	srv  *Server
	Info Reference // what the script reports about itself (no Workloads)
}

// StartReference starts bench/torch_ref.py with python as a bench server on
// the inputs in dir (written by WriteReferenceInputs), with threads CPU
// threads. Its progress lines go to logw. wrap, when not nil, may change the
// command before it starts (to pin it to some CPUs).
func StartReference(python, dir string, threads int, logw io.Writer, wrap func(*exec.Cmd)) (*ReferenceServer, error) {
	root, err := repo.Root()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(python, filepath.Join(root, ReferenceScript), "--inputs", dir, "--serve",
		"--threads", strconv.Itoa(threads))
	cmd.Env = referenceEnv(threads)
	cmd.Stdout, cmd.Stderr = logw, logw
	if wrap != nil {
		wrap(cmd)
	}
	srv, err := StartServer(cmd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", python, ReferenceScript, err)
	}
	r := &ReferenceServer{srv: srv}
	if err := json.Unmarshal(srv.Hello, &r.Info); err != nil || r.Info.Name == "" {
		srv.Close()
		return nil, fmt.Errorf("%s: bad hello line %s: %v", ReferenceScript, srv.Hello, err)
	}
	return r, nil
}

// Measure times the named workload once more (set up on the first request).
func (r *ReferenceServer) Measure(name string, minTime time.Duration) (RefResult, error) {
	var res RefResult
	err := r.srv.Do(Request{Name: name, MinTime: minTime.Seconds()}, &res)
	return res, err
}

// Close ends the reference process.
func (r *ReferenceServer) Close() error { return r.srv.Close() }

// referenceEnv is the environment of the reference: the same thread count
// for every BLAS and OpenMP pool it may use.
func referenceEnv(threads int) []string {
	n := strconv.Itoa(threads)
	return append(os.Environ(), "OMP_NUM_THREADS="+n, "OPENBLAS_NUM_THREADS="+n, "MKL_NUM_THREADS="+n)
}

// RunReference runs bench/torch_ref.py with python on the inputs in dir, for
// the workloads matching only, with threads CPU threads, and returns what it
// measured. Its progress lines go to progress. wrap, when not nil, may change
// the command before it starts (to pin it to some CPUs).
func RunReference(python, dir, only string, minTime time.Duration, threads int, progress *os.File, wrap func(*exec.Cmd)) (*Reference, error) {
	root, err := repo.Root()
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "reference.json")
	cmd := exec.Command(python, filepath.Join(root, ReferenceScript), "--inputs", dir, "--out", out,
		"--only", only, "--min-time", strconv.FormatFloat(minTime.Seconds(), 'g', -1, 64),
		"--threads", strconv.Itoa(threads))
	cmd.Env = referenceEnv(threads)
	if wrap != nil {
		wrap(cmd)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if progress != nil {
		cmd.Stdout, cmd.Stderr = progress, progress
	}
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %w %s", python, ReferenceScript, err, strings.TrimSpace(stderr.String()))
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	var ref Reference
	if err := json.Unmarshal(b, &ref); err != nil {
		return nil, fmt.Errorf("%s: %w", out, err)
	}
	if ref.Name == "" {
		return nil, errors.New(ReferenceScript + " wrote no reference name")
	}
	return &ref, nil
}
