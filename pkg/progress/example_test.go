package progress_test

import (
	"bytes"
	"fmt"
	"strings"

	"theorylab/pkg/progress"
)

// train is code that reports progress through a Reporter, so that tests can
// pass progress.Silent.
func train(steps int, r progress.Reporter) float64 {
	loss := 1.0
	for step := range steps {
		loss *= 0.9
		r.Update(step+1, fmt.Sprintf("loss=%.3f", loss))
	}
	r.Done(fmt.Sprintf("%d steps, final loss %.4f", steps, loss))
	return loss
}

func Example() {
	// In a program: progress.New("train", steps) picks a notebook bar, a
	// terminal bar or plain log lines. Here, plain lines go to a buffer.
	var log bytes.Buffer
	train(50, progress.NewPlain(&log, "train", 50))
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	fmt.Println(len(lines), "lines; the last one:")
	fmt.Println(lines[len(lines)-1])

	// In a test: no output at all.
	train(50, progress.Silent)
	// Output:
	// 11 lines; the last one:
	// train: 50 steps, final loss 0.0052
}
