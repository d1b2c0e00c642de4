package data

import (
	"math"
	"slices"
	"testing"
)

// rampImages returns n images h×w×c whose pixel value encodes its position,
// v = i·1000 + ch·100 + row·10 + col (scaled by 1/10000 to stay small), and
// labels i mod classes.
func rampImages(n, h, w, c, classes int) *Images {
	im := &Images{Name: "ramp", N: n, Height: h, Width: w, Channels: c, NumClasses: classes}
	for i := range n {
		for r := range h {
			for q := range w {
				for ch := range c {
					im.Pixels = append(im.Pixels, float32(i*1000+ch*100+r*10+q)/10000)
				}
			}
		}
		im.Labels = append(im.Labels, i%classes)
	}
	return im
}

func TestImagesLayout(t *testing.T) {
	im := rampImages(2, 3, 4, 2, 2)
	if err := im.Validate(); err != nil {
		t.Fatal(err)
	}
	if im.Features() != 24 || len(im.Image(1)) != 24 {
		t.Fatalf("Features %d", im.Features())
	}
	if got, want := im.At(1, 2, 3, 1), float32(1000+100+23)/10000; got != want {
		t.Errorf("At(1,2,3,1) = %g, want %g", got, want)
	}
}

func TestAvgPool2x2HandMade(t *testing.T) {
	im := &Images{
		Name: "hand", N: 1, Height: 4, Width: 4, Channels: 1, NumClasses: 1,
		Labels: []int{0},
		Pixels: []float32{
			1, 3, 0, 0,
			5, 7, 0, 4,
			1, 1, 2, 2,
			1, 1, 2, 6,
		},
	}
	p, err := im.AvgPool2x2()
	if err != nil {
		t.Fatal(err)
	}
	if p.Height != 2 || p.Width != 2 || p.N != 1 || p.Name != "hand-pool2" {
		t.Fatalf("pooled shape %d×%d N=%d name %q", p.Height, p.Width, p.N, p.Name)
	}
	if want := []float32{4, 1, 1, 3}; !slices.Equal(p.Pixels, want) {
		t.Errorf("pooled = %v, want %v", p.Pixels, want)
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
}

// Pooling works per channel and per image, and 28×28 becomes 14×14.
func TestAvgPoolChannels(t *testing.T) {
	im := rampImages(3, 28, 28, 2, 3)
	p, err := im.AvgPool2x2()
	if err != nil {
		t.Fatal(err)
	}
	if p.Height != 14 || p.Width != 14 || p.Channels != 2 || p.N != 3 {
		t.Fatalf("shape %d×%d×%d N=%d", p.Height, p.Width, p.Channels, p.N)
	}
	for _, pt := range [][4]int{{0, 0, 0, 0}, {2, 13, 13, 1}, {1, 5, 9, 0}} {
		i, r, q, ch := pt[0], pt[1], pt[2], pt[3]
		// The mean of the 2×2 block of the ramp is its value at (2r+½, 2q+½).
		want := (float64(i*1000+ch*100) + 10*(2*float64(r)+0.5) + (2*float64(q) + 0.5)) / 10000
		if got := p.At(i, r, q, ch); math.Abs(float64(got)-want) > 1e-6 {
			t.Errorf("pooled At%v = %g, want %g", pt, got, want)
		}
	}
	if _, err := rampImages(1, 5, 4, 1, 1).AvgPool2x2(); err == nil {
		t.Error("odd height: no error")
	}
	if _, err := im.AvgPool(0); err == nil {
		t.Error("k=0: no error")
	}
	p7, err := p.AvgPool(2)
	if err != nil || p7.Height != 7 {
		t.Errorf("14×14 → 7×7: %v, height %d", err, p7.Height)
	}
}

func TestRescaleGrayscale(t *testing.T) {
	im := &Images{Name: "c", N: 1, Height: 1, Width: 2, Channels: 3, NumClasses: 10, Labels: []int{3},
		Pixels: []float32{1, 0, 0, 0.5, 0.5, 0.5}}
	r := im.Rescale(-1, 1)
	if want := []float32{1, -1, -1, 0, 0, 0}; !slices.Equal(r.Pixels, want) {
		t.Errorf("Rescale = %v, want %v", r.Pixels, want)
	}
	if im.Pixels[1] != 0 {
		t.Error("Rescale changed its input")
	}
	g, err := im.Grayscale()
	if err != nil {
		t.Fatal(err)
	}
	if g.Channels != 1 || math.Abs(float64(g.Pixels[0])-0.299) > 1e-6 || math.Abs(float64(g.Pixels[1])-0.5) > 1e-6 {
		t.Errorf("Grayscale = %v (channels %d)", g.Pixels, g.Channels)
	}
	if _, err := rampImages(1, 2, 2, 2, 1).Grayscale(); err == nil {
		t.Error("2 channels: no error")
	}
}

func TestFilterAndRemapClasses(t *testing.T) {
	im := rampImages(10, 2, 2, 1, 10) // labels 0 … 9
	low, err := im.FilterClasses(0, 1, 2, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(low.Labels, []int{0, 1, 2, 3, 4}) || low.NumClasses != 10 || low.Name != "ramp-classes01234" {
		t.Errorf("FilterClasses: labels %v, classes %d, name %q", low.Labels, low.NumClasses, low.Name)
	}
	high, err := im.RemapClasses(5, 6, 7, 8, 9)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(high.Labels, []int{0, 1, 2, 3, 4}) || high.NumClasses != 5 {
		t.Errorf("RemapClasses: labels %v, classes %d", high.Labels, high.NumClasses)
	}
	// Image 7 of the original is image 2 of the remapped set.
	if !slices.Equal(high.Image(2), im.Image(7)) {
		t.Error("RemapClasses moved the wrong pixels")
	}
	if err := high.Validate(); err != nil {
		t.Error(err)
	}
	if _, err := im.FilterClasses(10); err == nil {
		t.Error("class 10 of 10: no error")
	}
	if _, err := im.FilterClasses(1, 1); err == nil {
		t.Error("duplicate class: no error")
	}
	if got := ClassIndices([]int{3, 1, 3, 2}, 3, 2); !slices.Equal(got, []int{0, 2, 3}) {
		t.Errorf("ClassIndices = %v", got)
	}
}

func TestImagesHeadSubsetShuffle(t *testing.T) {
	im := rampImages(20, 2, 3, 1, 4)
	h := im.Head(5)
	if h.N != 5 || !slices.Equal(h.Labels, []int{0, 1, 2, 3, 0}) || !slices.Equal(h.Image(4), im.Image(4)) {
		t.Errorf("Head(5): N=%d labels %v", h.N, h.Labels)
	}
	if im.Head(100).N != 20 || im.Head(-1).N != 0 {
		t.Error("Head does not clamp")
	}
	a, b := im.Shuffle(3), im.Shuffle(3)
	if !slices.Equal(a.Pixels, b.Pixels) || !slices.Equal(a.Labels, b.Labels) {
		t.Error("Shuffle(3) twice differs")
	}
	if slices.Equal(a.Labels, im.Shuffle(4).Labels) && slices.Equal(a.Pixels, im.Shuffle(4).Pixels) {
		t.Error("Shuffle(3) equals Shuffle(4)")
	}
	perm := Permutation(20, 3)
	for k, i := range perm {
		if !slices.Equal(a.Image(k), im.Image(i)) || a.Labels[k] != im.Labels[i] {
			t.Fatalf("shuffled image %d is not original image %d", k, i)
		}
	}
	if !slices.Equal(a.ClassCounts(), im.ClassCounts()) {
		t.Error("Shuffle changed the class counts")
	}
	if _, err := im.Subset([]int{20}); err == nil {
		t.Error("index 20 of 20: no error")
	}
}

func TestImagesToDataset(t *testing.T) {
	im := rampImages(3, 2, 2, 1, 2)
	ds, err := im.ToDataset()
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	if ds.N != 3 || ds.D != 4 || ds.K != 2 || !slices.Equal(ds.Labels, []int{0, 1, 0}) {
		t.Fatalf("N=%d D=%d K=%d labels %v", ds.N, ds.D, ds.K, ds.Labels)
	}
	if !slices.Equal(ds.Target(1), []float64{0, 1}) {
		t.Errorf("one-hot target of image 1: %v", ds.Target(1))
	}
	if ds.Row(2)[3] != float64(im.Image(2)[3]) {
		t.Error("X does not follow Pixels")
	}
	im.Labels[0] = 5
	if _, err := im.ToDataset(); err == nil {
		t.Error("label 5 with 2 classes: no error")
	}
}
