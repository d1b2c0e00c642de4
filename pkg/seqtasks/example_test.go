package seqtasks_test

import (
	"fmt"

	"theorylab/pkg/seqtasks"
)

func Example() {
	f := seqtasks.Format{Values: 16, Length: 7}
	s, _ := seqtasks.Generate(f, []seqtasks.Task{seqtasks.SortDesc}, 1, 3)
	fmt.Println("vocabulary", f.Vocab(), "positions", f.SeqLen())
	fmt.Println("sequence:", s.Tokens)
	fmt.Println("answer mask:", s.Mask)
	// Output:
	// vocabulary 20 positions 16
	// sequence: [19 7 4 8 11 12 11 3 16 12 11 11 8 7 4 3]
	// answer mask: [0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 0]
}
