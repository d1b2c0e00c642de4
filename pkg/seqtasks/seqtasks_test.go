package seqtasks

import (
	"slices"
	"strings"
	"testing"
)

var spec = Format{Values: 16, Length: 7}

func TestLayoutOfTheSpec(t *testing.T) {
	if spec.Vocab() != 20 || spec.SeqLen() != 16 {
		t.Fatalf("vocab %d, length %d; want 20 and 16", spec.Vocab(), spec.SeqLen())
	}
	s, err := Generate(spec, []Task{Copy, SortAsc, SortDesc}, 300, 1)
	if err != nil {
		t.Fatal(err)
	}
	T, L := 16, 7
	for i := range s.N {
		seq := s.Tokens[i*T : (i+1)*T]
		task := s.Tasks[i]
		if task != AllTasks[i%3] || seq[0] != spec.TaskToken(task) || seq[L+1] != spec.SEP() {
			t.Fatalf("sequence %d: task %s, tokens %v", i, task, seq)
		}
		x, y := seq[1:L+1], seq[L+2:]
		for _, v := range x {
			if v < 0 || v >= 16 {
				t.Fatalf("content token %d out of range", v)
			}
		}
		switch task {
		case Copy:
			if !slices.Equal(x, y) {
				t.Fatalf("copy: %v → %v", x, y)
			}
		case SortAsc:
			if !slices.IsSorted(y) {
				t.Fatalf("sort-asc: %v → %v", x, y)
			}
		case SortDesc:
			r := slices.Clone(y)
			slices.Reverse(r)
			if !slices.IsSorted(r) {
				t.Fatalf("sort-desc: %v → %v", x, y)
			}
		}
		if task != Copy {
			a, b := slices.Clone(x), slices.Clone(y)
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) {
				t.Fatalf("%s changed the multiset: %v → %v", task, x, y)
			}
		}
		// Targets are the next tokens; the mask covers exactly the answer.
		var masked []int
		for p := range T {
			if p < T-1 && s.Targets[i*T+p] != seq[p+1] {
				t.Fatalf("target at %d is %d, next token %d", p, s.Targets[i*T+p], seq[p+1])
			}
			if s.Mask[i*T+p] == 1 {
				masked = append(masked, s.Targets[i*T+p])
			}
		}
		if !slices.Equal(masked, y) {
			t.Fatalf("masked targets %v, answer %v", masked, y)
		}
	}
	// Perfect predictions score 1; shifting one answer token costs one token and one sequence.
	pred := slices.Clone(s.Targets)
	if tok, seq, _ := s.Score(pred); tok != 1 || seq != 1 {
		t.Errorf("perfect predictions score %v, %v", tok, seq)
	}
	pred[L+1] = (pred[L+1] + 1) % 16
	tok, seq, _ := s.Score(pred)
	if want := 1 - 1.0/float64(7*300); tok != want || seq != 1-1.0/300 {
		t.Errorf("one wrong token: token accuracy %v (want %v), sequence accuracy %v", tok, want, seq)
	}
}

func TestDeterministicAndOneHot(t *testing.T) {
	a, _ := Generate(spec, []Task{SortDesc}, 50, 7)
	b, _ := Generate(spec, []Task{SortDesc}, 50, 7)
	c, _ := Generate(spec, []Task{SortDesc}, 50, 8)
	if !slices.Equal(a.Tokens, b.Tokens) || slices.Equal(a.Tokens, c.Tokens) {
		t.Error("the seed does not determine the sequences")
	}
	oh := a.OneHot([]int{3, 0}, false)
	if len(oh) != 2*16*20 {
		t.Fatalf("one-hot has %d values", len(oh))
	}
	for p := range 16 {
		row := oh[p*20 : (p+1)*20]
		var sum float32
		for _, v := range row {
			sum += v
		}
		if row[a.Tokens[3*16+p]] != 1 || sum != 1 {
			t.Fatalf("one-hot row %d of sequence 3: %v", p, row)
		}
	}
	if m := a.Masks([]int{1}); len(m) != 16 || m[8] != 1 || m[7] != 0 || m[15] != 0 {
		t.Errorf("mask %v", m)
	}
}

func TestErrors(t *testing.T) {
	for want, f := range map[string]func() error{
		"values must be": func() error { _, err := Generate(Format{Values: 1, Length: 3}, []Task{Copy}, 1, 0); return err },
		"length must be": func() error { _, err := Generate(Format{Values: 4, Length: 0}, []Task{Copy}, 1, 0); return err },
		"unknown task":   func() error { _, err := Generate(spec, []Task{"reverse"}, 1, 0); return err },
		"no tasks":       func() error { _, err := Generate(spec, nil, 1, 0); return err },
		"n must be":      func() error { _, err := Generate(spec, []Task{Copy}, 0, 0); return err },
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
		}
	}
}
