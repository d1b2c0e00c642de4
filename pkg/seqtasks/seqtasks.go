package seqtasks

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Task names one transformation of the content.
type Task string

// The tasks, in the order that fixes their task tokens.
const (
	Copy     Task = "copy"
	SortAsc  Task = "sort-asc"
	SortDesc Task = "sort-desc"
)

// AllTasks lists the tasks in token order.
var AllTasks = []Task{Copy, SortAsc, SortDesc}

// Format fixes the token layout: Values content tokens and lists of Length.
type Format struct {
	Values int `json:"values"`
	Length int `json:"length"`
}

// Validate reports a format that cannot make sequences.
func (f Format) Validate() error {
	if f.Values < 2 {
		return fmt.Errorf("seqtasks: values must be ≥ 2, got %d", f.Values)
	}
	if f.Length < 1 {
		return fmt.Errorf("seqtasks: length must be ≥ 1, got %d", f.Length)
	}
	return nil
}

// SEP is the separator token.
func (f Format) SEP() int { return f.Values }

// TaskToken is the token announcing task t.
func (f Format) TaskToken(t Task) int { return f.Values + 1 + slices.Index(AllTasks, t) }

// Vocab is the number of tokens: content, SEP and one per task.
func (f Format) Vocab() int { return f.Values + 1 + len(AllTasks) }

// SeqLen is the number of positions of a sequence, 2L + 2.
func (f Format) SeqLen() int { return 2*f.Length + 2 }

// Answer applies task t to the content x.
func Answer(t Task, x []int) []int {
	y := slices.Clone(x)
	switch t {
	case SortAsc:
		slices.Sort(y)
	case SortDesc:
		slices.Sort(y)
		slices.Reverse(y)
	}
	return y
}

// Set is N sequences, row-major [N, SeqLen].
type Set struct {
	Format  Format
	N       int
	Tasks   []Task    // per sequence
	Tokens  []int     // [N, T]: the sequences
	Targets []int     // [N, T]: the next token (0 where there is none)
	Mask    []float32 // [N, T]: 1 where the next token is part of the answer
}

// Generate draws n sequences; sequence i has task tasks[i mod len(tasks)],
// and its content comes from the PCG stream (seed, 0). The same arguments
// always give the same sequences.
func Generate(f Format, tasks []Task, n int, seed uint64) (*Set, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("seqtasks: n must be ≥ 1, got %d", n)
	}
	if len(tasks) == 0 {
		return nil, fmt.Errorf("seqtasks: no tasks")
	}
	for _, t := range tasks {
		if !slices.Contains(AllTasks, t) {
			return nil, fmt.Errorf("seqtasks: unknown task %q (want one of %v)", t, AllTasks)
		}
	}
	T, L := f.SeqLen(), f.Length
	s := &Set{Format: f, N: n, Tokens: make([]int, n*T), Targets: make([]int, n*T), Mask: make([]float32, n*T)}
	rng := rand.New(rand.NewPCG(seed, 0))
	x := make([]int, L)
	for i := range n {
		t := tasks[i%len(tasks)]
		s.Tasks = append(s.Tasks, t)
		for j := range x {
			x[j] = rng.IntN(f.Values)
		}
		seq := s.Tokens[i*T : (i+1)*T]
		seq[0] = f.TaskToken(t)
		copy(seq[1:], x)
		seq[L+1] = f.SEP()
		copy(seq[L+2:], Answer(t, x))
		for p := range T - 1 {
			s.Targets[i*T+p] = seq[p+1]
			if p >= L+1 {
				s.Mask[i*T+p] = 1
			}
		}
	}
	return s, nil
}

// OneHot returns the one-hot encoding of the sequences at idx, [len(idx), T, Vocab], float32.
func (s *Set) OneHot(idx []int, targets bool) []float32 {
	T, V := s.Format.SeqLen(), s.Format.Vocab()
	out := make([]float32, len(idx)*T*V)
	src := s.Tokens
	if targets {
		src = s.Targets
	}
	for b, i := range idx {
		for p := range T {
			out[(b*T+p)*V+src[i*T+p]] = 1
		}
	}
	return out
}

// Masks returns the answer mask of the sequences at idx, [len(idx), T].
func (s *Set) Masks(idx []int) []float32 {
	T := s.Format.SeqLen()
	out := make([]float32, 0, len(idx)*T)
	for _, i := range idx {
		out = append(out, s.Mask[i*T:(i+1)*T]...)
	}
	return out
}

// Score compares predicted next tokens pred [N, T] (argmax of the logits)
// with the answers: the fraction of answer tokens right, and the fraction
// of sequences whose whole answer is right.
func (s *Set) Score(pred []int) (tokenAcc, seqAcc float64, err error) {
	T := s.Format.SeqLen()
	if len(pred) != s.N*T {
		return 0, 0, fmt.Errorf("seqtasks: %d predictions for %d sequences of %d", len(pred), s.N, T)
	}
	var right, total, seqs int
	for i := range s.N {
		all := true
		for p := range T {
			if s.Mask[i*T+p] == 0 {
				continue
			}
			total++
			if pred[i*T+p] == s.Targets[i*T+p] {
				right++
			} else {
				all = false
			}
		}
		if all {
			seqs++
		}
	}
	return float64(right) / float64(total), float64(seqs) / float64(s.N), nil
}
