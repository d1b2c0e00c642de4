package train

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// SoftmaxCrossEntropy is the mean cross-entropy of softmax outputs against
// one-hot targets, per run:
//
//	L_r = −(1/N) Σₙ Σₖ yₙₖ log softmax(z_r,n)ₖ
//
// logits is [R, N, K]; onehot is [R, N, K] (per-run batches) or [N, K]
// (shared by the runs); the result is [R].
func SoftmaxCrossEntropy(logits, onehot *Node) *Node {
	if onehot.Rank() == 2 {
		onehot = InsertAxes(onehot, 0)
	}
	n := float64(logits.Shape().Dimensions[1])
	// log softmax(z)ₖ = zₖ − log Σⱼ exp(zⱼ), computed stably by LogSoftmax.
	logp := LogSoftmax(logits, -1)
	return MulScalar(ReduceSum(Mul(onehot, logp), 1, 2), -1/n)
}

// Accuracy returns, for each run, the fraction of examples whose largest
// logit is at the true label: logits is [R, N, K] row-major, labels [N].
// Ties go to the smallest index.
func Accuracy[T float32 | float64](logits []T, runs, k int, labels []int) ([]float64, error) {
	n := len(labels)
	if len(logits) != runs*n*k {
		return nil, fmt.Errorf("train.Accuracy: %d logits for %d runs × %d examples × %d classes", len(logits), runs, n, k)
	}
	acc := make([]float64, runs)
	for r := range runs {
		correct := 0
		for i, label := range labels {
			row := logits[(r*n+i)*k : (r*n+i+1)*k]
			best := 0
			for j, v := range row {
				if v > row[best] {
					best = j
				}
			}
			if best == label {
				correct++
			}
		}
		acc[r] = float64(correct) / float64(n)
	}
	return acc, nil
}

// MaskedSoftmaxCrossEntropy is the cross-entropy averaged over the positions
// where mask is 1, per run (a sequence model scored on its answer tokens):
//
//	L_r = −Σ_{n,t} m_{n,t} Σₖ y_{n,t,k} log softmax(z_{r,n,t})ₖ / Σ_{n,t} m_{n,t}
//
// logits and onehot are [R, N, T, K], mask is [R, N, T]; the result is [R].
func MaskedSoftmaxCrossEntropy(logits, onehot, mask *Node) *Node {
	logp := LogSoftmax(logits, -1)
	perPos := Neg(ReduceSum(Mul(onehot, logp), -1)) // [R, N, T]
	num := ReduceSum(Mul(perPos, mask), 1, 2)       // [R]
	den := ReduceSum(mask, 1, 2)
	return Div(num, Max(den, OnesLike(den)))
}
