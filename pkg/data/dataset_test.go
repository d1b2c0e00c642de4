package data

import (
	"slices"
	"testing"
)

func TestOneHot(t *testing.T) {
	got, err := OneHot([]int{2, 0, 1}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 0, 1, 1, 0, 0, 0, 1, 0}
	if !slices.Equal(got, want) {
		t.Errorf("OneHot = %v, want %v", got, want)
	}
	if _, err := OneHot([]int{0, 3}, 3); err == nil {
		t.Error("label 3 with k=3: no error")
	}
	if _, err := OneHot([]int{-1}, 3); err == nil {
		t.Error("label -1: no error")
	}
	if _, err := OneHot([]int{0}, 0); err == nil {
		t.Error("k=0: no error")
	}
}

func smallDataset() *Dataset {
	return &Dataset{
		Name:   "small",
		X:      []float64{0, 1, 10, 11, 20, 21, 30, 31},
		Y:      []float64{1, 0, 0, 1, 1, 0, 0, 1},
		Labels: []int{0, 1, 0, 1},
		N:      4, D: 2, K: 2,
	}
}

func TestDatasetSubsetShuffleFloat32(t *testing.T) {
	ds := smallDataset()
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	sub, err := ds.Subset([]int{3, 1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sub.X, []float64{30, 31, 10, 11}) || !slices.Equal(sub.Labels, []int{1, 1}) || sub.N != 2 {
		t.Errorf("Subset = %+v", sub)
	}
	if err := sub.Validate(); err != nil {
		t.Error(err)
	}
	if _, err := ds.Subset([]int{4}); err == nil {
		t.Error("index 4 of 4: no error")
	}

	a, b := ds.Shuffle(7), ds.Shuffle(7)
	if !slices.Equal(a.X, b.X) || !slices.Equal(a.Labels, b.Labels) {
		t.Error("Shuffle with the same seed differs")
	}
	// Rows stay intact: the first feature is 10·i and the second 10·i+1.
	for i := range a.N {
		r := a.Row(i)
		if r[1] != r[0]+1 || a.Labels[i] != int(r[0]/10)%2 {
			t.Errorf("shuffled row %d = %v with label %d: rows were mixed", i, r, a.Labels[i])
		}
	}

	x32, y32 := ds.Float32()
	if len(x32) != 8 || x32[5] != 21 || y32[3] != 1 {
		t.Errorf("Float32 = %v, %v", x32, y32)
	}

	bad := smallDataset()
	bad.Labels[2] = 2
	if err := bad.Validate(); err == nil {
		t.Error("label 2 with K=2 passes Validate")
	}
	bad = smallDataset()
	bad.X = bad.X[:7]
	if err := bad.Validate(); err == nil {
		t.Error("short X passes Validate")
	}
}
