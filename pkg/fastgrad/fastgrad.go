package fastgrad

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

var (
	mu         sync.Mutex
	stockDot   = VJPRegistration[NodeTypeDot]
	stockDotGn = VJPRegistration[NodeTypeDotGeneral]
)

func init() { Install() }

// Install registers the product-based gradient rules for Dot and DotGeneral.
func Install() {
	mu.Lock()
	defer mu.Unlock()
	VJPRegistration[NodeTypeDot] = single(dotVJP)
	VJPRegistration[NodeTypeDotGeneral] = single(dotGeneralVJP)
}

// Stock restores GoMLX's own rules (the reference the tests compare against).
// Graphs built afterwards use them until Install is called again.
func Stock() {
	mu.Lock()
	defer mu.Unlock()
	VJPRegistration[NodeTypeDot] = stockDot
	VJPRegistration[NodeTypeDotGeneral] = stockDotGn
}

func single(fn func(node, v *Node) []*Node) VJP {
	return func(node *Node, vjps []*Node, _ shapes.Shape) []*Node { return fn(node, vjps[0]) }
}

// dotVJP handles Dot for ranks (1,1), (2,1) and (2,2).
func dotVJP(node, v *Node) []*Node {
	a, b := node.Inputs()[0], node.Inputs()[1]
	switch {
	case a.Rank() == 1 && b.Rank() == 1:
		// c = a·b (scalar): ∂a = v·b, ∂b = v·a.
		return []*Node{Mul(v, b), Mul(v, a)}
	case a.Rank() == 2 && b.Rank() == 1:
		// c[i] = Σ_j A[i,j] b[j]: ∂A = v ⊗ b (outer product), ∂b = Aᵀ·v.
		return []*Node{Dot(InsertAxes(v, -1), InsertAxes(b, 0)), Dot(Transpose(a, 0, 1), v)}
	case a.Rank() == 2 && b.Rank() == 2:
		// C = A·B: ∂A = V·Bᵀ ([i,k]·[k,j]), ∂B = Aᵀ·V ([j,i]·[i,k]).
		return []*Node{Dot(v, Transpose(b, 0, 1)), Dot(Transpose(a, 0, 1), v)}
	}
	panic(fmt.Sprintf("fastgrad: Dot with operand ranks %d and %d is not supported", a.Rank(), b.Rank()))
}

// dotAxes are the axes of a DotGeneral node. GoMLX v0.26.0 keeps them private;
// they are read back from the node's description, which prints them.
type dotAxes struct {
	lhsContracting, lhsBatch, rhsContracting, rhsBatch []int
}

var axesRe = regexp.MustCompile(`(lhsContractingAxes|lhsBatchAxes|rhsContractingAxes|rhsBatchAxes)=\[([0-9 ]*)\]`)

func parseDotAxes(node *Node) (dotAxes, error) {
	var ax dotAxes
	found := map[string][]int{}
	for _, m := range axesRe.FindAllStringSubmatch(node.String(), -1) {
		var list []int
		for _, f := range strings.Fields(m[2]) {
			n, err := strconv.Atoi(f)
			if err != nil {
				return ax, err
			}
			list = append(list, n)
		}
		found[m[1]] = list
	}
	if len(found) != 4 {
		return ax, fmt.Errorf("fastgrad: cannot read DotGeneral axes from %q", node.String())
	}
	ax.lhsContracting, ax.lhsBatch = found["lhsContractingAxes"], found["lhsBatchAxes"]
	ax.rhsContracting, ax.rhsBatch = found["rhsContractingAxes"], found["rhsBatchAxes"]
	return ax, nil
}

// freeAxes are the axes of an operand that are neither contracted nor batch,
// in increasing order: DotGeneral's output is [batch…, lhs free…, rhs free…].
func freeAxes(rank int, contracting, batch []int) []int {
	var free []int
	for a := range rank {
		if !slices.Contains(contracting, a) && !slices.Contains(batch, a) {
			free = append(free, a)
		}
	}
	return free
}

// dotGeneralVJP: for out = DotGeneral(x, y), the gradient for x contracts V
// with y over y's free axes (matching batch axes), which leaves
// [batch…, x free…, y's contracted axes in increasing order]; those last axes
// pair with x's contracted axes, and a transpose puts everything back in x's order.
func dotGeneralVJP(node, v *Node) []*Node {
	ax, err := parseDotAxes(node)
	if err != nil {
		panic(err)
	}
	lhs, rhs := node.Inputs()[0], node.Inputs()[1]
	nb := len(ax.lhsBatch)
	lhsFree := freeAxes(lhs.Rank(), ax.lhsContracting, ax.lhsBatch)
	rhsFree := freeAxes(rhs.Rank(), ax.rhsContracting, ax.rhsBatch)
	vBatch := seq(0, nb)
	vLhsFree := seq(nb, len(lhsFree))
	vRhsFree := seq(nb+len(lhsFree), len(rhsFree))

	grad := func(x *Node, xBatch, xContracting, xFree []int, y *Node, yBatch, yContracting, yFree, vXFree, vYFree []int) *Node {
		_ = vXFree
		// g: [batch…, x free…, y contracted axes (increasing)].
		g := DotGeneral(v, vYFree, vBatch, y, yFree, yBatch)
		sortedYC := slices.Sorted(slices.Values(yContracting))
		perm := make([]int, x.Rank())
		for i, a := range xBatch {
			perm[a] = i
		}
		for i, a := range xFree {
			perm[a] = nb + i
		}
		for i, a := range xContracting {
			perm[a] = nb + len(xFree) + slices.Index(sortedYC, yContracting[i])
		}
		if !isIdentity(perm) {
			g = TransposeAllAxes(g, perm...)
		}
		return g
	}
	return []*Node{
		grad(lhs, ax.lhsBatch, ax.lhsContracting, lhsFree, rhs, ax.rhsBatch, ax.rhsContracting, rhsFree, vLhsFree, vRhsFree),
		grad(rhs, ax.rhsBatch, ax.rhsContracting, rhsFree, lhs, ax.lhsBatch, ax.lhsContracting, lhsFree, vRhsFree, vLhsFree),
	}
}

func seq(start, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = start + i
	}
	return s
}

func isIdentity(perm []int) bool {
	for i, p := range perm {
		if i != p {
			return false
		}
	}
	return true
}
