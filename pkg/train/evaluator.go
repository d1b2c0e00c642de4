package train

import (
	"fmt"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Evaluator runs a network's forward pass for R runs over data kept on the
// host. The parameters and the inputs are graph arguments (no data is baked
// into the graph as a constant), and the inputs go through in chunks of a
// fixed number of rows, the last one padded with zeros, so that one compiled
// graph serves every call whatever the number of rows.
type Evaluator struct {
	exec    *Exec
	chunk   int
	rowDims []int // the shape of one input row
}

// NewEvaluator prepares forward(params, x) with x [chunk, rowDims…] for
// float32 inputs; the graph is compiled on the first call.
func NewEvaluator(backend compute.Backend, chunk int, rowDims []int, forward func(params []*Node, x *Node) *Node) (*Evaluator, error) {
	if chunk < 1 {
		return nil, fmt.Errorf("train.NewEvaluator: chunk must be ≥ 1, got %d", chunk)
	}
	exec, err := NewExec(backend, func(in []*Node) *Node { return forward(in[:len(in)-1], in[len(in)-1]) })
	if err != nil {
		return nil, err
	}
	return &Evaluator{exec: exec, chunk: chunk, rowDims: rowDims}, nil
}

// Outputs runs the network on the first n rows of x (shared by the runs) and
// returns the outputs of every run, flat in the order [R, n, …].
func (e *Evaluator) Outputs(params []*tensors.Tensor, x []float32, n int) ([]float32, error) {
	R := params[0].Shape().Dimensions[0]
	d := 1
	for _, v := range e.rowDims {
		d *= v
	}
	if len(x) < n*d {
		return nil, fmt.Errorf("train.Evaluator: %d input values for %d rows of %d", len(x), n, d)
	}
	perRun := make([][]float32, R)
	for start := 0; start < n; start += e.chunk {
		rows := min(e.chunk, n-start)
		block := make([]float32, e.chunk*d)
		copy(block, x[start*d:(start+rows)*d])
		args := make([]any, 0, len(params)+1)
		for _, p := range params {
			args = append(args, p)
		}
		args = append(args, tensors.FromFlatDataAndDimensions(block, append([]int{e.chunk}, e.rowDims...)...))
		res, err := e.exec.Call1(args...)
		if err != nil {
			return nil, err
		}
		vals, err := tensors.CopyFlatData[float32](res)
		if err != nil {
			return nil, err
		}
		k := len(vals) / (R * e.chunk) // output values per row
		for r := range R {
			perRun[r] = append(perRun[r], vals[r*e.chunk*k:(r*e.chunk+rows)*k]...)
		}
	}
	var all []float32
	for _, o := range perRun {
		all = append(all, o...)
	}
	return all, nil
}

// Accuracy runs the network on the first n rows of x and returns each run's
// accuracy against labels, for logits over classes classes.
func (e *Evaluator) Accuracy(params []*tensors.Tensor, x []float32, n, classes int, labels []int) ([]float64, error) {
	logits, err := e.Outputs(params, x, n)
	if err != nil {
		return nil, err
	}
	return Accuracy(logits, params[0].Shape().Dimensions[0], classes, labels[:n])
}

// Finalize releases the compiled graph.
func (e *Evaluator) Finalize() { e.exec.Finalize() }
