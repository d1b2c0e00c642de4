package train_test

import (
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/train"
)

// TestEvaluatorChunks: outputs over chunks (the last one padded) equal the
// products by hand, for two runs, and Accuracy counts the arg-max.
func TestEvaluatorChunks(t *testing.T) {
	// Two runs of a linear map ℝ² → ℝ²: out[r, n, :] = x[n, :]·W[r].
	forward := func(p []*Node, x *Node) *Node { return Einsum("nk,rko->rno", x, p[0]) }
	ev, err := train.NewEvaluator(backend.MustGet(), 2, []int{2}, forward)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Finalize()
	w := []float32{1, 0, 0, 1 /* run 0: identity */, 0, 1, 1, 0 /* run 1: swap */}
	params := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(w, 2, 2, 2)}
	x := []float32{1, 2, 5, 3, 0, 7} // 3 rows: chunks of 2 and 1 (padded)
	out, err := ev.Outputs(params, x, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1, 2, 5, 3, 0, 7 /* run 0 */, 2, 1, 3, 5, 7, 0 /* run 1 */}
	if len(out) != len(want) {
		t.Fatalf("got %d values, want %d", len(out), len(want))
	}
	for i := range want {
		if out[i] != want[i] {
			t.Fatalf("outputs %v, want %v", out, want)
		}
	}
	acc, err := ev.Accuracy(params, x, 3, 2, []int{1, 0, 1})
	if err != nil {
		t.Fatal(err)
	}
	if acc[0] != 1 || acc[1] != 0 {
		t.Errorf("accuracy %v, want [1 0]", acc)
	}
	if _, err := ev.Outputs(params, x, 4); err == nil {
		t.Error("more rows than the data holds accepted")
	}
}
