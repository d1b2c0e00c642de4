package rl

import (
	"math"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
)

// TestSetLoss: the loss equals −log of the total softmax probability on Y,
// computed by hand, and is 0 when Y is every action.
func TestSetLoss(t *testing.T) {
	be := backend.MustGet()
	logits := []float64{2, -1, 0.5, 0, 0, 0, -30, 10, 3, 1, 1, 1}
	mask := []float64{1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1}
	out, err := graph.ExecOnce(be, func(z, m *graph.Node) *graph.Node { return SetLoss(z, m) },
		tensors.FromFlatDataAndDimensions(logits, 2, 2, 3), tensors.FromFlatDataAndDimensions(mask, 2, 2, 3))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float64](out)
	for r := range 2 {
		want := 0.0
		for n := range 2 {
			z := logits[(r*2+n)*3 : (r*2+n+1)*3]
			m := mask[(r*2+n)*3 : (r*2+n+1)*3]
			total, inY := 0.0, 0.0
			for a := range 3 {
				total += math.Exp(z[a])
				inY += m[a] * math.Exp(z[a])
			}
			want += -math.Log(inY/total) / 2
		}
		if math.Abs(got[r]-want) > 1e-9 {
			t.Errorf("run %d: loss %v, want %v", r, got[r], want)
		}
	}
	// Run 1's second example has Y = A: alone, its loss is 0.
	out, err = graph.ExecOnce(be, func(z, m *graph.Node) *graph.Node { return SetLoss(z, m) },
		tensors.FromFlatDataAndDimensions([]float64{3, 1, -2}, 1, 1, 3), tensors.FromFlatDataAndDimensions([]float64{1, 1, 1}, 1, 1, 3))
	if err != nil {
		t.Fatal(err)
	}
	if l := tensors.MustCopyFlatData[float64](out)[0]; math.Abs(l) > 1e-12 {
		t.Errorf("loss with Y = A: %v, want 0", l)
	}
}

// TestPolicyMatchesGraph: the plain-Go forward pass equals the GoMLX forward
// pass of the same networks to 1e-6 (both float64, so in fact to rounding).
func TestPolicyMatchesGraph(t *testing.T) {
	be := backend.MustGet()
	for _, hidden := range [][]int{{32, 32}, nil} {
		net := PolicyNet(ObsDim, 3, hidden)
		params, err := net.InitParams([]uint64{3, 4}, dtypes.Float64)
		if err != nil {
			t.Fatal(err)
		}
		c := DefaultCatch()
		var xs []float64
		starts := c.Starts(50, 1)
		for _, s := range starts {
			xs = append(xs, c.Observe(s)...)
		}
		args := []any{tensors.FromFlatDataAndDimensions(xs, len(starts), ObsDim)}
		for _, p := range params {
			args = append(args, p)
		}
		exec, err := graph.NewExec(be, func(in []*graph.Node) *graph.Node { return net.Forward(in[1:], in[0]) })
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Call1(args...)
		if err != nil {
			t.Fatal(err)
		}
		want := tensors.MustCopyFlatData[float64](out) // [R, N, 3]
		pols, err := PoliciesFromParams(net, params)
		if err != nil {
			t.Fatal(err)
		}
		for r, p := range pols {
			for n, s := range starts {
				z := p.Logits(c.Observe(s))
				for a := range 3 {
					if d := math.Abs(z[a] - want[(r*len(starts)+n)*3+a]); d > 1e-6 {
						t.Fatalf("hidden %v run %d state %d action %d: plain Go %v, graph %v", hidden, r, n, a, z[a], want[(r*len(starts)+n)*3+a])
					}
				}
			}
		}
	}
}
