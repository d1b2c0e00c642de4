package data

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Images is a labelled set of images. Pixels are float32, stored row-major as
// [N, Height, Width, Channels] (channels last, GoMLX's default image layout):
// channel ch of the pixel at (row, col) of image i is
//
//	Pixels[((i*Height+row)*Width+col)*Channels+ch]
//
// As loaded, pixel values lie in [0, 1] (byte/255); Rescale and pooling keep
// that meaning, standardization (after ToDataset) does not. Labels holds one
// class in [0, NumClasses) per image.
type Images struct {
	Name       string    // e.g. "mnist-train", "cifar10-test"
	Pixels     []float32 // [N, Height, Width, Channels] row-major
	Labels     []int     // [N], values in [0, NumClasses)
	N          int
	Height     int
	Width      int
	Channels   int
	NumClasses int
}

// Features returns the number of values per image, Height·Width·Channels.
func (im *Images) Features() int { return im.Height * im.Width * im.Channels }

// Image returns the pixels of image i, a view into Pixels of length Features().
func (im *Images) Image(i int) []float32 {
	f := im.Features()
	return im.Pixels[i*f : (i+1)*f]
}

// At returns channel ch of the pixel at (row, col) of image i.
func (im *Images) At(i, row, col, ch int) float32 {
	return im.Pixels[((i*im.Height+row)*im.Width+col)*im.Channels+ch]
}

// Validate checks the shape fields against the slice lengths and the labels
// against NumClasses.
func (im *Images) Validate() error {
	if im == nil {
		return errors.New("data: nil Images")
	}
	if im.N < 0 || im.Height <= 0 || im.Width <= 0 || im.Channels <= 0 {
		return fmt.Errorf("data: images %q have invalid shape N=%d H=%d W=%d C=%d", im.Name, im.N, im.Height, im.Width, im.Channels)
	}
	if len(im.Pixels) != im.N*im.Features() {
		return fmt.Errorf("data: images %q: len(Pixels)=%d, want N·H·W·C=%d", im.Name, len(im.Pixels), im.N*im.Features())
	}
	if len(im.Labels) != im.N {
		return fmt.Errorf("data: images %q: len(Labels)=%d, want N=%d", im.Name, len(im.Labels), im.N)
	}
	for i, l := range im.Labels {
		if l < 0 || l >= im.NumClasses {
			return fmt.Errorf("data: images %q: label %d of image %d is outside [0, %d)", im.Name, l, i, im.NumClasses)
		}
	}
	return nil
}

// ClassCounts returns the number of images of each class, indexed by label.
func (im *Images) ClassCounts() []int {
	counts := make([]int, im.NumClasses)
	for _, l := range im.Labels {
		if l >= 0 && l < len(counts) {
			counts[l]++
		}
	}
	return counts
}

// emptyLike returns an Images with im's metadata and room for n images.
func (im *Images) emptyLike(n int) *Images {
	return &Images{
		Name:       im.Name,
		Pixels:     make([]float32, 0, n*im.Features()),
		Labels:     make([]int, 0, n),
		Height:     im.Height,
		Width:      im.Width,
		Channels:   im.Channels,
		NumClasses: im.NumClasses,
	}
}

// Subset returns a copy holding the images at the given indices, in that
// order (indices may repeat).
func (im *Images) Subset(indices []int) (*Images, error) {
	out := im.emptyLike(len(indices))
	for _, i := range indices {
		if i < 0 || i >= im.N {
			return nil, fmt.Errorf("data: subset index %d outside [0, %d) of images %q", i, im.N, im.Name)
		}
		out.Pixels = append(out.Pixels, im.Image(i)...)
		out.Labels = append(out.Labels, im.Labels[i])
	}
	out.N = len(indices)
	return out, nil
}

// Head returns a copy of the first n images (all of them if n >= N).
func (im *Images) Head(n int) *Images {
	n = max(0, min(n, im.N))
	out := im.emptyLike(n)
	out.Pixels = append(out.Pixels, im.Pixels[:n*im.Features()]...)
	out.Labels = append(out.Labels, im.Labels[:n]...)
	out.N = n
	return out
}

// Shuffle returns a copy with the images in the order Permutation(N, seed).
// The same seed always gives the same order.
func (im *Images) Shuffle(seed uint64) *Images {
	out, err := im.Subset(Permutation(im.N, seed))
	if err != nil { // cannot happen: a permutation is always in range
		panic(err)
	}
	return out
}

// ClassIndices returns, in increasing order, the indices i with labels[i] in
// classes.
func ClassIndices(labels []int, classes ...int) []int {
	want := make(map[int]bool, len(classes))
	for _, c := range classes {
		want[c] = true
	}
	var idx []int
	for i, l := range labels {
		if want[l] {
			idx = append(idx, i)
		}
	}
	return idx
}

func (im *Images) checkClasses(classes []int) error {
	if len(classes) == 0 {
		return errors.New("data: no classes given")
	}
	seen := make(map[int]bool, len(classes))
	for _, c := range classes {
		if c < 0 || c >= im.NumClasses {
			return fmt.Errorf("data: class %d is outside [0, %d) of images %q", c, im.NumClasses, im.Name)
		}
		if seen[c] {
			return fmt.Errorf("data: class %d given twice", c)
		}
		seen[c] = true
	}
	return nil
}

func classSuffix(classes []int) string {
	sep := ""
	for _, c := range classes {
		if c >= 10 {
			sep = "_"
		}
	}
	parts := make([]string, len(classes))
	for i, c := range classes {
		parts[i] = strconv.Itoa(c)
	}
	return "-classes" + strings.Join(parts, sep)
}

// FilterClasses returns a copy holding only the images whose label is one of
// classes, in their original order. Labels and NumClasses are unchanged; use
// RemapClasses to renumber them.
func (im *Images) FilterClasses(classes ...int) (*Images, error) {
	if err := im.checkClasses(classes); err != nil {
		return nil, err
	}
	out, err := im.Subset(ClassIndices(im.Labels, classes...))
	if err != nil {
		return nil, err
	}
	out.Name += classSuffix(classes)
	return out, nil
}

// RemapClasses is FilterClasses followed by renumbering: an image of class
// classes[j] gets label j, and NumClasses becomes len(classes). For example
// RemapClasses(5, 6, 7, 8, 9) turns MNIST digits 5–9 into a 5-class set with
// labels 0–4.
func (im *Images) RemapClasses(classes ...int) (*Images, error) {
	out, err := im.FilterClasses(classes...)
	if err != nil {
		return nil, err
	}
	newLabel := make(map[int]int, len(classes))
	for j, c := range classes {
		newLabel[c] = j
	}
	for i, l := range out.Labels {
		out.Labels[i] = newLabel[l]
	}
	out.NumClasses = len(classes)
	return out, nil
}

// AvgPool returns images downsampled by averaging each non-overlapping k×k
// block of pixels, per channel: H×W becomes (H/k)×(W/k). H and W must be
// multiples of k.
func (im *Images) AvgPool(k int) (*Images, error) {
	if k <= 0 {
		return nil, fmt.Errorf("data: AvgPool window must be positive, got k=%d", k)
	}
	if im.Height%k != 0 || im.Width%k != 0 {
		return nil, fmt.Errorf("data: AvgPool(%d) needs height and width divisible by %d, images %q are %d×%d",
			k, k, im.Name, im.Height, im.Width)
	}
	h, w, c := im.Height/k, im.Width/k, im.Channels
	out := &Images{
		Name:       fmt.Sprintf("%s-pool%d", im.Name, k),
		Pixels:     make([]float32, im.N*h*w*c),
		Labels:     append([]int(nil), im.Labels...),
		N:          im.N,
		Height:     h,
		Width:      w,
		Channels:   c,
		NumClasses: im.NumClasses,
	}
	inv := 1 / float64(k*k)
	for i := range im.N {
		for r := range h {
			for q := range w {
				for ch := range c {
					// out(r, q) = (1/k²) Σ_{a,b<k} in(k·r+a, k·q+b)
					var sum float64
					for a := range k {
						for b := range k {
							sum += float64(im.At(i, k*r+a, k*q+b, ch))
						}
					}
					out.Pixels[((i*h+r)*w+q)*c+ch] = float32(sum * inv)
				}
			}
		}
	}
	return out, nil
}

// AvgPool2x2 is AvgPool(2): it turns 28×28 MNIST into 14×14.
func (im *Images) AvgPool2x2() (*Images, error) { return im.AvgPool(2) }

// Rescale returns a copy with every pixel v mapped to lo + (hi − lo)·v, which
// takes [0, 1] to [lo, hi] (e.g. Rescale(−1, 1) for a tanh generator).
func (im *Images) Rescale(lo, hi float32) *Images {
	out := im.Head(im.N)
	for i, v := range out.Pixels {
		out.Pixels[i] = lo + (hi-lo)*v
	}
	return out
}

// Grayscale returns a one-channel copy. Three-channel (RGB) images are
// combined with the ITU-R BT.601 luma weights 0.299 R + 0.587 G + 0.114 B;
// one-channel images are copied.
func (im *Images) Grayscale() (*Images, error) {
	switch im.Channels {
	case 1:
		return im.Head(im.N), nil
	case 3:
	default:
		return nil, fmt.Errorf("data: Grayscale needs 1 or 3 channels, images %q have %d", im.Name, im.Channels)
	}
	hw := im.Height * im.Width
	out := &Images{
		Name:       im.Name + "-gray",
		Pixels:     make([]float32, im.N*hw),
		Labels:     append([]int(nil), im.Labels...),
		N:          im.N,
		Height:     im.Height,
		Width:      im.Width,
		Channels:   1,
		NumClasses: im.NumClasses,
	}
	for p := range im.N * hw {
		rgb := im.Pixels[3*p : 3*p+3]
		out.Pixels[p] = 0.299*rgb[0] + 0.587*rgb[1] + 0.114*rgb[2]
	}
	return out, nil
}

// ToDataset flattens the images into a Dataset: X is [N, H·W·C] in float64
// (same element order as Pixels), Y is the one-hot encoding of the labels
// [N, NumClasses], and Labels is a copy of the labels.
func (im *Images) ToDataset() (*Dataset, error) {
	if err := im.Validate(); err != nil {
		return nil, err
	}
	y, err := OneHot(im.Labels, im.NumClasses)
	if err != nil {
		return nil, err
	}
	return &Dataset{
		Name:   im.Name,
		X:      toFloat64(im.Pixels),
		Y:      y,
		Labels: append([]int(nil), im.Labels...),
		N:      im.N,
		D:      im.Features(),
		K:      im.NumClasses,
	}, nil
}
