package contrast_test

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/contrast"
	"theorylab/pkg/backend"
)

const (
	m, d, bsz = 5, 7, 6
	tau       = 0.3
	b         = 0.2
)

func randn(n int, rng *rand.Rand) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = rng.NormFloat64()
	}
	return out
}

// lossGraph is InfoNCE(Encode(w, x1), Encode(w, x2)) for one run, in float64.
func lossGraph(t *testing.T, w, x1, x2 []float64) (float64, []float64) {
	t.Helper()
	outs := MustExecOnceN(backend.MustGet(), func(w, x1, x2 *Node) []*Node {
		bb := Const(w.Graph(), []float64{b})
		l := contrast.InfoNCE(contrast.Encode(w, bb, x1), contrast.Encode(w, bb, x2), tau)
		return []*Node{l, Gradient(ReduceAllSum(l), w)[0]}
	}, tensors.FromFlatDataAndDimensions(w, 1, m, d),
		tensors.FromFlatDataAndDimensions(x1, 1, bsz, d), tensors.FromFlatDataAndDimensions(x2, 1, bsz, d))
	return tensors.MustCopyFlatData[float64](outs[0])[0], tensors.MustCopyFlatData[float64](outs[1])
}

// TestGraphMatchesHost: the graph's loss equals the float64 host reference
// to 1e-6, and its gradient (through the weight normalisation and the
// soft threshold) matches central finite differences of the host loss.
func TestGraphMatchesHost(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	w, x1, x2 := randn(m*d, rng), randn(bsz*d, rng), randn(bsz*d, rng)
	host := func(w []float64) float64 {
		return contrast.InfoNCEHost(contrast.EncodeHost(w, m, d, b, x1), contrast.EncodeHost(w, m, d, b, x2), m, tau)
	}
	l, g := lossGraph(t, w, x1, x2)
	if math.Abs(l-host(w)) > 1e-6 {
		t.Fatalf("graph loss %v, host %v", l, host(w))
	}
	const h = 1e-6
	for i := range w {
		wp, wm := append([]float64(nil), w...), append([]float64(nil), w...)
		wp[i] += h
		wm[i] -= h
		fd := (host(wp) - host(wm)) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-5*math.Max(1, math.Abs(fd)) {
			t.Errorf("∂L/∂w[%d]: autodiff %v, finite differences %v", i, g[i], fd)
		}
	}
}

// TestSoftThreshold: h is odd in x, zero on |⟨ŵ, x⟩| ≤ b, slope 1 outside,
// and invariant to the scale of w (weight normalisation).
func TestSoftThreshold(t *testing.T) {
	w := []float64{3, 4} // ŵ = (0.6, 0.8)
	for _, s := range []float64{-2, -0.5, -0.2, -0.1, 0, 0.1, 0.2, 0.5, 2} {
		x := []float64{0.6 * s, 0.8 * s} // ⟨ŵ, x⟩ = s
		h := contrast.EncodeHost(w, 1, 2, b, x)[0]
		hneg := contrast.EncodeHost(w, 1, 2, b, []float64{-x[0], -x[1]})[0]
		h10 := contrast.EncodeHost([]float64{30, 40}, 1, 2, b, x)[0]
		want := math.Copysign(math.Max(math.Abs(s)-b, 0), s)
		if math.Abs(h-want) > 1e-12 || math.Abs(h+hneg) > 1e-12 || math.Abs(h-h10) > 1e-12 {
			t.Errorf("s = %v: h = %v (want %v), h(−x) = %v, h with 10w = %v", s, h, want, hneg, h10)
		}
	}
	// the graph gives the same
	rng := rand.New(rand.NewPCG(3, 4))
	wr, x := randn(m*d, rng), randn(bsz*d, rng)
	out := MustExecOnce(backend.MustGet(), func(w, x *Node) *Node {
		return contrast.Encode(w, Const(w.Graph(), []float64{b}), x)
	}, tensors.FromFlatDataAndDimensions(wr, 1, m, d), tensors.FromFlatDataAndDimensions(x, 1, bsz, d))
	got, want := tensors.MustCopyFlatData[float64](out), contrast.EncodeHost(wr, m, d, b, x)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("Encode[%d] = %v, host %v", i, got[i], want[i])
		}
	}
}

// TestInfoNCEClosedForm: with identical orthonormal embeddings the loss is
// −log(e^{1/τ}/(e^{1/τ} + (B − 1))), and it is invariant to the scale of
// the embeddings (cosine similarities).
func TestInfoNCEClosedForm(t *testing.T) {
	const n = 4
	h := make([]float64, n*n)
	for i := range n {
		h[i*n+i] = 1
	}
	want := -math.Log(math.Exp(1/tau) / (math.Exp(1/tau) + n - 1))
	scaled := make([]float64, len(h))
	for i, v := range h {
		scaled[i] = 7 * v
	}
	out := MustExecOnce(backend.MustGet(), func(a, c *Node) *Node { return contrast.InfoNCE(a, c, tau) },
		tensors.FromFlatDataAndDimensions(h, 1, n, n), tensors.FromFlatDataAndDimensions(scaled, 1, n, n))
	got := tensors.MustCopyFlatData[float64](out)[0]
	// tolerance 1e-7: ‖h‖ is computed as sqrt(‖h‖² + 1e-8)
	if math.Abs(got-want) > 1e-7 || math.Abs(contrast.InfoNCEHost(h, h, n, tau)-want) > 1e-7 {
		t.Fatalf("InfoNCE = %v (host %v), want %v", got, contrast.InfoNCEHost(h, h, n, tau), want)
	}
}
