package lowrank

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/linalg"
	"theorylab/pkg/tensorconv"
)

// ErrMerged is returned by Merge on a layer whose update is already in W.
var ErrMerged = errors.New("lowrank: adapter is already merged into W; merging twice is refused")

// ErrNotMerged is returned by Unmerge on a layer whose W does not hold the update.
var ErrNotMerged = errors.New("lowrank: adapter is not merged; nothing to unmerge")

// Layer is one adapted weight on the host: the weight W [R, k, d] (W₀, or
// W₀ + ΔWᵀ while Merged), the factors A [R, r, k] and B [R, d, r], and the
// flag that says which of the two W holds. Merge and Unmerge are explicit
// and checked against the flag, so the update can never be added twice.
type Layer struct {
	Config Config
	Runs   int
	DType  dtypes.DType
	W      []float64 // [R, k, d] row-major, values of DType
	A      []float64 // [R, r, k]
	B      []float64 // [R, d, r]
	Merged bool
}

// NewLayer copies a frozen weight and its adapter into a Layer (unmerged).
// The tensors must share one dtype (Float32 or Float64) and have the shapes
// W₀ [R, k, d], A [R, r, k], B [R, d, r] of c.
func NewLayer(c Config, w0, a, b *tensors.Tensor) (*Layer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	dt := w0.DType()
	if a.DType() != dt || b.DType() != dt {
		return nil, fmt.Errorf("lowrank: W₀, A and B must share a dtype, got %s, %s, %s", dt, a.DType(), b.DType())
	}
	dims := w0.Shape().Dimensions
	if len(dims) != 3 || dims[1] != c.In || dims[2] != c.Out {
		return nil, fmt.Errorf("lowrank: W₀ has shape %v, want [R, %d, %d] (input-major)", dims, c.In, c.Out)
	}
	runs := dims[0]
	if !slices.Equal(a.Shape().Dimensions, []int{runs, c.Rank, c.In}) {
		return nil, fmt.Errorf("lowrank: A has shape %v, want [%d, %d, %d]", a.Shape().Dimensions, runs, c.Rank, c.In)
	}
	if !slices.Equal(b.Shape().Dimensions, []int{runs, c.Out, c.Rank}) {
		return nil, fmt.Errorf("lowrank: B has shape %v, want [%d, %d, %d]", b.Shape().Dimensions, runs, c.Out, c.Rank)
	}
	l := &Layer{Config: c, Runs: runs, DType: dt}
	var err error
	if l.W, err = tensorconv.Floats(w0); err != nil {
		return nil, err
	}
	if l.A, err = tensorconv.Floats(a); err != nil {
		return nil, err
	}
	if l.B, err = tensorconv.Floats(b); err != nil {
		return nil, err
	}
	return l, nil
}

// Delta returns run's update in the paper's layout, ΔW = (α/r)·B·A (d×k),
// computed in float64 from the stored factors.
func (l *Layer) Delta(run int) (*linalg.Matrix, error) {
	if run < 0 || run >= l.Runs {
		return nil, fmt.Errorf("lowrank: run %d outside [0, %d)", run, l.Runs)
	}
	c := l.Config
	d, k, r := c.Out, c.In, c.Rank
	b, _ := linalg.FromSlice(d, r, l.B[run*d*r:(run+1)*d*r])
	a, _ := linalg.FromSlice(r, k, l.A[run*r*k:(run+1)*r*k])
	// ΔW = (α/r)·B·A
	return linalg.Mul(b, a).Scale(c.Scale()), nil
}

// Weight returns run's current W in the paper's layout (d×k): W₀, or W₀ + ΔW when merged.
func (l *Layer) Weight(run int) (*linalg.Matrix, error) {
	if run < 0 || run >= l.Runs {
		return nil, fmt.Errorf("lowrank: run %d outside [0, %d)", run, l.Runs)
	}
	k, d := l.Config.In, l.Config.Out
	w, _ := linalg.FromSlice(k, d, l.W[run*k*d:(run+1)*k*d])
	return w.T(), nil
}

// Merge adds the update to the weight, W ← W₀ + ΔWᵀ (each value rounded once
// to the layer's dtype), and sets Merged. A second Merge is refused with
// ErrMerged and changes nothing.
func (l *Layer) Merge() error {
	if l.Merged {
		return ErrMerged
	}
	if err := l.addDelta(+1); err != nil {
		return err
	}
	l.Merged = true
	return nil
}

// Unmerge subtracts the update again, W ← W − ΔWᵀ, restoring W₀ up to
// rounding, and clears Merged. On an unmerged layer it returns ErrNotMerged
// and changes nothing.
func (l *Layer) Unmerge() error {
	if !l.Merged {
		return ErrNotMerged
	}
	if err := l.addDelta(-1); err != nil {
		return err
	}
	l.Merged = false
	return nil
}

func (l *Layer) addDelta(sign float64) error {
	k, d := l.Config.In, l.Config.Out
	for run := range l.Runs {
		delta, err := l.Delta(run) // d×k
		if err != nil {
			return err
		}
		w := l.W[run*k*d : (run+1)*k*d] // k×d: W[i, o] is the weight from input i to output o
		for i := range k {
			for o := range d {
				w[i*d+o] = l.round(w[i*d+o] + sign*delta.Data[o*k+i])
			}
		}
	}
	return nil
}

// round rounds x to the layer's dtype.
func (l *Layer) round(x float64) float64 {
	if l.DType == dtypes.Float32 {
		return float64(float32(x))
	}
	return x
}

// Tensors returns W [R, k, d], A [R, r, k] and B [R, d, r] as tensors of the layer's dtype.
func (l *Layer) Tensors() (w, a, b *tensors.Tensor, err error) {
	c := l.Config
	if w, err = tensorconv.FromFloats(l.DType, l.W, l.Runs, c.In, c.Out); err != nil {
		return
	}
	if a, err = tensorconv.FromFloats(l.DType, l.A, l.Runs, c.Rank, c.In); err != nil {
		return
	}
	b, err = tensorconv.FromFloats(l.DType, l.B, l.Runs, c.Out, c.Rank)
	return
}

// checkpointFormat names the JSON layout written by Save.
const checkpointFormat = "theorylab-lora-layer/1"

type checkpoint struct {
	Format string    `json:"format"`
	Config Config    `json:"config"`
	Runs   int       `json:"runs"`
	DType  string    `json:"dtype"`
	Merged bool      `json:"merged"`
	W      []float64 `json:"w"`
	A      []float64 `json:"a"`
	B      []float64 `json:"b"`
}

// Save writes the layer as JSON, Merged flag included. Float32 values are
// exact in float64, so Save then Load reproduces every bit.
func (l *Layer) Save(w io.Writer) error {
	return json.NewEncoder(w).Encode(checkpoint{Format: checkpointFormat, Config: l.Config, Runs: l.Runs,
		DType: l.DType.String(), Merged: l.Merged, W: l.W, A: l.A, B: l.B})
}

// Load reads a layer written by Save. The Merged flag comes back as saved:
// a layer saved merged is loaded merged, and Merge on it is refused.
func Load(r io.Reader) (*Layer, error) {
	var cp checkpoint
	if err := json.NewDecoder(r).Decode(&cp); err != nil {
		return nil, fmt.Errorf("lowrank: reading checkpoint: %w", err)
	}
	if cp.Format != checkpointFormat {
		return nil, fmt.Errorf("lowrank: checkpoint format %q, want %q", cp.Format, checkpointFormat)
	}
	if err := cp.Config.Validate(); err != nil {
		return nil, err
	}
	var dt dtypes.DType
	switch cp.DType {
	case dtypes.Float32.String():
		dt = dtypes.Float32
	case dtypes.Float64.String():
		dt = dtypes.Float64
	default:
		return nil, fmt.Errorf("lowrank: checkpoint dtype %q not supported", cp.DType)
	}
	c := cp.Config
	if cp.Runs < 1 || len(cp.W) != cp.Runs*c.In*c.Out || len(cp.A) != cp.Runs*c.Rank*c.In || len(cp.B) != cp.Runs*c.Out*c.Rank {
		return nil, fmt.Errorf("lowrank: checkpoint sizes do not match its config (runs=%d, %d/%d/%d values)", cp.Runs, len(cp.W), len(cp.A), len(cp.B))
	}
	return &Layer{Config: c, Runs: cp.Runs, DType: dt, W: cp.W, A: cp.A, B: cp.B, Merged: cp.Merged}, nil
}
